// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The qualification state machine on its own: events in, states, prompts
 * and audit notes out. Every rule of Documentation/flow.rst has a case
 * here: PIN only on PIN cards, the last PIN try never spent unasked, 目視確認
 * only in the mode and with an attestation, the pharmacy rule, マイナポータル
 * never for PIN-less cards, the 申立書 and retry on an unreachable service.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/mncr.h>

#include "flow/flow_state.h"

static struct mncr_flow_event ev_of(enum mncr_flow_event_type t)
{
	struct mncr_flow_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = t;
	ev.tries = -1;
	return ev;
}

static int step(struct mncr_flow *f, const struct mncr_flow_event *ev)
{
	return mncr_flow_step(f, ev);
}

static void new_flow(struct mncr_flow *f, enum mncr_elig_site site)
{
	struct mncr_flow_config cfg;

	mncr_flow_config_default(&cfg, site);
	assert_int_equal(mncr_flow_init(f, &cfg), 0);
}

/* Card set, kind read, mode read. */
static void start(struct mncr_flow *f, enum mncr_card_kind kind, int tries,
		  unsigned int mode)
{
	struct mncr_flow_event ev = ev_of(MNCR_FLOW_EV_CARD_SET);

	assert_int_equal(f->state, MNCR_FLOW_WAIT_CARD);
	assert_int_equal(f->action, MNCR_FLOW_DO_CARD_SET);
	assert_int_equal(step(f, &ev), 0);
	assert_string_equal(f->note.event, "qualify.start");
	assert_int_equal(f->state, MNCR_FLOW_READ_KIND);
	ev = ev_of(MNCR_FLOW_EV_KIND);
	ev.kind.kind = kind;
	ev.kind.auth_tries = tries;
	ev.kind.auth_cert = kind != MNCR_CARD_KIND_NO_AUTH_CERT;
	assert_int_equal(step(f, &ev), 0);
	assert_string_equal(f->note.event, "qualify.card");
	if (f->state != MNCR_FLOW_READ_MODE)
		return;
	ev = ev_of(MNCR_FLOW_EV_MODE);
	ev.mode = mode;
	assert_int_equal(step(f, &ev), 0);
}

static int choose(struct mncr_flow *f, unsigned int opt)
{
	struct mncr_flow_event ev = ev_of(MNCR_FLOW_EV_CHOICE);

	ev.choice = opt;
	return step(f, &ev);
}

static void face(struct mncr_flow *f, enum mncr_flow_face_result r)
{
	struct mncr_flow_event ev = ev_of(MNCR_FLOW_EV_FACE);

	ev.face = r;
	assert_int_equal(step(f, &ev), 0);
	assert_string_equal(f->note.event, "qualify.face");
}

static void pin(struct mncr_flow *f, enum mncr_flow_pin_result r, int tries)
{
	struct mncr_flow_event ev = ev_of(MNCR_FLOW_EV_PIN);

	ev.pin = r;
	ev.tries = tries;
	assert_int_equal(step(f, &ev), 0);
	assert_string_equal(f->note.event, "qualify.pin");
}

static void attest(struct mncr_flow *f, bool confirmed, bool present,
		   const char *op, unsigned int mode_after)
{
	struct mncr_flow_event ev = ev_of(MNCR_FLOW_EV_ATTEST);

	ev.attest.confirmed = confirmed;
	ev.attest.patient_present = present;
	snprintf(ev.attest.operator_id, sizeof(ev.attest.operator_id), "%s", op);
	ev.attest.mode_after = mode_after;
	assert_int_equal(step(f, &ev), 0);
	assert_string_equal(f->note.event, "qualify.visual");
}

static void mode(struct mncr_flow *f, unsigned int m)
{
	struct mncr_flow_event ev = ev_of(MNCR_FLOW_EV_MODE);

	ev.mode = m;
	assert_int_equal(step(f, &ev), 0);
}

static void consent_all(struct mncr_flow *f, const bool yes[4])
{
	for (int i = 0; i < MNCR_FLOW_CONSENT_COUNT; i++) {
		struct mncr_flow_event ev = ev_of(MNCR_FLOW_EV_CONSENT);

		assert_int_equal(f->state, MNCR_FLOW_CONSENT);
		assert_int_equal(f->action, MNCR_FLOW_DO_CONSENT);
		assert_int_equal(f->consent_next, i);
		assert_int_equal(f->prompt.msg, mncr_flow_consent_msg(i));
		ev.yes = yes[i];
		assert_int_equal(step(f, &ev), 0);
		assert_string_equal(f->note.event, "qualify.consent");
	}
	assert_int_equal(f->state, MNCR_FLOW_QUERY);
}

static void elig(struct mncr_flow *f, enum mncr_flow_elig_outcome o,
		 enum mncr_elig_validity v, const char *share)
{
	struct mncr_flow_event ev = ev_of(MNCR_FLOW_EV_ELIG);

	ev.elig = o;
	ev.validity = v;
	snprintf(ev.share, sizeof(ev.share), "%s", share);
	assert_int_equal(step(f, &ev), 0);
	assert_string_equal(f->note.event, "qualify.query");
}

static void claim(struct mncr_flow *f, bool ok)
{
	struct mncr_flow_event ev = ev_of(MNCR_FLOW_EV_CLAIM);

	ev.claim_ok = ok;
	ev.claim_prefilled = true;
	assert_int_equal(step(f, &ev), 0);
	assert_string_equal(f->note.event, "qualify.claim_form");
}

static void remove_card(struct mncr_flow *f)
{
	struct mncr_flow_event ev = ev_of(MNCR_FLOW_EV_CARD_REMOVED);

	assert_int_equal(step(f, &ev), 0);
	assert_int_equal(f->state, MNCR_FLOW_ENDED);
	assert_int_equal(f->action, MNCR_FLOW_DO_NOTHING);
	assert_string_equal(f->note.event, "qualify.end");
}

static const char *note_get(const struct mncr_flow *f, const char *key)
{
	for (size_t i = 0; i < f->note.n; i++)
		if (strcmp(f->note.f[i].key, key) == 0)
			return f->note.f[i].value;
	return NULL;
}

