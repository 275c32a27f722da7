// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>

#include "card_profiles.h"
#include "card_profile_file.h"

/* Chip contents (PIN, holder, photo): the built-in defaults. */
#define CHIP_DEFAULTS NULL, NULL, NULL, 0, NULL, NULL, 0
#define FRONT(b, e, c) { .birth_date = b, .expiry_year = e, .security_code = c }

/* String literals one byte longer than the fields: the NUL is dropped. */
static const struct card_profile profiles[] = {
	{ "pin", "ordinary card with a PIN (3 tries left)",
	  FRONT("19800217", "2035", "2285"), true, 3, CARD_CERT_VALID, true,
	  false, 0, false, CHIP_DEFAULTS },
	{ "pinless", "暗証番号の設定が不要なカード: no PIN, face or visual check only",
	  FRONT("19420623", "2031", "7316"), false, 0, CARD_CERT_VALID, false,
	  false, 0, false, CHIP_DEFAULTS },
	{ "blocked", "PIN blocked (0 tries left)",
	  FRONT("19721105", "2033", "4820"), true, 0, CARD_CERT_VALID, true,
	  false, 0, false, CHIP_DEFAULTS },
	{ "expired", "card and certificates past their expiry",
	  FRONT("19660330", "2021", "1957"), true, 3, CARD_CERT_EXPIRED, true,
	  false, 0, false, CHIP_DEFAULTS },
	{ "revoked", "certificates revoked (card reported lost)",
	  FRONT("19910712", "2034", "6603"), true, 3, CARD_CERT_REVOKED, true,
	  false, 0, false, CHIP_DEFAULTS },
	{ "nosign", "child's card: no signature certificate",
	  FRONT("20150924", "2030", "3141"), true, 3, CARD_CERT_VALID, false,
	  false, 0, false, CHIP_DEFAULTS },
	{ "garbled", "card face misread, and replies whose length field lies",
	  FRONT("19830509", "2036", "8042"), true, 3, CARD_CERT_VALID, true,
	  true, 0, false, CHIP_DEFAULTS },
	{ "slow", "scanner takes 800 ms to read the card face",
	  FRONT("19590101", "2032", "5177"), true, 3, CARD_CERT_VALID, true,
	  false, 800, false, CHIP_DEFAULTS },
	{ "yank", "card pulled out while its face is read",
	  FRONT("19770615", "2032", "9090"), true, 3, CARD_CERT_VALID, true,
	  false, 0, true, CHIP_DEFAULTS },
};

const struct card_profile *card_profile_get(const char *name, char *err,
					    size_t errlen)
{
	if (strchr(name, '/'))
		return card_profile_file(name, err, errlen);
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	snprintf(err, errlen, "unknown card profile (see --help; a file needs a '/' in its path)");
	return NULL;
}

const struct card_profile *card_profile_find(const char *name)
{
	char err[160];

	return card_profile_get(name, err, sizeof(err));
}

const struct card_profile *card_profile_at(size_t i)
{
	return i < sizeof(profiles) / sizeof(profiles[0]) ? &profiles[i] : NULL;
}

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
