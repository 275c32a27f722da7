// SPDX-License-Identifier: LGPL-2.1-or-later
#include "card/card_cvc.h"
#include "util/tlv.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#define TAG_EXP		0x90
#define TAG_MOD		0x91
#define TAG_CVC		0x7F21
#define TAG_BODY	0x5F4E
#define TAG_SIG		0x5F37

/* One object at *p of this tag, consuming it; -EBADMSG otherwise. */
static int take(const uint8_t **p, size_t *left, uint32_t tag,
		struct mncr_tlv *t)
{
	if (mncr_tlv_parse(*p, *left, t) || t->tag != tag)
		return -EBADMSG;
	*p += t->hdr_len + t->len;
	*left -= t->hdr_len + t->len;
	return 0;
}

int mncr_card_pubkey_parse(const uint8_t *p, size_t n,
			   struct mncr_card_pubkey *out)
{
	struct mncr_tlv e, m;

	if (!p || !out)
		return -EBADMSG;
	memset(out, 0, sizeof(*out));
	if (take(&p, &n, TAG_EXP, &e) || take(&p, &n, TAG_MOD, &m) || n)
		return -EBADMSG;
	if (!e.len || e.len > MNCR_CARD_RSA_EXP_MAX || !e.value[0] ||
	    !(e.value[e.len - 1] & 1) || (e.len == 1 && e.value[0] < 3))
		return -EBADMSG;
	if (m.len != MNCR_CARD_RSA_BYTES || !(m.value[0] & 0x80))
		return -EBADMSG;
	memcpy(out->exp, e.value, e.len);
	out->exp_len = e.len;
	memcpy(out->mod, m.value, m.len);
	return 0;
}

EVP_PKEY *mncr_card_pubkey_evp(const struct mncr_card_pubkey *k)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *n = BN_bin2bn(k->mod, sizeof(k->mod), NULL);
	BIGNUM *e = BN_bin2bn(k->exp, (int)k->exp_len, NULL);
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;

	if (bld && n && e && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
		params = OSSL_PARAM_BLD_to_param(bld);
	if (params)
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	if (ctx && EVP_PKEY_fromdata_init(ctx) > 0 &&
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		key = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	return key;
}

int mncr_cvc_parse(const uint8_t *buf, size_t n, struct mncr_cvc *out)
{
	struct mncr_tlv outer, body, sig;
	const uint8_t *p = buf;
	size_t left = n;

	if (!buf || !out)
		return -EBADMSG;
	memset(out, 0, sizeof(*out));
	/* With the template: it must fill the buffer; its value is the rest. */
	if (n >= 2 && buf[0] == 0x7F && buf[1] == 0x21) {
		if (take(&p, &left, TAG_CVC, &outer) || left)
			return -EBADMSG;
		p = outer.value;
		left = outer.len;
	}
	if (take(&p, &left, TAG_BODY, &body) || take(&p, &left, TAG_SIG, &sig) ||
	    left)
		return -EBADMSG;
	if (body.len != MNCR_CVC_BODY_LEN || sig.len != MNCR_CARD_RSA_BYTES)
		return -EBADMSG;
	if (mncr_card_pubkey_parse(body.value + 2 * MNCR_CVC_KEY_ID_LEN,
				   body.len - 2 * MNCR_CVC_KEY_ID_LEN, &out->key)) {
		memset(out, 0, sizeof(*out));
		return -EBADMSG;
	}
	memcpy(out->car, body.value, MNCR_CVC_KEY_ID_LEN);
	memcpy(out->chr, body.value + MNCR_CVC_KEY_ID_LEN, MNCR_CVC_KEY_ID_LEN);
	out->body = body.value;
	out->sig = sig.value;
	return 0;
}

void mncr_cvc_key_id_text(const uint8_t id[MNCR_CVC_KEY_ID_LEN], char *out,
			  size_t len)
{
	char a[8], b[4];
	bool printable = true;

	if (!len)
		return;
	out[0] = '\0';
	/* 7 digits, 08 05, 3 digits, padding: "5000023/001". */
	for (size_t i = 0; i < 7; i++)
		printable = printable && id[i] >= 0x20 && id[i] < 0x7F;
	for (size_t i = 9; i < 12; i++)
		printable = printable && id[i] >= 0x20 && id[i] < 0x7F;
	if (!printable) {
		for (size_t i = 0; len && i < MNCR_CVC_KEY_ID_LEN &&
				   2 * i + 2 < len; i++)
			snprintf(out + 2 * i, len - 2 * i, "%02X", id[i]);
		return;
	}
	memcpy(a, id, 7);
	a[7] = '\0';
	memcpy(b, id + 9, 3);
	b[3] = '\0';
	snprintf(out, len, "%s/%s", a, b);
}
