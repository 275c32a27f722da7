// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The qualification flow run end to end over hooks: the card is the card
 * emulator behind flow_card.h (kind, PIN with the last-try guard, 基本4情報
 * by 照合番号B); camera, people, reader mode, eligibility service and clock
 * are scripted fakes. The project's end-to-end cases 1-7 (case 8, audit
 * log tampering, is test_audit_log's), plus the rules: PIN and マイナポータル
 * never offered for PIN-less cards, 目視確認 refused without the mode or
 * without an attestation, and audit records with no secrets in them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flow/audit_log.h"
#include "flow/claim_pdf.h"
#include "flow/flow_card.h"
#include "flow/flow_session.h"
#include "test_card_fixture.h"

/*
 * fontconfig keeps a few hundred bytes from its first use to exit; that is
 * not ours to free (ASan builds only read this).
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

#define T_NOW	1743469200	/* 2025-04-01 10:00 JST */
#define MAX_SCRIPT 8

/* Everything the fakes answer, and everything they saw. */
struct sess {
	struct fx *card;
	struct mncr_card_front front;
	bool fake_kind;			/* answer kind_info instead of the card */
	struct mncr_card_kind_info kind_info;

	unsigned int mode;		/* the reader's mode */
	bool switch_on_visual;		/* staff turn 目視確認 on, then choose it */
	bool mode_expires;		/* back to auto once the attestation is in */
	enum mncr_flow_face_result faces[MAX_SCRIPT];
	size_t n_faces, face_calls;
	int face_error;			/* returned instead, when set */
	const char *pins[MAX_SCRIPT];
	size_t n_pins, pin_entries, pin_verifies;
	unsigned int choices[MAX_SCRIPT];
	size_t n_choices, choice_calls;
	struct mncr_flow_attestation att;
	size_t attest_calls;
	bool yes[MNCR_FLOW_CONSENT_COUNT];
	size_t consent_calls;
	struct mncr_flow_answer answers[MAX_SCRIPT];
	int answer_errors[MAX_SCRIPT];
	size_t n_answers, query_calls;
	struct mncr_flow_query queries[MAX_SCRIPT];
	char request_ids[MAX_SCRIPT][MNCR_ELIG_REQUEST_ID_MAX + 1];
	char operator_ids[MAX_SCRIPT][MNCR_FLOW_OPERATOR_MAX + 1];

	char dir[64];
	char audit[128], pdf[128], json[128];
	size_t claims;
	int claim_pdf_ret;
	size_t removals;

	unsigned int options_seen;
	bool msg_seen[MNCR_MSG_COUNT];
	struct mncr_flow_session *session;
	bool pin_buffer_was_session;
	atomic_int *stop_in_face;	/* the face hook sets it (a cancel) */
};

static void saw(struct sess *t, const struct mncr_flow_prompt *p)
{
	t->options_seen |= p->options;
	t->msg_seen[p->msg] = true;
	t->msg_seen[p->detail] = true;
	t->msg_seen[p->guide] = true;
}

static int h_kind(void *ctx, struct mncr_card_kind_info *info)
{
	struct sess *t = ctx;

	if (t->fake_kind) {
		*info = t->kind_info;
		return 0;
	}
	return mncr_flow_card_kind(&t->card->io, info);
}

static int h_mode(void *ctx, unsigned int *mode)
{
	struct sess *t = ctx;

	*mode = t->mode;
	return 0;
}

static int h_face(void *ctx, unsigned int attempt, enum mncr_flow_face_result *r)
{
	struct sess *t = ctx;

	assert_int_equal(attempt, t->face_calls + 1);
	t->face_calls++;
	if (t->stop_in_face)
		atomic_store(t->stop_in_face, 1);
	if (t->face_error)
		return t->face_error;
	assert_true(t->face_calls <= t->n_faces);
	*r = t->faces[t->face_calls - 1];
	return 0;
}

static int h_pin_entry(void *ctx, const struct mncr_flow_prompt *p, char *buf,
		       size_t cap, size_t *len)
{
	struct sess *t = ctx;
	const char *pin;

	saw(t, p);
	if (t->pin_entries >= t->n_pins)
		return -ECANCELED;
	pin = t->pins[t->pin_entries++];
	assert_true(strlen(pin) <= cap);
	t->pin_buffer_was_session = buf == t->session->pin;
	memcpy(buf, pin, strlen(pin));
	*len = strlen(pin);
	return 0;
}

static int h_pin_verify(void *ctx, char *pin, size_t len, bool last_try,
			int *tries_left)
{
	struct sess *t = ctx;

	t->pin_verifies++;
	assert_false(last_try);
	return mncr_flow_card_pin_verify(&t->card->io, pin, len, last_try,
					 tries_left);
}

static int h_choose(void *ctx, const struct mncr_flow_prompt *p,
		    unsigned int *choice)
{
	struct sess *t = ctx;

	saw(t, p);
	if (t->choice_calls >= t->n_choices)
		return -ECANCELED;
	*choice = t->choices[t->choice_calls++];
	if (*choice == MNCR_FLOW_OPT_VISUAL && t->switch_on_visual)
		t->mode = MNCR_MODE_VISUAL;
	return 0;
}

static int h_attest(void *ctx, const struct mncr_flow_prompt *p,
		    struct mncr_flow_attestation *a)
{
	struct sess *t = ctx;

