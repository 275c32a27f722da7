// SPDX-License-Identifier: LGPL-2.1-or-later
/* The card's certificate: fields, chain verdict, signatures (OpenSSL 3). */
#include "card/card_cert.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

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
	default: return "malformed";
	}
}

/* A CRL file in PEM or DER. */
static X509_CRL *load_crl(const char *path, int *err)
{
	BIO *b = BIO_new_file(path, "rb");
	X509_CRL *crl;

	if (!b) {
		*err = errno ? -errno : -ENOENT;
		return NULL;
	}
	crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL);
	if (!crl) {
		(void)BIO_reset(b);
		crl = d2i_X509_CRL_bio(b, NULL);
	}
	BIO_free(b);
	if (!crl)
		*err = -EINVAL;
	return crl;
}

static int make_store(const struct mncr_cert_trust *t, X509_STORE **out)
{
	X509_STORE *st = X509_STORE_new();
	struct stat sb;
	int r = 0;

	if (!st)
		return -ENOMEM;
	if (t->ca_file && stat(t->ca_file, &sb))
		r = -ENOENT;
	else if (t->ca_dir && stat(t->ca_dir, &sb))
		r = -ENOENT;
	else if ((t->ca_file || t->ca_dir) &&
		 !X509_STORE_load_locations(st, t->ca_file, t->ca_dir))
		r = -EINVAL;
	if (!r && t->crl_file) {
		X509_CRL *crl = load_crl(t->crl_file, &r);

		if (crl && !X509_STORE_add_crl(st, crl))
			r = -EINVAL;
		X509_CRL_free(crl);
		if (!r)
			X509_STORE_set_flags(st, X509_V_FLAG_CRL_CHECK);
	}
	if (r) {
		X509_STORE_free(st);
		ERR_clear_error();
		return r;
	}
	*out = st;
	return 0;
}

static enum mncr_cert_verdict classify(int err)
{
	switch (err) {
	case X509_V_OK:
		return MNCR_CERT_OK;
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return MNCR_CERT_EXPIRED;
	case X509_V_ERR_CERT_REVOKED:
		return MNCR_CERT_REVOKED;
	case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
	case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
	case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
		return MNCR_CERT_MALFORMED;
	default:
		return MNCR_CERT_UNTRUSTED;
	}
}

int mncr_cert_verify(const uint8_t *der, size_t len,
		     const uint8_t *intermediate, size_t intermediate_len,
		     const struct mncr_cert_trust *trust, char *why,
		     size_t why_len)
{
	X509 *leaf = der_cert(der, len), *mid = NULL;
	STACK_OF(X509) *untrusted = NULL;
	X509_STORE_CTX *ctx = NULL;
	X509_STORE *st = NULL;
	int r, err;

	if (!leaf) {
		snprintf(why, why_len, "not a DER X.509 certificate");
		return MNCR_CERT_MALFORMED;
	}
	r = make_store(trust, &st);
	if (r) {
		snprintf(why, why_len, "trust store: %s", strerror(-r));
		X509_free(leaf);
		return r;
	}
	if (intermediate && intermediate_len) {
		mid = der_cert(intermediate, intermediate_len);
		untrusted = sk_X509_new_null();
		if (mid && untrusted && sk_X509_push(untrusted, mid))
			mid = NULL;
	}
	ctx = X509_STORE_CTX_new();
	if (!ctx || !X509_STORE_CTX_init(ctx, st, leaf, untrusted)) {
		r = -ENOMEM;
		snprintf(why, why_len, "out of memory");
		goto out;
	}
	if (trust->at)
		X509_STORE_CTX_set_time(ctx, 0, trust->at);
	err = X509_verify_cert(ctx) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
	if (err == X509_V_OK && !trust->crl_file)
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
	X509_free(leaf);
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
