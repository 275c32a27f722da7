/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Is the card face genuine, and is this the card it was issued on?
 *
 *   1. EF 0004's card-verifiable certificate (card_cvc.h) chains, through
 *      the MF's GET DATA objects 00F8 and 7F21 where needed, to one of the
 *      configured CV CA keys (card_cvca.h);
 *   2. DF28 of the 券面 record (card_face_record.h), read by the caller
 *      with 照合番号B, verifies under that certificate's key;
 *   3. the card signs a fresh random challenge (COMPUTE DIGITAL
 *      SIGNATURE 80 2A 00 00, the 券面AP's default key, no credential)
 *      that verifies under DF24 of that record: a copy of the files
 *      cannot.
 *
 * Only then is the photo the holder's. Each verdict comes with an English
 * reason for staff and logs, without card data.
 */
#ifndef MNCR_CARD_AUTHENTICITY_H
#define MNCR_CARD_AUTHENTICITY_H

#include <stddef.h>
#include <stdint.h>

#include "card/apdu.h"
#include "card/card_cvca.h"

enum mncr_card_auth_verdict {
	MNCR_CARD_AUTHENTIC,
	MNCR_CARD_FORGED,	/* a signature or digest fails, or malformed */
	MNCR_CARD_UNKNOWN_CA,	/* the chain ends at a key not configured */
	MNCR_CARD_CLONE,	/* the challenge fails: not the issued chip */
	MNCR_CARD_UNAVAILABLE,	/* the card gives no certificate or signature */
	MNCR_CARD_AUTH_VERDICT_COUNT
};

/* "authentic", "forged", "unknown_ca", "clone", "unavailable" */
const char *mncr_card_auth_verdict_name(enum mncr_card_auth_verdict v);

/* What the card gave, as read (NULL / 0: it gave nothing). */
struct mncr_card_auth_input {
	const uint8_t *record;		/* EF 0002, from its tag */
	size_t record_len;
	const uint8_t *ap_cert;		/* EF 0004 */
	size_t ap_cert_len;
	const uint8_t *mf_cert[2];	/* GET DATA 00F8, 7F21 */
	size_t mf_cert_len[2];
};

/*
 * Steps 1 and 2 over data already read: the verdict (never CLONE), with
 * the reason in why.
 */
enum mncr_card_auth_verdict
mncr_card_auth_check_data(const struct mncr_cvca_set *ca,
			  const struct mncr_card_auth_input *in, char *why,
			  size_t why_len);

/*
 * Step 3 alone: challenges the card (the 券面AP selected here) and checks
 * the answer under key. AUTHENTIC or CLONE (why says which check), or
 * -errno when the transport fails (-ENOMEDIUM: the card is out).
 */
int mncr_card_auth_challenge(const struct mncr_apdu_io *io,
			     const struct mncr_card_pubkey *key, char *why,
			     size_t why_len);

/*
 * The whole check on the card in io, given its 券面 record (EF 0002 as
 * mncr_apdu_read_tlv_ef() returned it; the caller opened the AP with
 * 照合番号B). Reads the certificates (none needs a credential; the MF is
 * selected for GET DATA, which ends the AP's verification), then
 * challenges. Returns the verdict (>= 0) with why, or -errno when the
 * transport fails.
 */
int mncr_card_authenticity(const struct mncr_apdu_io *io,
			   const struct mncr_cvca_set *ca,
			   const uint8_t *record, size_t record_len, char *why,
			   size_t why_len);

#endif
