// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "card/card_cvca.h"
#include "ccid_card.h"
#include "face/face_image.h"
#include "face/face_jp2.h"
#include "face_source.h"
#include "log.h"

#define DAY	(24L * 3600)

enum { SERIAL_VALID = 0x1001, SERIAL_EXPIRED, SERIAL_REVOKED };

static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;
	int ok;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!e)
		return 0;
	ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok;
}

static int set_name(X509_NAME *name, const char *cn)
{
	return X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC,
					  (const unsigned char *)"JP", -1, -1, 0) &&
	       X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
					  (const unsigned char *)"mncr simulator", -1, -1, 0) &&
	       X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					  (const unsigned char *)cn, -1, -1, 0);
}

/*
 * A certificate for key, valid from not_before to not_after (seconds from
 * now), signed by ca_key as ca (NULL: self-signed CA).
 */
static X509 *make_cert(EVP_PKEY *key, EVP_PKEY *ca_key, X509 *ca, long serial,
		       const char *cn, long not_before, long not_after)
{
	X509 *x = X509_new();
	bool is_ca = !ca;

	if (!x)
		return NULL;
	if (X509_set_version(x, 2) &&
	    ASN1_INTEGER_set(X509_get_serialNumber(x), serial) &&
	    X509_gmtime_adj(X509_getm_notBefore(x), not_before) &&
	    X509_gmtime_adj(X509_getm_notAfter(x), not_after) &&
	    set_name(X509_get_subject_name(x), cn) &&
	    X509_set_issuer_name(x, X509_get_subject_name(is_ca ? x : ca)) &&
	    X509_set_pubkey(x, key) &&
	    add_ext(x, is_ca ? x : ca, NID_basic_constraints,
		    is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE") &&
	    add_ext(x, is_ca ? x : ca, NID_key_usage,
		    is_ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature") &&
	    add_ext(x, is_ca ? x : ca, NID_subject_key_identifier, "hash") &&
	    X509_sign(x, ca_key, EVP_sha256()))
		return x;
	X509_free(x);
	return NULL;
}

static int to_der(X509 *x, struct ccid_der *d)
{
	unsigned char *p = NULL;
	int n = x ? i2d_X509(x, &p) : -1;

	if (n <= 0)
		return -1;
	d->der = p;
	d->len = (size_t)n;
	return 0;
}

/* A CRL of ca listing the revoked card, valid for ten years. */
static X509_CRL *make_crl(EVP_PKEY *ca_key, X509 *ca)
{
	X509_CRL *crl = X509_CRL_new();
	X509_REVOKED *rev = X509_REVOKED_new();
	ASN1_TIME *now = X509_gmtime_adj(NULL, 0);
	ASN1_TIME *next = X509_gmtime_adj(NULL, 3650 * DAY);
	ASN1_INTEGER *sn = ASN1_INTEGER_new();
	bool ok = crl && rev && now && next && sn &&
		  X509_CRL_set_version(crl, 1) &&
		  X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca)) &&
		  X509_CRL_set1_lastUpdate(crl, now) &&
		  X509_CRL_set1_nextUpdate(crl, next) &&
		  ASN1_INTEGER_set(sn, SERIAL_REVOKED) &&
		  X509_REVOKED_set_serialNumber(rev, sn) &&
		  X509_REVOKED_set_revocationDate(rev, now) &&
		  X509_CRL_add0_revoked(crl, rev);

	if (ok)
		rev = NULL;	/* the CRL owns it */
	ok = ok && X509_CRL_sort(crl) && X509_CRL_sign(crl, ca_key, EVP_sha256());
	X509_REVOKED_free(rev);
	ASN1_TIME_free(now);
	ASN1_TIME_free(next);
	ASN1_INTEGER_free(sn);
	if (!ok) {
		X509_CRL_free(crl);
		return NULL;
	}
	return crl;
}

/* The CV test CA's 証明者鍵ID: 9 for "no real authority". */
static const uint8_t cv_ca_id[MNCR_CVC_KEY_ID_LEN] = {
	'9', '0', '0', '0', '0', '2', '3', 0x08, 0x05, '0', '0', '1', 0, 0, 0, 0
};

