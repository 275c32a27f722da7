/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Custom simulated cards from profile files ("mncr-sim --card ./my.card"):
 * key=value lines, '#' comments, parsed into a struct card_profile.
 * Loaded files stay for the program's life, so the same path always
 * gives the same profile (the CCID slot compares profile pointers).
 */
#ifndef MNCR_SIM_CARD_PROFILE_FILE_H
#define MNCR_SIM_CARD_PROFILE_FILE_H

#include <stddef.h>

#include "card_profile.h"

/* Loads (or finds already loaded) the profile file at path. */
const struct card_profile *card_profile_file(const char *path, char *err,
					     size_t errlen);

/*
 * Parses a profile file's text into p; strings are malloc'd. -1 with a
 * reason (and the line number) in err.
 */
int card_profile_parse(const char *text, struct card_profile *p, char *err,
		       size_t errlen);

/* Frees the strings card_profile_parse() made; p is zeroed. */
void card_profile_clear(struct card_profile *p);

#endif
