// SPDX-License-Identifier: GPL-2.0-or-later
/* JPKI AP against the emulated card: certificates, state, token, signing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <openssl/sha.h>

#include "card/card_jpki.h"
#include "card/card_text_ap.h"
#include "card/card_verify.h"
#include "test_card_fixture.h"

static int verify_pin(struct fx *f, const struct mncr_card_key *key,
		      const char *pin)
{
	char buf[16];
	int tries;

	memcpy(buf, pin, strlen(pin));
	return mncr_card_verify(&f->io, key, buf, strlen(pin), 0, &tries);
}

static void test_certificates(void **state)
{
	struct fx *f = *state;
	uint8_t *der;
	size_t len;

	assert_int_equal(fx_card(f, "pin"), 0);
	assert_int_equal(mncr_jpki_select(&f->io), 0);
	/* The user-authentication certificate needs no PIN. */
	assert_int_equal(mncr_jpki_read_cert(&f->io, MNCR_JPKI_CERT_AUTH, &der, &len), 0);
	assert_int_equal(len, FX_CERT_LEN);
	assert_memory_equal(der, f->auth_cert, len);
	free(der);
	assert_int_equal(mncr_jpki_read_cert(&f->io, MNCR_JPKI_CERT_AUTH_CA, &der,
					     &len), 0);
	assert_int_equal(len, FX_CA_LEN);
	assert_memory_equal(der, f->ca_cert, len);
	free(der);
	assert_int_equal(mncr_jpki_read_cert(&f->io, MNCR_JPKI_CERT_SIGN_CA, &der,
					     &len), 0);
	free(der);
	/* The signature certificate needs the signature password. */
	assert_int_equal(mncr_jpki_read_cert(&f->io, MNCR_JPKI_CERT_SIGN, &der, &len),
			 -EACCES);
	assert_int_equal(verify_pin(f, &mncr_card_key_jpki_sign, "ABC123"), 0);
	assert_int_equal(mncr_jpki_read_cert(&f->io, MNCR_JPKI_CERT_SIGN, &der, &len), 0);
	assert_memory_equal(der, f->sign_cert, len);
	free(der);
	assert_int_equal(mncr_jpki_read_cert(&f->io, (enum mncr_jpki_cert)7, &der, &len),
			 -EINVAL);

	assert_int_equal(fx_card(f, "nosign"), 0);
	assert_int_equal(mncr_jpki_select(&f->io), 0);
	assert_int_equal(mncr_jpki_read_cert(&f->io, MNCR_JPKI_CERT_SIGN, &der, &len),
			 -ENOENT);
}

static void test_cert_state(void **state)
{
	struct fx *f = *state;
	struct mncr_jpki_cert_state cs;

	assert_int_equal(fx_card(f, "pin"), 0);
	assert_int_equal(mncr_jpki_select(&f->io), 0);
	assert_int_equal(mncr_jpki_cert_state(&f->io, &cs), 0);
	assert_true(cs.sign);
	assert_true(cs.auth);
	assert_memory_equal(cs.raw, "\x8F\x8F\x00", 3);
	assert_int_equal(fx_card(f, "pinless"), 0);
	assert_int_equal(mncr_jpki_select(&f->io), 0);
	assert_int_equal(mncr_jpki_cert_state(&f->io, &cs), 0);
	assert_false(cs.sign);
	assert_true(cs.auth);
}

static void test_token(void **state)
{
	struct fx *f = *state;
	char label[MNCR_JPKI_LABEL_LEN + 1];
	enum mncr_jpki_token type;

	assert_int_equal(fx_card(f, "pin"), 0);
	assert_int_equal(mncr_jpki_select(&f->io), 0);
	assert_int_equal(mncr_jpki_token(&f->io, &type, label), 0);
	assert_string_equal(label, "JPKIAPICCTOKEN2");
	assert_int_equal(type, MNCR_JPKI_TOKEN_CARD);
	f->profile.token_label = "JPKIAPGPSETOKEN";
	assert_int_equal(fx_start(f), 0);
	assert_int_equal(mncr_jpki_select(&f->io), 0);
	assert_int_equal(mncr_jpki_token(&f->io, &type, label), 0);
	assert_int_equal(type, MNCR_JPKI_TOKEN_ANDROID);
	f->profile.token_label = "SOMETHING ELSE";
	assert_int_equal(fx_start(f), 0);
	assert_int_equal(mncr_jpki_select(&f->io), 0);
	assert_int_equal(mncr_jpki_token(&f->io, &type, label), 0);
	assert_string_equal(label, "SOMETHING ELSE");
	assert_int_equal(type, MNCR_JPKI_TOKEN_UNKNOWN);
	f->profile.token_label = NULL;
}