	saw(t, p);
	assert_int_equal(p->audience, MNCR_FLOW_STAFF_ONLY);
	t->attest_calls++;
	*a = t->att;
	/* Claims the mode is on: the session must ask the reader itself. */
	a->mode_after = MNCR_MODE_VISUAL;
	if (t->mode_expires)
		t->mode = MNCR_MODE_AUTO;
	return 0;
}

static int h_consent(void *ctx, const struct mncr_flow_prompt *p,
		     enum mncr_flow_consent c, bool *yes)
{
	struct sess *t = ctx;

	saw(t, p);
	assert_int_equal(c, t->consent_calls);
	assert_int_equal(p->msg, mncr_flow_consent_msg(c));
	*yes = t->yes[c];
	t->consent_calls++;
	return 0;
}

static int h_elig(void *ctx, const struct mncr_flow_query *q,
		  struct mncr_flow_answer *a)
{
	struct sess *t = ctx;
	size_t i = t->query_calls++;

	assert_true(i < t->n_answers);
	t->queries[i] = *q;
	snprintf(t->request_ids[i], sizeof(t->request_ids[i]), "%s", q->request_id);
	snprintf(t->operator_ids[i], sizeof(t->operator_ids[i]), "%s", q->operator_id);
	t->queries[i].request_id = t->request_ids[i];
	t->queries[i].operator_id = t->operator_ids[i];
	*a = t->answers[i];
	return t->answer_errors[i];
}

static int h_basic4(void *ctx, struct mncr_text_basic4 *out)
{
	struct sess *t = ctx;

	return mncr_flow_card_basic4(&t->card->io, &t->front, out);
}

static int h_claim(void *ctx, const struct mncr_claim_form *form)
{
	struct sess *t = ctx;
	int ret;

	t->claims++;
	ret = mncr_claim_form_write_json(form, t->json);
	if (ret < 0)
		return ret;
	t->claim_pdf_ret = mncr_claim_form_write_pdf(form, t->pdf);
	return t->claim_pdf_ret == -ENOTSUP ? 0 : t->claim_pdf_ret;
}

static int h_removal(void *ctx)
{
	struct sess *t = ctx;

	t->removals++;
	return 0;
}

static int h_now(void *ctx, struct timespec *ts)
{
	(void)ctx;
	ts->tv_sec = T_NOW;
	ts->tv_nsec = 0;
	return 0;
}

static void h_show(void *ctx, const struct mncr_flow_prompt *p)
{
	saw(ctx, p);
}

static const struct mncr_flow_hooks hooks = {
	.card_kind = h_kind,
	.reader_mode = h_mode,
	.face_attempt = h_face,
	.pin_entry = h_pin_entry,
	.pin_verify = h_pin_verify,
	.choose = h_choose,
	.attest = h_attest,
	.consent = h_consent,
	.eligibility = h_elig,
	.basic4 = h_basic4,
	.claim_form = h_claim,
	.wait_removal = h_removal,
	.now = h_now,
	.show = h_show,
};

/* ---- fixture ---- */

/* The group's state is the card fixture; each test gets it in *state. */
static int setup(void **state)
{
	struct sess *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	t->card = *state;
	snprintf(t->dir, sizeof(t->dir), "/tmp/mncr-flow-XXXXXX");
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(t->audit, sizeof(t->audit), "%s/audit.log", t->dir);
	snprintf(t->pdf, sizeof(t->pdf), "%s/claim.pdf", t->dir);
	snprintf(t->json, sizeof(t->json), "%s/claim.json", t->dir);
	t->mode = MNCR_MODE_AUTO;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct sess *t = *state;
	const char *names[] = { "audit.log", "audit.log.head", "claim.pdf",
				"claim.json" };
	char p[256];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", t->dir, names[i]);
		unlink(p);
	}
	rmdir(t->dir);
	*state = t->card;
	free(t);
	return 0;
}

/* Starts the emulated card of a preset and fills the card front. */
static void card(struct sess *t, const char *preset)
{
	assert_int_equal(fx_card(t->card, preset), 0);
	fx_front(t->card, &t->front);
}

static void faces(struct sess *t, size_t n, enum mncr_flow_face_result r,
		  bool then_match)
{
	t->n_faces = 0;
	for (size_t i = 0; i < n; i++)
		t->faces[t->n_faces++] = r;
	if (then_match)
		t->faces[t->n_faces++] = MNCR_FLOW_FACE_MATCH;
}

static void answer(struct sess *t, enum mncr_flow_elig_outcome o,
		   enum mncr_elig_validity v, const char *share)
{
	struct mncr_flow_answer *a = &t->answers[t->n_answers++];

	a->outcome = o;
	a->validity = v;
	snprintf(a->share, sizeof(a->share), "%s", share);
}

/* Runs a whole session; returns what run() returned. */
static int run(struct sess *t, enum mncr_elig_site site,
	       struct mncr_flow_session *s)
{
	struct mncr_flow_config cfg;
	int ret;

	mncr_flow_config_default(&cfg, site);
	assert_int_equal(mncr_flow_session_init(s, &cfg, &hooks, t, t->audit), 0);
	t->session = s;
	ret = mncr_flow_session_run(s);
	assert_int_equal(s->flow.state, MNCR_FLOW_ENDED);
	/* The PIN buffer is empty whatever happened. */
	for (size_t i = 0; i < sizeof(s->pin); i++)
		assert_int_equal(s->pin[i], 0);
	return ret;
}

