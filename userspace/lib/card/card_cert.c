// SPDX-License-Identifier: LGPL-2.1-or-later
/* The card's certificate: fields, chain verdict, use, signatures (OpenSSL 3). */
#include "card/card_cert.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "util/utf8.h"

static X509 *der_cert(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x;

	if (!der || !len || len > 65536)
		return NULL;
	x = d2i_X509(NULL, &p, (long)len);
	if (x && p != der + len) {	/* trailing bytes */
		X509_free(x);
		return NULL;
	}
	return x;
}

static void name_text(const X509_NAME *name, char *out, size_t cap)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;

	out[0] = '\0';
	if (!b)
		return;
	if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		n = BIO_get_mem_data(b, &p);
		/* Cut at a character boundary, not inside a UTF-8 sequence. */
		if (n > 0 && (size_t)n >= cap)
			n = (long)mncr_utf8_cut(p, cap - 1);
		if (n > 0)
			snprintf(out, cap, "%.*s", (int)n, p);
	}
	BIO_free(b);
}

static int time_text(const ASN1_TIME *t, char out[21], time_t *tt)
{
	struct tm tm;

	if (!ASN1_TIME_to_tm(t, &tm))
		return -EBADMSG;
	/* Four-digit years also before 1000 (strftime's %Y would not pad). */
	snprintf(out, 21, "%04u-%02u-%02uT%02u:%02u:%02uZ",
		 (unsigned int)(tm.tm_year + 1900) % 10000u,
		 (unsigned int)(tm.tm_mon + 1) % 100u,
		 (unsigned int)tm.tm_mday % 100u, (unsigned int)tm.tm_hour % 100u,
		 (unsigned int)tm.tm_min % 100u, (unsigned int)tm.tm_sec % 100u);
	*tt = timegm(&tm);
	return 0;
}

int mncr_cert_parse(const uint8_t *der, size_t len, struct mncr_cert_info *out)
{
	X509 *x = der_cert(der, len);
	const ASN1_INTEGER *sn;
	BIGNUM *bn = NULL;
	char *hex = NULL;
	EVP_PKEY *key;
	int r = -EBADMSG;

	memset(out, 0, sizeof(*out));
	if (!x)
		return -EBADMSG;
	sn = X509_get0_serialNumber(x);
	bn = ASN1_INTEGER_to_BN(sn, NULL);
	hex = bn ? BN_bn2hex(bn) : NULL;
	key = X509_get0_pubkey(x);
	if (hex && key &&
	    !time_text(X509_get0_notBefore(x), out->not_before, &out->not_before_t) &&
	    !time_text(X509_get0_notAfter(x), out->not_after, &out->not_after_t)) {
		snprintf(out->serial, sizeof(out->serial), "%s", hex);
		name_text(X509_get_subject_name(x), out->subject, sizeof(out->subject));
		name_text(X509_get_issuer_name(x), out->issuer, sizeof(out->issuer));
		snprintf(out->key_type, sizeof(out->key_type), "%s",
			 EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA ? "RSA" :
			 EVP_PKEY_get_base_id(key) == EVP_PKEY_EC ? "EC" : "other");
		out->key_bits = EVP_PKEY_get_bits(key);
		r = 0;
	}
	OPENSSL_free(hex);
	BN_free(bn);
	X509_free(x);
	if (r)
		memset(out, 0, sizeof(*out));
	return r;
}

const char *mncr_cert_verdict_name(enum mncr_cert_verdict v)
{
	switch (v) {
	case MNCR_CERT_OK: return "ok";
	case MNCR_CERT_EXPIRED: return "expired";
	case MNCR_CERT_REVOKED: return "revoked";
	case MNCR_CERT_UNTRUSTED: return "untrusted";
	case MNCR_CERT_NOT_YET_VALID: return "not_yet_valid";
	case MNCR_CERT_STATUS_UNKNOWN: return "status_unknown";
	default: return "malformed";
	}
}

static enum mncr_cert_verdict classify(int err)
{
	switch (err) {
	case X509_V_OK:
		return MNCR_CERT_OK;
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return MNCR_CERT_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return MNCR_CERT_NOT_YET_VALID;
	case X509_V_ERR_CERT_REVOKED:
		return MNCR_CERT_REVOKED;
	case X509_V_ERR_UNABLE_TO_GET_CRL:
	case X509_V_ERR_CRL_HAS_EXPIRED:
	case X509_V_ERR_CRL_NOT_YET_VALID:
		return MNCR_CERT_STATUS_UNKNOWN;
	default:
		/*
		 * Bad dates or issuer key in a certificate that parsed too:
		 * malformed is only for what is no DER certificate at all.
		 */
		return MNCR_CERT_UNTRUSTED;
	}
}

