/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated cards: a built-in table of My Number Card variants, each
 * with the fields the reader's card-face scanner reads (照合番号B) and the
 * traits the CCID card emulation needs, and custom cards from profile
 * files (key=value text, Documentation/card.rst). All data is made up.
 */
#ifndef MNCR_SIM_CARD_PROFILES_H
#define MNCR_SIM_CARD_PROFILES_H

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
};

/*
 * A built-in profile by name, or a profile file when name holds a '/'
 * (loaded once, kept for the program's life). NULL when there is none or
 * the file is bad.
 */
const struct card_profile *card_profile_find(const char *name);

/* The same with the reason for a NULL in err. */
const struct card_profile *card_profile_get(const char *name, char *err,
					    size_t errlen);

/*
 * Parses a profile file's text into p; strings are malloc'd. -1 with a
 * reason (and the line number) in err.
 */
int card_profile_parse(const char *text, struct card_profile *p, char *err,
		       size_t errlen);

/* Frees the strings card_profile_parse() made; p is zeroed. */
void card_profile_clear(struct card_profile *p);

/* The table, for listings: index 0.. until NULL. */
const struct card_profile *card_profile_at(size_t i);

/*
 * Parses "YYYYMMDD,YYYY,NNNN" (a real calendar date, a 4-digit year, a
 * 4-digit code). On error returns -1 and puts a reason in err; the reason
 * never quotes the input, which may be a real card's data.
 */
int card_front_parse(const char *text, struct card_front *out,
		     char *err, size_t errlen);

#endif
