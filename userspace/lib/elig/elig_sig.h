/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PIN-mode proof for eligibility requests: after the patient's PIN VERIFY,
 * the card's user-authentication key signs (RSA PKCS#1 v1.5, SHA-256)
 *
 *   "MNCR-ELIG-PIN-V1" || challenge (32 bytes) || medical institution code
 *   (10 ASCII digits) || request id (1-64 ASCII bytes)
 *
 * The label keeps the signature from meaning anything elsewhere; the
 * challenge makes it fresh and single use; the institution code and the
 * request id bind it to this one request, so it cannot be moved to
 * another. The card itself is given the DigestInfo (JPKI COMPUTE DIGITAL
 * SIGNATURE takes a DigestInfo), which mncr_elig_pin_digest_info() builds.
 */
#ifndef MNCR_ELIG_SIG_H
#define MNCR_ELIG_SIG_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "elig/elig_message.h"

#define MNCR_ELIG_PIN_LABEL "MNCR-ELIG-PIN-V1"
#define MNCR_ELIG_PIN_TBS_MAX (sizeof(MNCR_ELIG_PIN_LABEL) - 1 + \
			       MNCR_ELIG_CHALLENGE_LEN + \
			       MNCR_ELIG_INSTITUTION_LEN + \
			       MNCR_ELIG_REQUEST_ID_MAX)
#define MNCR_ELIG_DIGEST_INFO_LEN 51	/* SHA-256 DigestInfo, DER */
#define MNCR_ELIG_RSA_MIN_BITS 2048

/* The bytes the card signs for r: length, or -EINVAL for a bad request. */
int mncr_elig_pin_tbs(const struct mncr_elig_request *r,
		      uint8_t out[MNCR_ELIG_PIN_TBS_MAX]);

/* The DigestInfo of the bytes to sign, to hand to the card: 0 or -errno. */
int mncr_elig_pin_digest_info(const struct mncr_elig_request *r,
			      uint8_t out[MNCR_ELIG_DIGEST_INFO_LEN]);

/*
 * Checks r->signature with the card certificate's public key. Returns 0,
 * -EBADMSG (wrong signature), -EKEYREJECTED (not an RSA key of at least
 * 2048 bits) or -ENOMEM.
 */
int mncr_elig_pin_verify(EVP_PKEY *card_key,
			 const struct mncr_elig_request *r);

#endif
