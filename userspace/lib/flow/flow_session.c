// SPDX-License-Identifier: LGPL-2.1-or-later
#include "flow/flow_session.h"
#include "flow/audit_log.h"
#include "card/card_verify.h"
#include "elig/elig_fields.h"

#include <errno.h>
#include <string.h>

#include <linux/mncr.h>
#include <openssl/crypto.h>

int mncr_flow_session_init(struct mncr_flow_session *s,
			   const struct mncr_flow_config *cfg,
			   const struct mncr_flow_hooks *h, void *ctx,
			   const char *audit_path)
{
	int ret;

	if (!s || !h || !audit_path || !audit_path[0] || !h->card_kind ||
	    !h->reader_mode || !h->face_attempt || !h->pin_entry ||
	    !h->pin_verify || !h->choose || !h->attest || !h->consent ||
	    !h->eligibility || !h->claim_form || !h->wait_removal)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	ret = mncr_flow_init(&s->flow, cfg);
	if (ret < 0)
		return ret;
	s->hooks = h;
	s->ctx = ctx;
	s->audit_path = audit_path;
	ret = mncr_elig_request_id_new(s->id);
	if (ret < 0)
		return ret;
	if (h->now)
		ret = h->now(ctx, &s->started);
	else if (clock_gettime(CLOCK_REALTIME, &s->started) < 0)
		ret = -errno;
	return ret < 0 ? ret : 0;
}

void mncr_flow_session_clear(struct mncr_flow_session *s)
{
	if (s)
		OPENSSL_cleanse(s, sizeof(*s));
}

static int now(struct mncr_flow_session *s, struct timespec *ts)
{
	if (s->hooks->now)
		return s->hooks->now(s->ctx, ts);
	return clock_gettime(CLOCK_REALTIME, ts) < 0 ? -errno : 0;
}

/* Writes the note of the last step, with the session id, to the log. */
static int audit(struct mncr_flow_session *s)
{
	const struct mncr_flow_note *n = &s->flow.note;
	struct mncr_audit_field f[MNCR_FLOW_NOTE_FIELDS + 1];
	int ret;

	if (!n->event)
		return 0;
	for (size_t i = 0; i < n->n; i++)
		f[i] = (struct mncr_audit_field){ n->f[i].key, n->f[i].value };
	f[n->n] = (struct mncr_audit_field){ "session", s->id };
	ret = mncr_audit_append(s->audit_path, n->event, f, n->n + 1);
	if (ret < 0 && !s->audit_err)
		s->audit_err = ret;
	return ret;
}

/* A hook's error as an event: removal, cancel, or an error. */
static void hook_error(struct mncr_flow_event *ev, int err, bool card)
{
	if (err == -ENOMEDIUM) {
		ev->type = MNCR_FLOW_EV_CARD_REMOVED;
	} else if (err == -ECANCELED) {
		ev->type = MNCR_FLOW_EV_CANCEL;
	} else {
		ev->type = MNCR_FLOW_EV_ERROR;
		ev->err = err;
		ev->card_error = card;
	}
}

static void do_pin(struct mncr_flow_session *s, struct mncr_flow_event *ev)
{
	const struct mncr_flow_hooks *h = s->hooks;
	size_t len = 0;
	int tries = -1, ret;

	ev->type = MNCR_FLOW_EV_PIN;
	ret = h->pin_entry(s->ctx, &s->flow.prompt, s->pin, sizeof(s->pin), &len);
	if (ret == 0 && len > sizeof(s->pin))
		ret = -EOVERFLOW;
	if (ret == -ECANCELED) {
		ev->pin = MNCR_FLOW_PIN_ABANDONED;
	} else if (ret < 0) {
		hook_error(ev, ret, false);
	} else if (!mncr_card_secret_valid(&mncr_card_key_jpki_auth, s->pin, len)) {
		/* Not 4 digits: say so without spending a try. */
		ev->pin = MNCR_FLOW_PIN_FORMAT;
	} else {
		ret = h->pin_verify(s->ctx, s->pin, len, s->flow.pin_last_try, &tries);
		ev->tries = tries;
		switch (ret) {
		case 0:
			ev->pin = MNCR_FLOW_PIN_OK;
			break;
		case -EKEYREJECTED:
			ev->pin = MNCR_FLOW_PIN_WRONG;
			break;
		case -ECANCELED:
			ev->pin = MNCR_FLOW_PIN_GUARD;
			break;
		case -EPERM:
			ev->pin = MNCR_FLOW_PIN_BLOCKED;
			break;
		case -EINVAL:
			ev->pin = MNCR_FLOW_PIN_FORMAT;
			break;
		default:
			hook_error(ev, ret, true);
			break;
		}
	}
	OPENSSL_cleanse(s->pin, sizeof(s->pin));
}