/* The rest of start() once the card is set: kind, then mode. */
static void start_rest(struct mncr_flow *f, enum mncr_card_kind kind, int tries)
{
	struct mncr_flow_event ev = ev_of(MNCR_FLOW_EV_KIND);

	ev.kind.kind = kind;
	ev.kind.auth_tries = tries;
	ev.kind.auth_cert = true;
	assert_int_equal(step(f, &ev), 0);
	assert_int_equal(f->prompt.screen, MNCR_FLOW_SCREEN_READING);
	ev = ev_of(MNCR_FLOW_EV_MODE);
	ev.mode = MNCR_MODE_AUTO;
	assert_int_equal(step(f, &ev), 0);
}

static const bool all_yes[4] = { true, true, true, true };

/* ---- the main paths ---- */

static void test_pin_card_face_ok(void **state)
{
	const bool answers[4] = { true, false, true, false };
	struct mncr_flow f;

	(void)state;
	new_flow(&f, MNCR_ELIG_SITE_CLINIC);
	start(&f, MNCR_CARD_KIND_PIN, 3, MNCR_MODE_AUTO);
	/* A PIN card: the patient chooses; face is there, PIN too. */
	assert_int_equal(f.state, MNCR_FLOW_CHOOSE_METHOD);
	assert_true(f.prompt.options & MNCR_FLOW_OPT_FACE);
	assert_true(f.prompt.options & MNCR_FLOW_OPT_PIN);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_FACE), 0);
	assert_int_equal(f.state, MNCR_FLOW_FACE);
	assert_int_equal(f.prompt.msg, MNCR_MSG_FACE_LOOK);
	face(&f, MNCR_FLOW_FACE_MATCH);
	assert_true(f.verified);
	assert_int_equal(f.method, MNCR_ELIG_METHOD_FACE);
	consent_all(&f, answers);
	assert_true(f.consents.medication);
	assert_false(f.consents.checkup);
	assert_true(f.consents.clinical);
	assert_false(f.consents.surgery);
	elig(&f, MNCR_FLOW_ELIG_OK, MNCR_ELIG_VALID, "030");
	assert_int_equal(f.state, MNCR_FLOW_FINISH);
	assert_int_equal(f.outcome, MNCR_FLOW_OUT_ELIGIBLE);
	assert_int_equal(f.prompt.msg, MNCR_MSG_RESULT_VALID);
	assert_int_equal(f.prompt.detail, MNCR_MSG_SHARE);
	assert_int_equal(f.prompt.detail_params[0], 3);
	assert_string_equal(note_get(&f, "method"), "face");
	assert_string_equal(note_get(&f, "medication"), "yes");
	assert_string_equal(note_get(&f, "checkup"), "no");
	assert_string_equal(note_get(&f, "outcome"), "eligible");
	assert_true(mncr_flow_finished(&f));
	remove_card(&f);
	assert_string_equal(note_get(&f, "outcome"), "eligible");
	assert_null(note_get(&f, "state"));
	/* Nothing more after the end. */
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_FACE), -EINVAL);
}

static void test_pinless_goes_straight_to_face(void **state)
{
	struct mncr_flow f;

	(void)state;
	new_flow(&f, MNCR_ELIG_SITE_CLINIC);
	start(&f, MNCR_CARD_KIND_PINLESS, -1, MNCR_MODE_AUTO);
	assert_int_equal(f.state, MNCR_FLOW_FACE);
	assert_false(mncr_flow_pin_offered(&f));
	assert_false(mncr_flow_portal_offered(&f));
	face(&f, MNCR_FLOW_FACE_MATCH);
	consent_all(&f, all_yes);
	elig(&f, MNCR_FLOW_ELIG_OK, MNCR_ELIG_VALID, "010");
	assert_int_equal(f.outcome, MNCR_FLOW_OUT_ELIGIBLE);
	assert_int_equal(f.prompt.detail_params[0], 1);
}

static void test_face_failures_pin_card(void **state)
{
	struct mncr_flow f;

	(void)state;
	new_flow(&f, MNCR_ELIG_SITE_CLINIC);
	start(&f, MNCR_CARD_KIND_PIN, 3, MNCR_MODE_AUTO);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_FACE), 0);
	face(&f, MNCR_FLOW_FACE_NO_MATCH);
	assert_int_equal(f.state, MNCR_FLOW_FACE);
	assert_int_equal(f.prompt.msg, MNCR_MSG_FACE_NO_MATCH);
	assert_int_equal(f.prompt.params[0], 1);
	assert_int_equal(f.prompt.params[1], 3);
	face(&f, MNCR_FLOW_FACE_NO_FACE);
	assert_int_equal(f.prompt.msg, MNCR_MSG_FACE_NO_FACE);
	assert_int_equal(f.prompt.params[0], 2);
	face(&f, MNCR_FLOW_FACE_LIVENESS_FAIL);
	assert_string_equal(note_get(&f, "result"), "liveness_fail");
	assert_string_equal(note_get(&f, "attempt"), "3");
	/* Third failure: the PIN is offered, and staff. */
	assert_int_equal(f.state, MNCR_FLOW_FACE_FAILED);
	assert_int_equal(f.prompt.msg, MNCR_MSG_FACE_FAILED_PIN);
	assert_int_equal(f.prompt.options, MNCR_FLOW_OPT_PIN | MNCR_FLOW_OPT_STAFF |
					   MNCR_FLOW_OPT_CANCEL);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_PIN), 0);
	assert_int_equal(f.state, MNCR_FLOW_PIN);
	assert_int_equal(f.action, MNCR_FLOW_DO_PIN);
	assert_false(f.pin_last_try);
	pin(&f, MNCR_FLOW_PIN_OK, 3);
	assert_int_equal(f.method, MNCR_ELIG_METHOD_PIN);
	assert_int_equal(f.state, MNCR_FLOW_CONSENT);
}

