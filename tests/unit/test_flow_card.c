// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The flow's hooks over a card (flow_card.h) and its eligibility request
 * (flow_elig.h), against the card emulator: card kinds, the PIN through
 * the last-try guard, 基本4情報 by 照合番号B, the request with the card's
 * certificate and, in PIN mode, a signature that verifies; and how client
 * statuses and service codes map to the flow's outcomes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "card/card_jpki.h"
#include "card/card_verify.h"
#include "elig/elig_fields.h"
#include "elig/elig_sig.h"
#include "flow/flow_card.h"
#include "flow/flow_elig.h"
#include "test_card_fixture.h"

static int verify(struct fx *f, const char *pin, bool last, int *tries)
{
	char buf[8];

	memcpy(buf, pin, 4);
	return mncr_flow_card_pin_verify(&f->io, buf, 4, last, tries);
}

static void test_kinds(void **state)
{
	struct fx *f = *state;
	struct mncr_card_kind_info k;

	assert_int_equal(fx_card(f, "pin"), 0);
	assert_int_equal(mncr_flow_card_kind(&f->io, &k), 0);
	assert_int_equal(k.kind, MNCR_CARD_KIND_PIN);
	assert_int_equal(k.auth_tries, 3);
	assert_int_equal(fx_card(f, "pinless"), 0);
	assert_int_equal(mncr_flow_card_kind(&f->io, &k), 0);
	assert_int_equal(k.kind, MNCR_CARD_KIND_PINLESS);
	assert_int_equal(fx_card(f, "blocked"), 0);
	assert_int_equal(mncr_flow_card_kind(&f->io, &k), 0);
	assert_int_equal(k.kind, MNCR_CARD_KIND_PIN_BLOCKED);
	assert_int_equal(f->verifies, 0);
}

static void test_pin_guard(void **state)
{
	struct fx *f = *state;
	int tries;

	assert_int_equal(fx_card(f, "pin"), 0);
	assert_int_equal(verify(f, "0000", false, &tries), -EKEYREJECTED);
	assert_int_equal(tries, 2);
	assert_int_equal(verify(f, "1111", false, &tries), -EKEYREJECTED);
	assert_int_equal(tries, 1);
	/* The third would be the last: nothing is sent. */
	assert_int_equal(verify(f, "1234", false, &tries), -ECANCELED);
	assert_int_equal(f->verifies, 2);
	assert_int_equal(mncr_card_emul_tries(f->emul, &mncr_card_key_jpki_auth), 1);
	/* Told and chosen: the last try goes, and the right PIN resets it. */
	assert_int_equal(verify(f, "1234", true, &tries), 0);
	assert_int_equal(mncr_card_emul_tries(f->emul, &mncr_card_key_jpki_auth), 3);

	/* A PIN-less card has no PIN to verify. */
	assert_int_equal(fx_card(f, "pinless"), 0);
	assert_int_equal(verify(f, "1234", false, &tries), -EPERM);
}

static void test_basic4_by_collation_b(void **state)
{
	struct fx *f = *state;
	struct mncr_card_front front;
	struct mncr_text_basic4 b;
	int text_pin;

	assert_int_equal(fx_card(f, "pinless"), 0);
	fx_front(f, &front);
	assert_int_equal(mncr_flow_card_basic4(&f->io, &front, &b), 0);
	assert_string_equal(b.name, "見本\u3000太郎");
	assert_string_equal(b.address, "東京都千代田区見本町１丁目１番地");
	assert_string_equal(b.birth, "19420623");
	assert_int_equal(b.sex, '1');
	mncr_text_basic4_clear(&b);

	/* A misread security code costs one try; the last is kept. */
	assert_int_equal(fx_card(f, "pin"), 0);
	text_pin = mncr_card_emul_tries(f->emul, &mncr_card_key_text_pin);
	fx_front(f, &front);
	memcpy(front.security_code, "0000", 4);
	assert_int_equal(mncr_flow_card_basic4(&f->io, &front, &b), -EKEYREJECTED);
	assert_null(b.name);
	f->profile.collation_tries = 1;
	assert_int_equal(fx_start(f), 0);
	fx_front(f, &front);
	assert_int_equal(mncr_flow_card_basic4(&f->io, &front, &b), -ECANCELED);
	assert_int_equal(f->verifies, 0);
	assert_int_equal(mncr_card_emul_tries(f->emul, &mncr_card_key_text_pin),
			 text_pin);
}

