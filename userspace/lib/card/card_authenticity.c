// SPDX-License-Identifier: LGPL-2.1-or-later
#include "card/card_authenticity.h"
#include "card/card_face_record.h"
#include "card/card_ids.h"
#include "card/card_jpki.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#define EF_AP_CERT	0x0004
#define CERT_MAX	2048	/* a CVC is 567 bytes */
#define CHAIN_MAX	4	/* certificates between EF 0004 and a CA key */
#define NONCE_LEN	32

static const uint16_t mf_tags[2] = { 0x00F8, 0x7F21 };

const char *mncr_card_auth_verdict_name(enum mncr_card_auth_verdict v)
{
	static const char *const names[] = {
		"authentic", "forged", "unknown_ca", "clone", "unavailable",
	};

	return (unsigned int)v < MNCR_CARD_AUTH_VERDICT_COUNT ? names[v] : "?";
}

static int verdict(int v, char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int verdict(int v, char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (why && len)
		vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return v;
}

/* PKCS#1 v1.5 with SHA-256 over the certificate body. */
static bool cvc_signed_by(const struct mncr_cvc *c, EVP_PKEY *key)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = ctx && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) > 0 &&
		  EVP_DigestVerify(ctx, c->sig, MNCR_CARD_RSA_BYTES, c->body,
				   MNCR_CVC_BODY_LEN) == 1;

	EVP_MD_CTX_free(ctx);
	return ok;
}

/* PKCS#1 v1.5 whose payload is tbs itself (a DigestInfo the host made). */
static bool raw_signed_by(const struct mncr_card_pubkey *k, const uint8_t *sig,
			  const uint8_t *tbs, size_t tbs_len)
{
	EVP_PKEY *key = mncr_card_pubkey_evp(k);
	EVP_PKEY_CTX *ctx = key ? EVP_PKEY_CTX_new(key, NULL) : NULL;
	bool ok = ctx && EVP_PKEY_verify_init(ctx) > 0 &&
		  EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0 &&
		  EVP_PKEY_verify(ctx, sig, MNCR_CARD_RSA_BYTES, tbs, tbs_len) == 1;

	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(key);
	return ok;
}

/* Walks from leaf up the MF certificates to a configured CA key. */
static int check_chain(const struct mncr_cvca_set *ca, const struct mncr_cvc *leaf,
		       const struct mncr_card_auth_input *in, char *why,
		       size_t len)
{
	struct mncr_cvc pool[2];
	bool have[2] = { false, false };
	const struct mncr_cvc *cur = leaf;
	char car[40], chr[40];

	for (size_t i = 0; i < 2; i++)
		have[i] = in->mf_cert[i] &&
			  !mncr_cvc_parse(in->mf_cert[i], in->mf_cert_len[i], &pool[i]);
	for (size_t depth = 0; depth < CHAIN_MAX; depth++) {
		EVP_PKEY *key = mncr_cvca_find(ca, cur->car);
		EVP_PKEY *up;
		size_t i;

		mncr_cvc_key_id_text(cur->car, car, sizeof(car));
		mncr_cvc_key_id_text(cur->chr, chr, sizeof(chr));
		if (key)
			return cvc_signed_by(cur, key) ? MNCR_CARD_AUTHENTIC :
			       verdict(MNCR_CARD_FORGED, why, len,
				       "the certificate of key %s does not verify under CA key %s",
				       chr, car);
		for (i = 0; i < 2; i++)
			if (have[i] && !memcmp(pool[i].chr, cur->car, MNCR_CVC_KEY_ID_LEN))
				break;
		if (i == 2)
			return verdict(MNCR_CARD_UNKNOWN_CA, why, len,
				       "the certificate chain ends at key %s, not a configured CV CA key",
				       car);
		have[i] = false;	/* each certificate once: no loops */
		up = mncr_card_pubkey_evp(&pool[i].key);
		if (!up)
			return -ENOMEM;
		if (!cvc_signed_by(cur, up)) {
			EVP_PKEY_free(up);
			return verdict(MNCR_CARD_FORGED, why, len,
				       "the certificate of key %s does not verify under key %s",
				       chr, car);
		}
		EVP_PKEY_free(up);
		cur = &pool[i];
	}
	return verdict(MNCR_CARD_UNKNOWN_CA, why, len,
		       "the certificate chain is longer than %d", CHAIN_MAX);
}

