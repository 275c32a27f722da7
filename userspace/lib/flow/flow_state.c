// SPDX-License-Identifier: LGPL-2.1-or-later
#include "flow/flow_state.h"
#include "elig/elig_fields.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/mncr.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const state_names[MNCR_FLOW_STATE_COUNT] = {
	[MNCR_FLOW_WAIT_CARD] = "wait_card",
	[MNCR_FLOW_READ_KIND] = "read_kind",
	[MNCR_FLOW_READ_MODE] = "read_mode",
	[MNCR_FLOW_CHOOSE_METHOD] = "choose_method",
	[MNCR_FLOW_FACE] = "face",
	[MNCR_FLOW_FACE_FAILED] = "face_failed",
	[MNCR_FLOW_PIN] = "pin",
	[MNCR_FLOW_PIN_LAST_TRY] = "pin_last_try",
	[MNCR_FLOW_STAFF] = "staff",
	[MNCR_FLOW_VISUAL_MODE] = "visual_mode",
	[MNCR_FLOW_VISUAL_ATTEST] = "visual_attest",
	[MNCR_FLOW_CONSENT] = "consent",
	[MNCR_FLOW_QUERY] = "query",
	[MNCR_FLOW_CLAIM] = "claim",
	[MNCR_FLOW_CLAIM_ISSUED] = "claim_issued",
	[MNCR_FLOW_FINISH] = "finish",
	[MNCR_FLOW_ENDED] = "ended",
};

static const char *const outcome_names[MNCR_FLOW_OUT_COUNT] = {
	[MNCR_FLOW_OUT_NONE] = "none",
	[MNCR_FLOW_OUT_ELIGIBLE] = "eligible",
	[MNCR_FLOW_OUT_INELIGIBLE] = "ineligible",
	[MNCR_FLOW_OUT_VALIDITY_UNKNOWN] = "validity_unknown",
	[MNCR_FLOW_OUT_NOT_FOUND] = "not_found",
	[MNCR_FLOW_OUT_CERT_EXPIRED] = "cert_expired",
	[MNCR_FLOW_OUT_CERT_REVOKED] = "cert_revoked",
	[MNCR_FLOW_OUT_CERT_UNTRUSTED] = "cert_untrusted",
	[MNCR_FLOW_OUT_NO_AUTH_CERT] = "no_auth_cert",
	[MNCR_FLOW_OUT_VISUAL_REFUSED] = "visual_refused",
	[MNCR_FLOW_OUT_INSURANCE_CARD] = "insurance_card",
	[MNCR_FLOW_OUT_PORTAL] = "portal",
	[MNCR_FLOW_OUT_CLAIM_FORM] = "claim_form",
	[MNCR_FLOW_OUT_CLAIM_FAILED] = "claim_failed",
	[MNCR_FLOW_OUT_CANCELLED] = "cancelled",
	[MNCR_FLOW_OUT_ERROR] = "error",
	[MNCR_FLOW_OUT_CARD_REMOVED] = "card_removed",
};

static const char *const consent_names[MNCR_FLOW_CONSENT_COUNT] = {
	"medication", "checkup", "clinical", "surgery",
};

static const enum mncr_msg consent_msgs[MNCR_FLOW_CONSENT_COUNT] = {
	MNCR_MSG_CONSENT_MEDICATION, MNCR_MSG_CONSENT_CHECKUP,
	MNCR_MSG_CONSENT_CLINICAL, MNCR_MSG_CONSENT_SURGERY,
};

static const struct {
	unsigned int opt;
	const char *name;
	enum mncr_msg msg;
} options[] = {
	{ MNCR_FLOW_OPT_FACE, "face", MNCR_MSG_OPT_FACE },
	{ MNCR_FLOW_OPT_PIN, "pin", MNCR_MSG_OPT_PIN },
	{ MNCR_FLOW_OPT_STAFF, "staff", MNCR_MSG_OPT_STAFF },
	{ MNCR_FLOW_OPT_VISUAL, "visual", MNCR_MSG_OPT_VISUAL },
	{ MNCR_FLOW_OPT_LAST_TRY, "last_try", MNCR_MSG_OPT_LAST_TRY },
	{ MNCR_FLOW_OPT_INSURANCE_CARD, "insurance_card", MNCR_MSG_OPT_INSURANCE_CARD },
	{ MNCR_FLOW_OPT_CLAIM_FORM, "claim_form", MNCR_MSG_OPT_CLAIM_FORM },
	{ MNCR_FLOW_OPT_PORTAL, "portal", MNCR_MSG_OPT_PORTAL },
	{ MNCR_FLOW_OPT_RETRY, "retry", MNCR_MSG_OPT_RETRY },
	{ MNCR_FLOW_OPT_DONE, "done", MNCR_MSG_OPT_DONE },
	{ MNCR_FLOW_OPT_CANCEL, "cancel", MNCR_MSG_OPT_CANCEL },
};

const char *mncr_flow_state_name(enum mncr_flow_state st)
{
	return (unsigned int)st < MNCR_FLOW_STATE_COUNT ? state_names[st] : "?";
}

const char *mncr_flow_outcome_name(enum mncr_flow_outcome o)
{
	return (unsigned int)o < MNCR_FLOW_OUT_COUNT ? outcome_names[o] : "?";
}

const char *mncr_flow_consent_name(enum mncr_flow_consent c)
{
	return (unsigned int)c < MNCR_FLOW_CONSENT_COUNT ? consent_names[c] : "?";
}

enum mncr_msg mncr_flow_consent_msg(enum mncr_flow_consent c)
{
	return (unsigned int)c < MNCR_FLOW_CONSENT_COUNT ? consent_msgs[c] :
							  MNCR_MSG_NONE;
}

