/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The qualification flow (オンライン資格確認 at the reader) as a pure state
 * machine: card set -> card kind -> identity (face, PIN or 目視確認) ->
 * consents -> eligibility query -> result -> card removed. Rules and their
 * sources: Documentation/flow.rst (spec card.md §2).
 *
 * No I/O here. mncr_flow_step() takes one event, moves to the next state,
 * and says what to do next (s->action, s->prompt); flow_session.h runs it
 * over hooks and writes the audit log from s->note. A struct mncr_flow is
 * plain data owned by the caller; there is no global state.
 *
 * The rules the machine enforces, whatever the events say:
 *  - PIN is offered only on a PIN card whose PIN is still usable;
 *  - the last PIN try is never spent unless the configuration allows it
 *    and the patient chose it after being told (MNCR_FLOW_OPT_LAST_TRY);
 *  - 目視確認 needs the reader in 目視確認 mode, before and after the
 *    attestation, and the operator's recorded attestation; at a pharmacy
 *    it is refused when the patient is absent;
 *  - マイナポータル is offered only for a PIN card with a usable PIN;
 *  - an unreachable service leads to the 被保険者資格申立書 and may be
 *    retried with the same request id.
 */
#ifndef MNCR_FLOW_STATE_H
#define MNCR_FLOW_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "card/card_kind.h"
#include "flow/claim_form.h"
#include "elig/elig_message.h"
#include "flow/messages.h"

#define MNCR_FLOW_FACE_MAX_DEFAULT	3
#define MNCR_FLOW_RETRIES_DEFAULT	2
#define MNCR_FLOW_OPERATOR_MAX		32	/* [A-Za-z0-9._@-]{1,32} */
#define MNCR_FLOW_NOTE_FIELDS		10
#define MNCR_FLOW_NOTE_VALUE		48

enum mncr_flow_state {
	MNCR_FLOW_WAIT_CARD,		/* before the card is set */
	MNCR_FLOW_READ_KIND,		/* what kind of card */
	MNCR_FLOW_READ_MODE,		/* 自動運転 or 目視確認 */
	MNCR_FLOW_CHOOSE_METHOD,	/* PIN card: face or PIN */
	MNCR_FLOW_FACE,
	MNCR_FLOW_FACE_FAILED,		/* PIN card: PIN or staff */
	MNCR_FLOW_PIN,
	MNCR_FLOW_PIN_LAST_TRY,		/* one try left: stopped, told */
	MNCR_FLOW_STAFF,		/* staff decide what next */
	MNCR_FLOW_VISUAL_MODE,		/* visual chosen: is the mode on? */
	MNCR_FLOW_VISUAL_ATTEST,
	MNCR_FLOW_CONSENT,
	MNCR_FLOW_QUERY,
	MNCR_FLOW_CLAIM,		/* make the 申立書 */
	MNCR_FLOW_CLAIM_ISSUED,		/* service down: retry or done */
	MNCR_FLOW_FINISH,		/* result shown, wait for removal */
	MNCR_FLOW_ENDED,
	MNCR_FLOW_STATE_COUNT
};

/* What the driver does next; one per state. */
enum mncr_flow_action {
	MNCR_FLOW_DO_NOTHING,		/* ended */
	MNCR_FLOW_DO_CARD_SET,		/* deliver MNCR_FLOW_EV_CARD_SET */
	MNCR_FLOW_DO_READ_KIND,
	MNCR_FLOW_DO_READ_MODE,
	MNCR_FLOW_DO_CHOOSE,		/* one of prompt.options */
	MNCR_FLOW_DO_FACE,
	MNCR_FLOW_DO_PIN,		/* s->pin_last_try: may spend it */
	MNCR_FLOW_DO_ATTEST,
	MNCR_FLOW_DO_CONSENT,		/* category s->consent_next */
	MNCR_FLOW_DO_QUERY,
	MNCR_FLOW_DO_CLAIM,
	MNCR_FLOW_DO_WAIT_REMOVAL,
};