/* The audit log's lines with the chain and time values blanked out. */
static char *audit_text(struct sess *t)
{
	static const char *const keys[] = { "\"prev\":\"", "\"hash\":\"",
					    "\"time\":\"", "\"session\":\"" };
	struct mncr_audit_report rep;
	FILE *fp = fopen(t->audit, "r");
	char *buf = calloc(1, 1 << 18);
	size_t n;

	assert_int_equal(mncr_audit_verify(t->audit, &rep), 0);
	assert_non_null(fp);
	n = fread(buf, 1, (1 << 18) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		for (char *p = strstr(buf, keys[k]); p; p = strstr(p, keys[k])) {
			p += strlen(keys[k]);
			while (*p && *p != '"')
				*p++ = '_';
		}
	}
	return buf;
}

/* No PIN, name, birth date, card-front digits, My Number or photo. */
static void assert_no_secrets(struct sess *t, const char *log)
{
	const char *const never[] = {
		"1234", "5678", "4321", "見本", "太郎", "千代田",
		"000000000000", "photo", "image", "pin\":",
	};
	char b[16];

	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		assert_null(strstr(log, never[i]));
	memcpy(b, t->front.birth_date, 8);
	b[8] = '\0';
	assert_null(strstr(log, b));
	memcpy(b, t->front.birth_date + 2, 6);
	b[6] = '\0';
	assert_null(strstr(log, b));
	memcpy(b, t->front.security_code, 4);
	b[4] = '\0';
	assert_null(strstr(log, b));
}

static size_t count(const char *log, const char *what)
{
	size_t n = 0;

	for (const char *p = strstr(log, what); p; p = strstr(p + 1, what))
		n++;
	return n;
}

/* All records carry the one session id. */
static void assert_one_session(struct sess *t, const char *id)
{
	char line[2048], want[128];
	FILE *fp = fopen(t->audit, "r");
	size_t lines = 0;

	snprintf(want, sizeof(want), "\"session\":\"%s\"", id);
	while (fgets(line, sizeof(line), fp)) {
		assert_non_null(strstr(line, want));
		lines++;
	}
	fclose(fp);
	assert_true(lines > 3);
}

static void assert_pinless_rules(struct sess *t)
{
	assert_false(t->options_seen & MNCR_FLOW_OPT_PIN);
	assert_false(t->options_seen & MNCR_FLOW_OPT_PORTAL);
	assert_false(t->msg_seen[MNCR_MSG_FACE_FAILED_PIN]);
	assert_false(t->msg_seen[MNCR_MSG_PIN_ENTER]);
	assert_false(t->msg_seen[MNCR_MSG_GUIDE_PORTAL]);
	assert_false(t->msg_seen[MNCR_MSG_PORTAL]);
	assert_int_equal(t->pin_entries, 0);
	assert_int_equal(t->pin_verifies, 0);
}

/* ---- case 1: PIN card, face OK ---- */

static void test_case1_pin_card_face(void **state)
{
	struct sess *t = *state;
	struct mncr_flow_session s;
	char *log;

	card(t, "pin");
	t->choices[t->n_choices++] = MNCR_FLOW_OPT_FACE;
	faces(t, 0, 0, true);
	t->yes[0] = true;	/* medication */
	t->yes[2] = true;	/* clinical */
	answer(t, MNCR_FLOW_ELIG_OK, MNCR_ELIG_VALID, "030");
	assert_int_equal(run(t, MNCR_ELIG_SITE_CLINIC, &s), 0);

	assert_int_equal(s.flow.outcome, MNCR_FLOW_OUT_ELIGIBLE);
	assert_true(t->options_seen & MNCR_FLOW_OPT_PIN);	/* offered */
	assert_int_equal(t->pin_entries, 0);			/* not used */
	assert_int_equal(t->consent_calls, 4);
	assert_int_equal(t->query_calls, 1);
	assert_int_equal(t->queries[0].method, MNCR_ELIG_METHOD_FACE);
	assert_false(t->queries[0].operator_attested);
	assert_string_equal(t->queries[0].operator_id, "");
	assert_string_equal(t->queries[0].request_id, s.id);
	assert_true(t->queries[0].consents.medication);
	assert_false(t->queries[0].consents.checkup);
	assert_true(t->queries[0].consents.clinical);
	assert_false(t->queries[0].consents.surgery);
	assert_true(t->msg_seen[MNCR_MSG_RESULT_VALID]);
	assert_true(t->msg_seen[MNCR_MSG_SHARE]);
	assert_int_equal(t->removals, 1);
	assert_int_equal(t->claims, 0);

	log = audit_text(t);
	assert_no_secrets(t, log);
	assert_one_session(t, s.id);
	assert_int_equal(count(log, "\"event\":\"qualify.start\""), 1);
	assert_non_null(strstr(log, "\"event\":\"qualify.card\",\"kind\":\"pin\",\"tries_left\":\"3\""));
	assert_non_null(strstr(log, "\"event\":\"qualify.face\",\"attempt\":\"1\",\"result\":\"match\""));
	assert_int_equal(count(log, "\"event\":\"qualify.consent\""), 4);
	assert_non_null(strstr(log, "\"category\":\"medication\",\"answer\":\"yes\""));
	assert_non_null(strstr(log, "\"category\":\"checkup\",\"answer\":\"no\""));
	assert_non_null(strstr(log, "\"category\":\"clinical\",\"answer\":\"yes\""));
	assert_non_null(strstr(log, "\"category\":\"surgery\",\"answer\":\"no\""));
	assert_non_null(strstr(log, "\"event\":\"qualify.query\",\"method\":\"face\""));
	assert_non_null(strstr(log, "\"event\":\"qualify.end\",\"outcome\":\"eligible\","
				    "\"method\":\"face\",\"medication\":\"yes\","
				    "\"checkup\":\"no\",\"clinical\":\"yes\","
				    "\"surgery\":\"no\""));
	free(log);
	mncr_flow_session_clear(&s);
}

