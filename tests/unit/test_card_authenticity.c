// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * 券面AP authenticity against the emulator: each verdict from a card
 * that earns it (genuine, forged photo, clone, unknown CA, no PKI), the
 * CA key directory, the strict parsers, and the emulator's answers as
 * real-card traces show them (empty VERIFY on a blocked key 63C0, READ
 * BINARY past the end 9000, 63Cx after a good VERIFY) with the host
 * coping with both forms.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "card/card_authenticity.h"
#include "card/card_face_record.h"
#include "card/card_jpki.h"
#include "card/card_photo.h"
#include "card/card_verify.h"
#include "test_card_fixture.h"
#include "util/tlv.h"

static const uint8_t ca_id[MNCR_CVC_KEY_ID_LEN] = {
	'9', '0', '0', '0', '0', '2', '3', 0x08, 0x05, '0', '0', '1', 0, 0, 0, 0
};

struct ax {
	struct fx fx;			/* first: the fixture's helpers take it */
	struct mncr_card_emul_cv cv;
	struct mncr_cvca_set *ca;
};

static int setup(void **state)
{
	struct fx *base;
	struct ax *a = calloc(1, sizeof(*a));

	if (!a || fx_setup((void **)&base))
		return -1;
	a->fx = *base;
	free(base);
	a->cv.ca_key = EVP_RSA_gen(2048);
	a->cv.ap_key = EVP_RSA_gen(2048);
	memcpy(a->cv.ca_id, ca_id, sizeof(ca_id));
	a->ca = mncr_cvca_new();
	if (!a->cv.ca_key || !a->cv.ap_key || !a->ca ||
	    mncr_cvca_add(a->ca, ca_id, a->cv.ca_key))
		return -1;
	*state = a;
	return 0;
}

static int teardown(void **state)
{
	struct ax *a = *state;

	mncr_cvca_free(a->ca);
	EVP_PKEY_free(a->cv.ca_key);
	EVP_PKEY_free(a->cv.ap_key);
	mncr_card_emul_free(a->fx.emul);
	EVP_PKEY_free(a->fx.key);
	free(a);
	return 0;
}

/* A preset with the PKI, started. */
static void card(struct ax *a, const char *preset)
{
	assert_int_equal(fx_profile(&a->fx, preset), 0);
	a->fx.profile.cv = &a->cv;
	a->fx.profile.face_key = a->fx.key;
	assert_int_equal(fx_start(&a->fx), 0);
}

/* The whole sequence as qualify runs it: verdict, photo kept or not. */
static int check(struct ax *a, char *why, size_t len)
{
	enum mncr_card_auth_verdict v = MNCR_CARD_AUTH_VERDICT_COUNT;
	struct mncr_visual_front vf;
	struct mncr_card_front front;
	bool opened = false;

	fx_front(&a->fx, &front);
	assert_int_equal(mncr_card_photo_read_checked(&a->fx.io, &front, a->ca, &vf,
						      &opened, NULL, &v, why, len), 0);
	assert_true(opened);
	assert_non_null(vf.photo);
	mncr_visual_front_clear(&vf);
	return (int)v;
}

static void test_genuine_card_is_authentic(void **state)
{
	struct ax *a = *state;
	char why[256];

	card(a, "pin");
	assert_int_equal(check(a, why, sizeof(why)), MNCR_CARD_AUTHENTIC);
	assert_non_null(strstr(why, "challenge"));
	/* Every genuine preset. */
	card(a, "pinless");
	assert_int_equal(check(a, why, sizeof(why)), MNCR_CARD_AUTHENTIC);
	card(a, "nosign");
	assert_int_equal(check(a, why, sizeof(why)), MNCR_CARD_AUTHENTIC);
}

static void test_forged_photo(void **state)
{
	struct ax *a = *state;
	char why[256];

	card(a, "forged-photo");
	assert_int_equal(check(a, why, sizeof(why)), MNCR_CARD_FORGED);
	assert_non_null(strstr(why, "DF28"));
}