/* leaf's chain in s at time at (0: now): the verdict, or -ENOMEM. */
static int chain(struct mncr_cert_store *s, X509 *leaf,
		 const uint8_t *intermediate, size_t intermediate_len,
		 time_t at, char *why, size_t why_len)
{
	STACK_OF(X509) *untrusted = NULL;
	X509_STORE_CTX *ctx = NULL;
	X509 *mid = NULL;
	bool crl = false;
	X509_STORE *st = mncr_cert_store_get(s, &crl);
	int r = -ENOMEM, err, ok;

	snprintf(why, why_len, "out of memory");
	if (intermediate && intermediate_len) {
		mid = der_cert(intermediate, intermediate_len);
		untrusted = sk_X509_new_null();
		if (mid && untrusted && sk_X509_push(untrusted, mid))
			mid = NULL;
	}
	ctx = X509_STORE_CTX_new();
	if (!st || !ctx || !X509_STORE_CTX_init(ctx, st, leaf, untrusted))
		goto out;
	if (at)
		X509_STORE_CTX_set_time(ctx, 0, at);
	ok = X509_verify_cert(ctx) == 1;
	err = ok ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
	/* A failure without a reason is no pass. */
	if (!ok && err == X509_V_OK)
		err = X509_V_ERR_UNSPECIFIED;
	if (err == X509_V_ERR_OUT_OF_MEM)
		goto out;
	if (err == X509_V_OK && !crl)
		snprintf(why, why_len, "chain verified (no CRL given: revocation not checked)");
	else if (err == X509_V_OK)
		snprintf(why, why_len, "chain verified, not on the CRL");
	else
		snprintf(why, why_len, "%s", X509_verify_cert_error_string(err));
	r = classify(err);
out:
	X509_STORE_CTX_free(ctx);
	sk_X509_pop_free(untrusted, X509_free);
	X509_free(mid);
	X509_STORE_free(st);
	return r;
}

static int malformed(char *why, size_t why_len)
{
	snprintf(why, why_len, "not one DER X.509 certificate");
	return MNCR_CERT_MALFORMED;
}

int mncr_cert_verify_in(struct mncr_cert_store *s, const uint8_t *der,
			size_t len, const uint8_t *intermediate,
			size_t intermediate_len, time_t at, char *why,
			size_t why_len)
{
	X509 *leaf = der_cert(der, len);
	int r;

	if (!leaf)
		return malformed(why, why_len);
	r = chain(s, leaf, intermediate, intermediate_len, at, why, why_len);
	X509_free(leaf);
	ERR_clear_error();
	return r;
}

int mncr_cert_verify(const uint8_t *der, size_t len,
		     const uint8_t *intermediate, size_t intermediate_len,
		     const struct mncr_cert_trust *trust, char *why,
		     size_t why_len)
{
	struct mncr_cert_store *s = NULL;
	X509 *leaf = der_cert(der, len);
	int r;

	if (!leaf)
		return malformed(why, why_len);
	r = mncr_cert_store_new(trust, &s, why, why_len);
	if (!r)
		r = chain(s, leaf, intermediate, intermediate_len, trust->at,
			  why, why_len);
	mncr_cert_store_free(s);
	X509_free(leaf);
	ERR_clear_error();
	return r;
}

/* Upper-case hex of a non-negative serial, no leading zeros; "" otherwise. */
static void serial_canonical(X509 *x, char out[MNCR_CERT_SERIAL_MAX + 1])
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *hex = bn && !BN_is_negative(bn) ? BN_bn2hex(bn) : NULL;
	const char *p = hex;

	out[0] = '\0';
	while (p && p[0] == '0' && p[1])
		p++;
	if (p && strlen(p) <= MNCR_CERT_SERIAL_MAX)
		memcpy(out, p, strlen(p) + 1);
	OPENSSL_free(hex);
	BN_free(bn);
}

/* What a verified chain does not say: the certificate's own use. */
static int usable(X509 *x, struct mncr_cert_auth *out, char *why,
		  size_t why_len)
{
	if (X509_check_ca(x) != 0 ||
	    !(X509_get_key_usage(x) & KU_DIGITAL_SIGNATURE)) {
		snprintf(why, why_len, "not a user authentication certificate");
		return MNCR_CERT_UNTRUSTED;
	}
	if (!out->serial[0]) {
		snprintf(why, why_len, "unusable serial number");
		return MNCR_CERT_MALFORMED;
	}
	out->key = X509_get_pubkey(x);
	if (!out->key) {
		snprintf(why, why_len, "unusable public key");
		return MNCR_CERT_MALFORMED;
	}
	return MNCR_CERT_OK;
}

int mncr_cert_check_auth(struct mncr_cert_store *s, const uint8_t *der,
			 size_t len, struct mncr_cert_auth *out, char *why,
			 size_t why_len)
{
	X509 *x = der_cert(der, len);
	int r;

	memset(out, 0, sizeof(*out));
	if (!x)
		return malformed(why, why_len);
	serial_canonical(x, out->serial);
	r = chain(s, x, NULL, 0, 0, why, why_len);
	if (r == MNCR_CERT_OK)
		r = usable(x, out, why, why_len);
	X509_free(x);
	ERR_clear_error();
	return r;
}

int mncr_cert_verify_signature(const uint8_t *der, size_t len,
			       const uint8_t *msg, size_t msg_len,
			       const uint8_t *sig, size_t sig_len)
{
	X509 *x = der_cert(der, len);
	EVP_MD_CTX *md = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *key;
	int r = -EBADMSG;

	if (!x)
		return -EBADMSG;
	key = X509_get0_pubkey(x);
	if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA)
		goto out;
	md = EVP_MD_CTX_new();
	if (!md || EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, key) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
		r = -ENOMEM;
		goto out;
	}
	r = EVP_DigestVerify(md, sig, sig_len, msg, msg_len) == 1 ? 0 : -EKEYREJECTED;
out:
	EVP_MD_CTX_free(md);
	X509_free(x);
	ERR_clear_error();
	return r;
}

char *mncr_cert_pem(const uint8_t *der, size_t len)
{
	X509 *x = der_cert(der, len);
	BIO *b = BIO_new(BIO_s_mem());
	char *p, *out = NULL;
	long n;

	if (x && b && PEM_write_bio_X509(b, x)) {
		n = BIO_get_mem_data(b, &p);
		out = n > 0 ? malloc((size_t)n + 1) : NULL;
		if (out) {
			memcpy(out, p, (size_t)n);
			out[n] = '\0';
		}
	}
	BIO_free(b);
	X509_free(x);
	return out;
}
