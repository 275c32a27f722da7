/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A simulated My Number Card: APDU in, APDU out, over a profile. It holds
 * the JPKI, 券面事項入力補助 and 券面 APs with their files and access
 * rules, retry counters, 照合番号A/B and the birth-date key, and signs with
 * a real RSA-2048 key. The unit tests run the card code against it through
 * mncr_card_emul_transmit(); the reader simulator serves it over CCID.
 *
 * Where it differs from a naive card it answers as real-card traces do
 * (Documentation/card.rst): a VERIFY with data on a blocked or never-set
 * key answers 6984 (6983 on request) but an empty VERIFY 63C0; READ
 * BINARY with Le past the end gives the bytes there are with 9000 (6282
 * on request).
 *
 * The 券面AP is signed as issued cards are: a CV CA (the caller's key)
 * certifies an intermediate in the MF's GET DATA 00F8, which certifies
 * the AP's key in EF 0004 (7F21 carries one more, for the MF); the AP's
 * key signs the 券面 record (DF28) with the card's own key in DF24, which
 * answers COMPUTE DIGITAL SIGNATURE 80 2A 00 00 without a credential.
 */
#ifndef MNCR_CARD_EMUL_H
#define MNCR_CARD_EMUL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>

#include "card/card_cvc.h"
#include "card/card_ids.h"

#define MNCR_CARD_EMUL_SECRET_MAX	16

/* A PIN or 照合番号 key. secret NULL: never set, VERIFY answers 6984. */
struct mncr_card_emul_pin {
	const char *secret;	/* ASCII, NUL-terminated */
	uint8_t tries;		/* left at power-on */
	uint8_t max;		/* restored on a good VERIFY */
};

/* The 券面AP's signing PKI: keys referenced while the emulator lives. */
struct mncr_card_emul_cv {
	EVP_PKEY *ca_key;		/* the CV CA: signs GET DATA 00F8 */
	uint8_t ca_id[MNCR_CVC_KEY_ID_LEN];	/* its 証明者鍵ID */
	EVP_PKEY *ap_key;		/* intermediate and AP key: signs EF 0004, 7F21, DF28 */
};

/* What is wrong with a card's 券面AP, for the verifier's tests. */
enum mncr_card_emul_auth {
	MNCR_EMUL_AUTH_GENUINE,
	MNCR_EMUL_AUTH_FORGED_PHOTO,	/* DF27 changed after DF28 was made */
	MNCR_EMUL_AUTH_CLONE,		/* files copied: another key answers */
	MNCR_EMUL_AUTH_UNKNOWN_CA,	/* chain to a CA nobody configured */
};

struct mncr_card_emul_profile {
	const char *name;		/* "pin", "pinless", ... (informational) */

	/* Card face. ASCII digits, not NUL-terminated. */
	char birth_date[8];		/* Gregorian YYYYMMDD */
	char expiry_date[8];		/* card expiry YYYYMMDD */
	char security_code[4];
	char my_number[12];		/* used only as 照合番号A */
	char sex;			/* '1' '2' '9' '0' */
	const char *name_utf8;
	const char *address_utf8;
	const uint8_t *photo;		/* DF27 bytes; NULL: a small placeholder */
	size_t photo_len;

	/*
	 * JPKI. Certificates are DER (or placeholders) supplied by the caller;
	 * keys are RSA-2048, referenced while the emulator lives.
	 */
	bool auth_issued;		/* 利用者証明用: cert 000A, key 0017 */
	bool sign_issued;		/* 署名用: cert 0001, key 001A */
	const uint8_t *auth_cert, *auth_ca_cert, *sign_cert, *sign_ca_cert;
	size_t auth_cert_len, auth_ca_cert_len, sign_cert_len, sign_ca_cert_len;
	EVP_PKEY *auth_key, *sign_key;
	const char *token_label;	/* NULL: "JPKIAPICCTOKEN2" */

	struct mncr_card_emul_pin auth_pin;	/* JPKI 0018 */
	struct mncr_card_emul_pin sign_pin;	/* JPKI 001B */
	struct mncr_card_emul_pin text_pin;	/* 券面事項入力補助 0011 */
	/* Counters of 照合番号A, 照合番号B and the birth-date key, each. */
	uint8_t collation_tries, collation_max;

	/* Variants seen on cards and readers, for the host code's tests. */
	bool lead_bytes;	/* 2 junk bytes before FF 20 in text EF 0002 */
	bool chain;		/* data only through 61xx + GET RESPONSE */
	bool wrong_le_6c;	/* READ BINARY with Le past the end: 6Cxx */
	bool extended;		/* accepts extended-length APDUs */
	bool blocked_6983;	/* blocked keys answer 6983, not 6984 */
	bool eof_6282;		/* READ BINARY past the end: 6282, not 9000 */
	bool status_63cx;	/* empty VERIFY after a good one: 63Cx, not 9000 */

	/*
	 * 券面AP authenticity. cv NULL: no EF 0004, no GET DATA objects, and
	 * made-up DF24/DF28 bytes (a card that gives nothing to check).
	 */
	const struct mncr_card_emul_cv *cv;
	EVP_PKEY *face_key;		/* the card's own key (DF24); required with cv */
	enum mncr_card_emul_auth auth;
};

struct mncr_card_emul;

/*
 * Fills p for one of the named cards: "pin", "pinless", "blocked",
 * "expired", "revoked", "nosign", "forged-photo", "clone", "unknown-ca"
 * (see Documentation/card.rst). Certificates and keys stay NULL: the
 * caller sets them where auth_issued/sign_issued, and cv and face_key.
 * -ENOENT for an unknown name.
 */
int mncr_card_emul_preset(struct mncr_card_emul_profile *p, const char *name);

/* Builds a card from p (copied; keys referenced). -EINVAL if p is unusable. */
int mncr_card_emul_new(const struct mncr_card_emul_profile *p,
		       struct mncr_card_emul **out);
void mncr_card_emul_free(struct mncr_card_emul *e);

/* Power cycle: selection, verifications and pending data go, counters stay. */
void mncr_card_emul_reset(struct mncr_card_emul *e);

/*
 * One command APDU in, the response (data and SW1SW2) out; the signature
 * of mncr_apdu_transmit_fn with the emulator as ctx. Returns 0 (the card
 * answers everything with some status word), or -ENOBUFS when the
 * response does not fit *resp_len.
 */
int mncr_card_emul_transmit(void *emul, const uint8_t *cmd, size_t n,
			    uint8_t *resp, size_t *resp_len);

/* Tries left on a key (for tests and the simulator's status), or -ENOENT. */
int mncr_card_emul_tries(const struct mncr_card_emul *e,
			 const struct mncr_card_key *key);

#endif