/* Choices offered in a prompt (bits). */
enum mncr_flow_option {
	MNCR_FLOW_OPT_FACE		= 1U << 0,
	MNCR_FLOW_OPT_PIN		= 1U << 1,
	MNCR_FLOW_OPT_STAFF		= 1U << 2,
	MNCR_FLOW_OPT_VISUAL		= 1U << 3,
	MNCR_FLOW_OPT_LAST_TRY		= 1U << 4,
	MNCR_FLOW_OPT_INSURANCE_CARD	= 1U << 5,
	MNCR_FLOW_OPT_CLAIM_FORM	= 1U << 6,
	MNCR_FLOW_OPT_PORTAL		= 1U << 7,
	MNCR_FLOW_OPT_RETRY		= 1U << 8,
	MNCR_FLOW_OPT_DONE		= 1U << 9,
	MNCR_FLOW_OPT_CANCEL		= 1U << 10,
};
#define MNCR_FLOW_OPT_ALL		((1U << 11) - 1)

/* Whom a prompt addresses. */
enum mncr_flow_audience {
	MNCR_FLOW_PATIENT,
	MNCR_FLOW_STAFF_ONLY,
};

/* The screen a state's prompt belongs to (mncr/qualify.h's kinds). */
enum mncr_flow_screen {
	MNCR_FLOW_SCREEN_UNKNOWN,
	MNCR_FLOW_SCREEN_WAITING,
	MNCR_FLOW_SCREEN_READING,
	MNCR_FLOW_SCREEN_CHOOSE,
	MNCR_FLOW_SCREEN_FACE,
	MNCR_FLOW_SCREEN_PIN,
	MNCR_FLOW_SCREEN_LAST_TRY,
	MNCR_FLOW_SCREEN_STAFF,
	MNCR_FLOW_SCREEN_VISUAL,
	MNCR_FLOW_SCREEN_CONSENT,
	MNCR_FLOW_SCREEN_QUERY,
	MNCR_FLOW_SCREEN_CLAIM,
	MNCR_FLOW_SCREEN_RESULT,
};

/* What to show: message ids, parameters, and the choices. */
struct mncr_flow_prompt {
	enum mncr_msg msg;		/* main text */
	enum mncr_msg detail;		/* reason or guidance, or NONE */
	enum mncr_msg guide;		/* fallback guidance, or NONE */
	int params[MNCR_MSG_PARAMS];	/* {0} {1} of msg */
	size_t n_params;
	int detail_params[MNCR_MSG_PARAMS];
	size_t n_detail_params;
	unsigned int options;		/* MNCR_FLOW_OPT_* */
	enum mncr_flow_audience audience;
	enum mncr_flow_screen screen;	/* the state's */
};

enum mncr_flow_face_result {
	MNCR_FLOW_FACE_MATCH,
	MNCR_FLOW_FACE_NO_MATCH,
	MNCR_FLOW_FACE_NO_FACE,
	MNCR_FLOW_FACE_LIVENESS_FAIL,
	MNCR_FLOW_FACE_PHOTO_UNUSABLE,	/* no attempt: the card photo has no face */
	MNCR_FLOW_FACE_CARD_UNVERIFIED,	/* no attempt: the card is not proven genuine */
};

enum mncr_flow_pin_result {
	MNCR_FLOW_PIN_OK,
	MNCR_FLOW_PIN_WRONG,		/* tries = what the card says is left */
	MNCR_FLOW_PIN_GUARD,		/* the last-try guard sent nothing */
	MNCR_FLOW_PIN_BLOCKED,		/* blocked or never set */
	MNCR_FLOW_PIN_FORMAT,		/* not 4 digits: nothing sent */
	MNCR_FLOW_PIN_ABANDONED,	/* the patient stopped entering */
};

enum mncr_flow_consent {
	MNCR_FLOW_CONSENT_MEDICATION,	/* 薬剤情報 */
	MNCR_FLOW_CONSENT_CHECKUP,	/* 特定健診情報 */
	MNCR_FLOW_CONSENT_CLINICAL,	/* 診療情報 */
	MNCR_FLOW_CONSENT_SURGERY,	/* 手術情報 */
	MNCR_FLOW_CONSENT_COUNT
};