static void test_face_max_configurable(void **state)
{
	struct mncr_flow_config cfg;
	struct mncr_flow f;

	(void)state;
	mncr_flow_config_default(&cfg, MNCR_ELIG_SITE_CLINIC);
	cfg.face_max = 5;
	assert_int_equal(mncr_flow_init(&f, &cfg), 0);
	start(&f, MNCR_CARD_KIND_PINLESS, -1, MNCR_MODE_AUTO);
	for (int i = 0; i < 4; i++) {
		face(&f, MNCR_FLOW_FACE_NO_MATCH);
		assert_int_equal(f.state, MNCR_FLOW_FACE);
		assert_int_equal(f.prompt.params[1], 5);
	}
	face(&f, MNCR_FLOW_FACE_NO_MATCH);
	assert_int_equal(f.state, MNCR_FLOW_STAFF);
	assert_int_equal(f.prompt.detail, MNCR_MSG_FACE_FAILED_STAFF);

	cfg.face_max = 0;
	assert_int_equal(mncr_flow_init(&f, &cfg), -EINVAL);
	cfg.face_max = 11;
	assert_int_equal(mncr_flow_init(&f, &cfg), -EINVAL);
	cfg.face_max = 3;
	cfg.site = (enum mncr_elig_site)7;
	assert_int_equal(mncr_flow_init(&f, &cfg), -EINVAL);
}

/*
 * A card that is not proven genuine: no face again, no PIN on that chip,
 * staff choices with the staff-only reason, the verdict in the record.
 */
static void test_card_unverified(void **state)
{
	struct mncr_flow f;
	struct mncr_flow_event ev = { .type = MNCR_FLOW_EV_FACE,
				      .face = MNCR_FLOW_FACE_CARD_UNVERIFIED,
				      .card_verdict = "forged" };

	(void)state;
	new_flow(&f, MNCR_ELIG_SITE_CLINIC);
	start(&f, MNCR_CARD_KIND_PIN, 3, MNCR_MODE_AUTO);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_FACE), 0);
	assert_int_equal(mncr_flow_step(&f, &ev), 0);
	assert_string_equal(note_get(&f, "result"), "card_unverified");
	assert_string_equal(note_get(&f, "card_verdict"), "forged");
	assert_int_equal(f.state, MNCR_FLOW_STAFF);
	assert_int_equal(f.prompt.audience, MNCR_FLOW_STAFF_ONLY);
	assert_int_equal(f.prompt.detail, MNCR_MSG_CARD_UNVERIFIED);
	assert_false(f.prompt.options & MNCR_FLOW_OPT_FACE);
	assert_int_equal(f.face_failures, 0);
	assert_true(f.face_photo_unusable);
}

/*
 * A card photo with no usable face: no face attempt can pass, so none is
 * counted or offered again; PIN-less goes to staff at once, a PIN card
 * to the PIN or staff, with the reason as the prompt's detail.
 */
static void test_card_photo_unusable(void **state)
{
	struct mncr_flow f;

	(void)state;
	new_flow(&f, MNCR_ELIG_SITE_CLINIC);
	start(&f, MNCR_CARD_KIND_PINLESS, -1, MNCR_MODE_AUTO);
	assert_int_equal(f.state, MNCR_FLOW_FACE);
	face(&f, MNCR_FLOW_FACE_PHOTO_UNUSABLE);
	assert_string_equal(note_get(&f, "result"), "card_face_unusable");
	assert_null(note_get(&f, "attempt"));
	assert_int_equal(f.state, MNCR_FLOW_STAFF);
	assert_int_equal(f.prompt.msg, MNCR_MSG_STAFF_CHOOSE);
	assert_int_equal(f.prompt.detail, MNCR_MSG_FACE_PHOTO_UNUSABLE);
	assert_int_equal(f.face_failures, 0);
	assert_true(f.face_photo_unusable);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_VISUAL), 0);
	assert_int_equal(f.state, MNCR_FLOW_VISUAL_MODE);

	new_flow(&f, MNCR_ELIG_SITE_CLINIC);
	start(&f, MNCR_CARD_KIND_PIN, 3, MNCR_MODE_AUTO);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_FACE), 0);
	face(&f, MNCR_FLOW_FACE_PHOTO_UNUSABLE);
	assert_int_equal(f.state, MNCR_FLOW_FACE_FAILED);
	assert_int_equal(f.prompt.detail, MNCR_MSG_FACE_PHOTO_UNUSABLE);
	assert_int_equal(f.prompt.options, MNCR_FLOW_OPT_PIN | MNCR_FLOW_OPT_STAFF |
					   MNCR_FLOW_OPT_CANCEL);
	/* The PIN abandoned: back to a choice without face. */
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_PIN), 0);
	pin(&f, MNCR_FLOW_PIN_ABANDONED, 3);
	assert_int_equal(f.state, MNCR_FLOW_FACE_FAILED);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_FACE), -EPERM);
}

/* ---- PIN and the last-try guard ---- */

static void test_two_wrong_pins_stop_before_last(void **state)
{
	struct mncr_flow f;

	(void)state;
	new_flow(&f, MNCR_ELIG_SITE_CLINIC);
	start(&f, MNCR_CARD_KIND_PIN, 3, MNCR_MODE_AUTO);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_PIN), 0);
	assert_int_equal(f.state, MNCR_FLOW_PIN);
	pin(&f, MNCR_FLOW_PIN_WRONG, 2);
	assert_int_equal(f.state, MNCR_FLOW_PIN);
	assert_int_equal(f.prompt.msg, MNCR_MSG_PIN_WRONG);
	assert_int_equal(f.prompt.params[0], 2);
	assert_string_equal(note_get(&f, "tries_left"), "2");
	pin(&f, MNCR_FLOW_PIN_WRONG, 1);
	/* One left: a clear state, no third entry asked for. */
	assert_int_equal(f.state, MNCR_FLOW_PIN_LAST_TRY);
	assert_int_equal(f.action, MNCR_FLOW_DO_CHOOSE);
	assert_int_equal(f.prompt.msg, MNCR_MSG_PIN_LAST_TRY);
	assert_false(f.prompt.options & MNCR_FLOW_OPT_LAST_TRY);
	assert_false(f.prompt.options & MNCR_FLOW_OPT_PIN);
	assert_true(f.prompt.options & MNCR_FLOW_OPT_STAFF);
	/* Not allowed by default, whatever the UI sends. */
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_LAST_TRY), -EPERM);
	assert_int_equal(f.state, MNCR_FLOW_PIN_LAST_TRY);
	assert_int_equal(f.prompt.detail, MNCR_MSG_NOT_OFFERED);
	assert_string_equal(note_get(&f, "result"), "refused");
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_PIN), -EPERM);
	/* マイナポータル needs this PIN too: not offered now. */
	assert_false(mncr_flow_portal_offered(&f));
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_STAFF), 0);
	assert_int_equal(f.state, MNCR_FLOW_STAFF);
	assert_int_equal(f.prompt.detail, MNCR_MSG_PIN_LAST_TRY);
	assert_false(f.prompt.options & MNCR_FLOW_OPT_PORTAL);
}

