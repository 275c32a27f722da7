/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Card-verifiable certificates of the 券面 APs (券面AP EF 0004, and the
 * MF's GET DATA objects 00F8 and 7F21), and the card's RSA public keys
 * in their 90 (exponent) / 91 (modulus) form. Parsing only; the chain is
 * card_authenticity.h's. Layout (Documentation/card.rst):
 *
 *   7F21 { 5F4E body (297 bytes): 16 証明者鍵ID (CAR), 16 被証明者鍵ID
 *          (CHR), 90 exponent 91 modulus (RSA-2048);
 *          5F37 signature (256): PKCS#1 v1.5, SHA-256 over the body }
 *
 * GET DATA answers with the template's contents (5F4E 5F37) without the
 * 7F21 around them; both forms parse. Strict: nothing else inside, nothing
 * after, fixed sizes. Results point into the caller's buffer.
 */
#ifndef MNCR_CARD_CVC_H
#define MNCR_CARD_CVC_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#define MNCR_CVC_KEY_ID_LEN	16
#define MNCR_CVC_BODY_LEN	297
#define MNCR_CARD_RSA_BYTES	256	/* RSA-2048: modulus and signatures */
#define MNCR_CARD_RSA_EXP_MAX	4

/* A card RSA-2048 public key (90 exponent, 91 modulus). */
struct mncr_card_pubkey {
	uint8_t exp[MNCR_CARD_RSA_EXP_MAX];
	size_t exp_len;
	uint8_t mod[MNCR_CARD_RSA_BYTES];
};

struct mncr_cvc {
	uint8_t car[MNCR_CVC_KEY_ID_LEN];	/* who signed it */
	uint8_t chr[MNCR_CVC_KEY_ID_LEN];	/* whose key it certifies */
	struct mncr_card_pubkey key;
	const uint8_t *body;		/* the signed bytes (5F4E's value) */
	const uint8_t *sig;		/* MNCR_CARD_RSA_BYTES */
};

/*
 * Exactly 90 then 91 filling n bytes: an odd exponent of 1..4 bytes
 * (no leading zero, at least 3), a 256-byte modulus with its top bit
 * set. 0 or -EBADMSG.
 */
int mncr_card_pubkey_parse(const uint8_t *p, size_t n,
			   struct mncr_card_pubkey *out);

/* The key for OpenSSL (EVP_PKEY_free() it); NULL when out of memory. */
EVP_PKEY *mncr_card_pubkey_evp(const struct mncr_card_pubkey *k);

/* One certificate filling buf[0..n), with or without 7F21. 0 or -EBADMSG. */
int mncr_cvc_parse(const uint8_t *buf, size_t n, struct mncr_cvc *out);

/* The printable part of a key id ("5000023/001"), for reasons and logs. */
void mncr_cvc_key_id_text(const uint8_t id[MNCR_CVC_KEY_ID_LEN], char *out,
			  size_t len);

#endif
