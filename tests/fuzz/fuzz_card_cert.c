// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The card certificate code (card_cert.h) on arbitrary bytes as a DER
 * certificate, as the card's JPKI EF may hold them: field parsing, PEM
 * output, the signature check, and the chain verdict against a tiny trust
 * store made once at start (a root CA, a CRL from it revoking serial
 * FUZZ_REVOKED, an intermediate CA), with the input as the leaf and as
 * the intermediate. Results must be documented ones, fields NUL-terminated
 * and well formed, and nothing may leak (LeakSanitizer).
 *
 * The root is also in a hashed directory: the library loads the store on
 * every call, and from a file that means decoding the root each time
 * (OpenSSL 3 key decoding dominates the run), from a directory only when
 * a chain reaches it. The calls without a CRL use the directory.
 *
 * The CA keys are Ed25519 keys from fixed seeds, so gen_seeds makes leaf
 * certificates under the same CAs (names, seeds and times as here).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "card/card_cert.h"
#include "fuzz_cert_build.h"

#define FUZZ_AT		1893456000	/* check time: 2030-01-01 */
#define FUZZ_REVOKED	666

static char dir[] = "/tmp/fuzz_card_cert.XXXXXX";
static char ca_path[64], crl_path[64], hash_dir[64], hash_path[80];
static uint8_t *mid_der, *leaf_der;	/* intermediate, a leaf under it */
static int mid_len, leaf_len;

static void check(int cond)
{
	if (!cond)
		abort();
}

static X509_CRL *make_crl(X509 *root, EVP_PKEY *key)
{
	X509_CRL *crl = X509_CRL_new();
	X509_REVOKED *rv = X509_REVOKED_new();
	ASN1_INTEGER *sn = ASN1_INTEGER_new();
	ASN1_TIME *from = ASN1_TIME_set(NULL, FUZZ_CA_FROM);
	ASN1_TIME *to = ASN1_TIME_set(NULL, FUZZ_CA_TO);
	int ok;

	ok = crl && rv && sn && from && to && X509_CRL_set_version(crl, 1) &&
	     X509_CRL_set_issuer_name(crl, X509_get_subject_name(root)) &&
	     X509_CRL_set1_lastUpdate(crl, from) &&
	     X509_CRL_set1_nextUpdate(crl, to) && ASN1_INTEGER_set(sn, FUZZ_REVOKED) &&
	     X509_REVOKED_set_serialNumber(rv, sn) &&
	     X509_REVOKED_set_revocationDate(rv, from) &&
	     X509_CRL_add0_revoked(crl, rv);
	if (ok)
		rv = NULL;
	ok = ok && X509_CRL_sort(crl) && X509_CRL_sign(crl, key, NULL) > 0;
	X509_REVOKED_free(rv);
	ASN1_INTEGER_free(sn);
	ASN1_TIME_free(from);
	ASN1_TIME_free(to);
	if (!ok) {
		X509_CRL_free(crl);
		return NULL;
	}
	return crl;
}

static void write_pem(const char *path, X509 *x, X509_CRL *crl)
{
	FILE *f = fopen(path, "w");

	check(f != NULL);
	check(x ? PEM_write_X509(f, x) : PEM_write_X509_CRL(f, crl));
	check(fclose(f) == 0);
}

/* The root from ca_path, or (by_dir) from hash_dir. */
static int verdict_in(const uint8_t *der, size_t len, const uint8_t *mid,
		      size_t mid_n, const char *crl, int by_dir)
{
	struct mncr_cert_trust t = {
		.ca_file = by_dir ? NULL : ca_path,
		.ca_dir = by_dir ? hash_dir : NULL,
		.crl_file = crl, .at = FUZZ_AT,
	};
	char why[160];
	int v;

	memset(why, 0xa5, sizeof(why));
	v = mncr_cert_verify(der, len, mid, mid_n, &t, why, sizeof(why));
	check(v == -ENOMEM || (v >= MNCR_CERT_OK && v < MNCR_CERT_VERDICT_COUNT));
	check(memchr(why, '\0', sizeof(why)) != NULL && why[0]);
	if (v >= 0)
		check(mncr_cert_verdict_name(v) != NULL);
	return v;
}

static int verdict(const uint8_t *der, size_t len, const uint8_t *mid,
		   size_t mid_n, const char *crl)
{
	return verdict_in(der, len, mid, mid_n, crl, 0);
}

static void cleanup(void)
{
	unlink(ca_path);
	unlink(crl_path);
	unlink(hash_path);
	rmdir(hash_dir);
	rmdir(dir);
	OPENSSL_free(mid_der);
	OPENSSL_free(leaf_der);
}