/* Signs SHA-256("mncr") and checks the signature with the public key. */
static int sign_and_check(struct fx *f, enum mncr_jpki_key key)
{
	uint8_t hash[32], di[64], sig[300];
	size_t di_len, sig_len = 0;
	EVP_PKEY_CTX *ctx;
	int ret, ok;

	SHA256((const unsigned char *)"mncr", 4, hash);
	assert_int_equal(mncr_jpki_digest_info("SHA256", hash, sizeof(hash), di,
					       sizeof(di), &di_len), 0);
	assert_int_equal(di_len, 51);
	ret = mncr_jpki_sign(&f->io, key, di, di_len, sig, sizeof(sig), &sig_len);
	if (ret)
		return ret;
	assert_int_equal(sig_len, MNCR_JPKI_SIG_LEN);
	ctx = EVP_PKEY_CTX_new(f->key, NULL);
	assert_non_null(ctx);
	assert_int_equal(EVP_PKEY_verify_init(ctx), 1);
	assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING), 1);
	assert_int_equal(EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()), 1);
	ok = EVP_PKEY_verify(ctx, sig, sig_len, hash, sizeof(hash));
	EVP_PKEY_CTX_free(ctx);
	assert_int_equal(ok, 1);
	return 0;
}

static void test_sign(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_card(f, "pin"), 0);
	assert_int_equal(mncr_jpki_select(&f->io), 0);
	assert_int_equal(sign_and_check(f, MNCR_JPKI_AUTH), -EACCES);
	assert_int_equal(verify_pin(f, &mncr_card_key_jpki_auth, "1234"), 0);
	assert_int_equal(sign_and_check(f, MNCR_JPKI_AUTH), 0);
	/* The auth PIN does not open the signature key. */
	assert_int_equal(sign_and_check(f, MNCR_JPKI_SIGN), -EACCES);
	assert_int_equal(verify_pin(f, &mncr_card_key_jpki_sign, "ABC123"), 0);
	assert_int_equal(sign_and_check(f, MNCR_JPKI_SIGN), 0);
	/* Another AP ends the verification. */
	assert_int_equal(mncr_text_ap_select(&f->io), 0);
	assert_int_equal(mncr_jpki_select(&f->io), 0);
	assert_int_equal(sign_and_check(f, MNCR_JPKI_AUTH), -EACCES);
}

static void test_sign_chained(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_profile(f, "pin"), 0);
	f->profile.chain = true;
	assert_int_equal(fx_start(f), 0);
	assert_int_equal(verify_pin(f, &mncr_card_key_jpki_auth, "1234"), 0);
	assert_int_equal(sign_and_check(f, MNCR_JPKI_AUTH), 0);
	assert_int_equal(f->get_responses, 1);
	f->profile.chain = false;
}

static void test_sign_unavailable(void **state)
{
	struct fx *f = *state;
	uint8_t di[300], sig[256];
	size_t n;

	assert_int_equal(fx_card(f, "nosign"), 0);
	assert_int_equal(mncr_jpki_select(&f->io), 0);
	assert_int_equal(sign_and_check(f, MNCR_JPKI_SIGN), -ENOENT);
	assert_int_equal(fx_card(f, "pinless"), 0);
	assert_int_equal(mncr_jpki_select(&f->io), 0);
	assert_int_equal(sign_and_check(f, MNCR_JPKI_AUTH), -EACCES);
	memset(di, 1, sizeof(di));
	assert_int_equal(mncr_jpki_sign(&f->io, MNCR_JPKI_AUTH, di, 246, sig,
					sizeof(sig), &n), -EINVAL);
	assert_int_equal(mncr_jpki_sign(&f->io, MNCR_JPKI_AUTH, di, 0, sig,
					sizeof(sig), &n), -EINVAL);
	assert_int_equal(mncr_jpki_sign(&f->io, (enum mncr_jpki_key)5, di, 51, sig,
					sizeof(sig), &n), -EINVAL);
}

static void test_digest_info(void **state)
{
	uint8_t hash[64], out[128];
	size_t n;

	(void)state;
	memset(hash, 0xEE, sizeof(hash));
	assert_int_equal(mncr_jpki_digest_info("SHA384", hash, 48, out, sizeof(out),
					       &n), 0);
	assert_int_equal(n, 19 + 48);
	assert_memory_equal(out, "\x30\x41\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03"
			    "\x04\x02\x02\x05\x00\x04\x30", 19);
	assert_int_equal(mncr_jpki_digest_info("SHA512", hash, 64, out, sizeof(out),
					       &n), 0);
	assert_int_equal(n, 19 + 64);
	assert_int_equal(out[1], 0x51);
	assert_int_equal(mncr_jpki_digest_info("SHA256", hash, 48, out, sizeof(out),
					       &n), -EINVAL);
	assert_int_equal(mncr_jpki_digest_info("SHA1", hash, 20, out, sizeof(out),
					       &n), -EINVAL);
	assert_int_equal(mncr_jpki_digest_info("SHA256", hash, 32, out, 50, &n),
			 -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_certificates),
		cmocka_unit_test(test_cert_state),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_sign),
		cmocka_unit_test(test_sign_chained),
		cmocka_unit_test(test_sign_unavailable),
		cmocka_unit_test(test_digest_info),
	};

	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