enum mncr_card_auth_verdict
mncr_card_auth_check_data(const struct mncr_cvca_set *ca,
			  const struct mncr_card_auth_input *in, char *why,
			  size_t why_len)
{
	uint8_t di[MNCR_FACE_RECORD_DI_LEN];
	struct mncr_face_record rec;
	struct mncr_cvc leaf;
	int v, r;

	if (!in || !in->ap_cert)
		return verdict(MNCR_CARD_UNAVAILABLE, why, why_len,
			       "the card has no 券面AP certificate (EF 0004)");
	if (!in->record)
		return verdict(MNCR_CARD_UNAVAILABLE, why, why_len,
			       "no 券面 record (EF 0002) was read");
	if (mncr_cvc_parse(in->ap_cert, in->ap_cert_len, &leaf))
		return verdict(MNCR_CARD_FORGED, why, why_len,
			       "EF 0004 is not a card-verifiable certificate");
	v = check_chain(ca, &leaf, in, why, why_len);
	if (v != MNCR_CARD_AUTHENTIC)
		return v < 0 ? MNCR_CARD_FORGED : v;
	r = mncr_face_record_parse(in->record, in->record_len, &rec);
	if (r == -ENOENT)
		return verdict(MNCR_CARD_UNAVAILABLE, why, why_len,
			       "the 券面 record carries no card key and signature (DF24, DF28)");
	if (r)
		return verdict(MNCR_CARD_FORGED, why, why_len,
			       "the 券面 record is malformed");
	if (mncr_face_record_digest_info(&rec, di))
		return verdict(MNCR_CARD_FORGED, why, why_len, "cannot hash the record");
	if (!raw_signed_by(&leaf.key, rec.sig, di, sizeof(di)))
		return verdict(MNCR_CARD_FORGED, why, why_len,
			       "the 券面 record's signature (DF28) does not verify: "
			       "photo, fields or card key changed after issue");
	return verdict(MNCR_CARD_AUTHENTIC, why, why_len,
		       "certificate chain and 券面 record signature verify");
}

int mncr_card_auth_challenge(const struct mncr_apdu_io *io,
			     const struct mncr_card_pubkey *key, char *why,
			     size_t why_len)
{
	uint8_t nonce[NONCE_LEN], hash[32], di[64], sig[MNCR_APDU_SHORT_MAX];
	struct mncr_apdu cmd = {
		.cla = 0x80, .ins = 0x2A, .p1 = 0x00, .p2 = 0x00,
		.data = di, .le = MNCR_APDU_SHORT_MAX,
	};
	unsigned int hlen = 0;
	size_t n = 0;
	uint16_t sw;
	int r;

	if (!io || !key)
		return -EINVAL;
	if (RAND_bytes(nonce, sizeof(nonce)) != 1 ||
	    !EVP_Digest(nonce, sizeof(nonce), hash, &hlen, EVP_sha256(), NULL) ||
	    mncr_jpki_digest_info("SHA256", hash, hlen, di, sizeof(di), &cmd.lc))
		return -EIO;
	r = mncr_apdu_select_aid(io, mncr_card_aid_visual, MNCR_CARD_AID_LEN);
	if (r == -ENOENT)
		return verdict(MNCR_CARD_CLONE, why, why_len, "the card has no 券面AP");
	if (!r)
		r = mncr_apdu_transceive(io, &cmd, sig, sizeof(sig), &n, &sw);
	if (r && r != -EMSGSIZE)
		return r;
	if (r || sw != MNCR_SW_OK)
		return verdict(MNCR_CARD_CLONE, why, why_len,
			       "the card did not answer the challenge (%04X: %s)",
			       r ? 0 : sw, r ? "too long" : mncr_apdu_sw_text(sw));
	if (n != MNCR_CARD_RSA_BYTES || !raw_signed_by(key, sig, di, cmd.lc))
		return verdict(MNCR_CARD_CLONE, why, why_len,
			       "the card's answer to the challenge does not verify under "
			       "its record's key (DF24): not the chip the record was issued on");
	return verdict(MNCR_CARD_AUTHENTIC, why, why_len,
		       "certificate chain, 券面 record signature and chip challenge verify");
}