/* A DER certificate: made under key by issuer, then as bytes. */
static int der(X509 *x, uint8_t **out)
{
	int n;

	check(x != NULL);
	*out = NULL;
	n = i2d_X509(x, out);
	check(n > 0);
	X509_free(x);
	return n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	EVP_PKEY *root_key = fuzz_ca_key(FUZZ_ROOT_CN);
	EVP_PKEY *mid_key = fuzz_ca_key(FUZZ_MID_CN);
	X509 *root, *mid;
	X509_CRL *crl;
	unsigned long h;
	uint8_t *p;
	int n, ok;

	(void)argc;
	(void)argv;
	check(root_key && mid_key && mkdtemp(dir) != NULL);
	snprintf(ca_path, sizeof(ca_path), "%s/ca.pem", dir);
	snprintf(crl_path, sizeof(crl_path), "%s/crl.pem", dir);
	snprintf(hash_dir, sizeof(hash_dir), "%s/certs", dir);
	atexit(cleanup);
	root = fuzz_make_cert(FUZZ_ROOT_CN, 1, FUZZ_CA_FROM, FUZZ_CA_TO,
			      root_key, NULL, root_key, 1);
	mid = fuzz_make_cert(FUZZ_MID_CN, 2, FUZZ_CA_FROM, FUZZ_CA_TO,
			     mid_key, FUZZ_ROOT_CN, root_key, 1);
	crl = make_crl(root, root_key);
	check(root && mid && crl);
	write_pem(ca_path, root, NULL);
	write_pem(crl_path, NULL, crl);
	/* named as OpenSSL's directory lookup (c_rehash) finds it */
	h = X509_NAME_hash_ex(X509_get_subject_name(root), NULL, NULL, &ok);
	check(ok && mkdir(hash_dir, 0700) == 0);
	snprintf(hash_path, sizeof(hash_path), "%s/%08lx.0", hash_dir, h);
	write_pem(hash_path, root, NULL);
	leaf_len = der(fuzz_make_cert("mncr fuzz leaf", 3, FUZZ_CA_FROM, FUZZ_CA_TO,
				      mid_key, FUZZ_MID_CN, mid_key, 0), &leaf_der);
	mid_len = der(mid, &mid_der);

	/* The verdicts are what they should be: the harness tests something. */
	check(verdict(leaf_der, leaf_len, mid_der, mid_len, NULL) == MNCR_CERT_OK);
	check(verdict(leaf_der, leaf_len, NULL, 0, NULL) == MNCR_CERT_UNTRUSTED);
	check(verdict_in(leaf_der, leaf_len, mid_der, mid_len, NULL, 1) ==
	      MNCR_CERT_OK);
	check(verdict_in(leaf_der, leaf_len, NULL, 0, NULL, 1) ==
	      MNCR_CERT_UNTRUSTED);
	check(verdict(leaf_der, leaf_len - 1, NULL, 0, NULL) == MNCR_CERT_MALFORMED);
	n = der(fuzz_make_cert("mncr fuzz leaf", FUZZ_REVOKED, FUZZ_CA_FROM,
			       FUZZ_CA_TO, mid_key, FUZZ_ROOT_CN, root_key, 0), &p);
	check(verdict(p, n, NULL, 0, crl_path) == MNCR_CERT_REVOKED);
	check(verdict(p, n, NULL, 0, NULL) == MNCR_CERT_OK);
	OPENSSL_free(p);
	n = der(fuzz_make_cert("mncr fuzz leaf", 4, 946684800, 978307200,
			       mid_key, FUZZ_ROOT_CN, root_key, 0), &p);
	check(verdict(p, n, NULL, 0, crl_path) == MNCR_CERT_EXPIRED);
	check(verdict_in(p, n, NULL, 0, NULL, 1) == MNCR_CERT_EXPIRED);
	OPENSSL_free(p);
	X509_free(root);
	X509_CRL_free(crl);
	EVP_PKEY_free(root_key);
	EVP_PKEY_free(mid_key);
	return 0;
}

static int nul_within(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

/*
 * "YYYY-MM-DDTHH:MM:SSZ" for t. Years before 1000 (GeneralizedTime allows
 * them) come out with fewer digits ("%Y"): only the end is checked there.
 */
static void time_text(const char *s, time_t t)
{
	size_t n = strlen(s);

	check(n <= 20 && n >= 17 && s[n - 1] == 'Z' && s[n - 10] == 'T');
	if (t >= -30610224000LL)	/* 1000-01-01 */
		check(n == 20 && s[4] == '-' && s[7] == '-');
}

/* The fields of a parsed certificate are well formed. */
static void fields(const struct mncr_cert_info *ci)
{
	check(nul_within(ci->serial, sizeof(ci->serial)) && ci->serial[0]);
	for (const char *s = ci->serial; *s; s++)
		check((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'F') ||
		      (s == ci->serial && *s == '-'));
	check(nul_within(ci->subject, sizeof(ci->subject)));
	check(nul_within(ci->issuer, sizeof(ci->issuer)));
	time_text(ci->not_before, ci->not_before_t);
	time_text(ci->not_after, ci->not_after_t);
	check(!strcmp(ci->key_type, "RSA") || !strcmp(ci->key_type, "EC") ||
	      !strcmp(ci->key_type, "other"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t msg[] = "mncr fuzz challenge";
	struct mncr_cert_info ci;
	uint8_t sig[256], *copy;
	char *pem;
	int r, v;

	if (size > 65536)
		return 0;
	/* An exact-size heap copy: reads past the end are caught. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	memset(&ci, 0xa5, sizeof(ci));
	r = mncr_cert_parse(copy, size, &ci);
	check(r == 0 || r == -EBADMSG);
	if (r == 0)
		fields(&ci);
	pem = mncr_cert_pem(copy, size);
	if (r == 0)
		check(pem && !strncmp(pem, "-----BEGIN CERTIFICATE-----\n", 28));
	v = verdict(copy, size, NULL, 0, crl_path);
	if (!pem)	/* not even DER: no verdict but malformed */
		check(v == MNCR_CERT_MALFORMED || v == -ENOMEM);
	verdict_in(copy, size, mid_der, mid_len, NULL, 1);
	/* the input as the intermediate of a good leaf */
	verdict_in(leaf_der, leaf_len, copy, size, NULL, 1);
	memset(sig, 0x5a, sizeof(sig));
	r = mncr_cert_verify_signature(copy, size, msg, sizeof(msg), sig,
				       size % sizeof(sig));
	check(r == -EKEYREJECTED || r == -EBADMSG || r == -ENOMEM);
	free(pem);
	free(copy);
	return 0;
}