/* The eligibility answer, as far as the flow cares. */
enum mncr_flow_elig_outcome {
	MNCR_FLOW_ELIG_OK,		/* answered: see validity */
	MNCR_FLOW_ELIG_NOT_FOUND,	/* 該当資格なし */
	MNCR_FLOW_ELIG_CERT_EXPIRED,
	MNCR_FLOW_ELIG_CERT_REVOKED,
	MNCR_FLOW_ELIG_CERT_UNTRUSTED,
	MNCR_FLOW_ELIG_UNAVAILABLE,	/* no answer: may be retried */
	MNCR_FLOW_ELIG_REJECTED,	/* the service refused the request */
};

enum mncr_flow_outcome {
	MNCR_FLOW_OUT_NONE,		/* still running */
	MNCR_FLOW_OUT_ELIGIBLE,
	MNCR_FLOW_OUT_INELIGIBLE,
	MNCR_FLOW_OUT_VALIDITY_UNKNOWN,
	MNCR_FLOW_OUT_NOT_FOUND,
	MNCR_FLOW_OUT_CERT_EXPIRED,
	MNCR_FLOW_OUT_CERT_REVOKED,
	MNCR_FLOW_OUT_CERT_UNTRUSTED,
	MNCR_FLOW_OUT_NO_AUTH_CERT,
	MNCR_FLOW_OUT_VISUAL_REFUSED,	/* pharmacy, patient absent */
	MNCR_FLOW_OUT_INSURANCE_CARD,	/* staff check 資格確認書 / 保険証 */
	MNCR_FLOW_OUT_PORTAL,		/* マイナポータル 資格情報画面 */
	MNCR_FLOW_OUT_CLAIM_FORM,	/* 申立書 issued */
	MNCR_FLOW_OUT_CLAIM_FAILED,	/* 申立書 could not be made */
	MNCR_FLOW_OUT_CANCELLED,
	MNCR_FLOW_OUT_ERROR,
	MNCR_FLOW_OUT_CARD_REMOVED,	/* removed before the end */
	MNCR_FLOW_OUT_COUNT
};

/* The operator's 目視確認 record, with the reader mode seen after it. */
struct mncr_flow_attestation {
	bool confirmed;			/* pressed 「目視で本人確認完了」 */
	bool patient_present;
	char operator_id[MNCR_FLOW_OPERATOR_MAX + 1];
	unsigned int mode_after;	/* MNCR_MODE_* right after */
};

enum mncr_flow_event_type {
	MNCR_FLOW_EV_CARD_SET,
	MNCR_FLOW_EV_KIND,		/* kind */
	MNCR_FLOW_EV_MODE,		/* mode */
	MNCR_FLOW_EV_CHOICE,		/* choice: one MNCR_FLOW_OPT_* bit */
	MNCR_FLOW_EV_FACE,		/* face */
	MNCR_FLOW_EV_PIN,		/* pin, tries */
	MNCR_FLOW_EV_ATTEST,		/* attest */
	MNCR_FLOW_EV_CONSENT,		/* yes */
	MNCR_FLOW_EV_ELIG,		/* elig, validity, share */
	MNCR_FLOW_EV_CLAIM,		/* claim_ok, claim_prefilled */
	MNCR_FLOW_EV_CARD_REMOVED,
	MNCR_FLOW_EV_CANCEL,		/* someone pressed cancel */
	MNCR_FLOW_EV_ERROR,		/* err (-errno), card_error */
	MNCR_FLOW_EV_COUNT
};