/* ---- case 2: PIN-less, face OK ---- */

static void test_case2_pinless_face(void **state)
{
	struct sess *t = *state;
	struct mncr_flow_session s;
	char *log;

	card(t, "pinless");
	faces(t, 1, MNCR_FLOW_FACE_NO_FACE, true);
	answer(t, MNCR_FLOW_ELIG_OK, MNCR_ELIG_VALID, "010");
	assert_int_equal(run(t, MNCR_ELIG_SITE_PHARMACY, &s), 0);
	assert_int_equal(s.flow.kind, MNCR_CARD_KIND_PINLESS);
	assert_int_equal(s.flow.outcome, MNCR_FLOW_OUT_ELIGIBLE);
	assert_int_equal(t->face_calls, 2);
	assert_int_equal(t->choice_calls, 0);	/* nothing to choose */
	assert_true(t->msg_seen[MNCR_MSG_FACE_NO_FACE]);
	assert_pinless_rules(t);
	log = audit_text(t);
	assert_no_secrets(t, log);
	assert_non_null(strstr(log, "\"kind\":\"pinless\""));
	assert_null(strstr(log, "tries_left"));
	free(log);
}

/* ---- case 3: PIN-less, face fails, staff 目視確認 ---- */

static void test_case3_pinless_visual(void **state)
{
	struct sess *t = *state;
	struct mncr_flow_session s;
	char *log;

	card(t, "pinless");
	faces(t, 3, MNCR_FLOW_FACE_NO_MATCH, false);
	/* Staff switch the reader to 目視確認 on the 資格確認端末, then choose. */
	t->choices[t->n_choices++] = MNCR_FLOW_OPT_VISUAL;
	t->switch_on_visual = true;
	t->att = (struct mncr_flow_attestation){ .confirmed = true,
						 .patient_present = true,
						 .operator_id = "staff01" };
	t->yes[1] = true;
	answer(t, MNCR_FLOW_ELIG_OK, MNCR_ELIG_VALID, "030");
	assert_int_equal(run(t, MNCR_ELIG_SITE_CLINIC, &s), 0);

	assert_int_equal(s.flow.outcome, MNCR_FLOW_OUT_ELIGIBLE);
	assert_int_equal(t->face_calls, 3);
	assert_true(t->msg_seen[MNCR_MSG_FACE_FAILED_STAFF]);
	assert_int_equal(t->attest_calls, 1);
	assert_int_equal(t->queries[0].method, MNCR_ELIG_METHOD_VISUAL);
	assert_true(t->queries[0].operator_attested);
	assert_string_equal(t->queries[0].operator_id, "staff01");
	assert_true(t->queries[0].consents.checkup);
	assert_pinless_rules(t);
	log = audit_text(t);
	assert_no_secrets(t, log);
	assert_int_equal(count(log, "\"event\":\"qualify.face\""), 3);
	assert_non_null(strstr(log, "\"event\":\"qualify.visual\",\"operator\":\"staff01\","
				    "\"attested\":\"yes\",\"patient_present\":\"yes\","
				    "\"site\":\"clinic\",\"result\":\"attested\""));
	assert_non_null(strstr(log, "\"outcome\":\"eligible\",\"method\":\"visual\""));
	free(log);
}

/* ---- case 11: PIN-less, the card photo unusable: one call, then staff ---- */

static void test_case11_photo_unusable(void **state)
{
	struct sess *t = *state;
	struct mncr_flow_session s;
	char *log;

	card(t, "pinless");
	faces(t, 1, MNCR_FLOW_FACE_PHOTO_UNUSABLE, false);
	t->choices[t->n_choices++] = MNCR_FLOW_OPT_VISUAL;
	t->switch_on_visual = true;
	t->att = (struct mncr_flow_attestation){ .confirmed = true,
						 .patient_present = true,
						 .operator_id = "staff01" };
	answer(t, MNCR_FLOW_ELIG_OK, MNCR_ELIG_VALID, "030");
	assert_int_equal(run(t, MNCR_ELIG_SITE_CLINIC, &s), 0);

	assert_int_equal(s.flow.outcome, MNCR_FLOW_OUT_ELIGIBLE);
	assert_int_equal(s.flow.method, MNCR_ELIG_METHOD_VISUAL);
	assert_int_equal(t->face_calls, 1);
	assert_int_equal(s.flow.face_failures, 0);
	assert_true(t->msg_seen[MNCR_MSG_FACE_PHOTO_UNUSABLE]);
	assert_false(t->msg_seen[MNCR_MSG_FACE_FAILED_STAFF]);
	log = audit_text(t);
	assert_no_secrets(t, log);
	assert_int_equal(count(log, "\"event\":\"qualify.face\""), 1);
	assert_non_null(strstr(log, "\"event\":\"qualify.face\",\"result\":\"card_face_unusable\""));
	free(log);
	mncr_flow_session_clear(&s);
}

/* ---- case 4: PIN card, face fails, PIN, two wrong: stopped ---- */

