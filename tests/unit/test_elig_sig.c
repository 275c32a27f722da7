// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PIN-mode signatures: what is signed, that the card's DigestInfo path and
 * a plain SHA-256 PKCS#1 v1.5 signature agree, and what verification
 * refuses (other bytes, other padding, other key types and sizes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "elig/elig_sig.h"

static EVP_PKEY *rsa2048;

static int group_setup(void **state)
{
	(void)state;
	rsa2048 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	return rsa2048 ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(rsa2048);
	return 0;
}

static void request(struct mncr_elig_request *r)
{
	memset(r, 0, sizeof(*r));
	strcpy(r->request_id, "r-1");
	strcpy(r->institution_code, "1312345678");
	r->method = MNCR_ELIG_METHOD_PIN;
	for (size_t i = 0; i < sizeof(r->challenge); i++)
		r->challenge[i] = (uint8_t)i;
}

static void sign_with(EVP_PKEY *k, struct mncr_elig_request *r, int padding)
{
	uint8_t tbs[MNCR_ELIG_PIN_TBS_MAX];
	int n = mncr_elig_pin_tbs(r, tbs);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx;
	size_t len = sizeof(r->signature);

	assert_true(n > 0);
	assert_int_equal(EVP_DigestSignInit_ex(md, &pctx, "SHA256", NULL, NULL,
					       k, NULL), 1);
	if (padding)
		assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(pctx, padding), 1);
	assert_int_equal(EVP_DigestSign(md, r->signature, &len, tbs, (size_t)n),
			 1);
	r->signature_len = len;
	EVP_MD_CTX_free(md);
}

static void test_tbs_layout(void **state)
{
	struct mncr_elig_request r;
	uint8_t tbs[MNCR_ELIG_PIN_TBS_MAX];

	(void)state;
	request(&r);
	assert_int_equal(mncr_elig_pin_tbs(&r, tbs), 16 + 32 + 10 + 3);
	assert_memory_equal(tbs, "MNCR-ELIG-PIN-V1", 16);
	assert_memory_equal(tbs + 16, r.challenge, 32);
	assert_memory_equal(tbs + 48, "1312345678", 10);
	assert_memory_equal(tbs + 58, "r-1", 3);
	memset(r.request_id, 'x', MNCR_ELIG_REQUEST_ID_MAX);
	assert_int_equal(mncr_elig_pin_tbs(&r, tbs), (int)MNCR_ELIG_PIN_TBS_MAX);
	strcpy(r.request_id, "bad id");
	assert_int_equal(mncr_elig_pin_tbs(&r, tbs), -EINVAL);
}

static void test_sign_and_verify(void **state)
{
	struct mncr_elig_request r;

	(void)state;
	request(&r);
	sign_with(rsa2048, &r, 0);
	assert_int_equal(r.signature_len, 256);
	assert_int_equal(mncr_elig_pin_verify(rsa2048, &r), 0);
}

/* The card signs a DigestInfo with raw PKCS#1 v1.5: same signature. */
static void test_digest_info_path(void **state)
{
	struct mncr_elig_request r, card;
	uint8_t di[MNCR_ELIG_DIGEST_INFO_LEN];
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(rsa2048, NULL);
	size_t len = sizeof(card.signature);

	(void)state;
	request(&r);
	sign_with(rsa2048, &r, 0);
	card = r;
	assert_int_equal(mncr_elig_pin_digest_info(&card, di), 0);
	assert_int_equal(EVP_PKEY_sign_init(ctx), 1);
	assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING),
			 1);
	assert_int_equal(EVP_PKEY_sign(ctx, card.signature, &len, di,
				       sizeof(di)), 1);
	card.signature_len = len;
	assert_memory_equal(card.signature, r.signature, r.signature_len);
	assert_int_equal(mncr_elig_pin_verify(rsa2048, &card), 0);
	EVP_PKEY_CTX_free(ctx);
}

static void test_bound_to_request(void **state)
{
	struct mncr_elig_request r, t;

	(void)state;
	request(&r);
	sign_with(rsa2048, &r, 0);
	t = r;
	t.challenge[31] ^= 1;
	assert_int_equal(mncr_elig_pin_verify(rsa2048, &t), -EBADMSG);
	t = r;
	t.institution_code[9] = '9';
	assert_int_equal(mncr_elig_pin_verify(rsa2048, &t), -EBADMSG);
	t = r;
	strcpy(t.request_id, "r-2");
	assert_int_equal(mncr_elig_pin_verify(rsa2048, &t), -EBADMSG);
	t = r;
	t.signature_len--;
	assert_int_equal(mncr_elig_pin_verify(rsa2048, &t), -EBADMSG);
	t = r;
	t.signature[0] ^= 0x80;
	assert_int_equal(mncr_elig_pin_verify(rsa2048, &t), -EBADMSG);
}

static void test_pss_refused(void **state)
{
	struct mncr_elig_request r;

	(void)state;
	request(&r);
	sign_with(rsa2048, &r, RSA_PKCS1_PSS_PADDING);
	assert_int_equal(mncr_elig_pin_verify(rsa2048, &r), -EBADMSG);
}

static void test_key_kinds(void **state)
{
	EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY *small = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	struct mncr_elig_request r;

	(void)state;
	assert_non_null(ec);
	assert_non_null(small);
	request(&r);
	sign_with(small, &r, 0);
	assert_int_equal(mncr_elig_pin_verify(small, &r), -EKEYREJECTED);
	assert_int_equal(mncr_elig_pin_verify(ec, &r), -EKEYREJECTED);
	assert_int_equal(mncr_elig_pin_verify(NULL, &r), -EKEYREJECTED);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(small);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tbs_layout),
		cmocka_unit_test(test_sign_and_verify),
		cmocka_unit_test(test_digest_info_path),
		cmocka_unit_test(test_bound_to_request),
		cmocka_unit_test(test_pss_refused),
		cmocka_unit_test(test_key_kinds),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
