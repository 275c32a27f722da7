/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * 券面事項入力補助AP: 基本4情報 (name, address, birth date, sex) from EF
 * 0002. Open it first with the card-text PIN or with 照合番号B:
 *
 *   mncr_card_verify(io, &mncr_card_key_text_pin, pin, 4, 0, &tries);
 *   mncr_card_verify_front(io, &mncr_card_key_text_b, &front, 0, &tries);
 *
 * (both select this AP). EF 0001 holds the 個人番号, which a reader for
 * オンライン資格確認 must not handle: there is deliberately no reader for it.
 */
#ifndef MNCR_CARD_TEXT_AP_H
#define MNCR_CARD_TEXT_AP_H

#include <stddef.h>
#include <stdint.h>

#include "card/apdu.h"

#define MNCR_TEXT_BASIC4_MAX	4096

struct mncr_text_basic4 {
	char *name;		/* UTF-8, family and given name split by U+3000 */
	char *address;		/* UTF-8 */
	char birth[9];		/* Gregorian YYYYMMDD */
	char sex;		/* '1' male, '2' female, '9' n/a, '0' unknown */
};

int mncr_text_ap_select(const struct mncr_apdu_io *io);

/* Reads and parses EF 0002; the AP must be selected and opened. */
int mncr_text_ap_read_basic4(const struct mncr_apdu_io *io,
			     struct mncr_text_basic4 *out);

/*
 * Parses the contents of EF 0002 (FF20 {DF21 offsets, DF22 name, DF23
 * address, DF24 birth, DF25 sex}, leading junk and filler tolerated).
 * -EBADMSG if a field is missing or malformed; out is then empty.
 */
int mncr_text_ap_parse_basic4(const uint8_t *buf, size_t n,
			      struct mncr_text_basic4 *out);

/* Wipes and frees the fields; safe on an empty or cleared struct. */
void mncr_text_basic4_clear(struct mncr_text_basic4 *b);

#endif