static void test_clone(void **state)
{
	struct ax *a = *state;
	char why[256];

	card(a, "clone");
	assert_int_equal(check(a, why, sizeof(why)), MNCR_CARD_CLONE);
	assert_non_null(strstr(why, "challenge"));
}

static void test_unknown_ca(void **state)
{
	struct ax *a = *state;
	struct mncr_cvca_set *none = mncr_cvca_new();
	char why[256];

	card(a, "unknown-ca");
	assert_int_equal(check(a, why, sizeof(why)), MNCR_CARD_UNKNOWN_CA);
	assert_non_null(strstr(why, "9100027/001"));
	/* A genuine card against no keys at all. */
	card(a, "pin");
	mncr_cvca_free(a->ca);
	a->ca = none;
	assert_int_equal(check(a, why, sizeof(why)), MNCR_CARD_UNKNOWN_CA);
	mncr_cvca_free(none);
	a->ca = mncr_cvca_new();
	assert_int_equal(mncr_cvca_add(a->ca, ca_id, a->cv.ca_key), 0);
}

static void test_wrong_ca_key_is_forged(void **state)
{
	struct ax *a = *state;
	struct mncr_cvca_set *other = mncr_cvca_new();
	char why[256];

	/* The right id, another key: the top certificate does not verify. */
	assert_int_equal(mncr_cvca_add(other, ca_id, a->cv.ap_key), 0);
	card(a, "pin");
	{
		struct mncr_cvca_set *keep = a->ca;

		a->ca = other;
		assert_int_equal(check(a, why, sizeof(why)), MNCR_CARD_FORGED);
		a->ca = keep;
	}
	assert_non_null(strstr(why, "9000023/001"));
	mncr_cvca_free(other);
}

static void test_no_pki_is_unavailable(void **state)
{
	struct ax *a = *state;
	char why[256];

	assert_int_equal(fx_card(&a->fx, "pin"), 0);	/* no cv */
	assert_int_equal(check(a, why, sizeof(why)), MNCR_CARD_UNAVAILABLE);
	assert_non_null(strstr(why, "EF 0004"));
}

/* The raw record of the card in a->fx. */
static uint8_t *read_record(struct ax *a, size_t *len)
{
	struct mncr_card_front front;
	uint8_t *obj = NULL;

	fx_front(&a->fx, &front);
	assert_int_equal(mncr_card_verify_front(&a->fx.io, &mncr_card_key_visual_b,
						&front, 0, NULL), 0);
	assert_int_equal(mncr_visual_ap_read_raw(&a->fx.io, &obj, len), 0);
	return obj;
}

static void test_record_parser_is_strict(void **state)
{
	struct ax *a = *state;
	struct mncr_face_record r;
	uint8_t *rec, *copy;
	size_t len;

	card(a, "pin");
	rec = read_record(a, &len);
	assert_int_equal(mncr_face_record_parse(rec, len, &r), 0);
	/* DF27 and its length (the placeholder photo is short). */
	assert_int_equal(r.group_len[2], r.photo_len + (r.photo_len < 128 ? 3 : 5));
	copy = malloc(len + 1);
	/* Junk after the object. */
	memcpy(copy, rec, len);
	copy[len] = 0x42;
	assert_int_equal(mncr_face_record_parse(copy, len + 1, &r), -EBADMSG);
	/* Truncated. */
	assert_int_equal(mncr_face_record_parse(rec, len - 1, &r), -EBADMSG);
	/* DF23 renamed DF2B: out of order. */
	memcpy(copy, rec, len);
	for (size_t i = 0; i + 1 < len; i++) {
		if (copy[i] == 0xDF && copy[i + 1] == 0x23) {
			copy[i + 1] = 0x2B;
			break;
		}
	}
	assert_int_equal(mncr_face_record_parse(copy, len, &r), -EBADMSG);
	/* An offset in DF21 that does not point at its child. */
	memcpy(copy, rec, len);
	{
		struct mncr_tlv outer, table;

		assert_int_equal(mncr_tlv_parse(copy, len, &outer), 0);
		assert_int_equal(mncr_tlv_parse(outer.value, outer.len, &table), 0);
		copy[table.value - copy + 1] ^= 0x01;
		assert_int_equal(mncr_face_record_parse(copy, len, &r), -EBADMSG);
	}
	free(copy);
	mncr_apdu_free_secret(rec, len);
}