struct mncr_flow_event {
	enum mncr_flow_event_type type;
	struct mncr_card_kind_info kind;
	unsigned int mode;
	unsigned int choice;
	enum mncr_flow_face_result face;
	const char *card_verdict;	/* CARD_UNVERIFIED: "forged", ...; or NULL */
	enum mncr_flow_pin_result pin;
	int tries;			/* PIN tries left, -1 unknown */
	struct mncr_flow_attestation attest;
	bool yes;
	enum mncr_flow_elig_outcome elig;
	enum mncr_elig_validity validity;
	char share[4];			/* 負担割合 "030", or "" */
	bool claim_ok;
	bool claim_prefilled;		/* the card's 基本4情報 were read */
	int err;
	bool card_error;		/* err came from the card */
};

struct mncr_flow_config {
	enum mncr_elig_site site;
	unsigned int face_max;		/* failed face attempts [3], 1-10 */
	bool allow_last_pin_try;	/* offer MNCR_FLOW_OPT_LAST_TRY [no] */
	unsigned int query_retries;	/* retries after UNAVAILABLE [2], 0-10 */
};

/* One audit record: what mncr_flow_step() saw and decided. */
struct mncr_flow_note {
	const char *event;		/* "qualify.face", ...; NULL: none */
	size_t n;
	struct {
		const char *key;
		char value[MNCR_FLOW_NOTE_VALUE];
	} f[MNCR_FLOW_NOTE_FIELDS];
};

struct mncr_flow {
	struct mncr_flow_config cfg;
	enum mncr_flow_state state;
	enum mncr_flow_action action;
	struct mncr_flow_prompt prompt;
	struct mncr_flow_note note;	/* of the last step */

	/* the card */
	enum mncr_card_kind kind;
	int pin_tries;			/* -1 unknown */
	bool pin_blocked;
	bool pin_last_try;		/* the next PIN may spend the last try */

	/* identity */
	unsigned int face_failures;
	bool face_photo_unusable;	/* face is no longer offered */
	unsigned int pin_wrong;
	bool verified;
	enum mncr_elig_method method;
	bool attested;
	bool patient_present;
	char operator_id[MNCR_FLOW_OPERATOR_MAX + 1];

	/* consents: answered in order; not asked when the patient is absent */
	enum mncr_flow_consent consent_next;
	struct mncr_elig_consents consents;
	bool consents_asked;

	/* query and its fallback */
	unsigned int queries;
	enum mncr_elig_validity validity;
	char share[4];
	enum mncr_claim_reason claim_reason;
	bool claim_issued;		/* a 申立書 was made in this session */
	bool claim_prefilled;

	enum mncr_flow_outcome outcome;
	int err;			/* of an ERROR outcome */
};

/* Defaults for the site: face_max 3, no last PIN try, 2 retries. */
void mncr_flow_config_default(struct mncr_flow_config *cfg,
			      enum mncr_elig_site site);

/* Starts a flow in WAIT_CARD. -EINVAL for a bad configuration. */
int mncr_flow_init(struct mncr_flow *s, const struct mncr_flow_config *cfg);

/*
 * Feeds one event. Returns 0 when it moved the flow (s->action and
 * s->prompt say what next), -EPERM when a rule refused it (a choice not
 * offered; the state stays, prompt.detail says so), -EINVAL when the
 * event does not belong to the state (nothing changes, no note). Every
 * return but -EINVAL leaves an audit note in s->note.
 */
int mncr_flow_step(struct mncr_flow *s, const struct mncr_flow_event *ev);

/* True once the flow has reached FINISH or ENDED. */
bool mncr_flow_finished(const struct mncr_flow *s);

/* The rules, also used by the step function. */
bool mncr_flow_pin_offered(const struct mncr_flow *s);
bool mncr_flow_portal_offered(const struct mncr_flow *s);
bool mncr_flow_operator_valid(const char *id);

/* Names for logs and JSON; "?" when out of range. */
const char *mncr_flow_state_name(enum mncr_flow_state st);
const char *mncr_flow_outcome_name(enum mncr_flow_outcome o);
const char *mncr_flow_consent_name(enum mncr_flow_consent c);
const char *mncr_flow_option_name(unsigned int opt);
enum mncr_msg mncr_flow_option_msg(unsigned int opt);
enum mncr_msg mncr_flow_consent_msg(enum mncr_flow_consent c);

#endif
