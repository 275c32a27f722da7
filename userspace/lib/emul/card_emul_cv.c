// SPDX-License-Identifier: LGPL-2.1-or-later
/* The emulator's card-verifiable certificates and raw RSA signatures. */
#include "emul/card_emul_int.h"
#include "util/tlv.h"

#include <errno.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

int emul_cv_pubkey(EVP_PKEY *key, uint8_t out[EMUL_CV_PUBKEY_LEN])
{
	static const uint8_t e65537[] = { 0x90, 0x03, 0x01, 0x00, 0x01,
					  0x91, 0x82, 0x01, 0x00 };
	BIGNUM *n = NULL, *e = NULL;
	int r = -EINVAL;

	if (key && EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n) &&
	    EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e) &&
	    BN_get_word(e) == 65537 &&
	    BN_bn2binpad(n, out + sizeof(e65537), MNCR_CARD_RSA_BYTES) ==
	    MNCR_CARD_RSA_BYTES) {
		memcpy(out, e65537, sizeof(e65537));
		r = 0;
	}
	BN_free(n);
	BN_free(e);
	return r;
}

int emul_cv_sign_raw(EVP_PKEY *key, const uint8_t *tbs, size_t n,
		     uint8_t *sig, size_t *sig_len)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
	size_t len = MNCR_CARD_RSA_BYTES;
	int r = -EIO;

	/* No digest set: the key pads what it is given (a DigestInfo). */
	if (ctx && EVP_PKEY_sign_init(ctx) > 0 &&
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0 &&
	    EVP_PKEY_sign(ctx, sig, &len, tbs, n) > 0) {
		*sig_len = len;
		r = 0;
	}
	EVP_PKEY_CTX_free(ctx);
	return r;
}

int emul_cv_cert(EVP_PKEY *signer, const uint8_t *car, const uint8_t *chr,
		 EVP_PKEY *subject, bool template, uint8_t *out, size_t cap,
		 size_t *len)
{
	uint8_t body[MNCR_CVC_BODY_LEN], sig[MNCR_CARD_RSA_BYTES];
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	struct mncr_tlv_writer w;
	size_t slen = sizeof(sig), m = 0;
	int r = -EIO;

	memcpy(body, car, MNCR_CVC_KEY_ID_LEN);
	memcpy(body + MNCR_CVC_KEY_ID_LEN, chr, MNCR_CVC_KEY_ID_LEN);
	if (md && !emul_cv_pubkey(subject, body + 2 * MNCR_CVC_KEY_ID_LEN) &&
	    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, signer) > 0 &&
	    EVP_DigestSign(md, sig, &slen, body, sizeof(body)) > 0 &&
	    slen == sizeof(sig)) {
		mncr_tlv_writer_init(&w, out, cap);
		if (template)
			m = mncr_tlv_begin(&w, 0x7F21);
		mncr_tlv_put(&w, 0x5F4E, body, sizeof(body));
		mncr_tlv_put(&w, 0x5F37, sig, sizeof(sig));
		if (template)
			mncr_tlv_end(&w, m);
		r = w.err;
		*len = w.len;
	}
	EVP_MD_CTX_free(md);
	return r;
}
