// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * card_cert: a test CA made here with the OpenSSL API (nothing committed)
 * issues a good, an expired and a revoked card certificate and a CRL;
 * the verdicts, the parsed fields, an untrusted chain, garbage, trust
 * store errors, a stale CRL, the relying party's check against a store
 * reloaded while other threads verify, and a card signature over a
 * challenge made by the card emulator through the JPKI AP and checked
 * against the certificate.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "card/card_cert.h"
#include "card/card_ids.h"
#include "card/card_jpki.h"
#include "card/card_trust.h"
#include "card/card_verify.h"
#include "test_card_fixture.h"

#define DAY (24L * 3600)

struct pki {
	struct fx *fx;			/* card key (RSA-2048) and emulator */
	EVP_PKEY *ca_key, *other_key;
	X509 *ca, *other_ca;
	uint8_t *good, *expired, *revoked, *stranger;
	size_t good_len, expired_len, revoked_len, stranger_len;
	uint8_t *ca_der;
	size_t ca_der_len;
	char dir[64], ca_file[96], crl_file[96], other_file[96];
};

static int ext(X509 *x, X509 *issuer, int nid, const char *v)
{
	X509V3_CTX c;
	X509_EXTENSION *e;
	int ok;

	X509V3_set_ctx(&c, issuer, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &c, nid, v);
	ok = e && X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok;
}