static void test_cvc_parser_is_strict(void **state)
{
	struct ax *a = *state;
	struct mncr_cvc c;
	uint8_t *obj = NULL, buf[700];
	size_t len;

	card(a, "pin");
	assert_int_equal(mncr_apdu_select_aid(&a->fx.io, mncr_card_aid_visual,
					      MNCR_CARD_AID_LEN), 0);
	assert_int_equal(mncr_apdu_select_fid(&a->fx.io, 0x0004), 0);
	assert_int_equal(mncr_apdu_read_tlv_ef(&a->fx.io, 0x7F21, 2048, &obj, &len), 0);
	assert_int_equal(len, 5 + 5 + 297 + 5 + 256);	/* 7F21 82, 5F4E 82, 5F37 82 */
	assert_int_equal(mncr_cvc_parse(obj, len, &c), 0);
	assert_memory_equal(c.car, "9100020", 7);
	assert_memory_equal(c.chr, "9100023", 7);
	/* Without the template, as GET DATA gives it. */
	assert_int_equal(mncr_cvc_parse(obj + 5, len - 5, &c), 0);
	/* Trailing byte, truncation, a short body. */
	memcpy(buf, obj, len);
	buf[len] = 0;
	assert_int_equal(mncr_cvc_parse(buf, len + 1, &c), -EBADMSG);
	assert_int_equal(mncr_cvc_parse(buf, len - 1, &c), -EBADMSG);
	buf[9] ^= 0x01;		/* 5F4E 82 01 29 -> 01 28 */
	assert_int_equal(mncr_cvc_parse(buf, len, &c), -EBADMSG);
	/* An even exponent is no RSA key (90 03 01 00 01 -> 01 00 00). */
	memcpy(buf, obj, len);
	buf[10 + 32 + 4] = 0x00;
	assert_int_equal(mncr_cvc_parse(buf, len, &c), -EBADMSG);
	free(obj);
}

