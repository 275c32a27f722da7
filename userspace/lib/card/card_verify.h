/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * VERIFY of a PIN or 照合番号 with the last-try guard: a VERIFY is only
 * sent when the card said beforehand (empty VERIFY, 63Cx) that at least
 * two tries are left, so a normal call can never lock a card. Spending
 * the last try needs MNCR_CARD_VERIFY_LAST_TRY, which callers pass only
 * after the person was told it is the last one.
 *
 * Secrets are ASCII, not NUL-terminated, and are wiped (OPENSSL_cleanse)
 * on every return path; nothing here logs.
 */
#ifndef MNCR_CARD_VERIFY_H
#define MNCR_CARD_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "card/apdu.h"
#include "card/card_ids.h"

/* May send a VERIFY that spends the last try (and so blocks the key). */
#define MNCR_CARD_VERIFY_LAST_TRY	(1U << 0)

struct mncr_card_key_status {
	int tries;		/* tries left, -1 if the card did not say */
	bool verified;		/* already verified in this card session */
	bool blocked;		/* blocked or never set: VERIFY cannot succeed */
	bool unlimited;		/* the key has no retry counter (6300) */
};

/*
 * Selects the key's AP and key EF and asks for the tries left without
 * spending one (VERIFY with no data). Returns 0 with st filled, even when
 * the card's answer says nothing (tries -1); -errno if the AP or key is
 * missing (-ENOENT) or the transport fails.
 */
int mncr_card_key_status(const struct mncr_apdu_io *io,
			 const struct mncr_card_key *key,
			 struct mncr_card_key_status *st);

/* True if secret has the length and characters the key accepts. */
bool mncr_card_secret_valid(const struct mncr_card_key *key,
			    const char *secret, size_t len);

/*
 * Presents secret to key after checking the tries (see above); wipes
 * secret. Returns:
 *   0              verified (also when the card says it already was)
 *   -EINVAL        secret has the wrong form; nothing was sent
 *   -ECANCELED     refused by the guard: 1 try left or the count is
 *                  unknown, and MNCR_CARD_VERIFY_LAST_TRY was not given
 *   -EKEYREJECTED  wrong secret; *tries_left says how many remain
 *   -EPERM         blocked or not set (no PIN on a PIN-less card)
 *   other -errno   from mncr_card_key_status() or the transport
 * tries_left may be NULL; it is -1 when unknown.
 */
int mncr_card_verify(const struct mncr_apdu_io *io,
		     const struct mncr_card_key *key, char *secret,
		     size_t len, unsigned int flags, int *tries_left);

#endif