/* ca.pem and crl.pem for hosts, and cv-ca/; the directory is made if needed. */
static void publish(X509 *ca, X509_CRL *crl, EVP_PKEY *cv_ca)
{
	const char *dir = getenv(CCID_PKI_DIR_ENV);
	char path[4096];
	FILE *f;

	if (!dir || !*dir) {
		dir = CCID_PKI_DIR;
		mkdir("/run/mncr-sim", 0755);
	}
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/ca.pem", dir);
	f = fopen(path, "w");
	if (!f || !PEM_write_X509(f, ca) || fclose(f)) {
		sim_log("ccid: cannot write %s", path);
		return;
	}
	snprintf(path, sizeof(path), "%s/crl.pem", dir);
	f = fopen(path, "w");
	if (!f || !PEM_write_X509_CRL(f, crl) || fclose(f)) {
		sim_log("ccid: cannot write %s", path);
		return;
	}
	snprintf(path, sizeof(path), "%s/cv-ca", dir);
	mkdir(path, 0755);
	if (mncr_cvca_write(path, cv_ca_id, cv_ca)) {
		sim_log("ccid: cannot write the CV CA key into %s", path);
		return;
	}
	sim_log("ccid: test CA, CRL and CV CA key (cv-ca/) in %s", dir);
}

int ccid_photo_make(const char *path, uint8_t **jp2, size_t *len)
{
	struct mncr_face_image src = { 0 }, dst = { 0 };
	char err[160];
	int r = mncr_face_image_load(path, &src, err, sizeof(err));

	if (r) {
		sim_log("ccid: card photo %s: %s", path, err);
		return -1;
	}
	r = mncr_face_passport_crop(&src, CCID_PHOTO_W, CCID_PHOTO_H, &dst);
	if (!r)
		r = mncr_face_jp2_encode(&dst, CCID_PHOTO_RATIO, jp2, len);
	mncr_face_image_free(&src);
	mncr_face_image_free(&dst);
	if (r) {
		sim_log("ccid: cannot encode the card photo (%d)", r);
		return -1;
	}
	return 0;
}

/* The holder's picture, or nothing: a card never holds a placeholder. */
static int default_photo(struct ccid_pki *pki)
{
	struct face_source fs;
	char err[3 * PATH_MAX];

	if (face_source_find(&fs, NULL, err, sizeof(err))) {
		sim_log("ccid: no card photo: %s", err);
		return -1;
	}
	if (ccid_photo_make(fs.card_photo, &pki->photo, &pki->photo_len))
		return -1;
	sim_log("ccid: card photo from %s, %zu bytes of JPEG 2000",
		fs.origin, pki->photo_len);
	return 0;
}

int ccid_pki_make(struct ccid_pki *pki)
{
	X509 *ca = NULL, *valid = NULL, *expired = NULL, *revoked = NULL;
	X509_CRL *crl = NULL;
	int r = -1;

	memset(pki, 0, sizeof(*pki));
	/* The CA on P-256: quick to make; the card key is RSA-2048 as on cards. */
	pki->ca_key = EVP_EC_gen("P-256");
	pki->key = EVP_RSA_gen(2048);
	/* CV keys are RSA-2048 by their format. */
	pki->cv.ca_key = EVP_RSA_gen(2048);
	pki->cv.ap_key = EVP_RSA_gen(2048);
	memcpy(pki->cv.ca_id, cv_ca_id, sizeof(cv_ca_id));
	if (pki->ca_key && pki->key && pki->cv.ca_key && pki->cv.ap_key) {
		ca = make_cert(pki->ca_key, pki->ca_key, NULL, 1,
			       "mncr sim JPKI CA", -2 * 3650 * DAY, 3650 * DAY);
		valid = ca ? make_cert(pki->key, pki->ca_key, ca, SERIAL_VALID,
				       "mncr sim JPKI", -DAY, 3650 * DAY) : NULL;
		expired = ca ? make_cert(pki->key, pki->ca_key, ca, SERIAL_EXPIRED,
					 "mncr sim JPKI expired", -6 * 365 * DAY,
					 -365 * DAY) : NULL;
		revoked = ca ? make_cert(pki->key, pki->ca_key, ca, SERIAL_REVOKED,
					 "mncr sim JPKI revoked", -DAY, 3650 * DAY) : NULL;
		crl = ca ? make_crl(pki->ca_key, ca) : NULL;
	}
	if (crl && !to_der(ca, &pki->ca) && !to_der(valid, &pki->valid) &&
	    !to_der(expired, &pki->expired) && !to_der(revoked, &pki->revoked)) {
		publish(ca, crl, pki->cv.ca_key);
		r = 0;
	}
	X509_free(ca);
	X509_free(valid);
	X509_free(expired);
	X509_free(revoked);
	X509_CRL_free(crl);
	if (r) {
		sim_log("ccid: cannot make the card's key and certificates");
		ccid_pki_free(pki);
		return -1;
	}
	if (default_photo(pki)) {
		ccid_pki_free(pki);
		return -1;
	}
	return 0;
}