static void test_last_try_when_allowed(void **state)
{
	struct mncr_flow_config cfg;
	struct mncr_flow f;

	(void)state;
	mncr_flow_config_default(&cfg, MNCR_ELIG_SITE_CLINIC);
	cfg.allow_last_pin_try = true;
	assert_int_equal(mncr_flow_init(&f, &cfg), 0);
	start(&f, MNCR_CARD_KIND_PIN, 1, MNCR_MODE_AUTO);
	/* The card says 1 try: choosing PIN lands on the warning first. */
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_PIN), 0);
	assert_int_equal(f.state, MNCR_FLOW_PIN_LAST_TRY);
	assert_true(f.prompt.options & MNCR_FLOW_OPT_LAST_TRY);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_LAST_TRY), 0);
	assert_int_equal(f.state, MNCR_FLOW_PIN);
	assert_true(f.pin_last_try);
	pin(&f, MNCR_FLOW_PIN_WRONG, 0);
	assert_string_equal(note_get(&f, "last_try"), "yes");
	assert_int_equal(f.state, MNCR_FLOW_STAFF);
	assert_int_equal(f.prompt.detail, MNCR_MSG_PIN_BLOCKED);
	assert_true(f.pin_blocked);
	assert_false(mncr_flow_pin_offered(&f));
	assert_false(f.prompt.options & MNCR_FLOW_OPT_PORTAL);
}

static void test_guard_refusal_is_a_state(void **state)
{
	struct mncr_flow f;

	(void)state;
	new_flow(&f, MNCR_ELIG_SITE_CLINIC);
	start(&f, MNCR_CARD_KIND_PIN, -1, MNCR_MODE_AUTO);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_PIN), 0);
	assert_int_equal(f.state, MNCR_FLOW_PIN);
	pin(&f, MNCR_FLOW_PIN_GUARD, 1);
	assert_string_equal(note_get(&f, "result"), "guard");
	assert_int_equal(f.state, MNCR_FLOW_PIN_LAST_TRY);
	assert_int_equal(f.prompt.msg, MNCR_MSG_PIN_LAST_TRY);
}

static void test_pin_format_and_abandon(void **state)
{
	struct mncr_flow f;

	(void)state;
	new_flow(&f, MNCR_ELIG_SITE_CLINIC);
	start(&f, MNCR_CARD_KIND_PIN, 3, MNCR_MODE_AUTO);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_PIN), 0);
	pin(&f, MNCR_FLOW_PIN_FORMAT, -1);
	assert_int_equal(f.state, MNCR_FLOW_PIN);
	assert_int_equal(f.prompt.msg, MNCR_MSG_PIN_FORMAT);
	assert_int_equal(f.pin_tries, 3);
	pin(&f, MNCR_FLOW_PIN_ABANDONED, -1);
	/* Face attempts are left: back to the choice. */
	assert_int_equal(f.state, MNCR_FLOW_CHOOSE_METHOD);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_PIN), 0);
	pin(&f, MNCR_FLOW_PIN_BLOCKED, 0);
	assert_int_equal(f.state, MNCR_FLOW_STAFF);
	assert_int_equal(f.prompt.detail, MNCR_MSG_PIN_BLOCKED);
}

static void test_pin_never_for_pinless(void **state)
{
	static const enum mncr_card_kind kinds[] = {
		MNCR_CARD_KIND_PINLESS, MNCR_CARD_KIND_PIN_BLOCKED,
		MNCR_CARD_KIND_UNKNOWN,
	};

	(void)state;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct mncr_flow f;

		new_flow(&f, MNCR_ELIG_SITE_CLINIC);
		start(&f, kinds[k], 3, MNCR_MODE_AUTO);
		assert_int_equal(f.state, MNCR_FLOW_FACE);
		assert_false(mncr_flow_pin_offered(&f));
		for (int i = 0; i < 3; i++)
			face(&f, MNCR_FLOW_FACE_NO_MATCH);
		assert_int_equal(f.state, MNCR_FLOW_STAFF);
		assert_int_equal(f.prompt.audience, MNCR_FLOW_STAFF_ONLY);
		assert_false(f.prompt.options & MNCR_FLOW_OPT_PIN);
		assert_false(f.prompt.options & MNCR_FLOW_OPT_PORTAL);
		assert_int_equal(f.prompt.guide, MNCR_MSG_GUIDE_CARD);
		assert_true(f.prompt.options & MNCR_FLOW_OPT_VISUAL);
		assert_int_equal(choose(&f, MNCR_FLOW_OPT_PIN), -EPERM);
		assert_int_equal(choose(&f, MNCR_FLOW_OPT_PORTAL), -EPERM);
		assert_int_equal(choose(&f, MNCR_FLOW_OPT_PIN | MNCR_FLOW_OPT_VISUAL),
				 -EPERM);
		assert_int_equal(f.state, MNCR_FLOW_STAFF);
		/* A PIN event is not what the staff state waits for. */
		{
			struct mncr_flow_event ev = ev_of(MNCR_FLOW_EV_PIN);

			assert_int_equal(step(&f, &ev), -EINVAL);
		}
		/* The 申立書 path offers no マイナポータル either. */
		assert_int_equal(choose(&f, MNCR_FLOW_OPT_CLAIM_FORM), 0);
		assert_int_equal(f.state, MNCR_FLOW_CLAIM);
		assert_int_equal(f.claim_reason, MNCR_CLAIM_NOT_VERIFIED);
		claim(&f, true);
		assert_int_equal(f.outcome, MNCR_FLOW_OUT_CLAIM_FORM);
		assert_int_equal(f.prompt.guide, MNCR_MSG_GUIDE_CARD);
	}
}

