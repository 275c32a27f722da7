/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The signed 券面 record (券面AP EF 0002) as its signature sees it:
 *
 *   FF20 { DF21 offsets, DF22 birth, DF23 sex, DF24 card key (90/91),
 *          DF25 name image, DF26 address image, DF27 photo,
 *          DF28 signature, [DF29 expiry, [DF2A security-code image]] }
 *
 * DF28 is PKCS#1 v1.5 by the key certified in EF 0004 over one SHA-256
 * DigestInfo holding three digests, each of encoded objects (tag, length,
 * value): DF22-DF24, DF25-DF26, DF27. DF29 and DF2A come after it and are
 * not covered. Strict: the children in exactly this order, each once,
 * without gaps, only 00/FF filler after the last; DF21's offsets (from
 * the object's first byte) must name where the children start. Fields
 * point into the caller's buffer. The reader of the person's fields
 * stays card_visual_ap.h.
 */
#ifndef MNCR_CARD_FACE_RECORD_H
#define MNCR_CARD_FACE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "card/card_cvc.h"

#define MNCR_FACE_RECORD_GROUPS		3
/* SEQUENCE { AlgorithmIdentifier sha256, OCTET STRING 3 x 32 } */
#define MNCR_FACE_RECORD_DI_LEN		(2 + 15 + 2 + 3 * 32)

struct mncr_face_record {
	/* The encoded objects each digest covers. */
	const uint8_t *group[MNCR_FACE_RECORD_GROUPS];
	size_t group_len[MNCR_FACE_RECORD_GROUPS];
	struct mncr_card_pubkey key;	/* DF24 */
	const uint8_t *sig;		/* DF28, MNCR_CARD_RSA_BYTES */
	const uint8_t *photo;		/* DF27 */
	size_t photo_len;
};

/*
 * Parses a record starting at buf[0] (filler may follow). 0, -ENOENT (a
 * well-formed record without DF24 or DF28: nothing to check it with), or
 * -EBADMSG.
 */
int mncr_face_record_parse(const uint8_t *buf, size_t n,
			   struct mncr_face_record *out);

/* The DigestInfo DF28 signs: out[MNCR_FACE_RECORD_DI_LEN]. 0 or -EIO. */
int mncr_face_record_digest_info(const struct mncr_face_record *r,
				 uint8_t *out);

#endif
