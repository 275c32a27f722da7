/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * My Number Card identifiers shared by the host code and the card
 * emulator: application AIDs, file and key identifiers, and a descriptor
 * per PIN / 照合番号 key (where it lives, what values it accepts).
 * Source and confidence of each value: Documentation/card.rst.
 */
#ifndef MNCR_CARD_IDS_H
#define MNCR_CARD_IDS_H

#include <stddef.h>
#include <stdint.h>

#define MNCR_CARD_AID_LEN	10

extern const uint8_t mncr_card_aid_jpki[MNCR_CARD_AID_LEN];	/* 公的個人認証AP */
extern const uint8_t mncr_card_aid_text[MNCR_CARD_AID_LEN];	/* 券面事項入力補助AP */
extern const uint8_t mncr_card_aid_visual[MNCR_CARD_AID_LEN];	/* 券面事項確認AP */

/* JPKI AP */
#define MNCR_JPKI_EF_SIGN_CERT		0x0001	/* needs the sign password */
#define MNCR_JPKI_EF_SIGN_CA_CERT	0x0002
#define MNCR_JPKI_EF_TOKEN_INFO		0x0006
#define MNCR_JPKI_EF_CERT_STATE		0x0008	/* which certificates exist */
#define MNCR_JPKI_EF_AUTH_CERT		0x000A	/* free to read */
#define MNCR_JPKI_EF_AUTH_CA_CERT	0x000B
#define MNCR_JPKI_KEY_AUTH		0x0017	/* RSA-2048, after PIN 0018 */
#define MNCR_JPKI_PIN_AUTH		0x0018	/* 4 digits, 3 tries */
#define MNCR_JPKI_KEY_SIGN		0x001A	/* RSA-2048, after PIN 001B */
#define MNCR_JPKI_PIN_SIGN		0x001B	/* 6-16 A-Z 0-9, 5 tries */

/* 券面事項入力補助AP */
#define MNCR_TEXT_EF_MY_NUMBER		0x0001	/* never read by mncr */
#define MNCR_TEXT_EF_BASIC4		0x0002	/* 基本4情報 */
#define MNCR_TEXT_PIN			0x0011	/* 4 digits, 3 tries */
#define MNCR_TEXT_COLLATION_A		0x0014
#define MNCR_TEXT_COLLATION_B		0x0015

/* 券面事項確認AP */
#define MNCR_VISUAL_EF_FRONT		0x0002	/* birth, sex, photo, expiry ... */
#define MNCR_VISUAL_BIRTH_KEY		0x0011	/* era YYMMDD */
#define MNCR_VISUAL_COLLATION_B		0x0012
#define MNCR_VISUAL_COLLATION_A		0x0013

/* Outer tags of the TLV files. */
#define MNCR_TAG_MY_NUMBER		0xFF10
#define MNCR_TAG_BASIC4			0xFF20
#define MNCR_TAG_FRONT			0xFF20
#define MNCR_TAG_CERT			0x30

enum mncr_card_charset {
	MNCR_CHARSET_DIGITS,		/* 0-9 */
	MNCR_CHARSET_UPPER_ALNUM,	/* A-Z 0-9 */
};

/* A key a VERIFY presents a secret to. */
struct mncr_card_key {
	const char *name;		/* English, for messages */
	const uint8_t *aid;		/* MNCR_CARD_AID_LEN bytes */
	uint16_t fid;
	uint8_t min_len, max_len;
	uint8_t charset;		/* enum mncr_card_charset */
};

extern const struct mncr_card_key mncr_card_key_jpki_auth;	/* 利用者証明用暗証番号 */
extern const struct mncr_card_key mncr_card_key_jpki_sign;	/* 署名用パスワード */
extern const struct mncr_card_key mncr_card_key_text_pin;	/* 券面事項入力補助用暗証番号 */
extern const struct mncr_card_key mncr_card_key_text_a;		/* 照合番号A, text AP */
extern const struct mncr_card_key mncr_card_key_text_b;		/* 照合番号B, text AP */
extern const struct mncr_card_key mncr_card_key_visual_birth;	/* 生年月日 (era YYMMDD) */
extern const struct mncr_card_key mncr_card_key_visual_a;	/* 照合番号A, 券面AP */
extern const struct mncr_card_key mncr_card_key_visual_b;	/* 照合番号B, 券面AP */

#endif