static void test_case4_pin_guard(void **state)
{
	struct sess *t = *state;
	struct mncr_flow_session s;
	char *log;

	card(t, "pin");
	t->choices[t->n_choices++] = MNCR_FLOW_OPT_FACE;
	faces(t, 3, MNCR_FLOW_FACE_LIVENESS_FAIL, false);
	t->choices[t->n_choices++] = MNCR_FLOW_OPT_PIN;
	t->pins[t->n_pins++] = "5678";
	t->pins[t->n_pins++] = "4321";
	t->pins[t->n_pins++] = "1234";	/* never asked for */
	/* Told it is the last try: staff instead; they check the 資格確認書. */
	t->choices[t->n_choices++] = MNCR_FLOW_OPT_STAFF;
	t->choices[t->n_choices++] = MNCR_FLOW_OPT_INSURANCE_CARD;
	assert_int_equal(run(t, MNCR_ELIG_SITE_CLINIC, &s), 0);

	assert_true(t->msg_seen[MNCR_MSG_FACE_FAILED_PIN]);
	assert_true(t->msg_seen[MNCR_MSG_PIN_WRONG]);
	assert_true(t->msg_seen[MNCR_MSG_PIN_LAST_TRY]);
	assert_int_equal(t->pin_entries, 2);
	assert_int_equal(t->pin_verifies, 2);
	assert_true(t->pin_buffer_was_session);
	/* Not locked: the card still has its last try. */
	assert_int_equal(mncr_card_emul_tries(t->card->emul,
					      &mncr_card_key_jpki_auth), 1);
	assert_int_equal(t->card->verifies, 2);
	assert_false(t->options_seen & MNCR_FLOW_OPT_LAST_TRY);
	assert_int_equal(s.flow.outcome, MNCR_FLOW_OUT_INSURANCE_CARD);
	assert_int_equal(t->query_calls, 0);
	log = audit_text(t);
	assert_no_secrets(t, log);
	assert_non_null(strstr(log, "\"result\":\"wrong\",\"last_try\":\"no\",\"tries_left\":\"2\""));
	assert_non_null(strstr(log, "\"result\":\"wrong\",\"last_try\":\"no\",\"tries_left\":\"1\""));
	assert_non_null(strstr(log, "\"state\":\"pin_last_try\",\"choice\":\"staff\""));
	assert_non_null(strstr(log, "\"outcome\":\"insurance_card\""));
	free(log);
}

/* The card's own guard, when the flow did not know the count. */
static void test_case4b_card_guard(void **state)
{
	struct sess *t = *state;
	struct mncr_flow_session s;

	assert_int_equal(fx_profile(t->card, "pin"), 0);
	t->card->profile.auth_pin.tries = 1;
	assert_int_equal(fx_start(t->card), 0);
	fx_front(t->card, &t->front);
	t->fake_kind = true;
	t->kind_info = (struct mncr_card_kind_info){
		.kind = MNCR_CARD_KIND_PIN, .state_known = true, .auth_cert = true,
		.sign_cert = true, .auth_tries = -1,
	};
	t->choices[t->n_choices++] = MNCR_FLOW_OPT_PIN;
	t->pins[t->n_pins++] = "5678";
	t->choices[t->n_choices++] = MNCR_FLOW_OPT_CANCEL;
	assert_int_equal(run(t, MNCR_ELIG_SITE_CLINIC, &s), 0);
	assert_int_equal(t->pin_verifies, 1);
	assert_int_equal(t->card->verifies, 0);	/* nothing sent */
	assert_int_equal(mncr_card_emul_tries(t->card->emul,
					      &mncr_card_key_jpki_auth), 1);
	assert_true(t->msg_seen[MNCR_MSG_PIN_LAST_TRY]);
	assert_int_equal(s.flow.outcome, MNCR_FLOW_OUT_CANCELLED);
}

static void test_pin_ok_and_format(void **state)
{
	struct sess *t = *state;
	struct mncr_flow_session s;
	char *log;

	card(t, "pin");
	t->choices[t->n_choices++] = MNCR_FLOW_OPT_PIN;
	t->pins[t->n_pins++] = "12a4";	/* refused before the card sees it */
	t->pins[t->n_pins++] = "1234";
	answer(t, MNCR_FLOW_ELIG_OK, MNCR_ELIG_VALID, "020");
	assert_int_equal(run(t, MNCR_ELIG_SITE_CLINIC, &s), 0);
	assert_int_equal(t->pin_verifies, 1);
	assert_true(t->msg_seen[MNCR_MSG_PIN_FORMAT]);
	assert_int_equal(t->queries[0].method, MNCR_ELIG_METHOD_PIN);
	assert_int_equal(s.flow.outcome, MNCR_FLOW_OUT_ELIGIBLE);
	log = audit_text(t);
	assert_no_secrets(t, log);
	assert_non_null(strstr(log, "\"result\":\"format\""));
	assert_non_null(strstr(log, "\"result\":\"ok\""));
	free(log);
}

/* ---- case 5: pharmacy, patient absent ---- */

static void test_case5_pharmacy_absent(void **state)
{
	struct sess *t = *state;
	struct mncr_flow_session s;
	char *log;

	card(t, "pinless");
	t->mode = MNCR_MODE_VISUAL;	/* a family member brought the card */
	t->att = (struct mncr_flow_attestation){ .confirmed = true,
						 .patient_present = false,
						 .operator_id = "pharm-7" };
	assert_int_equal(run(t, MNCR_ELIG_SITE_PHARMACY, &s), 0);
	assert_int_equal(s.flow.outcome, MNCR_FLOW_OUT_VISUAL_REFUSED);
	assert_true(t->msg_seen[MNCR_MSG_VISUAL_REFUSED_ABSENT]);
	assert_int_equal(t->query_calls, 0);
	assert_int_equal(t->consent_calls, 0);
	assert_int_equal(t->face_calls, 0);
	log = audit_text(t);
	assert_no_secrets(t, log);
	assert_non_null(strstr(log, "\"reason\":\"pharmacy_patient_absent\""));
	assert_non_null(strstr(log, "\"outcome\":\"visual_refused\",\"method\":\"none\""));
	free(log);
}

