// SPDX-License-Identifier: LGPL-2.1-or-later
#include "card/card_ids.h"

const uint8_t mncr_card_aid_jpki[MNCR_CARD_AID_LEN] = {
	0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01
};
const uint8_t mncr_card_aid_text[MNCR_CARD_AID_LEN] = {
	0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08
};
const uint8_t mncr_card_aid_visual[MNCR_CARD_AID_LEN] = {
	0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02
};

#define KEY(n, a, f, lo, hi, cs) \
	{ .name = n, .aid = a, .fid = f, .min_len = lo, .max_len = hi, \
	  .charset = cs }

const struct mncr_card_key mncr_card_key_jpki_auth =
	KEY("JPKI user-authentication PIN", mncr_card_aid_jpki,
	    MNCR_JPKI_PIN_AUTH, 4, 4, MNCR_CHARSET_DIGITS);
const struct mncr_card_key mncr_card_key_jpki_sign =
	KEY("JPKI signature password", mncr_card_aid_jpki,
	    MNCR_JPKI_PIN_SIGN, 6, 16, MNCR_CHARSET_UPPER_ALNUM);
const struct mncr_card_key mncr_card_key_text_pin =
	KEY("card-text PIN", mncr_card_aid_text, MNCR_TEXT_PIN, 4, 4,
	    MNCR_CHARSET_DIGITS);
const struct mncr_card_key mncr_card_key_text_a =
	KEY("card-text collation number A", mncr_card_aid_text,
	    MNCR_TEXT_COLLATION_A, 12, 12, MNCR_CHARSET_DIGITS);
const struct mncr_card_key mncr_card_key_text_b =
	KEY("card-text collation number B", mncr_card_aid_text,
	    MNCR_TEXT_COLLATION_B, 14, 14, MNCR_CHARSET_DIGITS);
const struct mncr_card_key mncr_card_key_visual_birth =
	KEY("card-face birth-date key", mncr_card_aid_visual,
	    MNCR_VISUAL_BIRTH_KEY, 6, 6, MNCR_CHARSET_DIGITS);
const struct mncr_card_key mncr_card_key_visual_a =
	KEY("card-face collation number A", mncr_card_aid_visual,
	    MNCR_VISUAL_COLLATION_A, 12, 12, MNCR_CHARSET_DIGITS);
const struct mncr_card_key mncr_card_key_visual_b =
	KEY("card-face collation number B", mncr_card_aid_visual,
	    MNCR_VISUAL_COLLATION_B, 14, 14, MNCR_CHARSET_DIGITS);