static void do_attest(struct mncr_flow_session *s, struct mncr_flow_event *ev)
{
	const struct mncr_flow_hooks *h = s->hooks;
	int ret;

	ev->type = MNCR_FLOW_EV_ATTEST;
	ret = h->attest(s->ctx, &s->flow.prompt, &ev->attest);
	ev->attest.operator_id[MNCR_FLOW_OPERATOR_MAX] = '\0';
	/* The mode is asked again here, never taken from the attestation. */
	ev->attest.mode_after = MNCR_MODE_AUTO;
	if (ret == 0)
		ret = h->reader_mode(s->ctx, &ev->attest.mode_after);
	if (ret < 0)
		hook_error(ev, ret, false);
}

static void do_query(struct mncr_flow_session *s, struct mncr_flow_event *ev)
{
	const struct mncr_flow *f = &s->flow;
	struct mncr_flow_query q = {
		.request_id = s->id,
		.attempt = f->queries + 1,
		.site = f->cfg.site,
		.method = f->method,
		.operator_attested = f->method == MNCR_ELIG_METHOD_VISUAL && f->attested,
		.operator_id = f->method == MNCR_ELIG_METHOD_VISUAL ? f->operator_id : "",
		.consents = f->consents,
	};
	struct mncr_flow_answer a = { .outcome = MNCR_FLOW_ELIG_UNAVAILABLE,
				      .validity = MNCR_ELIG_UNKNOWN };
	int ret = s->hooks->eligibility(s->ctx, &q, &a);

	if (ret < 0 && ret != -ENOMEDIUM && ret != -ECANCELED) {
		/* No answer is an answer: the 申立書 path, retry allowed. */
		a.outcome = MNCR_FLOW_ELIG_UNAVAILABLE;
		ret = 0;
	}
	if (ret < 0) {
		hook_error(ev, ret, false);
		return;
	}
	ev->type = MNCR_FLOW_EV_ELIG;
	ev->elig = a.outcome;
	ev->validity = a.validity;
	memcpy(ev->share, a.share, sizeof(ev->share));
	ev->share[sizeof(ev->share) - 1] = '\0';
	OPENSSL_cleanse(&a, sizeof(a));
}

static void do_claim(struct mncr_flow_session *s, struct mncr_flow_event *ev)
{
	const struct mncr_flow_hooks *h = s->hooks;
	struct mncr_claim_form form;
	struct mncr_text_basic4 b = { 0 };
	struct timespec ts;
	int ret = now(s, &ts);

	ev->type = MNCR_FLOW_EV_CLAIM;
	if (ret == 0)
		ret = mncr_claim_form_init(&form, s->flow.claim_reason, ts.tv_sec);
	if (ret < 0)
		return;		/* claim_ok false */
	if (h->basic4) {
		ret = h->basic4(s->ctx, &b);
		if (ret == -ENOMEDIUM) {
			mncr_text_basic4_clear(&b);
			mncr_claim_form_clear(&form);
			hook_error(ev, ret, true);
			return;
		}
		/* Unread card fields stay blank for the patient to fill. */
		ev->claim_prefilled = ret == 0 && mncr_claim_form_prefill(&form, &b) == 0;
		mncr_text_basic4_clear(&b);
	}
	ev->claim_ok = h->claim_form(s->ctx, &form) == 0;
	mncr_claim_form_clear(&form);
}

static void do_choose(struct mncr_flow_session *s, struct mncr_flow_event *ev)
{
	unsigned int choice = 0;
	int ret = s->hooks->choose(s->ctx, &s->flow.prompt, &choice);

	if (ret == -ECANCELED && (s->flow.prompt.options & MNCR_FLOW_OPT_DONE)) {
		/* Nothing to cancel after the 申立書: cancel means done. */
		choice = MNCR_FLOW_OPT_DONE;
		ret = 0;
	}
	if (ret < 0) {
		hook_error(ev, ret, false);
		return;
	}
	ev->type = MNCR_FLOW_EV_CHOICE;
	ev->choice = choice;
}