/* GET DATA with no DF selected; *obj NULL when the card has none. */
static int get_data(const struct mncr_apdu_io *io, uint16_t tag, uint8_t **obj,
		    size_t *len)
{
	struct mncr_apdu cmd = {
		.ins = 0xCA, .p1 = (uint8_t)(tag >> 8), .p2 = (uint8_t)tag,
		.le = MNCR_APDU_SHORT_MAX,
	};
	uint8_t *buf = malloc(CERT_MAX);
	uint16_t sw;
	int r;

	*obj = NULL;
	*len = 0;
	if (!buf)
		return -ENOMEM;
	r = mncr_apdu_transceive(io, &cmd, buf, CERT_MAX, len, &sw);
	if (!r && sw == MNCR_SW_OK && *len) {
		*obj = buf;
		return 0;
	}
	free(buf);
	*len = 0;
	return r == -EMSGSIZE ? 0 : r;
}

static int read_ap_cert(const struct mncr_apdu_io *io, uint8_t **obj, size_t *len)
{
	int r = mncr_apdu_select_aid(io, mncr_card_aid_visual, MNCR_CARD_AID_LEN);

	if (!r)
		r = mncr_apdu_select_fid(io, EF_AP_CERT);
	if (!r)
		r = mncr_apdu_read_tlv_ef(io, 0x7F21, CERT_MAX, obj, len);
	/* Absent, unreadable or not such an object: the card gives none. */
	if (r == -ENOENT || r == -EACCES || r == -EBADMSG || r == -EFBIG ||
	    r == -EINVAL || r == -EOPNOTSUPP) {
		*obj = NULL;
		*len = 0;
		return 0;
	}
	return r;
}

int mncr_card_authenticity(const struct mncr_apdu_io *io,
			   const struct mncr_cvca_set *ca,
			   const uint8_t *record, size_t record_len, char *why,
			   size_t why_len)
{
	/* SELECT MF (P1 00, no data): no DF selected, for GET DATA. */
	const struct mncr_apdu mf = { .ins = 0xA4, .p1 = 0x00, .p2 = 0x0C };
	struct mncr_card_auth_input in = { .record = record, .record_len = record_len };
	uint8_t *mf_obj[2] = { NULL, NULL }, *ap = NULL, scratch[MNCR_APDU_SHORT_MAX];
	struct mncr_face_record rec;
	size_t n;
	uint16_t sw;
	int r, v;

	if (!io)
		return -EINVAL;
	r = mncr_apdu_transceive(io, &mf, scratch, sizeof(scratch), &n, &sw);
	for (size_t i = 0; !r && i < 2; i++) {
		r = get_data(io, mf_tags[i], &mf_obj[i], &in.mf_cert_len[i]);
		in.mf_cert[i] = mf_obj[i];
	}
	if (!r)
		r = read_ap_cert(io, &ap, &in.ap_cert_len);
	in.ap_cert = ap;
	v = r ? r : (int)mncr_card_auth_check_data(ca, &in, why, why_len);
	if (v == MNCR_CARD_AUTHENTIC) {
		if (mncr_face_record_parse(record, record_len, &rec))
			v = verdict(MNCR_CARD_FORGED, why, why_len, "the 券面 record is malformed");
		else
			v = mncr_card_auth_challenge(io, &rec.key, why, why_len);
	}
	free(mf_obj[0]);
	free(mf_obj[1]);
	free(ap);
	return v;
}
