/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Patient- and staff-facing messages of the qualification flow. Each
 * message has an id (what the flow hands a CLI or GUI), a stable ASCII
 * key (for JSON output and GUIs with their own catalogues) and a text.
 *
 * The texts are Japanese in the source and go through gettext (domain
 * "mncr"), so a reader shows Japanese with no catalogue installed and
 * English when the locale asks for it (LANGUAGE=en, or LC_MESSAGES=en_*,
 * with po/en.po compiled; see po/README.rst). Choosing the language is the
 * program's business: it calls setlocale() and mncr_msg_bind() once.
 *
 * Parameters are integers written as {0} and {1}; the formatter here
 * substitutes them, so a translation never reaches printf.
 */
#ifndef MNCR_MESSAGES_H
#define MNCR_MESSAGES_H

#include <stddef.h>

#define MNCR_MSG_DOMAIN "mncr"
#define MNCR_MSG_PARAMS 2

enum mncr_msg {
	MNCR_MSG_NONE,

	/* card and method */
	MNCR_MSG_READING_CARD,
	MNCR_MSG_CHOOSE_METHOD,
	MNCR_MSG_FACE_LOOK,
	MNCR_MSG_FACE_NO_MATCH,		/* {0} attempt, {1} of */
	MNCR_MSG_FACE_NO_FACE,		/* {0} attempt, {1} of */
	MNCR_MSG_FACE_LIVENESS,		/* {0} attempt, {1} of */
	MNCR_MSG_FACE_FAILED_PIN,
	MNCR_MSG_FACE_FAILED_STAFF,
	MNCR_MSG_FACE_PHOTO_UNUSABLE,	/* the card's photo: no face to match */
	MNCR_MSG_CARD_UNVERIFIED,	/* staff: the card could not be verified */

	/* PIN */
	MNCR_MSG_PIN_ENTER,
	MNCR_MSG_PIN_FORMAT,
	MNCR_MSG_PIN_WRONG,		/* {0} tries left */
	MNCR_MSG_PIN_LAST_TRY,
	MNCR_MSG_PIN_BLOCKED,

	/* staff and 目視確認 */
	MNCR_MSG_STAFF_CHOOSE,
	MNCR_MSG_VISUAL_NEEDS_MODE,
	MNCR_MSG_VISUAL_ATTEST,
	MNCR_MSG_VISUAL_NOT_ATTESTED,
	MNCR_MSG_VISUAL_REFUSED_ABSENT,
	MNCR_MSG_NOT_OFFERED,

	/* consent */
	MNCR_MSG_CONSENT_MEDICATION,
	MNCR_MSG_CONSENT_CHECKUP,
	MNCR_MSG_CONSENT_CLINICAL,
	MNCR_MSG_CONSENT_SURGERY,
	MNCR_MSG_CONSENT_NOT_ASKED,

	/* query and result */
	MNCR_MSG_QUERYING,
	MNCR_MSG_RESULT_VALID,
	MNCR_MSG_SHARE,			/* {0} 割 */
	MNCR_MSG_RESULT_INVALID,
	MNCR_MSG_RESULT_NOT_FOUND,
	MNCR_MSG_RESULT_UNKNOWN,
	MNCR_MSG_CERT_EXPIRED,
	MNCR_MSG_CERT_REVOKED,
	MNCR_MSG_CERT_UNTRUSTED,
	MNCR_MSG_NO_AUTH_CERT,

	/* fallbacks */
	MNCR_MSG_SERVICE_DOWN,
	MNCR_MSG_QUERY_FAILED,
	MNCR_MSG_CLAIM_ISSUED,
	MNCR_MSG_CLAIM_FAILED,
	MNCR_MSG_GUIDE_PORTAL,
	MNCR_MSG_GUIDE_CARD,
	MNCR_MSG_INSURANCE_CARD,
	MNCR_MSG_PORTAL,

	/* ends */
	MNCR_MSG_CANCELLED,
	MNCR_MSG_ERROR_CARD,
	MNCR_MSG_ERROR,
	MNCR_MSG_REMOVE_CARD,
	MNCR_MSG_CARD_REMOVED,

	/* option labels (buttons) */
	MNCR_MSG_OPT_FACE,
	MNCR_MSG_OPT_PIN,
	MNCR_MSG_OPT_STAFF,
	MNCR_MSG_OPT_VISUAL,
	MNCR_MSG_OPT_LAST_TRY,
	MNCR_MSG_OPT_INSURANCE_CARD,
	MNCR_MSG_OPT_CLAIM_FORM,
	MNCR_MSG_OPT_PORTAL,
	MNCR_MSG_OPT_RETRY,
	MNCR_MSG_OPT_DONE,
	MNCR_MSG_OPT_CANCEL,
	MNCR_MSG_YES,
	MNCR_MSG_NO,

	MNCR_MSG_COUNT
};

/*
 * Binds the "mncr" domain to localedir (NULL: the system's) with UTF-8
 * output. Process-wide, like all of gettext: programs call it once at
 * start. Returns 0 or -errno.
 */
int mncr_msg_bind(const char *localedir);

/* Stable key, e.g. "pin_last_try"; NULL for an id out of range. */
const char *mncr_msg_key(enum mncr_msg id);

/* Id of a key: 0 or -EINVAL. */
int mncr_msg_from_key(const char *key, enum mncr_msg *id);

/* The Japanese source text, untranslated; NULL for an id out of range. */
const char *mncr_msg_source(enum mncr_msg id);

/* The text in the current locale's language; "" for NONE or out of range. */
const char *mncr_msg_text(enum mncr_msg id);

/*
 * The text with {0}/{1} replaced by params[0]/params[1] (n of them; a
 * placeholder without a parameter stays as it is). Always NUL-terminates
 * when cap > 0. Returns the length it needed, like snprintf; -EINVAL for
 * a bad id.
 */
int mncr_msg_format(enum mncr_msg id, const int *params, size_t n, char *buf,
		    size_t cap);

/* The same on a given template (tests, GUIs with their own texts). */
int mncr_msg_format_text(const char *text, const int *params, size_t n,
			 char *buf, size_t cap);

#endif