/* Runs the current action; fills the event it produced. */
static void act(struct mncr_flow_session *s, struct mncr_flow_event *ev)
{
	const struct mncr_flow_hooks *h = s->hooks;
	void *ctx = s->ctx;
	int ret = 0;

	switch (s->flow.action) {
	case MNCR_FLOW_DO_CARD_SET:
		ev->type = MNCR_FLOW_EV_CARD_SET;
		return;
	case MNCR_FLOW_DO_READ_KIND:
		ev->type = MNCR_FLOW_EV_KIND;
		ret = h->card_kind(ctx, &ev->kind);
		if (ret < 0)
			hook_error(ev, ret, true);
		return;
	case MNCR_FLOW_DO_READ_MODE:
		ev->type = MNCR_FLOW_EV_MODE;
		ret = h->reader_mode(ctx, &ev->mode);
		break;
	case MNCR_FLOW_DO_CHOOSE:
		do_choose(s, ev);
		return;
	case MNCR_FLOW_DO_FACE:
		ev->type = MNCR_FLOW_EV_FACE;
		ret = h->face_attempt(ctx, s->flow.face_failures + 1, &ev->face);
		if (!ret && ev->face == MNCR_FLOW_FACE_CARD_UNVERIFIED && h->card_verdict)
			ev->card_verdict = h->card_verdict(ctx);
		break;
	case MNCR_FLOW_DO_PIN:
		do_pin(s, ev);
		return;
	case MNCR_FLOW_DO_ATTEST:
		do_attest(s, ev);
		return;
	case MNCR_FLOW_DO_CONSENT:
		ev->type = MNCR_FLOW_EV_CONSENT;
		ret = h->consent(ctx, &s->flow.prompt, s->flow.consent_next, &ev->yes);
		break;
	case MNCR_FLOW_DO_QUERY:
		do_query(s, ev);
		return;
	case MNCR_FLOW_DO_CLAIM:
		do_claim(s, ev);
		return;
	case MNCR_FLOW_DO_WAIT_REMOVAL:
		ret = h->wait_removal(ctx);
		if (ret == 0 || ret == -ENOMEDIUM)
			ev->type = MNCR_FLOW_EV_CARD_REMOVED;
		else
			hook_error(ev, ret, false);
		return;
	case MNCR_FLOW_DO_NOTHING:
	default:
		ev->type = MNCR_FLOW_EV_COUNT;
		return;
	}
	if (ret < 0)
		hook_error(ev, ret, false);
}

static void show(struct mncr_flow_session *s)
{
	if (s->hooks->show)
		s->hooks->show(s->ctx, &s->flow.prompt);
}

/* Feeds ev, logs the step; an append that fails ends the flow. */
static int feed(struct mncr_flow_session *s, const struct mncr_flow_event *ev)
{
	int ret = mncr_flow_step(&s->flow, ev);

	if (ret == -EINVAL)
		return ret;
	if (audit(s) < 0 && !mncr_flow_finished(&s->flow)) {
		/* Unrecorded steps must not go on to the query. */
		struct mncr_flow_event err = {
			.type = MNCR_FLOW_EV_ERROR, .err = s->audit_err,
		};

		mncr_flow_step(&s->flow, &err);
		audit(s);
	}
	return ret;
}

int mncr_flow_session_step(struct mncr_flow_session *s)
{
	struct mncr_flow_event ev = { .tries = -1 };
	int ret;

	if (!s || s->flow.state == MNCR_FLOW_ENDED)
		return -EINVAL;
	if (++s->steps > MNCR_FLOW_MAX_STEPS) {
		ev.type = s->flow.state == MNCR_FLOW_FINISH ?
			  MNCR_FLOW_EV_CARD_REMOVED : MNCR_FLOW_EV_ERROR;
		ev.err = -ELOOP;
	} else if (s->stop && atomic_load(s->stop) &&
		   !mncr_flow_finished(&s->flow) &&
		   s->flow.state != MNCR_FLOW_WAIT_CARD) {
		/* Stopped from outside: cancel instead of the next hook. */
		ev.type = MNCR_FLOW_EV_CANCEL;
	} else {
		act(s, &ev);
	}
	ret = feed(s, &ev);
	if (ret == -EINVAL) {
		/* A hook answered what the state did not ask: a bug; stop. */
		struct mncr_flow_event err = {
			.type = MNCR_FLOW_EV_ERROR, .err = -EPROTO,
		};

		ret = feed(s, &err);
		if (ret == -EINVAL)
			return -EPROTO;
	}
	show(s);
	OPENSSL_cleanse(&ev, sizeof(ev));
	return ret == -EPERM ? -EPERM : 0;
}

int mncr_flow_session_run(struct mncr_flow_session *s)
{
	if (!s)
		return -EINVAL;
	show(s);
	while (s->flow.state != MNCR_FLOW_ENDED) {
		int ret = mncr_flow_session_step(s);

		if (ret < 0 && ret != -EPERM)
			return ret;
	}
	return s->audit_err;
}