static void test_ca_key_directory(void **state)
{
	struct ax *a = *state;
	char dir[] = "/tmp/mncr-cvca-XXXXXX", path[256], why[256] = "";
	struct mncr_cvca_set *s = NULL;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(mncr_cvca_write(dir, ca_id, a->cv.ca_key), 0);
	/* Names that are no key id are not looked at. */
	snprintf(path, sizeof(path), "%s/README", dir);
	f = fopen(path, "w");
	fputs("not a key\n", f);
	fclose(f);
	assert_int_equal(mncr_cvca_load(dir, &s, why, sizeof(why)), 0);
	assert_int_equal(mncr_cvca_count(s), 1);
	assert_non_null(mncr_cvca_find(s, ca_id));
	assert_int_equal(EVP_PKEY_eq(mncr_cvca_find(s, ca_id), a->cv.ca_key), 1);
	mncr_cvca_free(s);
	/* A key file that is not a key. */
	snprintf(path, sizeof(path), "%s/00000000000000000000000000000000.pem", dir);
	f = fopen(path, "w");
	fputs("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", f);
	fclose(f);
	assert_int_equal(mncr_cvca_load(dir, &s, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "00000000000000000000000000000000.pem"));
	unlink(path);
	snprintf(path, sizeof(path), "%s/README", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/3930303030323308053030310000000" "0.pem", dir);
	unlink(path);
	rmdir(dir);
	assert_int_equal(mncr_cvca_load(dir, &s, why, sizeof(why)), -ENOENT);
}

/* Real-card answers and the host's handling of both forms. */
static void test_emulator_fidelity(void **state)
{
	struct ax *a = *state;
	struct fx *f = &a->fx;
	const uint8_t empty[] = { 0x00, 0x20, 0x00, 0x80 };
	const uint8_t pin[] = { 0x00, 0x20, 0x00, 0x80, 0x04, '1', '2', '3', '4' };
	struct mncr_card_key_status st;
	struct mncr_visual_front vf;
	struct mncr_card_front front;
	uint8_t resp[300];
	size_t n;

	/* Blocked: empty VERIFY 63C0, with data 6984; the host says blocked. */
	assert_int_equal(fx_card(f, "blocked"), 0);
	assert_int_equal(mncr_card_key_status(&f->io, &mncr_card_key_jpki_auth, &st), 0);
	assert_true(st.blocked);
	assert_int_equal(st.tries, 0);
	n = sizeof(resp);
	assert_int_equal(mncr_card_emul_transmit(f->emul, empty, sizeof(empty), resp, &n), 0);
	assert_int_equal(resp[0] << 8 | resp[1], 0x63C0);
	n = sizeof(resp);
	assert_int_equal(mncr_card_emul_transmit(f->emul, pin, sizeof(pin), resp, &n), 0);
	assert_int_equal(resp[0] << 8 | resp[1], 0x6984);
	/* Never set (a PIN-less card): the same. */
	assert_int_equal(fx_card(f, "pinless"), 0);
	assert_int_equal(mncr_card_key_status(&f->io, &mncr_card_key_jpki_auth, &st), 0);
	assert_true(st.blocked);

	/* READ BINARY past the end: 9000 (real) and 6282 (option), both read. */
	for (int eof = 0; eof < 2; eof++) {
		const uint8_t rb[] = { 0x00, 0xB0, 0x00, 0x00, 0x00 };

		assert_int_equal(fx_profile(f, "pin"), 0);
		f->profile.eof_6282 = eof;
		assert_int_equal(fx_start(f), 0);
		assert_int_equal(mncr_jpki_select(&f->io), 0);
		assert_int_equal(mncr_apdu_select_fid(&f->io, MNCR_JPKI_EF_CERT_STATE), 0);
		n = sizeof(resp);
		assert_int_equal(mncr_card_emul_transmit(f->emul, rb, sizeof(rb), resp, &n), 0);
		assert_int_equal(n, 3 + 2);
		assert_int_equal(resp[3] << 8 | resp[4], eof ? 0x6282 : 0x9000);
		fx_front(f, &front);
		assert_int_equal(mncr_card_photo_read(&f->io, &front, &vf, NULL, NULL), 0);
		assert_int_equal(mncr_photo_format(vf.photo, vf.photo_len), MNCR_PHOTO_JP2);
		mncr_visual_front_clear(&vf);
	}

	/* After a good VERIFY, an empty one: 9000, or 63Cx on some cards. */
	for (int cx = 0; cx < 2; cx++) {
		assert_int_equal(fx_profile(f, "pin"), 0);
		f->profile.status_63cx = cx;
		assert_int_equal(fx_start(f), 0);
		fx_front(f, &front);
		assert_int_equal(mncr_card_verify_front(&f->io, &mncr_card_key_visual_b,
							&front, 0, NULL), 0);
		assert_int_equal(mncr_card_key_status(&f->io, &mncr_card_key_visual_b, &st), 0);
		assert_int_equal(st.verified, !cx);
		assert_int_equal(st.tries, cx ? 10 : -1);
		/* Either way a second read works and spends nothing. */
		assert_int_equal(mncr_card_photo_read(&f->io, &front, &vf, NULL, NULL), 0);
		mncr_visual_front_clear(&vf);
		assert_int_equal(mncr_card_emul_tries(f->emul, &mncr_card_key_visual_b), 10);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_genuine_card_is_authentic),
		cmocka_unit_test(test_forged_photo),
		cmocka_unit_test(test_clone),
		cmocka_unit_test(test_unknown_ca),
		cmocka_unit_test(test_wrong_ca_key_is_forged),
		cmocka_unit_test(test_no_pki_is_unavailable),
		cmocka_unit_test(test_record_parser_is_strict),
		cmocka_unit_test(test_cvc_parser_is_strict),
		cmocka_unit_test(test_ca_key_directory),
		cmocka_unit_test(test_emulator_fidelity),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