static void test_portal_for_pin_card(void **state)
{
	struct mncr_flow f;

	(void)state;
	new_flow(&f, MNCR_ELIG_SITE_CLINIC);
	start(&f, MNCR_CARD_KIND_PIN, 3, MNCR_MODE_AUTO);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_STAFF), 0);
	assert_int_equal(f.state, MNCR_FLOW_STAFF);
	assert_true(f.prompt.options & MNCR_FLOW_OPT_PORTAL);
	assert_int_equal(f.prompt.guide, MNCR_MSG_GUIDE_PORTAL);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_PORTAL), 0);
	assert_int_equal(f.outcome, MNCR_FLOW_OUT_PORTAL);
	assert_int_equal(f.prompt.msg, MNCR_MSG_PORTAL);
}

/* ---- 目視確認 ---- */

static void test_visual_mode_at_start(void **state)
{
	struct mncr_flow f;

	(void)state;
	new_flow(&f, MNCR_ELIG_SITE_CLINIC);
	start(&f, MNCR_CARD_KIND_PINLESS, -1, MNCR_MODE_VISUAL);
	assert_int_equal(f.state, MNCR_FLOW_VISUAL_ATTEST);
	assert_int_equal(f.action, MNCR_FLOW_DO_ATTEST);
	assert_int_equal(f.prompt.msg, MNCR_MSG_VISUAL_ATTEST);
	attest(&f, true, true, "staff01", MNCR_MODE_VISUAL);
	assert_string_equal(note_get(&f, "result"), "attested");
	assert_string_equal(note_get(&f, "operator"), "staff01");
	assert_int_equal(f.method, MNCR_ELIG_METHOD_VISUAL);
	assert_true(f.attested);
	assert_string_equal(f.operator_id, "staff01");
	consent_all(&f, all_yes);
	elig(&f, MNCR_FLOW_ELIG_OK, MNCR_ELIG_VALID, "030");
	assert_string_equal(note_get(&f, "method"), "visual");
}

static void test_visual_refused_without_mode(void **state)
{
	struct mncr_flow f;

	(void)state;
	new_flow(&f, MNCR_ELIG_SITE_CLINIC);
	start(&f, MNCR_CARD_KIND_PINLESS, -1, MNCR_MODE_AUTO);
	for (int i = 0; i < 3; i++)
		face(&f, MNCR_FLOW_FACE_NO_MATCH);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_VISUAL), 0);
	assert_int_equal(f.state, MNCR_FLOW_VISUAL_MODE);
	assert_int_equal(f.action, MNCR_FLOW_DO_READ_MODE);
	mode(&f, MNCR_MODE_AUTO);
	/* Still 自動運転: no attestation is even asked for. */
	assert_int_equal(f.state, MNCR_FLOW_STAFF);
	assert_int_equal(f.prompt.detail, MNCR_MSG_VISUAL_NEEDS_MODE);
	assert_string_equal(f.note.event, "qualify.visual");
	assert_string_equal(note_get(&f, "reason"), "reader_not_in_visual_mode");
	assert_false(f.verified);
	/* Staff switch the mode; the lease runs out during the check. */
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_VISUAL), 0);
	mode(&f, MNCR_MODE_VISUAL);
	assert_int_equal(f.state, MNCR_FLOW_VISUAL_ATTEST);
	attest(&f, true, true, "staff01", MNCR_MODE_AUTO);
	assert_int_equal(f.state, MNCR_FLOW_STAFF);
	assert_string_equal(note_get(&f, "result"), "refused");
	assert_false(f.verified);
	/* Then done properly. */
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_VISUAL), 0);
	mode(&f, MNCR_MODE_VISUAL);
	attest(&f, true, true, "staff01", MNCR_MODE_VISUAL);
	assert_true(f.verified);
	assert_int_equal(f.state, MNCR_FLOW_CONSENT);
}

static void test_visual_refused_without_attestation(void **state)
{
	struct mncr_flow f;

	(void)state;
	new_flow(&f, MNCR_ELIG_SITE_CLINIC);
	start(&f, MNCR_CARD_KIND_PINLESS, -1, MNCR_MODE_VISUAL);
	attest(&f, false, true, "staff01", MNCR_MODE_VISUAL);
	assert_int_equal(f.state, MNCR_FLOW_STAFF);
	assert_int_equal(f.prompt.detail, MNCR_MSG_VISUAL_NOT_ATTESTED);
	assert_string_equal(note_get(&f, "reason"), "no_attestation");
	assert_false(f.verified);
	/* Confirmed, but by nobody on record. */
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_VISUAL), 0);
	mode(&f, MNCR_MODE_VISUAL);
	attest(&f, true, true, "", MNCR_MODE_VISUAL);
	assert_int_equal(f.state, MNCR_FLOW_STAFF);
	assert_null(note_get(&f, "operator"));
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_VISUAL), 0);
	mode(&f, MNCR_MODE_VISUAL);
	attest(&f, true, true, "bad id\n", MNCR_MODE_VISUAL);
	assert_int_equal(f.state, MNCR_FLOW_STAFF);
	assert_false(f.verified);
}

static void test_pharmacy_absent_refused(void **state)
{
	struct mncr_flow f;

	(void)state;
	new_flow(&f, MNCR_ELIG_SITE_PHARMACY);
	start(&f, MNCR_CARD_KIND_PIN, 3, MNCR_MODE_VISUAL);
	attest(&f, true, false, "pharm-7", MNCR_MODE_VISUAL);
	assert_string_equal(note_get(&f, "reason"), "pharmacy_patient_absent");
	assert_int_equal(f.state, MNCR_FLOW_FINISH);
	assert_int_equal(f.outcome, MNCR_FLOW_OUT_VISUAL_REFUSED);
	assert_int_equal(f.prompt.msg, MNCR_MSG_VISUAL_REFUSED_ABSENT);
	assert_false(f.verified);
	remove_card(&f);
	assert_string_equal(note_get(&f, "outcome"), "visual_refused");
	assert_string_equal(note_get(&f, "method"), "none");
}