const char *mncr_flow_option_name(unsigned int opt)
{
	for (size_t i = 0; i < ARRAY_SIZE(options); i++)
		if (options[i].opt == opt)
			return options[i].name;
	return "?";
}

enum mncr_msg mncr_flow_option_msg(unsigned int opt)
{
	for (size_t i = 0; i < ARRAY_SIZE(options); i++)
		if (options[i].opt == opt)
			return options[i].msg;
	return MNCR_MSG_NONE;
}

void mncr_flow_config_default(struct mncr_flow_config *cfg,
			      enum mncr_elig_site site)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->site = site;
	cfg->face_max = MNCR_FLOW_FACE_MAX_DEFAULT;
	cfg->allow_last_pin_try = false;
	cfg->query_retries = MNCR_FLOW_RETRIES_DEFAULT;
}

bool mncr_flow_operator_valid(const char *id)
{
	size_t n = 0;

	if (!id)
		return false;
	for (; id[n]; n++) {
		char c = id[n];

		if (n >= MNCR_FLOW_OPERATOR_MAX ||
		    !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '@' || c == '-'))
			return false;
	}
	return n > 0;
}

/* 暗証番号 only on a PIN card whose PIN can still be verified (§2.4). */
bool mncr_flow_pin_offered(const struct mncr_flow *s)
{
	return s->kind == MNCR_CARD_KIND_PIN && !s->pin_blocked &&
	       s->pin_tries != 0;
}

/*
 * マイナポータル needs the same PIN to log in: never for a PIN-less or
 * blocked card, and not once the PIN is down to its last try.
 */
bool mncr_flow_portal_offered(const struct mncr_flow *s)
{
	return mncr_flow_pin_offered(s) && (s->pin_tries < 0 || s->pin_tries >= 2);
}

bool mncr_flow_finished(const struct mncr_flow *s)
{
	return s->state == MNCR_FLOW_FINISH || s->state == MNCR_FLOW_ENDED;
}

/* ---- audit notes ---- */

static void note_begin(struct mncr_flow *s, const char *event)
{
	memset(&s->note, 0, sizeof(s->note));
	s->note.event = event;
}

