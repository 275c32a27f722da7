// SPDX-License-Identifier: GPL-2.0-or-later
#include "card_profile.h"

#include <stdio.h>
#include <string.h>

static int digits(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

int card_front_parse(const char *text, struct card_front *out,
		     char *err, size_t errlen)
{
	int year, month, day;

	if (strlen(text) != 18 || text[8] != ',' || text[13] != ',') {
		snprintf(err, errlen, "--front wants YYYYMMDD,YYYY,NNNN");
		return -1;
	}
	year = digits(text, 4);
	month = digits(text + 4, 2);
	day = digits(text + 6, 2);
	if (year < 1868 || month < 1 || month > 12 || day < 1 ||
	    day > days_in_month(year, month)) {
		snprintf(err, errlen, "--front: the birth date is not a Gregorian date YYYYMMDD");
		return -1;
	}
	if (digits(text + 9, 4) < 1000) {
		snprintf(err, errlen, "--front: the expiry year is not 4 digits");
		return -1;
	}
	if (digits(text + 14, 4) < 0) {
		snprintf(err, errlen, "--front: the security code is not 4 digits");
		return -1;
	}
	memcpy(out->birth_date, text, 8);
	memcpy(out->expiry_year, text + 9, 4);
	memcpy(out->security_code, text + 14, 4);
	return 0;
}