static void test_pharmacy_present_and_clinic_absent(void **state)
{
	struct mncr_flow f;

	(void)state;
	new_flow(&f, MNCR_ELIG_SITE_PHARMACY);
	start(&f, MNCR_CARD_KIND_PINLESS, -1, MNCR_MODE_VISUAL);
	attest(&f, true, true, "pharm-7", MNCR_MODE_VISUAL);
	assert_int_equal(f.state, MNCR_FLOW_CONSENT);

	/* A clinic may confirm an absent patient; consents are not asked. */
	new_flow(&f, MNCR_ELIG_SITE_CLINIC);
	start(&f, MNCR_CARD_KIND_PINLESS, -1, MNCR_MODE_VISUAL);
	attest(&f, true, false, "nurse.a", MNCR_MODE_VISUAL);
	assert_int_equal(f.state, MNCR_FLOW_QUERY);
	assert_int_equal(f.prompt.detail, MNCR_MSG_CONSENT_NOT_ASKED);
	assert_false(f.consents_asked);
	assert_false(f.consents.medication || f.consents.checkup ||
		     f.consents.clinical || f.consents.surgery);
	elig(&f, MNCR_FLOW_ELIG_OK, MNCR_ELIG_VALID, "");
	assert_string_equal(note_get(&f, "medication"), "not_asked");
	assert_int_equal(f.prompt.detail, MNCR_MSG_NONE);
}

/* ---- query outcomes ---- */

static void to_query(struct mncr_flow *f, enum mncr_card_kind kind)
{
	new_flow(f, MNCR_ELIG_SITE_CLINIC);
	start(f, kind, kind == MNCR_CARD_KIND_PIN ? 3 : -1, MNCR_MODE_AUTO);
	if (f->state == MNCR_FLOW_CHOOSE_METHOD)
		assert_int_equal(choose(f, MNCR_FLOW_OPT_FACE), 0);
	face(f, MNCR_FLOW_FACE_MATCH);
	consent_all(f, all_yes);
}

static void test_refusals(void **state)
{
	static const struct {
		enum mncr_flow_elig_outcome in;
		enum mncr_elig_validity v;
		enum mncr_flow_outcome out;
		enum mncr_msg msg;
	} cases[] = {
		{ MNCR_FLOW_ELIG_CERT_EXPIRED, 0, MNCR_FLOW_OUT_CERT_EXPIRED, MNCR_MSG_CERT_EXPIRED },
		{ MNCR_FLOW_ELIG_CERT_REVOKED, 0, MNCR_FLOW_OUT_CERT_REVOKED, MNCR_MSG_CERT_REVOKED },
		{ MNCR_FLOW_ELIG_CERT_UNTRUSTED, 0, MNCR_FLOW_OUT_CERT_UNTRUSTED, MNCR_MSG_CERT_UNTRUSTED },
		{ MNCR_FLOW_ELIG_NOT_FOUND, 0, MNCR_FLOW_OUT_NOT_FOUND, MNCR_MSG_RESULT_NOT_FOUND },
		{ MNCR_FLOW_ELIG_OK, MNCR_ELIG_INVALID, MNCR_FLOW_OUT_INELIGIBLE, MNCR_MSG_RESULT_INVALID },
		{ MNCR_FLOW_ELIG_OK, MNCR_ELIG_UNKNOWN, MNCR_FLOW_OUT_VALIDITY_UNKNOWN, MNCR_MSG_RESULT_UNKNOWN },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mncr_flow f;

		to_query(&f, MNCR_CARD_KIND_PIN);
		elig(&f, cases[i].in, cases[i].v, "");
		assert_int_equal(f.state, MNCR_FLOW_FINISH);
		assert_int_equal(f.outcome, cases[i].out);
		assert_int_equal(f.prompt.msg, cases[i].msg);
		/* An expired certificate cannot log in to マイナポータル either. */
		assert_int_equal(f.prompt.guide, MNCR_MSG_GUIDE_CARD);
		assert_int_equal(f.prompt.detail, MNCR_MSG_REMOVE_CARD);
		assert_false(f.claim_issued);
	}
}

static void test_no_auth_cert(void **state)
{
	struct mncr_flow f;

	(void)state;
	new_flow(&f, MNCR_ELIG_SITE_CLINIC);
	start(&f, MNCR_CARD_KIND_NO_AUTH_CERT, -1, MNCR_MODE_AUTO);
	assert_int_equal(f.state, MNCR_FLOW_FINISH);
	assert_int_equal(f.outcome, MNCR_FLOW_OUT_NO_AUTH_CERT);
	assert_int_equal(f.prompt.msg, MNCR_MSG_NO_AUTH_CERT);
}

static void test_service_down_claim_and_retry(void **state)
{
	struct mncr_flow f;

	(void)state;
	to_query(&f, MNCR_CARD_KIND_PIN);
	elig(&f, MNCR_FLOW_ELIG_UNAVAILABLE, 0, "");
	assert_string_equal(note_get(&f, "answer"), "unavailable");
	assert_int_equal(f.state, MNCR_FLOW_CLAIM);
	assert_int_equal(f.action, MNCR_FLOW_DO_CLAIM);
	assert_int_equal(f.claim_reason, MNCR_CLAIM_SERVICE_UNAVAILABLE);
	assert_int_equal(f.prompt.msg, MNCR_MSG_SERVICE_DOWN);
	claim(&f, true);
	assert_string_equal(note_get(&f, "reason"), "service_unavailable");
	/* The 申立書 is out; staff may ask again. */
	assert_int_equal(f.state, MNCR_FLOW_CLAIM_ISSUED);
	assert_int_equal(f.prompt.options, MNCR_FLOW_OPT_RETRY | MNCR_FLOW_OPT_DONE);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_RETRY), 0);
	assert_int_equal(f.state, MNCR_FLOW_QUERY);
	elig(&f, MNCR_FLOW_ELIG_UNAVAILABLE, 0, "");
	/* No second 申立書. */
	assert_int_equal(f.state, MNCR_FLOW_CLAIM_ISSUED);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_RETRY), 0);
	elig(&f, MNCR_FLOW_ELIG_UNAVAILABLE, 0, "");
	assert_string_equal(note_get(&f, "attempt"), "3");
	/* Retries (2) used up. */
	assert_int_equal(f.state, MNCR_FLOW_FINISH);
	assert_int_equal(f.outcome, MNCR_FLOW_OUT_CLAIM_FORM);
	assert_int_equal(f.prompt.msg, MNCR_MSG_CLAIM_ISSUED);
	assert_int_equal(f.prompt.detail, MNCR_MSG_SERVICE_DOWN);
	assert_int_equal(f.prompt.guide, MNCR_MSG_GUIDE_PORTAL);

	/* A retry that gets through. */
	to_query(&f, MNCR_CARD_KIND_PINLESS);
	elig(&f, MNCR_FLOW_ELIG_UNAVAILABLE, 0, "");
	claim(&f, true);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_RETRY), 0);
	elig(&f, MNCR_FLOW_ELIG_OK, MNCR_ELIG_VALID, "020");
	assert_int_equal(f.outcome, MNCR_FLOW_OUT_ELIGIBLE);
	assert_true(f.claim_issued);

	/* Done after the 申立書. */
	to_query(&f, MNCR_CARD_KIND_PINLESS);
	elig(&f, MNCR_FLOW_ELIG_UNAVAILABLE, 0, "");
	claim(&f, true);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_DONE), 0);
	assert_int_equal(f.outcome, MNCR_FLOW_OUT_CLAIM_FORM);
	assert_int_equal(f.prompt.guide, MNCR_MSG_GUIDE_CARD);
}

