// SPDX-License-Identifier: LGPL-2.1-or-later
#include "elig/elig_sig.h"
#include "elig/elig_fields.h"

#include <errno.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

/* DER of DigestInfo { sha256, NULL } up to the 32 hash bytes (RFC 8017). */
static const uint8_t sha256_prefix[] = {
	0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
	0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
};

int mncr_elig_pin_tbs(const struct mncr_elig_request *r,
		      uint8_t out[MNCR_ELIG_PIN_TBS_MAX])
{
	size_t label = sizeof(MNCR_ELIG_PIN_LABEL) - 1;
	size_t id = strlen(r->request_id), n = 0;

	if (!mncr_elig_request_id_valid(r->request_id) ||
	    !mncr_elig_institution_valid(r->institution_code))
		return -EINVAL;
	memcpy(out + n, MNCR_ELIG_PIN_LABEL, label);
	n += label;
	memcpy(out + n, r->challenge, MNCR_ELIG_CHALLENGE_LEN);
	n += MNCR_ELIG_CHALLENGE_LEN;
	memcpy(out + n, r->institution_code, MNCR_ELIG_INSTITUTION_LEN);
	n += MNCR_ELIG_INSTITUTION_LEN;
	memcpy(out + n, r->request_id, id);
	return (int)(n + id);
}

int mncr_elig_pin_digest_info(const struct mncr_elig_request *r,
			      uint8_t out[MNCR_ELIG_DIGEST_INFO_LEN])
{
	uint8_t tbs[MNCR_ELIG_PIN_TBS_MAX];
	int n = mncr_elig_pin_tbs(r, tbs);

	if (n < 0)
		return n;
	memcpy(out, sha256_prefix, sizeof(sha256_prefix));
	SHA256(tbs, (size_t)n, out + sizeof(sha256_prefix));
	return 0;
}

int mncr_elig_pin_verify(EVP_PKEY *card_key,
			 const struct mncr_elig_request *r)
{
	uint8_t tbs[MNCR_ELIG_PIN_TBS_MAX];
	EVP_PKEY_CTX *pctx = NULL;
	EVP_MD_CTX *md;
	int n, ok, ret = -EBADMSG;

	if (!card_key || !EVP_PKEY_is_a(card_key, "RSA") ||
	    EVP_PKEY_get_bits(card_key) < MNCR_ELIG_RSA_MIN_BITS)
		return -EKEYREJECTED;
	n = mncr_elig_pin_tbs(r, tbs);
	if (n < 0)
		return -EBADMSG;
	/* PKCS#1 v1.5 signatures are exactly as long as the modulus. */
	if (r->signature_len != (size_t)EVP_PKEY_get_size(card_key))
		return -EBADMSG;
	md = EVP_MD_CTX_new();
	if (!md)
		return -ENOMEM;
	if (EVP_DigestVerifyInit_ex(md, &pctx, "SHA256", NULL, NULL, card_key,
				    NULL) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
		ret = -ENOMEM;
		goto out;
	}
	ok = EVP_DigestVerify(md, r->signature, r->signature_len, tbs,
			      (size_t)n);
	if (ok == 1)
		ret = 0;
out:
	EVP_MD_CTX_free(md);
	ERR_clear_error();	/* a failed check is an answer, not an error */
	return ret;
}
