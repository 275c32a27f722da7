// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>

#include "card_profiles.h"
#include "card_profile_file.h"

/* Chip contents (PIN, holder, photo): the built-in defaults. */
#define CHIP_DEFAULTS NULL, NULL, NULL, 0, NULL, NULL, 0, CARD_AUTH_GENUINE
/* The same chip whose 券面AP does not verify in one way. */
#define CHIP_AUTH(a) NULL, NULL, NULL, 0, NULL, NULL, 0, a
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
	{ "forged-photo", "券面 photo replaced after issue: DF28 does not verify",
	  FRONT("19880314", "2036", "6021"), true, 3, CARD_CERT_VALID, true,
	  false, 0, false, CHIP_AUTH(CARD_AUTH_FORGED_PHOTO) },
	{ "clone", "files copied to another chip: the challenge fails",
	  FRONT("19750829", "2034", "3398"), true, 3, CARD_CERT_VALID, true,
	  false, 0, false, CHIP_AUTH(CARD_AUTH_CLONE) },
	{ "unknown-ca", "券面AP certified by a CA that is not configured",
	  FRONT("19930402", "2035", "7754"), true, 3, CARD_CERT_VALID, true,
	  false, 0, false, CHIP_AUTH(CARD_AUTH_UNKNOWN_CA) },
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
