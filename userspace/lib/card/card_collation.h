/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * 照合番号B: the 14-digit key that opens the 券面AP and 券面事項入力補助AP
 * without a PIN, made from what is printed on the card front:
 *
 *   birth date as Japanese-era YYMMDD + card expiry year YYYY + security code
 *
 * e.g. born 1980-02-17 (昭和55), expiry 2035, code 2285 -> 55021720352285.
 * The era is not part of the number, only its year. Era first days:
 * 明治 (Gregorian dates from 1873-01-01, 明治6), 大正 1912-07-30,
 * 昭和 1926-12-25, 平成 1989-01-08, 令和 2019-05-01.
 */
#ifndef MNCR_CARD_COLLATION_H
#define MNCR_CARD_COLLATION_H

#include <linux/mncr.h>

#include "card/apdu.h"
#include "card/card_ids.h"

#define MNCR_CARD_COLLATION_B_LEN	14
#define MNCR_CARD_BIRTH_KEY_LEN		6

enum mncr_era {
	MNCR_ERA_MEIJI,
	MNCR_ERA_TAISHO,
	MNCR_ERA_SHOWA,
	MNCR_ERA_HEISEI,
	MNCR_ERA_REIWA,
};

/* "明治" ... "令和", or "?" */
const char *mncr_era_name(enum mncr_era era);

/*
 * Japanese era and era year of a Gregorian date. -EINVAL if it is not a
 * calendar date, -ERANGE before 1873-01-01 or past era year 99.
 */
int mncr_era_of(int year, int month, int day, enum mncr_era *era,
		int *era_year);

/*
 * Era YYMMDD of a Gregorian "YYYYMMDD" (the 券面AP birth-date key); out
 * gets 6 digits and a NUL. -EINVAL/-ERANGE as above.
 */
int mncr_card_birth_key(const char birth[8], char out[MNCR_CARD_BIRTH_KEY_LEN + 1]);

/*
 * 照合番号B from the card-front fields; out gets 14 digits and a NUL and
 * is the caller's to wipe. -EINVAL if a field is not digits or the birth
 * date is not a date, -ERANGE if the era year does not fit.
 */
int mncr_card_collation_b(const struct mncr_card_front *front,
			  char out[MNCR_CARD_COLLATION_B_LEN + 1]);

/*
 * Builds 照合番号B and presents it to key (mncr_card_key_text_b or
 * mncr_card_key_visual_b) through mncr_card_verify(), same returns and
 * guard; the number is wiped before returning.
 */
int mncr_card_verify_front(const struct mncr_apdu_io *io,
			   const struct mncr_card_key *key,
			   const struct mncr_card_front *front,
			   unsigned int flags, int *tries_left);

#endif
