/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated cards: a built-in table of My Number Card variants (struct
 * card_profile, card_profile.h), each with the fields the reader's
 * card-face scanner reads (照合番号B) and the traits the CCID card
 * emulation needs, and lookup by name, which also finds custom cards in
 * profile files (card_profile_file.h). All data is made up.
 */
#ifndef MNCR_SIM_CARD_PROFILES_H
#define MNCR_SIM_CARD_PROFILES_H

#include <stddef.h>

#include "card_profile.h"

/*
 * A built-in profile by name, or a profile file when name holds a '/'
 * (card_profile_file.h: loaded once, kept for the program's life). NULL
 * when there is none or the file is bad.
 */
const struct card_profile *card_profile_find(const char *name);

/* The same with the reason for a NULL in err. */
const struct card_profile *card_profile_get(const char *name, char *err,
					    size_t errlen);

/* The table, for listings: index 0.. until NULL. */
const struct card_profile *card_profile_at(size_t i);

#endif
