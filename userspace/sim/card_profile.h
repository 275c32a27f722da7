/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One simulated card: the fields the reader's card-face scanner reads
 * (照合番号B) and the traits the CCID card emulation needs. The built-in
 * table is card_profiles.h, profile files card_profile_file.h.
 */
#ifndef MNCR_SIM_CARD_PROFILE_H
#define MNCR_SIM_CARD_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

/* Card-front fields as the scanner reads them: ASCII, not NUL-terminated. */
struct card_front {
	char birth_date[8];	/* Gregorian YYYYMMDD */
	char expiry_year[4];	/* YYYY */
	char security_code[4];	/* NNNN */
};

enum card_cert_status {
	CARD_CERT_VALID,
	CARD_CERT_EXPIRED,
	CARD_CERT_REVOKED,
};

/* What is wrong with the card's 券面AP signatures (card_emul.h). */
enum card_auth {
	CARD_AUTH_GENUINE,
	CARD_AUTH_FORGED_PHOTO,		/* photo changed after signing */
	CARD_AUTH_CLONE,		/* files copied, the chip's key absent */
	CARD_AUTH_UNKNOWN_CA,		/* signed under a CA nobody trusts */
};

/* 照合番号B (and the other 14-digit keys) tries of a fresh card. */
#define CARD_COLLATION_TRIES	10

struct card_profile {
	const char *name;
	const char *summary;		/* one line for --help */
	struct card_front front;
	bool pin_set;			/* false: 暗証番号の設定が不要なカード */
	unsigned pin_tries_left;	/* 0: PIN blocked */
	enum card_cert_status cert;
	bool sign_cert;			/* signature certificate issued */
	bool front_garbled;		/* scanner misreads the face */
	unsigned front_delay_ms;	/* scanner takes this long */
	bool yank_on_read;		/* card pulled out while being read */
	/* Chip contents; NULL / 0 take the built-in defaults. */
	const char *pin;		/* 4 digits for JPKI and 入力補助AP; "1234" */
	const char *holder_name;	/* 券面事項入力補助AP 氏名, UTF-8 */
	const char *address;		/* 住所, UTF-8 */
	char sex;			/* '1' '2' '9' '0'; 0: '1' */
	const char *photo;		/* picture for DF27 (any format face_image
					 * reads); NULL: the face source's */
	const char *path;		/* profile file, NULL for built-ins */
	unsigned collation_spent;	/* 照合番号B tries already used (of 10) */
	enum card_auth auth;
};

/*
 * Parses "YYYYMMDD,YYYY,NNNN" (a real calendar date, a 4-digit year, a
 * 4-digit code). On error returns -1 and puts a reason in err; the reason
 * never quotes the input, which may be a real card's data.
 */
int card_front_parse(const char *text, struct card_front *out,
		     char *err, size_t errlen);

#endif
