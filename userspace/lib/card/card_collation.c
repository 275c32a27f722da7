// SPDX-License-Identifier: LGPL-2.1-or-later
#include "card/card_collation.h"
#include "card/card_verify.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <openssl/crypto.h>

/* Era first days; year N of an era is Gregorian offset + N. */
static const struct {
	int start;		/* YYYYMMDD */
	int offset;
	const char *name;
} eras[] = {
	[MNCR_ERA_MEIJI] = { 18730101, 1867, "明治" },	/* Gregorian calendar adopted */
	[MNCR_ERA_TAISHO] = { 19120730, 1911, "大正" },
	[MNCR_ERA_SHOWA] = { 19261225, 1925, "昭和" },
	[MNCR_ERA_HEISEI] = { 19890108, 1988, "平成" },
	[MNCR_ERA_REIWA] = { 20190501, 2018, "令和" },
};

#define N_ERAS (sizeof(eras) / sizeof(eras[0]))

const char *mncr_era_name(enum mncr_era era)
{
	return (unsigned int)era < N_ERAS ? eras[era].name : "?";
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool valid_date(int y, int m, int d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return false;
	return d <= mdays[m - 1] + (m == 2 && leap(y));
}

int mncr_era_of(int year, int month, int day, enum mncr_era *era,
		int *era_year)
{
	int ymd, e;

	if (!valid_date(year, month, day))
		return -EINVAL;
	ymd = year * 10000 + month * 100 + day;
	for (e = N_ERAS - 1; e >= 0 && ymd < eras[e].start; e--)
		;
	if (e < 0 || year - eras[e].offset > 99)
		return -ERANGE;
	*era = (enum mncr_era)e;
	*era_year = year - eras[e].offset;
	return 0;
}

/* Value of n ASCII digits, or -1. */
static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int mncr_card_birth_key(const char birth[8], char out[MNCR_CARD_BIRTH_KEY_LEN + 1])
{
	int y, m, d, ey, ret;
	enum mncr_era era;

	if (!birth || !out)
		return -EINVAL;
	y = digits(birth, 4);
	m = digits(birth + 4, 2);
	d = digits(birth + 6, 2);
	if (y < 0 || m < 0 || d < 0)
		return -EINVAL;
	ret = mncr_era_of(y, m, d, &era, &ey);
	if (ret)
		return ret;
	snprintf(out, MNCR_CARD_BIRTH_KEY_LEN + 1, "%02d%02d%02d", ey, m, d);
	return 0;
}

int mncr_card_collation_b(const struct mncr_card_front *f,
			  char out[MNCR_CARD_COLLATION_B_LEN + 1])
{
	int ret;

	if (!f || !out)
		return -EINVAL;
	if (digits(f->expiry_year, 4) < 0 || digits(f->security_code, 4) < 0)
		return -EINVAL;
	ret = mncr_card_birth_key(f->birth_date, out);
	if (ret)
		return ret;
	for (int i = 0; i < 4; i++) {
		out[6 + i] = f->expiry_year[i];
		out[10 + i] = f->security_code[i];
	}
	out[MNCR_CARD_COLLATION_B_LEN] = '\0';
	return 0;
}

int mncr_card_verify_front(const struct mncr_apdu_io *io,
			   const struct mncr_card_key *key,
			   const struct mncr_card_front *front,
			   unsigned int flags, int *tries_left)
{
	char b[MNCR_CARD_COLLATION_B_LEN + 1];
	int ret;

	if (tries_left)
		*tries_left = -1;
	ret = mncr_card_collation_b(front, b);
	if (!ret)	/* mncr_card_verify() wipes b */
		return mncr_card_verify(io, key, b, MNCR_CARD_COLLATION_B_LEN,
					flags, tries_left);
	OPENSSL_cleanse(b, sizeof(b));
	return ret;
}
