/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test certificates for fuzz_card_cert and gen_seeds, which must agree:
 * the CAs' names, their Ed25519 keys (from SHA-256 of the name) and times.
 */
#ifndef MNCR_FUZZ_CERT_BUILD_H
#define MNCR_FUZZ_CERT_BUILD_H

#include <string.h>
#include <time.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define FUZZ_ROOT_CN	"mncr fuzz root CA"
#define FUZZ_MID_CN	"mncr fuzz intermediate CA"
#define FUZZ_CA_FROM	1577836800	/* 2020-01-01 */
#define FUZZ_CA_TO	2208988800	/* 2040-01-01 */

/* The CA key named name: Ed25519 from SHA-256 of the name. */
static inline EVP_PKEY *fuzz_ca_key(const char *name)
{
	uint8_t k[SHA256_DIGEST_LENGTH];

	SHA256((const uint8_t *)name, strlen(name), k);
	return EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, k, sizeof(k));
}

static inline int fuzz_add_ext(X509 *x, int nid, const char *value)
{
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, NULL, nid, value);
	int ok = e && X509_add_ext(x, e, -1);

	X509_EXTENSION_free(e);
	return ok;
}

/*
 * A certificate for key named cn, signed by issuer_key as issuer_cn (NULL:
 * self-signed, cn); NULL on failure.
 */
static inline X509 *fuzz_make_cert(const char *cn, long serial, time_t from,
				   time_t to, EVP_PKEY *key,
				   const char *issuer_cn, EVP_PKEY *issuer_key,
				   int ca)
{
	X509_NAME *name = X509_NAME_new(), *issuer = X509_NAME_new();
	X509 *x = X509_new();
	int ok;

	ok = name && issuer && x && X509_set_version(x, 2) &&
	     ASN1_INTEGER_set(X509_get_serialNumber(x), serial) &&
	     ASN1_TIME_set(X509_getm_notBefore(x), from) &&
	     ASN1_TIME_set(X509_getm_notAfter(x), to) &&
	     X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					(const uint8_t *)cn, -1, -1, 0) &&
	     X509_NAME_add_entry_by_txt(issuer, "CN", MBSTRING_ASC,
					(const uint8_t *)(issuer_cn ? issuer_cn : cn),
					-1, -1, 0) &&
	     X509_set_subject_name(x, name) && X509_set_issuer_name(x, issuer) &&
	     X509_set_pubkey(x, key);
	if (ok && ca)
		ok = fuzz_add_ext(x, NID_basic_constraints, "critical,CA:TRUE") &&
		     fuzz_add_ext(x, NID_key_usage, "critical,keyCertSign,cRLSign");
	/* RSA issuers (self-signed leaves) sign with SHA-256, Ed25519 without */
	ok = ok && X509_sign(x, issuer_key, EVP_PKEY_get_base_id(issuer_key) ==
			     EVP_PKEY_RSA ? EVP_sha256() : NULL) > 0;
	X509_NAME_free(name);
	X509_NAME_free(issuer);
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

#endif