static void test_rejected_and_claim_failure(void **state)
{
	struct mncr_flow f;

	(void)state;
	to_query(&f, MNCR_CARD_KIND_PINLESS);
	elig(&f, MNCR_FLOW_ELIG_REJECTED, 0, "");
	assert_int_equal(f.claim_reason, MNCR_CLAIM_QUERY_FAILED);
	claim(&f, true);
	/* Not a reachability problem: no retry. */
	assert_int_equal(f.state, MNCR_FLOW_FINISH);
	assert_int_equal(f.outcome, MNCR_FLOW_OUT_CLAIM_FORM);
	assert_int_equal(f.prompt.detail, MNCR_MSG_QUERY_FAILED);

	to_query(&f, MNCR_CARD_KIND_PINLESS);
	elig(&f, MNCR_FLOW_ELIG_UNAVAILABLE, 0, "");
	claim(&f, false);
	assert_int_equal(f.outcome, MNCR_FLOW_OUT_CLAIM_FAILED);
	assert_string_equal(note_get(&f, "result"), "failed");
}

/* ---- removal, cancel, errors, bad events ---- */

static void test_removed_cancelled_error(void **state)
{
	struct mncr_flow_event ev;
	struct mncr_flow f;

	(void)state;
	new_flow(&f, MNCR_ELIG_SITE_CLINIC);
	start(&f, MNCR_CARD_KIND_PIN, 3, MNCR_MODE_AUTO);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_FACE), 0);
	remove_card(&f);
	assert_int_equal(f.outcome, MNCR_FLOW_OUT_CARD_REMOVED);
	assert_string_equal(note_get(&f, "state"), "face");
	assert_int_equal(f.prompt.msg, MNCR_MSG_CARD_REMOVED);

	new_flow(&f, MNCR_ELIG_SITE_CLINIC);
	start(&f, MNCR_CARD_KIND_PIN, 3, MNCR_MODE_AUTO);
	ev = ev_of(MNCR_FLOW_EV_CANCEL);
	assert_int_equal(step(&f, &ev), 0);
	assert_int_equal(f.outcome, MNCR_FLOW_OUT_CANCELLED);
	assert_string_equal(f.note.event, "qualify.cancel");
	assert_int_equal(step(&f, &ev), -EINVAL);
	remove_card(&f);
	assert_int_equal(f.outcome, MNCR_FLOW_OUT_CANCELLED);

	new_flow(&f, MNCR_ELIG_SITE_CLINIC);
	ev = ev_of(MNCR_FLOW_EV_CARD_SET);
	assert_int_equal(step(&f, &ev), 0);
	ev = ev_of(MNCR_FLOW_EV_ERROR);
	ev.err = -EIO;
	ev.card_error = true;
	assert_int_equal(step(&f, &ev), 0);
	assert_int_equal(f.outcome, MNCR_FLOW_OUT_ERROR);
	assert_int_equal(f.prompt.msg, MNCR_MSG_ERROR_CARD);
	assert_int_equal(f.err, -EIO);
	assert_string_equal(note_get(&f, "source"), "card");
	/* An error while waiting for removal just ends it. */
	assert_int_equal(step(&f, &ev), 0);
	assert_int_equal(f.state, MNCR_FLOW_ENDED);
	assert_int_equal(f.outcome, MNCR_FLOW_OUT_ERROR);
}

static void test_bad_events(void **state)
{
	struct mncr_flow_event ev;
	struct mncr_flow f;

	(void)state;
	new_flow(&f, MNCR_ELIG_SITE_CLINIC);
	/* Before the card: only CARD_SET. */
	ev = ev_of(MNCR_FLOW_EV_FACE);
	assert_int_equal(step(&f, &ev), -EINVAL);
	ev = ev_of(MNCR_FLOW_EV_CARD_REMOVED);
	assert_int_equal(step(&f, &ev), -EINVAL);
	assert_int_equal(f.state, MNCR_FLOW_WAIT_CARD);
	start(&f, MNCR_CARD_KIND_PINLESS, -1, MNCR_MODE_AUTO);
	/* A face attempt is not a consent, nor an eligibility answer. */
	ev = ev_of(MNCR_FLOW_EV_CONSENT);
	assert_int_equal(step(&f, &ev), -EINVAL);
	ev = ev_of(MNCR_FLOW_EV_ELIG);
	assert_int_equal(step(&f, &ev), -EINVAL);
	ev = ev_of(MNCR_FLOW_EV_FACE);
	ev.face = (enum mncr_flow_face_result)9;
	assert_int_equal(step(&f, &ev), -EINVAL);
	assert_int_equal(f.state, MNCR_FLOW_FACE);
	assert_int_equal(f.face_failures, 0);
	assert_int_equal(mncr_flow_step(NULL, &ev), -EINVAL);
	assert_int_equal(mncr_flow_step(&f, NULL), -EINVAL);
}