/* ---- case 6: service down: 申立書 ---- */

static void check_claim_files(struct sess *t, const char *birth)
{
	struct mncr_claim_form form;
	char *json, why[128];
	size_t n;
	FILE *fp = fopen(t->json, "r");
	struct stat st;

	assert_non_null(fp);
	json = calloc(1, MNCR_CLAIM_JSON_MAX);
	n = fread(json, 1, MNCR_CLAIM_JSON_MAX - 1, fp);
	fclose(fp);
	assert_int_equal(stat(t->json, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(mncr_claim_form_parse_json(json, n, &form, why, sizeof(why)), 0);
	free(json);
	assert_true(form.prefilled);
	assert_string_equal(form.name, "見本\u3000太郎");
	assert_string_equal(form.address, "東京都千代田区見本町１丁目１番地");
	assert_string_equal(form.birth, birth);
	assert_int_equal(form.sex, '1');
	assert_string_equal(form.date, "20250401");
	assert_int_equal(form.reason, MNCR_CLAIM_SERVICE_UNAVAILABLE);
	assert_string_equal(form.contact, "");
	assert_string_equal(form.insurer_name, "");
	assert_string_equal(form.insurer_number, "");
	assert_string_equal(form.share, "");

	if (t->claim_pdf_ret == -ENOTSUP) {
		print_message("PDF not built in (cairo/pango): JSON checked only\n");
		return;
	}
	assert_int_equal(t->claim_pdf_ret, 0);
	assert_int_equal(stat(t->pdf, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	{
		char cmd[256], out[8192];
		FILE *p;

		snprintf(cmd, sizeof(cmd), "pdftotext -raw -enc UTF-8 '%s' - 2>/dev/null",
			 t->pdf);
		p = popen(cmd, "r");
		n = fread(out, 1, sizeof(out) - 1, p);
		out[n] = '\0';
		if (pclose(p) == 0) {
			assert_non_null(strstr(out, "被保険者資格申立書"));
			assert_non_null(strstr(out, "見本"));
			assert_non_null(strstr(out, "太郎"));
		}
	}
}

static void test_case6_service_down(void **state)
{
	struct sess *t = *state;
	struct mncr_flow_session s;
	char *log;

	card(t, "pinless");
	faces(t, 0, 0, true);
	t->yes[0] = true;
	/* The client gave up: no answer at all. */
	answer(t, MNCR_FLOW_ELIG_UNAVAILABLE, MNCR_ELIG_UNKNOWN, "");
	t->answer_errors[0] = -ECONNREFUSED;
	t->choices[t->n_choices++] = MNCR_FLOW_OPT_DONE;
	assert_int_equal(run(t, MNCR_ELIG_SITE_CLINIC, &s), 0);

	assert_int_equal(s.flow.outcome, MNCR_FLOW_OUT_CLAIM_FORM);
	assert_int_equal(t->claims, 1);
	assert_true(t->msg_seen[MNCR_MSG_SERVICE_DOWN]);
	assert_true(t->msg_seen[MNCR_MSG_CLAIM_ISSUED]);
	assert_true(t->options_seen & MNCR_FLOW_OPT_RETRY);
	assert_pinless_rules(t);
	/* The card's 照合番号B was used, not spent: all tries left. */
	assert_int_equal(mncr_card_emul_tries(t->card->emul, &mncr_card_key_text_b),
			 t->card->profile.collation_max);
	check_claim_files(t, "19420623");

	log = audit_text(t);
	assert_no_secrets(t, log);
	assert_non_null(strstr(log, "\"answer\":\"unavailable\""));
	assert_non_null(strstr(log, "\"event\":\"qualify.claim_form\",\"reason\":\"service_unavailable\","
				    "\"result\":\"issued\",\"prefilled\":\"yes\""));
	assert_non_null(strstr(log, "\"outcome\":\"claim_form\""));
	/* Nothing lost: the consents and the request id are on record. */
	assert_non_null(strstr(log, "\"medication\":\"yes\""));
	assert_one_session(t, s.id);
	free(log);
}

static void test_case6b_retry_same_request(void **state)
{
	struct sess *t = *state;
	struct mncr_flow_session s;

	card(t, "pin");
	t->choices[t->n_choices++] = MNCR_FLOW_OPT_FACE;
	faces(t, 0, 0, true);
	answer(t, MNCR_FLOW_ELIG_UNAVAILABLE, MNCR_ELIG_UNKNOWN, "");
	answer(t, MNCR_FLOW_ELIG_OK, MNCR_ELIG_VALID, "030");
	t->choices[t->n_choices++] = MNCR_FLOW_OPT_RETRY;
	assert_int_equal(run(t, MNCR_ELIG_SITE_CLINIC, &s), 0);
	assert_int_equal(t->claims, 1);
	check_claim_files(t, "19800217");
	assert_int_equal(t->query_calls, 2);
	assert_string_equal(t->request_ids[0], t->request_ids[1]);
	assert_int_equal(t->queries[0].attempt, 1);
	assert_int_equal(t->queries[1].attempt, 2);
	assert_int_equal(s.flow.outcome, MNCR_FLOW_OUT_ELIGIBLE);
}

/* ---- case 7: expired and revoked certificates ---- */

static void refusal_case(struct sess *t, const char *preset,
			 enum mncr_flow_elig_outcome o,
			 enum mncr_flow_outcome want, enum mncr_msg msg,
			 const char *name)
{
	struct mncr_flow_session s;
	char *log, expect[64];

	card(t, preset);
	t->choices[t->n_choices++] = MNCR_FLOW_OPT_FACE;
	faces(t, 0, 0, true);
	answer(t, o, MNCR_ELIG_UNKNOWN, "");
	assert_int_equal(run(t, MNCR_ELIG_SITE_CLINIC, &s), 0);
	assert_int_equal(s.flow.outcome, want);
	assert_true(t->msg_seen[msg]);
	assert_true(t->msg_seen[MNCR_MSG_GUIDE_CARD]);
	assert_false(t->msg_seen[MNCR_MSG_GUIDE_PORTAL]);
	assert_int_equal(t->claims, 0);
	log = audit_text(t);
	assert_no_secrets(t, log);
	snprintf(expect, sizeof(expect), "\"outcome\":\"%s\"", name);
	assert_non_null(strstr(log, expect));
	free(log);
}

static void test_case7_expired(void **state)
{
	refusal_case(*state, "expired", MNCR_FLOW_ELIG_CERT_EXPIRED,
		     MNCR_FLOW_OUT_CERT_EXPIRED, MNCR_MSG_CERT_EXPIRED, "cert_expired");
}

static void test_case7_revoked(void **state)
{
	refusal_case(*state, "revoked", MNCR_FLOW_ELIG_CERT_REVOKED,
		     MNCR_FLOW_OUT_CERT_REVOKED, MNCR_MSG_CERT_REVOKED, "cert_revoked");
}

/* ---- rules ---- */

static void test_visual_refused_without_mode(void **state)
{
	struct sess *t = *state;
	struct mncr_flow_session s;
	char *log;

	card(t, "pinless");
	faces(t, 3, MNCR_FLOW_FACE_NO_MATCH, false);
	t->choices[t->n_choices++] = MNCR_FLOW_OPT_VISUAL;	/* mode still auto */
	t->choices[t->n_choices++] = MNCR_FLOW_OPT_CLAIM_FORM;
	assert_int_equal(run(t, MNCR_ELIG_SITE_CLINIC, &s), 0);
	assert_true(t->msg_seen[MNCR_MSG_VISUAL_NEEDS_MODE]);
	assert_int_equal(t->attest_calls, 0);
	assert_int_equal(t->query_calls, 0);
	assert_int_equal(s.flow.outcome, MNCR_FLOW_OUT_CLAIM_FORM);
	assert_int_equal(t->claims, 1);
	assert_pinless_rules(t);
	log = audit_text(t);
	assert_non_null(strstr(log, "\"reason\":\"reader_not_in_visual_mode\""));
	assert_non_null(strstr(log, "\"reason\":\"not_verified\""));
	assert_no_secrets(t, log);
	free(log);
}

static void test_visual_refused_without_attestation(void **state)
{
	struct sess *t = *state;
	struct mncr_flow_session s;
	char *log;

	card(t, "pinless");
	t->mode = MNCR_MODE_VISUAL;
	t->att = (struct mncr_flow_attestation){ .confirmed = false,
						 .patient_present = true,
						 .operator_id = "staff01" };
	t->choices[t->n_choices++] = MNCR_FLOW_OPT_INSURANCE_CARD;
	assert_int_equal(run(t, MNCR_ELIG_SITE_CLINIC, &s), 0);
	assert_true(t->msg_seen[MNCR_MSG_VISUAL_NOT_ATTESTED]);
	assert_int_equal(t->query_calls, 0);
	assert_int_equal(s.flow.outcome, MNCR_FLOW_OUT_INSURANCE_CARD);
	log = audit_text(t);
	assert_non_null(strstr(log, "\"reason\":\"no_attestation\""));
	free(log);
}

static void test_visual_lease_ends_during_check(void **state)
{
	struct sess *t = *state;
	struct mncr_flow_session s;

	card(t, "pinless");
	t->mode = MNCR_MODE_VISUAL;
	t->mode_expires = true;
	t->att = (struct mncr_flow_attestation){ .confirmed = true,
						 .patient_present = true,
						 .operator_id = "staff01" };
	t->choices[t->n_choices++] = MNCR_FLOW_OPT_CANCEL;
	assert_int_equal(run(t, MNCR_ELIG_SITE_CLINIC, &s), 0);
	assert_int_equal(t->attest_calls, 1);
	assert_true(t->msg_seen[MNCR_MSG_VISUAL_NEEDS_MODE]);
	assert_int_equal(t->query_calls, 0);
	assert_int_equal(s.flow.outcome, MNCR_FLOW_OUT_CANCELLED);
}

static void test_card_removed_midway(void **state)
{
	struct sess *t = *state;
	struct mncr_flow_session s;
	char *log;

	card(t, "pinless");
	t->face_error = -ENOMEDIUM;
	assert_int_equal(run(t, MNCR_ELIG_SITE_CLINIC, &s), 0);
	assert_int_equal(s.flow.outcome, MNCR_FLOW_OUT_CARD_REMOVED);
	assert_int_equal(t->removals, 0);
	log = audit_text(t);
	assert_non_null(strstr(log, "\"outcome\":\"card_removed\",\"method\":\"none\",\"state\":\"face\""));
	free(log);
}

static void test_hook_error(void **state)
{
	struct sess *t = *state;
	struct mncr_flow_session s;
	char *log;

	card(t, "pinless");
	t->face_error = -EIO;
	assert_int_equal(run(t, MNCR_ELIG_SITE_CLINIC, &s), 0);
	assert_int_equal(s.flow.outcome, MNCR_FLOW_OUT_ERROR);
	assert_int_equal(s.flow.err, -EIO);
	assert_true(t->msg_seen[MNCR_MSG_ERROR]);
	assert_int_equal(t->removals, 1);
	log = audit_text(t);
	assert_non_null(strstr(log, "\"event\":\"qualify.error\",\"state\":\"face\""));
	free(log);
}

/* No log, no query: an append that fails stops the flow. */
static void test_audit_failure_stops(void **state)
{
	struct sess *t = *state;
	struct mncr_flow_session s;

	card(t, "pinless");
	faces(t, 0, 0, true);
	answer(t, MNCR_FLOW_ELIG_OK, MNCR_ELIG_VALID, "030");
	snprintf(t->audit, sizeof(t->audit), "%s/missing/audit.log", t->dir);
	assert_int_equal(run(t, MNCR_ELIG_SITE_CLINIC, &s), -ENOENT);
	assert_int_equal(s.flow.outcome, MNCR_FLOW_OUT_ERROR);
	assert_int_equal(t->query_calls, 0);
	assert_int_equal(t->face_calls, 0);
}

/* Runs with s->stop: a cancel from outside, as mncr_qualify_cancel(). */
static int run_stoppable(struct sess *t, struct mncr_flow_session *s,
			 atomic_int *stop)
{
	struct mncr_flow_config cfg;

	mncr_flow_config_default(&cfg, MNCR_ELIG_SITE_CLINIC);
	assert_int_equal(mncr_flow_session_init(s, &cfg, &hooks, t, t->audit), 0);
	t->session = s;
	s->stop = stop;
	return mncr_flow_session_run(s);
}

/*
 * Stopped while the face attempt ran: the face still matched, but the
 * next step is a cancel, recorded; no consent or query, then the wait for
 * removal as after any result.
 */
static void test_stop_between_steps(void **state)
{
	struct sess *t = *state;
	struct mncr_flow_session s;
	atomic_int stop;
	char *log;

	card(t, "pinless");
	faces(t, 0, 0, true);
	answer(t, MNCR_FLOW_ELIG_OK, MNCR_ELIG_VALID, "030");
	atomic_init(&stop, 0);
	t->stop_in_face = &stop;
	assert_int_equal(run_stoppable(t, &s, &stop), 0);
	assert_int_equal(s.flow.state, MNCR_FLOW_ENDED);
	assert_int_equal(s.flow.outcome, MNCR_FLOW_OUT_CANCELLED);
	assert_int_equal(t->face_calls, 1);
	assert_int_equal(t->consent_calls, 0);
	assert_int_equal(t->query_calls, 0);
	assert_int_equal(t->removals, 1);
	log = audit_text(t);
	assert_non_null(strstr(log, "\"event\":\"qualify.cancel\",\"state\":\"consent\""));
	free(log);
}

/* Stopped before the run: the start is recorded, then the cancel at once. */
static void test_stop_before_run(void **state)
{
	struct sess *t = *state;
	struct mncr_flow_session s;
	atomic_int stop;
	char *log;

	card(t, "pinless");
	atomic_init(&stop, 1);
	assert_int_equal(run_stoppable(t, &s, &stop), 0);
	assert_int_equal(s.flow.outcome, MNCR_FLOW_OUT_CANCELLED);
	assert_int_equal(t->face_calls, 0);
	assert_int_equal(t->removals, 1);
	log = audit_text(t);
	assert_non_null(strstr(log, "\"event\":\"qualify.start\""));
	assert_non_null(strstr(log, "\"event\":\"qualify.cancel\",\"state\":\"read_kind\""));
	free(log);
}

static void test_init_checks(void **state)
{
	struct sess *t = *state;
	struct mncr_flow_hooks h = hooks;
	struct mncr_flow_config cfg;
	struct mncr_flow_session s;

	mncr_flow_config_default(&cfg, MNCR_ELIG_SITE_CLINIC);
	assert_int_equal(mncr_flow_session_init(&s, &cfg, &h, t, NULL), -EINVAL);
	assert_int_equal(mncr_flow_session_init(&s, &cfg, &h, t, ""), -EINVAL);
	h.eligibility = NULL;
	assert_int_equal(mncr_flow_session_init(&s, &cfg, &h, t, t->audit), -EINVAL);
	h = hooks;
	h.basic4 = NULL;
	h.now = NULL;
	h.show = NULL;
	assert_int_equal(mncr_flow_session_init(&s, &cfg, &h, t, t->audit), 0);
	assert_int_equal(strlen(s.id), 36);
	cfg.face_max = 0;
	assert_int_equal(mncr_flow_session_init(&s, &cfg, &h, t, t->audit), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_case1_pin_card_face, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case2_pinless_face, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case3_pinless_visual, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case4_pin_guard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case4b_card_guard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_ok_and_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case5_pharmacy_absent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case6_service_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case6b_retry_same_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case7_expired, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case7_revoked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_visual_refused_without_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_visual_refused_without_attestation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_visual_lease_ends_during_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_card_removed_midway, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hook_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case11_photo_unusable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_failure_stops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_between_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_before_run, setup, teardown),
	};

	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
