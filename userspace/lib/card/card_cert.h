/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The card's 利用者証明用 (JPKI user authentication) certificate with
 * OpenSSL 3: its fields for people and logs, its chain checked against a
 * trust store (card_trust.h: CA file or directory, optional CRL) with a
 * plain verdict, the checks of a relying party that takes it as a proof
 * of identity (the eligibility service), and card signatures over a
 * challenge checked against it.
 */
#ifndef MNCR_CARD_CERT_H
#define MNCR_CARD_CERT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "card/card_trust.h"

struct mncr_cert_info {
	char serial[80];	/* hex, upper case, no separators */
	char subject[256];	/* RFC 2253 */
	char issuer[256];
	char not_before[21];	/* "YYYY-MM-DDTHH:MM:SSZ" */
	char not_after[21];
	time_t not_before_t, not_after_t;
	char key_type[8];	/* "RSA", "EC", ... */
	int key_bits;
};

/*
 * Parses a DER certificate (the whole buffer, nothing after it).
 * -EBADMSG when it is not one.
 */
int mncr_cert_parse(const uint8_t *der, size_t len, struct mncr_cert_info *out);

enum mncr_cert_verdict {
	MNCR_CERT_OK,
	MNCR_CERT_EXPIRED,
	MNCR_CERT_REVOKED,		/* on the CRL */
	MNCR_CERT_UNTRUSTED,		/* no chain to the trust store, wrong usage,
					 * bad dates */
	MNCR_CERT_MALFORMED,		/* not one DER certificate; no usable
					 * serial or key */
	MNCR_CERT_NOT_YET_VALID,
	MNCR_CERT_STATUS_UNKNOWN,	/* the store's CRL for it is missing or stale */
	MNCR_CERT_VERDICT_COUNT
};

/*
 * Checks the certificate's chain against the trust store. intermediate
 * (may be NULL) is an untrusted DER certificate that may complete the
 * chain, e.g. the card's CA certificate (JPKI EF 000B). Returns the
 * verdict (>= 0) with an English reason in why, or -errno when the trust
 * store itself cannot be used (as mncr_cert_store_new(): -ENOENT missing
 * file, -EINVAL unreadable, -ENOMEM).
 */
int mncr_cert_verify(const uint8_t *der, size_t len,
		     const uint8_t *intermediate, size_t intermediate_len,
		     const struct mncr_cert_trust *trust, char *why,
		     size_t why_len);

/*
 * As mncr_cert_verify(), against a loaded store at time at (0: now):
 * the verdict, or -ENOMEM.
 */
int mncr_cert_verify_in(struct mncr_cert_store *s, const uint8_t *der,
			size_t len, const uint8_t *intermediate,
			size_t intermediate_len, time_t at, char *why,
			size_t why_len);

#define MNCR_CERT_SERIAL_MAX	40	/* hex digits: RFC 5280's 20 octets */

struct mncr_cert_auth {
	/* Upper-case hex without leading zeros; "" when negative or too long. */
	char serial[MNCR_CERT_SERIAL_MAX + 1];
	EVP_PKEY *key;		/* on MNCR_CERT_OK; the caller frees it */
};

/*
 * The 利用者証明用 certificate as a relying party takes it: its chain in s
 * now (no intermediate: the store holds the CAs), then that it is for
 * user authentication (not a CA, digitalSignature usage) with a usable
 * serial and public key. out->serial is filled even when the chain fails,
 * so that refusals can be logged against the card. Returns the verdict
 * (why says what failed, no card data), or -ENOMEM.
 */
int mncr_cert_check_auth(struct mncr_cert_store *s, const uint8_t *der,
			 size_t len, struct mncr_cert_auth *out, char *why,
			 size_t why_len);

/*
 * "ok", "expired", "revoked", "untrusted", "malformed", "not_yet_valid",
 * "status_unknown"
 */
const char *mncr_cert_verdict_name(enum mncr_cert_verdict v);

/*
 * Checks a card signature: RSA PKCS#1 v1.5 over the SHA-256 DigestInfo
 * of msg (what mncr_jpki_sign() returns for mncr_jpki_digest_info()
 * of SHA-256(msg)), with the certificate's public key. Returns 0 when it
 * holds, -EKEYREJECTED when not, -EBADMSG for a bad certificate.
 */
int mncr_cert_verify_signature(const uint8_t *der, size_t len,
			       const uint8_t *msg, size_t msg_len,
			       const uint8_t *sig, size_t sig_len);

/* PEM text of a DER certificate, malloc'd and NUL-terminated; NULL on error. */
char *mncr_cert_pem(const uint8_t *der, size_t len);

#endif