/* Every prompt a flow can show has a message with a key and a text. */
static void test_prompts_have_messages(void **state)
{
	(void)state;
	for (unsigned int opt = 1; opt & MNCR_FLOW_OPT_ALL; opt <<= 1) {
		assert_string_not_equal(mncr_flow_option_name(opt), "?");
		assert_int_not_equal(mncr_flow_option_msg(opt), MNCR_MSG_NONE);
		assert_non_null(mncr_msg_key(mncr_flow_option_msg(opt)));
	}
	for (int c = 0; c < MNCR_FLOW_CONSENT_COUNT; c++)
		assert_non_null(mncr_msg_source(mncr_flow_consent_msg(c)));
	for (int st = 0; st < MNCR_FLOW_STATE_COUNT; st++)
		assert_string_not_equal(mncr_flow_state_name(st), "?");
	for (int o = 0; o < MNCR_FLOW_OUT_COUNT; o++)
		assert_string_not_equal(mncr_flow_outcome_name(o), "?");
	assert_string_equal(mncr_flow_state_name(MNCR_FLOW_STATE_COUNT), "?");
	assert_true(mncr_flow_operator_valid("a.b_c-d@e"));
	assert_false(mncr_flow_operator_valid(""));
	assert_false(mncr_flow_operator_valid("x y"));
	assert_false(mncr_flow_operator_valid("123456789012345678901234567890123"));
}

/*
 * Each prompt names its screen, so that an application's pages follow the
 * flow without reading its texts: walked through a PIN card's longest
 * path (face fails, PIN to the last try, staff, 目視確認, consents, result).
 */
static void test_prompt_screens(void **state)
{
	struct mncr_flow_event ev = ev_of(MNCR_FLOW_EV_CARD_SET);
	struct mncr_flow f;

	(void)state;
	new_flow(&f, MNCR_ELIG_SITE_CLINIC);
	assert_int_equal(f.prompt.screen, MNCR_FLOW_SCREEN_WAITING);
	assert_int_equal(step(&f, &ev), 0);
	assert_int_equal(f.prompt.screen, MNCR_FLOW_SCREEN_READING);
	start_rest(&f, MNCR_CARD_KIND_PIN, 3);
	assert_int_equal(f.state, MNCR_FLOW_CHOOSE_METHOD);
	assert_int_equal(f.prompt.screen, MNCR_FLOW_SCREEN_CHOOSE);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_FACE), 0);
	assert_int_equal(f.prompt.screen, MNCR_FLOW_SCREEN_FACE);
	for (int i = 0; i < 3; i++)
		face(&f, MNCR_FLOW_FACE_NO_MATCH);
	assert_int_equal(f.state, MNCR_FLOW_FACE_FAILED);
	assert_int_equal(f.prompt.screen, MNCR_FLOW_SCREEN_CHOOSE);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_PIN), 0);
	assert_int_equal(f.prompt.screen, MNCR_FLOW_SCREEN_PIN);
	pin(&f, MNCR_FLOW_PIN_WRONG, 2);
	assert_int_equal(f.prompt.screen, MNCR_FLOW_SCREEN_PIN);
	pin(&f, MNCR_FLOW_PIN_WRONG, 1);
	assert_int_equal(f.state, MNCR_FLOW_PIN_LAST_TRY);
	assert_int_equal(f.prompt.screen, MNCR_FLOW_SCREEN_LAST_TRY);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_STAFF), 0);
	assert_int_equal(f.prompt.screen, MNCR_FLOW_SCREEN_STAFF);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_VISUAL), 0);
	assert_int_equal(f.prompt.screen, MNCR_FLOW_SCREEN_VISUAL);
	mode(&f, MNCR_MODE_VISUAL);
	assert_int_equal(f.state, MNCR_FLOW_VISUAL_ATTEST);
	assert_int_equal(f.prompt.screen, MNCR_FLOW_SCREEN_VISUAL);
	attest(&f, true, true, "staff01", MNCR_MODE_VISUAL);
	assert_int_equal(f.prompt.screen, MNCR_FLOW_SCREEN_CONSENT);
	consent_all(&f, all_yes);
	assert_int_equal(f.prompt.screen, MNCR_FLOW_SCREEN_QUERY);
	elig(&f, MNCR_FLOW_ELIG_UNAVAILABLE, MNCR_ELIG_UNKNOWN, "");
	assert_int_equal(f.state, MNCR_FLOW_CLAIM);
	assert_int_equal(f.prompt.screen, MNCR_FLOW_SCREEN_CLAIM);
	claim(&f, true);
	assert_int_equal(f.state, MNCR_FLOW_CLAIM_ISSUED);
	assert_int_equal(f.prompt.screen, MNCR_FLOW_SCREEN_CLAIM);
	assert_int_equal(choose(&f, MNCR_FLOW_OPT_DONE), 0);
	assert_int_equal(f.state, MNCR_FLOW_FINISH);
	assert_int_equal(f.prompt.screen, MNCR_FLOW_SCREEN_RESULT);
	remove_card(&f);
	assert_int_equal(f.prompt.screen, MNCR_FLOW_SCREEN_RESULT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pin_card_face_ok),
		cmocka_unit_test(test_prompt_screens),
		cmocka_unit_test(test_pinless_goes_straight_to_face),
		cmocka_unit_test(test_face_failures_pin_card),
		cmocka_unit_test(test_face_max_configurable),
		cmocka_unit_test(test_two_wrong_pins_stop_before_last),
		cmocka_unit_test(test_last_try_when_allowed),
		cmocka_unit_test(test_guard_refusal_is_a_state),
		cmocka_unit_test(test_pin_format_and_abandon),
		cmocka_unit_test(test_pin_never_for_pinless),
		cmocka_unit_test(test_portal_for_pin_card),
		cmocka_unit_test(test_visual_mode_at_start),
		cmocka_unit_test(test_visual_refused_without_mode),
		cmocka_unit_test(test_visual_refused_without_attestation),
		cmocka_unit_test(test_pharmacy_absent_refused),
		cmocka_unit_test(test_pharmacy_present_and_clinic_absent),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_no_auth_cert),
		cmocka_unit_test(test_service_down_claim_and_retry),
		cmocka_unit_test(test_rejected_and_claim_failure),
		cmocka_unit_test(test_removed_cancelled_error),
		cmocka_unit_test(test_bad_events),
		cmocka_unit_test(test_card_photo_unusable),
		cmocka_unit_test(test_card_unverified),
		cmocka_unit_test(test_prompts_have_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