void ccid_pki_free(struct ccid_pki *pki)
{
	EVP_PKEY_free(pki->key);
	EVP_PKEY_free(pki->ca_key);
	EVP_PKEY_free(pki->cv.ca_key);
	EVP_PKEY_free(pki->cv.ap_key);
	OPENSSL_free(pki->ca.der);
	OPENSSL_free(pki->valid.der);
	OPENSSL_free(pki->expired.der);
	OPENSSL_free(pki->revoked.der);
	free(pki->photo);
	memset(pki, 0, sizeof(*pki));
}

static const struct ccid_der *cert_of(const struct ccid_pki *pki,
				      const struct card_profile *profile)
{
	switch (profile->cert) {
	case CARD_CERT_EXPIRED:
		return &pki->expired;
	case CARD_CERT_REVOKED:
		return &pki->revoked;
	default:
		return &pki->valid;
	}
}

struct mncr_card_emul *ccid_card_new(const struct ccid_pki *pki,
				     const struct card_profile *profile,
				     const struct card_front *front)
{
	struct mncr_card_emul_profile p;
	struct mncr_card_emul *e = NULL;
	const struct ccid_der *cert = cert_of(pki, profile);
	const char *pin = profile->pin ? profile->pin : "1234";
	uint8_t *photo = NULL;
	size_t photo_len = 0;
	int r;

	/* The "pin" card, then the profile's traits. */
	mncr_card_emul_preset(&p, "pin");
	p.name = profile->name;
	memcpy(p.birth_date, front->birth_date, sizeof(p.birth_date));
	memcpy(p.expiry_date, front->expiry_year, sizeof(front->expiry_year));
	memcpy(p.security_code, front->security_code, sizeof(p.security_code));
	if (profile->holder_name)
		p.name_utf8 = profile->holder_name;
	if (profile->address)
		p.address_utf8 = profile->address;
	if (profile->sex)
		p.sex = profile->sex;
	if (profile->pin_set) {
		p.auth_pin = (struct mncr_card_emul_pin){ pin, (uint8_t)profile->pin_tries_left, 3 };
		p.text_pin = (struct mncr_card_emul_pin){ pin, 3, 3 };
	} else {
		memset(&p.auth_pin, 0, sizeof(p.auth_pin));
		memset(&p.text_pin, 0, sizeof(p.text_pin));
	}
	p.collation_tries = (uint8_t)(CARD_COLLATION_TRIES - profile->collation_spent);
	p.collation_max = CARD_COLLATION_TRIES;
	p.sign_issued = profile->sign_cert;
	if (!profile->sign_cert || !profile->pin_set)
		memset(&p.sign_pin, 0, sizeof(p.sign_pin));
	p.auth_cert = cert->der;
	p.auth_cert_len = cert->len;
	p.auth_ca_cert = pki->ca.der;
	p.auth_ca_cert_len = pki->ca.len;
	p.auth_key = pki->key;
	if (p.sign_issued) {
		p.sign_cert = cert->der;
		p.sign_cert_len = cert->len;
		p.sign_ca_cert = pki->ca.der;
		p.sign_ca_cert_len = pki->ca.len;
		p.sign_key = pki->key;
	}
	if (profile->photo && !ccid_photo_make(profile->photo, &photo, &photo_len)) {
		p.photo = photo;
		p.photo_len = photo_len;
	} else if (pki->photo) {
		p.photo = pki->photo;
		p.photo_len = pki->photo_len;
	}
	p.extended = true;	/* the reader does extended APDUs, so may the card */
	p.cv = &pki->cv;
	p.face_key = pki->key;
	p.auth = profile->auth == CARD_AUTH_FORGED_PHOTO ? MNCR_EMUL_AUTH_FORGED_PHOTO :
		 profile->auth == CARD_AUTH_CLONE ? MNCR_EMUL_AUTH_CLONE :
		 profile->auth == CARD_AUTH_UNKNOWN_CA ? MNCR_EMUL_AUTH_UNKNOWN_CA :
		 MNCR_EMUL_AUTH_GENUINE;
	r = mncr_card_emul_new(&p, &e);
	free(photo);
	if (r) {
		sim_log("ccid: cannot build card %s (%d)", profile->name, r);
		return NULL;
	}
	return e;
}