static struct mncr_flow_query query(enum mncr_elig_method m)
{
	return (struct mncr_flow_query){
		.request_id = "0f8e7d6c-5b4a-4938-8271-605f4e3d2c1b",
		.attempt = 1,
		.site = MNCR_ELIG_SITE_CLINIC,
		.method = m,
		.operator_attested = m == MNCR_ELIG_METHOD_VISUAL,
		.operator_id = m == MNCR_ELIG_METHOD_VISUAL ? "staff01" : "",
		.consents = { .medication = true, .surgery = true },
	};
}

static void test_request_face_and_visual(void **state)
{
	struct fx *f = *state;
	struct mncr_flow_query q = query(MNCR_ELIG_METHOD_FACE);
	struct mncr_elig_request r;
	uint8_t ch[MNCR_ELIG_CHALLENGE_LEN] = { 1 };

	assert_int_equal(fx_card(f, "pinless"), 0);
	/* The card was last in another AP (the face photo's). */
	assert_int_equal(mncr_apdu_select_aid(&f->io, mncr_card_aid_visual,
					      MNCR_CARD_AID_LEN), 0);
	assert_int_equal(mncr_flow_elig_request(&f->io, "1312345678", &q, NULL, &r), 0);
	assert_int_equal(r.card_cert_len, sizeof(f->auth_cert));
	assert_memory_equal(r.card_cert, f->auth_cert, sizeof(f->auth_cert));
	assert_string_equal(r.request_id, q.request_id);
	assert_string_equal(r.institution_code, "1312345678");
	assert_int_equal(r.method, MNCR_ELIG_METHOD_FACE);
	assert_false(r.operator_attested);
	assert_true(r.consents.medication && r.consents.surgery);
	assert_false(r.consents.checkup || r.consents.clinical);
	assert_int_equal(r.signature_len, 0);
	assert_int_equal(mncr_elig_request_check(&r, NULL, 0), 0);

	q = query(MNCR_ELIG_METHOD_VISUAL);
	assert_int_equal(mncr_flow_elig_request(&f->io, "1312345678", &q, NULL, &r), 0);
	assert_true(r.operator_attested);
	/* Visual without attestation, a challenge where none belongs. */
	q.operator_attested = false;
	assert_int_equal(mncr_flow_elig_request(&f->io, "1312345678", &q, NULL, &r),
			 -EINVAL);
	q = query(MNCR_ELIG_METHOD_FACE);
	assert_int_equal(mncr_flow_elig_request(&f->io, "1312345678", &q, ch, &r),
			 -EINVAL);
	assert_int_equal(mncr_flow_elig_request(&f->io, "13123", &q, NULL, &r), -EINVAL);
	q.request_id = "has space";
	assert_int_equal(mncr_flow_elig_request(&f->io, "1312345678", &q, NULL, &r),
			 -EINVAL);
}

static void test_request_pin_signature(void **state)
{
	struct fx *f = *state;
	struct mncr_flow_query q = query(MNCR_ELIG_METHOD_PIN);
	struct mncr_elig_request r;
	uint8_t ch[MNCR_ELIG_CHALLENGE_LEN];
	int tries;

	for (size_t i = 0; i < sizeof(ch); i++)
		ch[i] = (uint8_t)(i * 13 + 5);
	assert_int_equal(fx_card(f, "pin"), 0);
	/* Without the PIN the card does not sign. */
	assert_int_equal(mncr_jpki_select(&f->io), 0);
	assert_int_equal(mncr_flow_elig_request(&f->io, "1312345678", &q, ch, &r),
			 -EACCES);
	assert_int_equal(r.card_cert_len, 0);
	assert_int_equal(verify(f, "1234", false, &tries), 0);
	assert_int_equal(mncr_flow_elig_request(&f->io, "1312345678", &q, ch, &r), 0);
	assert_int_equal(r.method, MNCR_ELIG_METHOD_PIN);
	assert_memory_equal(r.challenge, ch, sizeof(ch));
	assert_int_equal(r.signature_len, 256);
	assert_int_equal(mncr_elig_pin_verify(f->key, &r), 0);
	/* Bound to the request: another id does not verify. */
	r.request_id[0] = 'x';
	assert_int_equal(mncr_elig_pin_verify(f->key, &r), -EBADMSG);
	mncr_elig_cleanse(&r, sizeof(r));
}