/* A certificate for key issued by ca (NULL: self-signed, a root CA). */
static X509 *issue(EVP_PKEY *key, EVP_PKEY *ca_key, X509 *ca, long serial,
		   const char *cn, long from, long to, bool is_ca)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_get_subject_name(x);

	assert_non_null(x);
	assert_true(X509_set_version(x, 2));
	assert_true(ASN1_INTEGER_set(X509_get_serialNumber(x), serial));
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), from));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), to));
	assert_true(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
					       (const unsigned char *)cn, -1, -1, 0));
	assert_true(X509_set_issuer_name(x, X509_get_subject_name(ca ? ca : x)));
	assert_true(X509_set_pubkey(x, key));
	assert_true(ext(x, ca ? ca : x, NID_basic_constraints,
			is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE"));
	assert_true(ext(x, ca ? ca : x, NID_key_usage,
			is_ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature"));
	assert_true(X509_sign(x, ca_key, EVP_sha256()) > 0);
	return x;
}

/* A root CA when ca is NULL, else a card certificate from ca. */
static X509 *cert(EVP_PKEY *key, EVP_PKEY *ca_key, X509 *ca, long serial,
		  const char *cn, long from, long to)
{
	return issue(key, ca_key, ca, serial, cn, from, to, !ca);
}

static void der(X509 *x, uint8_t **out, size_t *len)
{
	unsigned char *p = NULL;
	int n = i2d_X509(x, &p);

	assert_true(n > 0);
	*out = p;
	*len = (size_t)n;
}

static void write_crl(struct pki *k)
{
	X509_CRL *crl = X509_CRL_new();
	X509_REVOKED *rev = X509_REVOKED_new();
	ASN1_TIME *now = X509_gmtime_adj(NULL, 0), *next = X509_gmtime_adj(NULL, 30 * DAY);
	ASN1_INTEGER *sn = ASN1_INTEGER_new();
	FILE *f;

	assert_true(X509_CRL_set_version(crl, 1));
	assert_true(X509_CRL_set_issuer_name(crl, X509_get_subject_name(k->ca)));
	assert_true(X509_CRL_set1_lastUpdate(crl, now));
	assert_true(X509_CRL_set1_nextUpdate(crl, next));
	assert_true(ASN1_INTEGER_set(sn, 3));
	assert_true(X509_REVOKED_set_serialNumber(rev, sn));
	assert_true(X509_REVOKED_set_revocationDate(rev, now));
	assert_true(X509_CRL_add0_revoked(crl, rev));
	assert_true(X509_CRL_sign(crl, k->ca_key, EVP_sha256()) > 0);
	f = fopen(k->crl_file, "w");
	assert_non_null(f);
	assert_true(PEM_write_X509_CRL(f, crl));
	fclose(f);
	ASN1_TIME_free(now);
	ASN1_TIME_free(next);
	ASN1_INTEGER_free(sn);
	X509_CRL_free(crl);
}

static void write_pem(const char *path, X509 *x)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(PEM_write_X509(f, x));
	fclose(f);
}

static int setup(void **state)
{
	struct pki *k = calloc(1, sizeof(*k));
	X509 *x;

	if (!k || fx_setup((void **)&k->fx))
		return -1;
	snprintf(k->dir, sizeof(k->dir), "/tmp/mncr-cert-XXXXXX");
	if (!mkdtemp(k->dir))
		return -1;
	snprintf(k->ca_file, sizeof(k->ca_file), "%s/ca.pem", k->dir);
	snprintf(k->crl_file, sizeof(k->crl_file), "%s/crl.pem", k->dir);
	snprintf(k->other_file, sizeof(k->other_file), "%s/other.pem", k->dir);
	k->ca_key = EVP_EC_gen("P-256");
	k->other_key = EVP_EC_gen("P-256");
	k->ca = cert(k->ca_key, k->ca_key, NULL, 1, "test JPKI CA", -3650 * DAY, 3650 * DAY);
	k->other_ca = cert(k->other_key, k->other_key, NULL, 1, "test JPKI CA",
			   -3650 * DAY, 3650 * DAY);
	x = cert(k->fx->key, k->ca_key, k->ca, 0x1A2B3C, "card good", -DAY, 365 * DAY);
	der(x, &k->good, &k->good_len);
	X509_free(x);
	x = cert(k->fx->key, k->ca_key, k->ca, 2, "card expired", -900 * DAY, -30 * DAY);
	der(x, &k->expired, &k->expired_len);
	X509_free(x);
	x = cert(k->fx->key, k->ca_key, k->ca, 3, "card revoked", -DAY, 365 * DAY);
	der(x, &k->revoked, &k->revoked_len);
	X509_free(x);
	/* Same names, another CA key: must not chain to ours. */
	x = cert(k->fx->key, k->other_key, k->other_ca, 4, "card stranger", -DAY, 365 * DAY);
	der(x, &k->stranger, &k->stranger_len);
	X509_free(x);
	der(k->ca, &k->ca_der, &k->ca_der_len);
	write_pem(k->ca_file, k->ca);
	write_pem(k->other_file, k->other_ca);
	write_crl(k);
	*state = k;
	return 0;
}

static int teardown(void **state)
{
	struct pki *k = *state;

	unlink(k->ca_file);
	unlink(k->crl_file);
	unlink(k->other_file);
	rmdir(k->dir);
	OPENSSL_free(k->good);
	OPENSSL_free(k->expired);
	OPENSSL_free(k->revoked);
	OPENSSL_free(k->stranger);
	OPENSSL_free(k->ca_der);
	X509_free(k->ca);
	X509_free(k->other_ca);
	EVP_PKEY_free(k->ca_key);
	EVP_PKEY_free(k->other_key);
	fx_teardown((void **)&k->fx);
	free(k);
	return 0;
}

static int verdict(struct pki *k, const uint8_t *d, size_t n, bool crl, char *why)
{
	struct mncr_cert_trust t = { k->ca_file, NULL, crl ? k->crl_file : NULL, 0 };

	return mncr_cert_verify(d, n, NULL, 0, &t, why, 256);
}

static void parse_fields(void **state)
{
	struct pki *k = *state;
	struct mncr_cert_info in;

	assert_int_equal(mncr_cert_parse(k->good, k->good_len, &in), 0);
	assert_string_equal(in.serial, "1A2B3C");
	assert_string_equal(in.subject, "CN=card good");
	assert_string_equal(in.issuer, "CN=test JPKI CA");
	assert_string_equal(in.key_type, "RSA");
	assert_int_equal(in.key_bits, 2048);
	assert_true(in.not_before_t < in.not_after_t);
	assert_int_equal(strlen(in.not_after), 20);
	assert_int_equal(in.not_after[19], 'Z');
	/* Trailing bytes or a cut certificate are no certificate. */
	assert_int_equal(mncr_cert_parse(k->good, k->good_len - 1, &in), -EBADMSG);
	assert_string_equal(in.serial, "");
}

static void verdicts(void **state)
{
	struct pki *k = *state;
	char why[256];

	assert_int_equal(verdict(k, k->good, k->good_len, true, why), MNCR_CERT_OK);
	assert_non_null(strstr(why, "CRL"));
	assert_int_equal(verdict(k, k->expired, k->expired_len, true, why),
			 MNCR_CERT_EXPIRED);
	assert_non_null(strstr(why, "expired"));
	assert_int_equal(verdict(k, k->revoked, k->revoked_len, true, why),
			 MNCR_CERT_REVOKED);
	assert_non_null(strstr(why, "revoked"));
	/* Without the CRL nobody knows it was revoked, and the reason says so. */
	assert_int_equal(verdict(k, k->revoked, k->revoked_len, false, why), MNCR_CERT_OK);
	assert_non_null(strstr(why, "not checked"));
	assert_int_equal(verdict(k, k->stranger, k->stranger_len, true, why),
			 MNCR_CERT_UNTRUSTED);
	assert_string_equal(mncr_cert_verdict_name(MNCR_CERT_REVOKED), "revoked");
}

static void untrusted_and_malformed(void **state)
{
	struct pki *k = *state;
	struct mncr_cert_trust other = { k->other_file, NULL, NULL, 0 };
	struct mncr_cert_trust none = { NULL, NULL, NULL, 0 };
	uint8_t junk[64];
	char why[256];

	assert_int_equal(mncr_cert_verify(k->good, k->good_len, NULL, 0, &other,
					  why, sizeof(why)), MNCR_CERT_UNTRUSTED);
	/* The card's own CA certificate offered as intermediate is not trust. */
	assert_int_equal(mncr_cert_verify(k->good, k->good_len, k->ca_der,
					  k->ca_der_len, &none, why, sizeof(why)),
			 MNCR_CERT_UNTRUSTED);
	memset(junk, 0x30, sizeof(junk));
	assert_int_equal(mncr_cert_verify(junk, sizeof(junk), NULL, 0, &other, why,
					  sizeof(why)), MNCR_CERT_MALFORMED);
}

static void trust_store_errors(void **state)
{
	struct pki *k = *state;
	struct mncr_cert_trust missing = { "/nonexistent/ca.pem", NULL, NULL, 0 };
	struct mncr_cert_trust bad_crl = { k->ca_file, NULL, k->ca_file, 0 };
	char why[256];

	assert_int_equal(mncr_cert_verify(k->good, k->good_len, NULL, 0, &missing,
					  why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "trust store"));
	/* A certificate is not a CRL. */
	assert_int_equal(mncr_cert_verify(k->good, k->good_len, NULL, 0, &bad_crl,
					  why, sizeof(why)), -EINVAL);
}

static void check_time(void **state)
{
	struct pki *k = *state;
	struct mncr_cert_trust t = { k->ca_file, NULL, NULL, 0 };
	char why[256];

	/* The expired one was good 100 days ago. */
	t.at = time(NULL) - 100 * DAY;
	assert_int_equal(mncr_cert_verify(k->expired, k->expired_len, NULL, 0, &t,
					  why, sizeof(why)), MNCR_CERT_OK);
}

/* Outside the card's validity or the CRL's: no "ok", and no "expired". */
static void times_and_stale_crl(void **state)
{
	struct pki *k = *state;
	struct mncr_cert_trust t = { k->ca_file, NULL, NULL, 0 };
	char why[256];

	/* (With the CRL, that CRL is not yet valid either: checked first.) */
	t.at = time(NULL) - 100 * DAY;
	assert_int_equal(mncr_cert_verify(k->good, k->good_len, NULL, 0, &t, why,
					  sizeof(why)), MNCR_CERT_NOT_YET_VALID);
	assert_string_equal(mncr_cert_verdict_name(MNCR_CERT_NOT_YET_VALID),
			    "not_yet_valid");
	/* The CRL's nextUpdate is 30 days on: after it, nobody knows. */
	t.crl_file = k->crl_file;
	t.at = time(NULL) + 60 * DAY;
	assert_int_equal(mncr_cert_verify(k->good, k->good_len, NULL, 0, &t, why,
					  sizeof(why)), MNCR_CERT_STATUS_UNKNOWN);
	assert_non_null(strstr(why, "CRL"));
	/* Before its lastUpdate, neither. */
	t.at = time(NULL) - DAY / 2;
	assert_int_equal(mncr_cert_verify(k->good, k->good_len, NULL, 0, &t, why,
					  sizeof(why)), MNCR_CERT_STATUS_UNKNOWN);
	assert_string_equal(mncr_cert_verdict_name(MNCR_CERT_STATUS_UNKNOWN),
			    "status_unknown");
}

static int auth(struct mncr_cert_store *s, const uint8_t *d, size_t n,
		char serial[MNCR_CERT_SERIAL_MAX + 1], char *why)
{
	struct mncr_cert_auth a;
	int v = mncr_cert_check_auth(s, d, n, &a, why, 256);

	strcpy(serial, a.serial);
	if (v == MNCR_CERT_OK)
		assert_non_null(a.key);
	else
		assert_null(a.key);
	EVP_PKEY_free(a.key);
	return v;
}

/* The eligibility service's check: chain, usage, serial, key; reloads. */
static void store_check_and_reload(void **state)
{
	struct pki *k = *state;
	struct mncr_cert_trust no_crl = { k->ca_file, NULL, NULL, 0 };
	struct mncr_cert_trust crl = { k->ca_file, NULL, k->crl_file, 0 };
	struct mncr_cert_trust broken = { k->ca_file, NULL, k->ca_file, 0 };
	struct mncr_cert_trust missing = { k->ca_file, NULL, "/nonexistent/crl", 0 };
	struct mncr_cert_store *s = NULL;
	char why[256], serial[MNCR_CERT_SERIAL_MAX + 1];
	uint8_t junk[64], *ten;
	size_t ten_len;
	X509 *x;

	assert_int_equal(mncr_cert_store_new(&missing, &s, why, sizeof(why)), -ENOENT);
	assert_null(s);
	assert_non_null(strstr(why, "/nonexistent/crl"));
	assert_int_equal(mncr_cert_store_new(&no_crl, &s, why, sizeof(why)), 0);
	assert_int_equal(auth(s, k->revoked, k->revoked_len, serial, why), MNCR_CERT_OK);
	assert_string_equal(serial, "3");
	assert_int_equal(mncr_cert_store_reload(s, &crl, why, sizeof(why)), 0);
	assert_int_equal(auth(s, k->revoked, k->revoked_len, serial, why),
			 MNCR_CERT_REVOKED);
	assert_string_equal(serial, "3");
	/* A reload that fails keeps the store in force. */
	assert_int_equal(mncr_cert_store_reload(s, &broken, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, k->ca_file));
	assert_int_equal(auth(s, k->revoked, k->revoked_len, serial, why),
			 MNCR_CERT_REVOKED);
	assert_int_equal(auth(s, k->good, k->good_len, serial, why), MNCR_CERT_OK);
	assert_string_equal(serial, "1A2B3C");
	assert_int_equal(mncr_cert_verify_in(s, k->good, k->good_len, NULL, 0, 0, why,
					     sizeof(why)), MNCR_CERT_OK);
	assert_non_null(strstr(why, "not on the CRL"));

	/* The serial is known even when the chain fails, for the log. */
	assert_int_equal(auth(s, k->stranger, k->stranger_len, serial, why),
			 MNCR_CERT_UNTRUSTED);
	assert_string_equal(serial, "4");
	/* The CA's own certificate chains, but is no card's. */
	assert_int_equal(auth(s, k->ca_der, k->ca_der_len, serial, why),
			 MNCR_CERT_UNTRUSTED);
	assert_string_equal(why, "not a user authentication certificate");
	memset(junk, 0x30, sizeof(junk));
	assert_int_equal(auth(s, junk, sizeof(junk), serial, why), MNCR_CERT_MALFORMED);
	assert_string_equal(serial, "");
	/* Canonical serial: 0x0A is "A", as the database keeps it. */
	x = cert(k->fx->key, k->ca_key, k->ca, 0x0A, "card ten", -DAY, 365 * DAY);
	der(x, &ten, &ten_len);
	assert_int_equal(auth(s, ten, ten_len, serial, why), MNCR_CERT_OK);
	assert_string_equal(serial, "A");
	OPENSSL_free(ten);
	X509_free(x);
	mncr_cert_store_free(s);
}

/* A card certificate whose notBefore or notAfter is no valid time. */
static void bad_time(struct pki *k, bool before, uint8_t **out, size_t *len)
{
	X509 *x = cert(k->fx->key, k->ca_key, k->ca, 0x5A, "card bad time",
		       -DAY, 365 * DAY);
	ASN1_TIME *t = before ? X509_getm_notBefore(x) : X509_getm_notAfter(x);

	/* A UTCTime without its seconds: it parses, but is no time. */
	assert_true(ASN1_STRING_set(t, "2401010000Z", -1));
	assert_true(X509_sign(x, k->ca_key, EVP_sha256()) > 0);
	der(x, out, len);
	X509_free(x);
}

/*
 * Bad validity dates in a certificate that parses are the chain's
 * verdict, untrusted (the service's 403 cert_untrusted); malformed is for
 * what is not a certificate at all (400 bad_request). OpenSSL 3.5 no
 * longer decodes a UTCTime without seconds: there it is malformed.
 */
static void bad_validity_untrusted(void **state)
{
	struct pki *k = *state;
	struct mncr_cert_trust t = { k->ca_file, NULL, k->crl_file, 0 };
	struct mncr_cert_store *s = NULL;
	char why[256], serial[MNCR_CERT_SERIAL_MAX + 1];
	uint8_t *d;
	size_t n;

	assert_int_equal(mncr_cert_store_new(&t, &s, why, sizeof(why)), 0);
	for (int before = 0; before < 2; before++) {
		const unsigned char *p;
		X509 *x;

		bad_time(k, before, &d, &n);
		p = d;
		x = d2i_X509(NULL, &p, (long)n);
		if (!x) {
			assert_int_equal(verdict(k, d, n, true, why),
					 MNCR_CERT_MALFORMED);
			assert_int_equal(auth(s, d, n, serial, why),
					 MNCR_CERT_MALFORMED);
			OPENSSL_free(d);
			continue;
		}
		X509_free(x);
		assert_int_equal(verdict(k, d, n, true, why), MNCR_CERT_UNTRUSTED);
		assert_non_null(strstr(why, before ? "notBefore" : "notAfter"));
		assert_int_equal(auth(s, d, n, serial, why), MNCR_CERT_UNTRUSTED);
		assert_string_equal(serial, "5A");
		OPENSSL_free(d);
	}
	mncr_cert_store_free(s);
}

struct verifier {
	struct mncr_cert_store *s;
	const struct pki *k;
	int bad;		/* verdicts that no store in use gives */
};

static void *verify_loop(void *arg)
{
	struct verifier *v = arg;
	char why[256], serial[MNCR_CERT_SERIAL_MAX + 1];

	for (int i = 0; i < 200; i++) {
		int r = auth(v->s, v->k->revoked, v->k->revoked_len, serial, why);

		v->bad += r != MNCR_CERT_OK && r != MNCR_CERT_REVOKED;
		v->bad += auth(v->s, v->k->good, v->k->good_len, serial, why) !=
			  MNCR_CERT_OK;
	}
	return NULL;
}

/* SIGHUP while the workers verify: each keeps the store it began with. */
static void store_reload_while_verifying(void **state)
{
	struct pki *k = *state;
	struct mncr_cert_trust t[2] = {
		{ k->ca_file, NULL, NULL, 0 }, { k->ca_file, NULL, k->crl_file, 0 },
	};
	struct verifier v[2] = { { .k = k }, { .k = k } };
	struct mncr_cert_store *s;
	pthread_t th[2];
	char why[256];

	assert_int_equal(mncr_cert_store_new(&t[1], &s, why, sizeof(why)), 0);
	for (int i = 0; i < 2; i++) {
		v[i].s = s;
		assert_int_equal(pthread_create(&th[i], NULL, verify_loop, &v[i]), 0);
	}
	for (int i = 0; i < 100; i++)
		assert_int_equal(mncr_cert_store_reload(s, &t[i % 2], why, sizeof(why)), 0);
	for (int i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(v[i].bad, 0);
	}
	mncr_cert_store_free(s);
}

/* The card signs a challenge after the PIN; the certificate checks it. */
static void card_signature(void **state)
{
	struct pki *k = *state;
	const uint8_t challenge[] = "mncr challenge 0123456789";
	uint8_t hash[SHA256_DIGEST_LENGTH], di[MNCR_JPKI_DIGEST_INFO_MAX];
	uint8_t sig[MNCR_JPKI_SIG_LEN], other[sizeof(challenge)];
	char pin[] = "1234";
	size_t di_len, sig_len;
	int tries;

	assert_int_equal(fx_card(k->fx, "pin"), 0);
	SHA256(challenge, sizeof(challenge), hash);
	assert_int_equal(mncr_jpki_digest_info("SHA256", hash, sizeof(hash), di,
					       sizeof(di), &di_len), 0);
	assert_int_equal(mncr_card_verify(&k->fx->io, &mncr_card_key_jpki_auth, pin,
					  4, 0, &tries), 0);
	assert_int_equal(mncr_jpki_sign(&k->fx->io, MNCR_JPKI_AUTH, di, di_len, sig,
					sizeof(sig), &sig_len), 0);
	assert_int_equal(mncr_cert_verify_signature(k->good, k->good_len, challenge,
						    sizeof(challenge), sig, sig_len), 0);
	memcpy(other, challenge, sizeof(other));
	other[0] ^= 1;
	assert_int_equal(mncr_cert_verify_signature(k->good, k->good_len, other,
						    sizeof(other), sig, sig_len),
			 -EKEYREJECTED);
	sig[10] ^= 0x40;
	assert_int_equal(mncr_cert_verify_signature(k->good, k->good_len, challenge,
						    sizeof(challenge), sig, sig_len),
			 -EKEYREJECTED);
	assert_int_equal(mncr_cert_verify_signature(k->good, 10, challenge,
						    sizeof(challenge), sig, sig_len),
			 -EBADMSG);
}

/*
 * Root -> intermediate CA -> card: the card's EF 000B certificate as the
 * intermediate completes the chain, and a hashed trust directory
 * (c_rehash's HASH.0 names) serves as the store.
 */
static void two_levels_and_trust_dir(void **state)
{
	struct pki *k = *state;
	EVP_PKEY *sub_key = EVP_EC_gen("P-256");
	X509 *sub, *leaf;
	uint8_t *sub_der = NULL, *leaf_der = NULL;
	size_t sub_len, leaf_len;
	char hashed[160], why[256];
	struct mncr_cert_trust by_file = { k->ca_file, NULL, NULL, 0 };
	struct mncr_cert_trust by_dir = { NULL, k->dir, NULL, 0 };

	assert_non_null(sub_key);
	sub = issue(sub_key, k->ca_key, k->ca, 10, "test JPKI sub CA", -DAY, 3650 * DAY, true);
	leaf = issue(k->fx->key, sub_key, sub, 11, "card under sub CA", -DAY, 365 * DAY, false);
	der(sub, &sub_der, &sub_len);
	der(leaf, &leaf_der, &leaf_len);
	snprintf(hashed, sizeof(hashed), "%s/%08lx.0", k->dir,
		 X509_NAME_hash_ex(X509_get_subject_name(k->ca), NULL, NULL, NULL));
	write_pem(hashed, k->ca);

	assert_int_equal(mncr_cert_verify(leaf_der, leaf_len, sub_der, sub_len, &by_file,
					  why, sizeof(why)), MNCR_CERT_OK);
	assert_int_equal(mncr_cert_verify(leaf_der, leaf_len, sub_der, sub_len, &by_dir,
					  why, sizeof(why)), MNCR_CERT_OK);
	assert_int_equal(mncr_cert_verify(k->good, k->good_len, NULL, 0, &by_dir,
					  why, sizeof(why)), MNCR_CERT_OK);
	/* Without the intermediate there is no path to the root. */
	assert_int_equal(mncr_cert_verify(leaf_der, leaf_len, NULL, 0, &by_file,
					  why, sizeof(why)), MNCR_CERT_UNTRUSTED);
	/* A leaf cannot stand in for a CA: the card as "intermediate". */
	assert_int_equal(mncr_cert_verify(leaf_der, leaf_len, k->good, k->good_len,
					  &by_file, why, sizeof(why)), MNCR_CERT_UNTRUSTED);
	unlink(hashed);
	OPENSSL_free(sub_der);
	OPENSSL_free(leaf_der);
	X509_free(sub);
	X509_free(leaf);
	EVP_PKEY_free(sub_key);
}

static void pem_text(void **state)
{
	struct pki *k = *state;
	char *pem = mncr_cert_pem(k->good, k->good_len);

	assert_non_null(pem);
	assert_true(strncmp(pem, "-----BEGIN CERTIFICATE-----\n", 28) == 0);
	free(pem);
	assert_null(mncr_cert_pem(k->good, 5));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_fields),
		cmocka_unit_test(verdicts),
		cmocka_unit_test(untrusted_and_malformed),
		cmocka_unit_test(trust_store_errors),
		cmocka_unit_test(check_time),
		cmocka_unit_test(times_and_stale_crl),
		cmocka_unit_test(store_check_and_reload),
		cmocka_unit_test(bad_validity_untrusted),
		cmocka_unit_test(store_reload_while_verifying),
		cmocka_unit_test(card_signature),
		cmocka_unit_test(two_levels_and_trust_dir),
		cmocka_unit_test(pem_text),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