__attribute__((format(printf, 3, 4)))
static void note_add(struct mncr_flow *s, const char *key, const char *fmt, ...)
{
	struct mncr_flow_note *n = &s->note;
	va_list ap;

	if (n->n >= MNCR_FLOW_NOTE_FIELDS)
		return;
	n->f[n->n].key = key;
	va_start(ap, fmt);
	vsnprintf(n->f[n->n].value, sizeof(n->f[n->n].value), fmt, ap);
	va_end(ap);
	n->n++;
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static const char *method_name(const struct mncr_flow *s)
{
	if (!s->verified)
		return "none";
	return mncr_elig_method_name(s->method);
}

static const char *mode_name(unsigned int mode)
{
	return mode == MNCR_MODE_VISUAL ? "visual" :
	       mode == MNCR_MODE_AUTO ? "auto" : "unknown";
}

static void note_consents(struct mncr_flow *s)
{
	const bool v[MNCR_FLOW_CONSENT_COUNT] = {
		s->consents.medication, s->consents.checkup,
		s->consents.clinical, s->consents.surgery,
	};

	for (int i = 0; i < MNCR_FLOW_CONSENT_COUNT; i++)
		note_add(s, consent_names[i], "%s",
			 s->consents_asked ? yes_no(v[i]) : "not_asked");
}

/* ---- entering states ---- */

/* Whose page each state's prompt is (the applications' screens). */
static const enum mncr_flow_screen screens[MNCR_FLOW_STATE_COUNT] = {
	[MNCR_FLOW_WAIT_CARD] = MNCR_FLOW_SCREEN_WAITING,
	[MNCR_FLOW_READ_KIND] = MNCR_FLOW_SCREEN_READING,
	[MNCR_FLOW_READ_MODE] = MNCR_FLOW_SCREEN_READING,
	[MNCR_FLOW_CHOOSE_METHOD] = MNCR_FLOW_SCREEN_CHOOSE,
	[MNCR_FLOW_FACE] = MNCR_FLOW_SCREEN_FACE,
	[MNCR_FLOW_FACE_FAILED] = MNCR_FLOW_SCREEN_CHOOSE,
	[MNCR_FLOW_PIN] = MNCR_FLOW_SCREEN_PIN,
	[MNCR_FLOW_PIN_LAST_TRY] = MNCR_FLOW_SCREEN_LAST_TRY,
	[MNCR_FLOW_STAFF] = MNCR_FLOW_SCREEN_STAFF,
	[MNCR_FLOW_VISUAL_MODE] = MNCR_FLOW_SCREEN_VISUAL,
	[MNCR_FLOW_VISUAL_ATTEST] = MNCR_FLOW_SCREEN_VISUAL,
	[MNCR_FLOW_CONSENT] = MNCR_FLOW_SCREEN_CONSENT,
	[MNCR_FLOW_QUERY] = MNCR_FLOW_SCREEN_QUERY,
	[MNCR_FLOW_CLAIM] = MNCR_FLOW_SCREEN_CLAIM,
	[MNCR_FLOW_CLAIM_ISSUED] = MNCR_FLOW_SCREEN_CLAIM,
	[MNCR_FLOW_FINISH] = MNCR_FLOW_SCREEN_RESULT,
	[MNCR_FLOW_ENDED] = MNCR_FLOW_SCREEN_RESULT,
};

/* A new prompt for the state just entered. */
static void prompt_reset(struct mncr_flow *s, enum mncr_msg msg,
			 enum mncr_flow_audience who)
{
	memset(&s->prompt, 0, sizeof(s->prompt));
	s->prompt.msg = msg;
	s->prompt.audience = who;
	s->prompt.screen = screens[s->state];
}

static void prompt_param(struct mncr_flow *s, int a, int b, size_t n)
{
	s->prompt.params[0] = a;
	s->prompt.params[1] = b;
	s->prompt.n_params = n;
}

static enum mncr_msg fallback_guide(const struct mncr_flow *s)
{
	return mncr_flow_portal_offered(s) ? MNCR_MSG_GUIDE_PORTAL :
					     MNCR_MSG_GUIDE_CARD;
}


static void enter(struct mncr_flow *s, enum mncr_flow_state st)
{
	s->state = st;
	switch (st) {
	case MNCR_FLOW_WAIT_CARD:
		s->action = MNCR_FLOW_DO_CARD_SET;
		prompt_reset(s, MNCR_MSG_NONE, MNCR_FLOW_PATIENT);
		break;
	case MNCR_FLOW_READ_KIND:
	case MNCR_FLOW_READ_MODE:
		s->action = st == MNCR_FLOW_READ_KIND ? MNCR_FLOW_DO_READ_KIND :
							 MNCR_FLOW_DO_READ_MODE;
		prompt_reset(s, MNCR_MSG_READING_CARD, MNCR_FLOW_PATIENT);
		break;
	case MNCR_FLOW_CHOOSE_METHOD:
		s->action = MNCR_FLOW_DO_CHOOSE;
		prompt_reset(s, MNCR_MSG_CHOOSE_METHOD, MNCR_FLOW_PATIENT);
		s->prompt.options = MNCR_FLOW_OPT_STAFF | MNCR_FLOW_OPT_CANCEL;
		if (!s->face_photo_unusable)
			s->prompt.options |= MNCR_FLOW_OPT_FACE;
		if (mncr_flow_pin_offered(s))
			s->prompt.options |= MNCR_FLOW_OPT_PIN;
		break;
	case MNCR_FLOW_FACE:
		s->action = MNCR_FLOW_DO_FACE;
		prompt_reset(s, MNCR_MSG_FACE_LOOK, MNCR_FLOW_PATIENT);
		break;
	case MNCR_FLOW_FACE_FAILED:
		s->action = MNCR_FLOW_DO_CHOOSE;
		prompt_reset(s, MNCR_MSG_FACE_FAILED_PIN, MNCR_FLOW_PATIENT);
		s->prompt.options = MNCR_FLOW_OPT_PIN | MNCR_FLOW_OPT_STAFF |
				    MNCR_FLOW_OPT_CANCEL;
		break;
	case MNCR_FLOW_PIN:
		s->action = MNCR_FLOW_DO_PIN;
		prompt_reset(s, MNCR_MSG_PIN_ENTER, MNCR_FLOW_PATIENT);
		break;
	case MNCR_FLOW_PIN_LAST_TRY:
		s->action = MNCR_FLOW_DO_CHOOSE;
		prompt_reset(s, MNCR_MSG_PIN_LAST_TRY, MNCR_FLOW_PATIENT);
		s->prompt.options = MNCR_FLOW_OPT_STAFF | MNCR_FLOW_OPT_CANCEL;
		if (s->cfg.allow_last_pin_try)
			s->prompt.options |= MNCR_FLOW_OPT_LAST_TRY;
		break;
	case MNCR_FLOW_STAFF:
		s->action = MNCR_FLOW_DO_CHOOSE;
		prompt_reset(s, MNCR_MSG_STAFF_CHOOSE, MNCR_FLOW_STAFF_ONLY);
		s->prompt.options = MNCR_FLOW_OPT_VISUAL |
				    MNCR_FLOW_OPT_INSURANCE_CARD |
				    MNCR_FLOW_OPT_CLAIM_FORM | MNCR_FLOW_OPT_CANCEL;
		if (mncr_flow_portal_offered(s))
			s->prompt.options |= MNCR_FLOW_OPT_PORTAL;
		s->prompt.guide = fallback_guide(s);
		break;
	case MNCR_FLOW_VISUAL_MODE:
	case MNCR_FLOW_VISUAL_ATTEST:
		s->action = st == MNCR_FLOW_VISUAL_MODE ? MNCR_FLOW_DO_READ_MODE :
							   MNCR_FLOW_DO_ATTEST;
		prompt_reset(s, MNCR_MSG_VISUAL_ATTEST, MNCR_FLOW_STAFF_ONLY);
		break;
	case MNCR_FLOW_CONSENT:
		s->action = MNCR_FLOW_DO_CONSENT;
		prompt_reset(s, consent_msgs[s->consent_next], MNCR_FLOW_PATIENT);
		break;
	case MNCR_FLOW_QUERY:
		s->action = MNCR_FLOW_DO_QUERY;
		prompt_reset(s, MNCR_MSG_QUERYING, MNCR_FLOW_PATIENT);
		break;
	case MNCR_FLOW_CLAIM:
		s->action = MNCR_FLOW_DO_CLAIM;
		prompt_reset(s, s->claim_reason == MNCR_CLAIM_SERVICE_UNAVAILABLE ?
				MNCR_MSG_SERVICE_DOWN :
				s->claim_reason == MNCR_CLAIM_QUERY_FAILED ?
				MNCR_MSG_QUERY_FAILED : MNCR_MSG_NONE,
			     MNCR_FLOW_PATIENT);
		break;
	case MNCR_FLOW_CLAIM_ISSUED:
		s->action = MNCR_FLOW_DO_CHOOSE;
		prompt_reset(s, MNCR_MSG_CLAIM_ISSUED, MNCR_FLOW_STAFF_ONLY);
		s->prompt.detail = MNCR_MSG_SERVICE_DOWN;
		s->prompt.options = MNCR_FLOW_OPT_RETRY | MNCR_FLOW_OPT_DONE;
		break;
	case MNCR_FLOW_FINISH:
		s->action = MNCR_FLOW_DO_WAIT_REMOVAL;
		break;
	case MNCR_FLOW_ENDED:
	case MNCR_FLOW_STATE_COUNT:
		s->state = MNCR_FLOW_ENDED;
		s->action = MNCR_FLOW_DO_NOTHING;
		prompt_reset(s, s->outcome == MNCR_FLOW_OUT_CARD_REMOVED ?
				MNCR_MSG_CARD_REMOVED : MNCR_MSG_NONE,
			     MNCR_FLOW_PATIENT);
		break;
	}
}

/* 負担割合 "030" -> 3 (割); -1 when it is not a whole 割. */
static int share_wari(const char *share)
{
	int v = 0;

	if (strlen(share) != 3)
		return -1;
	for (int i = 0; i < 3; i++) {
		if (share[i] < '0' || share[i] > '9')
			return -1;
		v = v * 10 + (share[i] - '0');
	}
	return v % 10 == 0 && v <= 100 ? v / 10 : -1;
}

static void finish(struct mncr_flow *s, enum mncr_flow_outcome o)
{
	static const enum mncr_msg msg[MNCR_FLOW_OUT_COUNT] = {
		[MNCR_FLOW_OUT_ELIGIBLE] = MNCR_MSG_RESULT_VALID,
		[MNCR_FLOW_OUT_INELIGIBLE] = MNCR_MSG_RESULT_INVALID,
		[MNCR_FLOW_OUT_VALIDITY_UNKNOWN] = MNCR_MSG_RESULT_UNKNOWN,
		[MNCR_FLOW_OUT_NOT_FOUND] = MNCR_MSG_RESULT_NOT_FOUND,
		[MNCR_FLOW_OUT_CERT_EXPIRED] = MNCR_MSG_CERT_EXPIRED,
		[MNCR_FLOW_OUT_CERT_REVOKED] = MNCR_MSG_CERT_REVOKED,
		[MNCR_FLOW_OUT_CERT_UNTRUSTED] = MNCR_MSG_CERT_UNTRUSTED,
		[MNCR_FLOW_OUT_NO_AUTH_CERT] = MNCR_MSG_NO_AUTH_CERT,
		[MNCR_FLOW_OUT_VISUAL_REFUSED] = MNCR_MSG_VISUAL_REFUSED_ABSENT,
		[MNCR_FLOW_OUT_INSURANCE_CARD] = MNCR_MSG_INSURANCE_CARD,
		[MNCR_FLOW_OUT_PORTAL] = MNCR_MSG_PORTAL,
		[MNCR_FLOW_OUT_CLAIM_FORM] = MNCR_MSG_CLAIM_ISSUED,
		[MNCR_FLOW_OUT_CLAIM_FAILED] = MNCR_MSG_CLAIM_FAILED,
		[MNCR_FLOW_OUT_CANCELLED] = MNCR_MSG_CANCELLED,
		[MNCR_FLOW_OUT_ERROR] = MNCR_MSG_ERROR,
		[MNCR_FLOW_OUT_CARD_REMOVED] = MNCR_MSG_CARD_REMOVED,
	};
	int wari;

	s->outcome = o;
	enter(s, MNCR_FLOW_FINISH);
	prompt_reset(s, msg[o], MNCR_FLOW_PATIENT);
	switch (o) {
	case MNCR_FLOW_OUT_ELIGIBLE:
		wari = share_wari(s->share);
		if (wari >= 0) {
			s->prompt.detail = MNCR_MSG_SHARE;
			s->prompt.detail_params[0] = wari;
			s->prompt.n_detail_params = 1;
		}
		break;
	case MNCR_FLOW_OUT_INELIGIBLE:
	case MNCR_FLOW_OUT_VALIDITY_UNKNOWN:
	case MNCR_FLOW_OUT_NOT_FOUND:
	case MNCR_FLOW_OUT_CERT_EXPIRED:
	case MNCR_FLOW_OUT_CERT_REVOKED:
	case MNCR_FLOW_OUT_CERT_UNTRUSTED:
	case MNCR_FLOW_OUT_NO_AUTH_CERT:
		/* マイナポータル would say the same, or needs the certificate. */
		s->prompt.guide = MNCR_MSG_GUIDE_CARD;
		break;
	case MNCR_FLOW_OUT_CLAIM_FORM:
		s->prompt.detail = s->claim_reason == MNCR_CLAIM_SERVICE_UNAVAILABLE ?
				   MNCR_MSG_SERVICE_DOWN :
				   s->claim_reason == MNCR_CLAIM_QUERY_FAILED ?
				   MNCR_MSG_QUERY_FAILED : MNCR_MSG_NONE;
		s->prompt.guide = fallback_guide(s);
		break;
	case MNCR_FLOW_OUT_CLAIM_FAILED:
	case MNCR_FLOW_OUT_CANCELLED:
	case MNCR_FLOW_OUT_ERROR:
		s->prompt.guide = fallback_guide(s);
		break;
	default:
		break;
	}
	/* The eligible message already asks for the card. */
	if (o != MNCR_FLOW_OUT_ELIGIBLE && s->prompt.detail == MNCR_MSG_NONE)
		s->prompt.detail = MNCR_MSG_REMOVE_CARD;
	note_add(s, "outcome", "%s", outcome_names[o]);
}

static void to_staff(struct mncr_flow *s, enum mncr_msg why)
{
	enter(s, MNCR_FLOW_STAFF);
	s->prompt.detail = why;
}

static void to_pin(struct mncr_flow *s)
{
	/* Told before, never silently: one try left stops here (§1.6, guard). */
	if (s->pin_tries == 1 && !s->pin_last_try)
		enter(s, MNCR_FLOW_PIN_LAST_TRY);
	else
		enter(s, MNCR_FLOW_PIN);
}

static void start_consent(struct mncr_flow *s)
{
	memset(&s->consents, 0, sizeof(s->consents));
	s->consent_next = MNCR_FLOW_CONSENT_MEDICATION;
	if (!s->patient_present) {
		/* Nobody to ask: recorded as not given. */
		s->consents_asked = false;
		enter(s, MNCR_FLOW_QUERY);
		s->prompt.detail = MNCR_MSG_CONSENT_NOT_ASKED;
		return;
	}
	enter(s, MNCR_FLOW_CONSENT);
}

static void verified(struct mncr_flow *s, enum mncr_elig_method m)
{
	s->verified = true;
	s->method = m;
	s->pin_last_try = false;
	start_consent(s);
}

/* ---- the states' events ---- */

static int on_kind(struct mncr_flow *s, const struct mncr_flow_event *ev)
{
	const struct mncr_card_kind_info *k = &ev->kind;

	note_begin(s, "qualify.card");
	note_add(s, "kind", "%s", mncr_card_kind_name(k->kind));
	s->kind = k->kind;
	s->pin_tries = k->kind == MNCR_CARD_KIND_PIN ? k->auth_tries : -1;
	s->pin_blocked = k->kind == MNCR_CARD_KIND_PIN_BLOCKED;
	if (k->kind == MNCR_CARD_KIND_PIN)
		note_add(s, "tries_left", "%d", s->pin_tries);
	if (k->kind == MNCR_CARD_KIND_NO_AUTH_CERT) {
		finish(s, MNCR_FLOW_OUT_NO_AUTH_CERT);
		return 0;
	}
	enter(s, MNCR_FLOW_READ_MODE);
	return 0;
}

static int on_mode(struct mncr_flow *s, const struct mncr_flow_event *ev)
{
	bool visual = ev->mode == MNCR_MODE_VISUAL;

	if (s->state == MNCR_FLOW_VISUAL_MODE && !visual) {
		note_begin(s, "qualify.visual");
		note_add(s, "result", "refused");
		note_add(s, "reason", "reader_not_in_visual_mode");
		note_add(s, "mode", "%s", mode_name(ev->mode));
		to_staff(s, MNCR_MSG_VISUAL_NEEDS_MODE);
		return 0;
	}
	note_begin(s, "qualify.mode");
	note_add(s, "mode", "%s", mode_name(ev->mode));
	note_add(s, "check", "%s", s->state == MNCR_FLOW_READ_MODE ? "start" : "visual");
	if (visual)
		enter(s, MNCR_FLOW_VISUAL_ATTEST);
	else if (mncr_flow_pin_offered(s))
		enter(s, MNCR_FLOW_CHOOSE_METHOD);
	else
		enter(s, MNCR_FLOW_FACE);
	return 0;
}

static bool single_bit(unsigned int v)
{
	return v && !(v & (v - 1));
}

static int on_choice(struct mncr_flow *s, const struct mncr_flow_event *ev)
{
	unsigned int c = ev->choice;

	note_begin(s, "qualify.choice");
	note_add(s, "state", "%s", state_names[s->state]);
	note_add(s, "choice", "%s", mncr_flow_option_name(c));
	if (!single_bit(c) || !(s->prompt.options & c)) {
		/* Not offered here: PIN on a PIN-less card, last try, ... */
		note_add(s, "result", "refused");
		s->prompt.detail = MNCR_MSG_NOT_OFFERED;
		return -EPERM;
	}
	note_add(s, "result", "accepted");
	switch (c) {
	case MNCR_FLOW_OPT_FACE:
		enter(s, MNCR_FLOW_FACE);
		break;
	case MNCR_FLOW_OPT_PIN:
		to_pin(s);
		break;
	case MNCR_FLOW_OPT_LAST_TRY:
		s->pin_last_try = true;
		enter(s, MNCR_FLOW_PIN);
		break;
	case MNCR_FLOW_OPT_STAFF:
		to_staff(s, s->state == MNCR_FLOW_PIN_LAST_TRY ?
			 MNCR_MSG_PIN_LAST_TRY : MNCR_MSG_NONE);
		break;
	case MNCR_FLOW_OPT_VISUAL:
		enter(s, MNCR_FLOW_VISUAL_MODE);
		break;
	case MNCR_FLOW_OPT_INSURANCE_CARD:
		finish(s, MNCR_FLOW_OUT_INSURANCE_CARD);
		break;
	case MNCR_FLOW_OPT_PORTAL:
		finish(s, MNCR_FLOW_OUT_PORTAL);
		break;
	case MNCR_FLOW_OPT_CLAIM_FORM:
		s->claim_reason = MNCR_CLAIM_NOT_VERIFIED;
		enter(s, MNCR_FLOW_CLAIM);
		break;
	case MNCR_FLOW_OPT_RETRY:
		enter(s, MNCR_FLOW_QUERY);
		break;
	case MNCR_FLOW_OPT_DONE:
		finish(s, MNCR_FLOW_OUT_CLAIM_FORM);
		break;
	case MNCR_FLOW_OPT_CANCEL:
	default:
		finish(s, MNCR_FLOW_OUT_CANCELLED);
		break;
	}
	return 0;
}

static int on_face(struct mncr_flow *s, const struct mncr_flow_event *ev)
{
	static const char *const names[] = {
		"match", "no_match", "no_face", "liveness_fail", "card_face_unusable",
		"card_unverified",
	};
	static const enum mncr_msg retry_msg[] = {
		MNCR_MSG_NONE, MNCR_MSG_FACE_NO_MATCH, MNCR_MSG_FACE_NO_FACE,
		MNCR_MSG_FACE_LIVENESS, MNCR_MSG_NONE, MNCR_MSG_NONE,
	};

	if ((unsigned int)ev->face >= ARRAY_SIZE(names))
		return -EINVAL;
	note_begin(s, "qualify.face");
	if (ev->face == MNCR_FLOW_FACE_CARD_UNVERIFIED) {
		/*
		 * Forged, cloned or from an unknown CA: the photo may be anyone's.
		 * No face again, no PIN on this chip: staff decide, told why.
		 */
		note_add(s, "result", "%s", names[ev->face]);
		note_add(s, "card_verdict", "%s",
			 ev->card_verdict ? ev->card_verdict : "unknown");
		s->face_photo_unusable = true;
		to_staff(s, MNCR_MSG_CARD_UNVERIFIED);
		return 0;
	}
	if (ev->face == MNCR_FLOW_FACE_PHOTO_UNUSABLE) {
		/* Nothing to match against: another try could never pass. */
		note_add(s, "result", "%s", names[ev->face]);
		s->face_photo_unusable = true;
		if (mncr_flow_pin_offered(s))
			enter(s, MNCR_FLOW_FACE_FAILED);
		else
			enter(s, MNCR_FLOW_STAFF);
		s->prompt.detail = MNCR_MSG_FACE_PHOTO_UNUSABLE;
		return 0;
	}
	note_add(s, "attempt", "%u", s->face_failures + 1);
	note_add(s, "result", "%s", names[ev->face]);
	if (ev->face == MNCR_FLOW_FACE_MATCH) {
		s->patient_present = true;
		verified(s, MNCR_ELIG_METHOD_FACE);
		return 0;
	}
	s->face_failures++;
	if (s->face_failures < s->cfg.face_max) {
		enter(s, MNCR_FLOW_FACE);
		s->prompt.msg = retry_msg[ev->face];
		prompt_param(s, (int)s->face_failures, (int)s->cfg.face_max, 2);
	} else if (mncr_flow_pin_offered(s)) {
		enter(s, MNCR_FLOW_FACE_FAILED);
	} else {
		to_staff(s, MNCR_MSG_FACE_FAILED_STAFF);
	}
	return 0;
}

static int on_pin(struct mncr_flow *s, const struct mncr_flow_event *ev)
{
	static const char *const names[] = {
		"ok", "wrong", "guard", "blocked", "format", "abandoned",
	};
	bool last = s->pin_last_try;

	if ((unsigned int)ev->pin >= ARRAY_SIZE(names))
		return -EINVAL;
	note_begin(s, "qualify.pin");
	note_add(s, "result", "%s", names[ev->pin]);
	note_add(s, "last_try", "%s", yes_no(last));
	switch (ev->pin) {
	case MNCR_FLOW_PIN_OK:
		s->patient_present = true;
		verified(s, MNCR_ELIG_METHOD_PIN);
		return 0;
	case MNCR_FLOW_PIN_WRONG:
		s->pin_wrong++;
		s->pin_last_try = false;
		s->pin_tries = ev->tries;
		note_add(s, "tries_left", "%d", ev->tries);
		if (ev->tries == 0) {
			s->pin_blocked = true;
			to_staff(s, MNCR_MSG_PIN_BLOCKED);
		} else if (ev->tries >= 2) {
			enter(s, MNCR_FLOW_PIN);
			s->prompt.msg = MNCR_MSG_PIN_WRONG;
			prompt_param(s, ev->tries, 0, 1);
		} else {
			/* 1 left, or the card would not say: stop and tell. */
			s->pin_tries = 1;
			enter(s, MNCR_FLOW_PIN_LAST_TRY);
		}
		return 0;
	case MNCR_FLOW_PIN_GUARD:
		s->pin_last_try = false;
		s->pin_tries = 1;
		enter(s, MNCR_FLOW_PIN_LAST_TRY);
		return 0;
	case MNCR_FLOW_PIN_BLOCKED:
		s->pin_last_try = false;
		s->pin_blocked = true;
		s->pin_tries = 0;
		to_staff(s, MNCR_MSG_PIN_BLOCKED);
		return 0;
	case MNCR_FLOW_PIN_FORMAT:
		enter(s, MNCR_FLOW_PIN);
		s->prompt.msg = MNCR_MSG_PIN_FORMAT;
		return 0;
	case MNCR_FLOW_PIN_ABANDONED:
	default:
		s->pin_last_try = false;
		if (s->face_failures < s->cfg.face_max && !s->face_photo_unusable)
			enter(s, MNCR_FLOW_CHOOSE_METHOD);
		else
			enter(s, MNCR_FLOW_FACE_FAILED);
		return 0;
	}
}

static int on_attest(struct mncr_flow *s, const struct mncr_flow_event *ev)
{
	const struct mncr_flow_attestation *a = &ev->attest;
	bool op_ok = mncr_flow_operator_valid(a->operator_id);

	note_begin(s, "qualify.visual");
	if (op_ok)
		note_add(s, "operator", "%s", a->operator_id);
	note_add(s, "attested", "%s", yes_no(a->confirmed && op_ok));
	note_add(s, "patient_present", "%s", yes_no(a->patient_present));
	note_add(s, "site", "%s", mncr_elig_site_name(s->cfg.site));
	if (a->mode_after != MNCR_MODE_VISUAL) {
		/* The lease ended (or was ended) while staff were checking. */
		note_add(s, "result", "refused");
		note_add(s, "reason", "reader_not_in_visual_mode");
		to_staff(s, MNCR_MSG_VISUAL_NEEDS_MODE);
		return 0;
	}
	if (!a->confirmed || !op_ok) {
		note_add(s, "result", "refused");
		note_add(s, "reason", "no_attestation");
		to_staff(s, MNCR_MSG_VISUAL_NOT_ATTESTED);
		return 0;
	}
	if (s->cfg.site == MNCR_ELIG_SITE_PHARMACY && !a->patient_present) {
		note_add(s, "result", "refused");
		note_add(s, "reason", "pharmacy_patient_absent");
		finish(s, MNCR_FLOW_OUT_VISUAL_REFUSED);
		return 0;
	}
	note_add(s, "result", "attested");
	s->attested = true;
	s->patient_present = a->patient_present;
	memcpy(s->operator_id, a->operator_id, sizeof(s->operator_id));
	s->operator_id[MNCR_FLOW_OPERATOR_MAX] = '\0';
	verified(s, MNCR_ELIG_METHOD_VISUAL);
	return 0;
}

static int on_consent(struct mncr_flow *s, const struct mncr_flow_event *ev)
{
	bool *v[MNCR_FLOW_CONSENT_COUNT] = {
		&s->consents.medication, &s->consents.checkup,
		&s->consents.clinical, &s->consents.surgery,
	};

	note_begin(s, "qualify.consent");
	note_add(s, "category", "%s", consent_names[s->consent_next]);
	note_add(s, "answer", "%s", yes_no(ev->yes));
	*v[s->consent_next] = ev->yes;
	if (s->consent_next + 1 < MNCR_FLOW_CONSENT_COUNT) {
		s->consent_next++;
		enter(s, MNCR_FLOW_CONSENT);
	} else {
		s->consents_asked = true;
		enter(s, MNCR_FLOW_QUERY);
	}
	return 0;
}

/* With the 申立書 out: retry an unanswered query, or finish. */
static void after_claim(struct mncr_flow *s)
{
	if (s->claim_reason == MNCR_CLAIM_SERVICE_UNAVAILABLE &&
	    s->queries <= s->cfg.query_retries)
		enter(s, MNCR_FLOW_CLAIM_ISSUED);	/* same request id again */
	else
		finish(s, MNCR_FLOW_OUT_CLAIM_FORM);
}

static int on_elig(struct mncr_flow *s, const struct mncr_flow_event *ev)
{
	static const char *const names[] = {
		"ok", "not_found", "cert_expired", "cert_revoked",
		"cert_untrusted", "unavailable", "rejected",
	};
	static const enum mncr_flow_outcome refusal[] = {
		[MNCR_FLOW_ELIG_NOT_FOUND] = MNCR_FLOW_OUT_NOT_FOUND,
		[MNCR_FLOW_ELIG_CERT_EXPIRED] = MNCR_FLOW_OUT_CERT_EXPIRED,
		[MNCR_FLOW_ELIG_CERT_REVOKED] = MNCR_FLOW_OUT_CERT_REVOKED,
		[MNCR_FLOW_ELIG_CERT_UNTRUSTED] = MNCR_FLOW_OUT_CERT_UNTRUSTED,
	};

	if ((unsigned int)ev->elig >= ARRAY_SIZE(names))
		return -EINVAL;
	s->queries++;
	note_begin(s, "qualify.query");
	note_add(s, "method", "%s", method_name(s));
	note_add(s, "attempt", "%u", s->queries);
	note_add(s, "answer", "%s", names[ev->elig]);
	if (ev->elig == MNCR_FLOW_ELIG_OK)
		note_add(s, "validity", "%s", mncr_elig_validity_name(ev->validity) ?
			 mncr_elig_validity_name(ev->validity) : "?");
	note_consents(s);
	switch (ev->elig) {
	case MNCR_FLOW_ELIG_OK:
		s->validity = ev->validity;
		memcpy(s->share, ev->share, sizeof(s->share));
		s->share[sizeof(s->share) - 1] = '\0';
		finish(s, ev->validity == MNCR_ELIG_VALID ? MNCR_FLOW_OUT_ELIGIBLE :
			  ev->validity == MNCR_ELIG_INVALID ? MNCR_FLOW_OUT_INELIGIBLE :
			  MNCR_FLOW_OUT_VALIDITY_UNKNOWN);
		break;
	case MNCR_FLOW_ELIG_UNAVAILABLE:
	case MNCR_FLOW_ELIG_REJECTED:
		if (s->claim_issued) {
			/* A retry that failed again: the form is out already. */
			after_claim(s);
			break;
		}
		s->claim_reason = ev->elig == MNCR_FLOW_ELIG_UNAVAILABLE ?
				  MNCR_CLAIM_SERVICE_UNAVAILABLE :
				  MNCR_CLAIM_QUERY_FAILED;
		enter(s, MNCR_FLOW_CLAIM);
		break;
	default:
		finish(s, refusal[ev->elig]);
		break;
	}
	return 0;
}

static int on_claim(struct mncr_flow *s, const struct mncr_flow_event *ev)
{
	note_begin(s, "qualify.claim_form");
	note_add(s, "reason", "%s", mncr_claim_reason_name(s->claim_reason));
	note_add(s, "result", "%s", ev->claim_ok ? "issued" : "failed");
	note_add(s, "prefilled", "%s", yes_no(ev->claim_ok && ev->claim_prefilled));
	s->claim_prefilled = ev->claim_ok && ev->claim_prefilled;
	s->claim_issued = ev->claim_ok;
	if (!ev->claim_ok)
		finish(s, MNCR_FLOW_OUT_CLAIM_FAILED);
	else
		after_claim(s);
	return 0;
}

static void end_note(struct mncr_flow *s, const char *where)
{
	note_begin(s, "qualify.end");
	note_add(s, "outcome", "%s", outcome_names[s->outcome]);
	note_add(s, "method", "%s", method_name(s));
	if (where)
		note_add(s, "state", "%s", where);
	note_consents(s);
}

/* Events that may come in any state of a running flow. */
static int on_any(struct mncr_flow *s, const struct mncr_flow_event *ev)
{
	const char *where = state_names[s->state];

	switch (ev->type) {
	case MNCR_FLOW_EV_CARD_REMOVED:
		/* The kernel reverts 目視確認 mode itself on removal. */
		if (s->state != MNCR_FLOW_FINISH)
			s->outcome = MNCR_FLOW_OUT_CARD_REMOVED;
		end_note(s, s->state != MNCR_FLOW_FINISH ? where : NULL);
		enter(s, MNCR_FLOW_ENDED);
		return 0;
	case MNCR_FLOW_EV_CANCEL:
		if (s->state == MNCR_FLOW_FINISH)
			return -EINVAL;
		note_begin(s, "qualify.cancel");
		note_add(s, "state", "%s", where);
		finish(s, MNCR_FLOW_OUT_CANCELLED);
		return 0;
	case MNCR_FLOW_EV_ERROR:
		note_begin(s, "qualify.error");
		note_add(s, "state", "%s", where);
		note_add(s, "error", "%d", ev->err);
		note_add(s, "source", "%s", ev->card_error ? "card" : "other");
		if (s->state == MNCR_FLOW_FINISH) {
			/* Waiting for removal failed: end here all the same. */
			end_note(s, NULL);
			note_add(s, "error", "%d", ev->err);
			enter(s, MNCR_FLOW_ENDED);
			return 0;
		}
		s->err = ev->err;
		finish(s, MNCR_FLOW_OUT_ERROR);
		if (ev->card_error)
			s->prompt.msg = MNCR_MSG_ERROR_CARD;
		return 0;
	default:
		return -EINVAL;
	}
}

int mncr_flow_init(struct mncr_flow *s, const struct mncr_flow_config *cfg)
{
	if (!s || !cfg || !mncr_elig_site_name(cfg->site) ||
	    cfg->face_max < 1 || cfg->face_max > 10 || cfg->query_retries > 10)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	s->pin_tries = -1;
	s->kind = MNCR_CARD_KIND_UNKNOWN;
	s->validity = MNCR_ELIG_UNKNOWN;
	enter(s, MNCR_FLOW_WAIT_CARD);
	return 0;
}

/* Which event each state waits for (besides removal, cancel, error). */
static const enum mncr_flow_event_type expects[MNCR_FLOW_STATE_COUNT] = {
	[MNCR_FLOW_WAIT_CARD] = MNCR_FLOW_EV_CARD_SET,
	[MNCR_FLOW_READ_KIND] = MNCR_FLOW_EV_KIND,
	[MNCR_FLOW_READ_MODE] = MNCR_FLOW_EV_MODE,
	[MNCR_FLOW_CHOOSE_METHOD] = MNCR_FLOW_EV_CHOICE,
	[MNCR_FLOW_FACE] = MNCR_FLOW_EV_FACE,
	[MNCR_FLOW_FACE_FAILED] = MNCR_FLOW_EV_CHOICE,
	[MNCR_FLOW_PIN] = MNCR_FLOW_EV_PIN,
	[MNCR_FLOW_PIN_LAST_TRY] = MNCR_FLOW_EV_CHOICE,
	[MNCR_FLOW_STAFF] = MNCR_FLOW_EV_CHOICE,
	[MNCR_FLOW_VISUAL_MODE] = MNCR_FLOW_EV_MODE,
	[MNCR_FLOW_VISUAL_ATTEST] = MNCR_FLOW_EV_ATTEST,
	[MNCR_FLOW_CONSENT] = MNCR_FLOW_EV_CONSENT,
	[MNCR_FLOW_QUERY] = MNCR_FLOW_EV_ELIG,
	[MNCR_FLOW_CLAIM] = MNCR_FLOW_EV_CLAIM,
	[MNCR_FLOW_CLAIM_ISSUED] = MNCR_FLOW_EV_CHOICE,
	[MNCR_FLOW_FINISH] = MNCR_FLOW_EV_COUNT,	/* only removal */
	[MNCR_FLOW_ENDED] = MNCR_FLOW_EV_COUNT,
};

int mncr_flow_step(struct mncr_flow *s, const struct mncr_flow_event *ev)
{
	if (!s || !ev || (unsigned int)s->state >= MNCR_FLOW_STATE_COUNT ||
	    s->state == MNCR_FLOW_ENDED)
		return -EINVAL;
	if (s->state == MNCR_FLOW_WAIT_CARD) {
		if (ev->type != MNCR_FLOW_EV_CARD_SET)
			return -EINVAL;
		note_begin(s, "qualify.start");
		note_add(s, "site", "%s", mncr_elig_site_name(s->cfg.site));
		note_add(s, "face_max", "%u", s->cfg.face_max);
		note_add(s, "last_try_allowed", "%s", yes_no(s->cfg.allow_last_pin_try));
		enter(s, MNCR_FLOW_READ_KIND);
		return 0;
	}
	if (ev->type != expects[s->state])
		return on_any(s, ev);
	switch (ev->type) {
	case MNCR_FLOW_EV_KIND:
		return on_kind(s, ev);
	case MNCR_FLOW_EV_MODE:
		return on_mode(s, ev);
	case MNCR_FLOW_EV_CHOICE:
		return on_choice(s, ev);
	case MNCR_FLOW_EV_FACE:
		return on_face(s, ev);
	case MNCR_FLOW_EV_PIN:
		return on_pin(s, ev);
	case MNCR_FLOW_EV_ATTEST:
		return on_attest(s, ev);
	case MNCR_FLOW_EV_CONSENT:
		return on_consent(s, ev);
	case MNCR_FLOW_EV_ELIG:
		return on_elig(s, ev);
	case MNCR_FLOW_EV_CLAIM:
		return on_claim(s, ev);
	default:
		return -EINVAL;
	}
}