static void test_outcome_mapping(void **state)
{
	static const struct {
		enum mncr_elig_status st;
		const char *code;
		enum mncr_flow_elig_outcome o;
	} cases[] = {
		{ MNCR_ELIG_OK, NULL, MNCR_FLOW_ELIG_OK },
		{ MNCR_ELIG_UNREACHABLE, NULL, MNCR_FLOW_ELIG_UNAVAILABLE },
		{ MNCR_ELIG_INTERRUPTED, NULL, MNCR_FLOW_ELIG_UNAVAILABLE },
		{ MNCR_ELIG_TLS, NULL, MNCR_FLOW_ELIG_REJECTED },
		{ MNCR_ELIG_PROTOCOL, NULL, MNCR_FLOW_ELIG_REJECTED },
		{ MNCR_ELIG_LOCAL, NULL, MNCR_FLOW_ELIG_REJECTED },
		{ MNCR_ELIG_REFUSED, "cert_expired", MNCR_FLOW_ELIG_CERT_EXPIRED },
		{ MNCR_ELIG_REFUSED, "cert_revoked", MNCR_FLOW_ELIG_CERT_REVOKED },
		{ MNCR_ELIG_REFUSED, "cert_untrusted", MNCR_FLOW_ELIG_CERT_UNTRUSTED },
		{ MNCR_ELIG_REFUSED, "not_found", MNCR_FLOW_ELIG_NOT_FOUND },
		{ MNCR_ELIG_REFUSED, "revocation_unknown", MNCR_FLOW_ELIG_UNAVAILABLE },
		{ MNCR_ELIG_REFUSED, "internal", MNCR_FLOW_ELIG_UNAVAILABLE },
		{ MNCR_ELIG_REFUSED, "log_unavailable", MNCR_FLOW_ELIG_UNAVAILABLE },
		{ MNCR_ELIG_REFUSED, "timeout", MNCR_FLOW_ELIG_UNAVAILABLE },
		{ MNCR_ELIG_REFUSED, "bad_signature", MNCR_FLOW_ELIG_REJECTED },
		{ MNCR_ELIG_REFUSED, "duplicate_request", MNCR_FLOW_ELIG_REJECTED },
		{ MNCR_ELIG_REFUSED, "bad_request", MNCR_FLOW_ELIG_REJECTED },
		{ MNCR_ELIG_REFUSED, NULL, MNCR_FLOW_ELIG_REJECTED },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(mncr_flow_elig_outcome_of(cases[i].st, cases[i].code),
				 cases[i].o);
}

static void test_query_arguments(void **state)
{
	struct mncr_flow_query q = query(MNCR_ELIG_METHOD_FACE);
	struct mncr_flow_elig e;
	struct mncr_flow_answer a;

	(void)state;
	memset(&e, 0, sizeof(e));
	assert_int_equal(mncr_flow_elig_query(&e, &q, &a), -EINVAL);
	assert_int_equal(mncr_flow_elig_query(NULL, &q, &a), -EINVAL);
	mncr_flow_elig_clear(&e);
	assert_false(e.have_req);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_pin_guard),
		cmocka_unit_test(test_basic4_by_collation_b),
		cmocka_unit_test(test_request_face_and_visual),
		cmocka_unit_test(test_request_pin_signature),
		cmocka_unit_test(test_outcome_mapping),
		cmocka_unit_test(test_query_arguments),
	};

	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
