// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>

#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "ccid_card.h"
#include "log.h"

#define DAY	(24L * 3600)

/* A self-signed certificate valid from not_before to not_after (seconds from now). */
static int make_cert(EVP_PKEY *key, long not_before, long not_after,
		     uint8_t **der, size_t *len)
{
	X509 *x = X509_new();
	X509_NAME *name;
	unsigned char *p = NULL;
	int n = -1;

	if (!x)
		return -1;
	name = X509_get_subject_name(x);
	if (X509_set_version(x, 2) &&
	    ASN1_INTEGER_set(X509_get_serialNumber(x), not_after > 0 ? 1 : 2) &&
	    X509_gmtime_adj(X509_getm_notBefore(x), not_before) &&
	    X509_gmtime_adj(X509_getm_notAfter(x), not_after) &&
	    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
				       (const unsigned char *)"mncr simulator", -1, -1, 0) &&
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				       (const unsigned char *)"mncr sim JPKI", -1, -1, 0) &&
	    X509_set_issuer_name(x, name) && X509_set_pubkey(x, key) &&
	    X509_sign(x, key, EVP_sha256()))
		n = i2d_X509(x, &p);
	X509_free(x);
	if (n <= 0)
		return -1;
	*der = p;
	*len = (size_t)n;
	return 0;
}

int ccid_pki_make(struct ccid_pki *pki)
{
	memset(pki, 0, sizeof(*pki));
	pki->key = EVP_RSA_gen(2048);
	if (!pki->key ||
	    make_cert(pki->key, -DAY, 3650 * DAY, &pki->valid, &pki->valid_len) ||
	    make_cert(pki->key, -6 * 365 * DAY, -365 * DAY, &pki->expired,
		      &pki->expired_len)) {
		sim_log("ccid: cannot make the card's key and certificates");
		ccid_pki_free(pki);
		return -1;
	}
	return 0;
}

void ccid_pki_free(struct ccid_pki *pki)
{
	EVP_PKEY_free(pki->key);
	OPENSSL_free(pki->valid);
	OPENSSL_free(pki->expired);
	memset(pki, 0, sizeof(*pki));
}

struct mncr_card_emul *ccid_card_new(const struct ccid_pki *pki,
				     const struct card_profile *profile,
				     const struct card_front *front)
{
	struct mncr_card_emul_profile p;
	struct mncr_card_emul *e = NULL;
	bool expired = profile->cert == CARD_CERT_EXPIRED;
	const uint8_t *cert = expired ? pki->expired : pki->valid;
	size_t cert_len = expired ? pki->expired_len : pki->valid_len;
	int r;

	if (mncr_card_emul_preset(&p, profile->name))
		mncr_card_emul_preset(&p, "pin");
	memcpy(p.birth_date, front->birth_date, sizeof(p.birth_date));
	memcpy(p.expiry_date, front->expiry_year, sizeof(front->expiry_year));
	memcpy(p.security_code, front->security_code, sizeof(p.security_code));
	/* Self-signed: the certificate is its own CA. */
	if (p.auth_issued) {
		p.auth_cert = p.auth_ca_cert = cert;
		p.auth_cert_len = p.auth_ca_cert_len = cert_len;
		p.auth_key = pki->key;
	}
	if (p.sign_issued) {
		p.sign_cert = p.sign_ca_cert = cert;
		p.sign_cert_len = p.sign_ca_cert_len = cert_len;
		p.sign_key = pki->key;
	}
	p.extended = true;	/* the reader does extended APDUs, so may the card */
	r = mncr_card_emul_new(&p, &e);
	if (r) {
		sim_log("ccid: cannot build card %s (%d)", profile->name, r);
		return NULL;
	}
	return e;
}
