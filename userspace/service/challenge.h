/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PIN-mode challenges: random, single use, short-lived, and bound to the
 * reader (TLS client certificate) that asked for them, so one reader can
 * neither use nor exhaust another's. The table is bounded; a full table
 * drops expired entries first, then the oldest.
 */
#ifndef ELIGD_CHALLENGE_H
#define ELIGD_CHALLENGE_H

#include <stdint.h>

#include "elig/elig_message.h"

#define ELIGD_READER_ID_LEN 32		/* SHA-256 of the reader certificate */

struct eligd_challenges;

struct eligd_challenges *eligd_challenges_new(unsigned int capacity,
					      unsigned int ttl_s);
void eligd_challenges_free(struct eligd_challenges *t);

/* A fresh nonce for reader: 0 or -EIO (no randomness). */
int eligd_challenge_issue(struct eligd_challenges *t,
			  const uint8_t reader[ELIGD_READER_ID_LEN],
			  uint8_t nonce[MNCR_ELIG_CHALLENGE_LEN]);

/*
 * Consumes nonce if reader was given it and it has not expired: 0, or
 * -ENOENT (unknown, used, or another reader's) or -ETIMEDOUT (expired).
 */
int eligd_challenge_take(struct eligd_challenges *t,
			 const uint8_t reader[ELIGD_READER_ID_LEN],
			 const uint8_t nonce[MNCR_ELIG_CHALLENGE_LEN]);

#endif
