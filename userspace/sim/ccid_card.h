/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The card behind the CCID slot: a card_emul built from a sim card
 * profile (and the face fields the scanner reads), with an RSA-2048 key
 * and self-signed X.509 certificates made once per simulator run, so
 * hosts read real DER. No real card data, no real CA.
 */
#ifndef MNCR_SIM_CCID_CARD_H
#define MNCR_SIM_CCID_CARD_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>

#include "card_emul.h"
#include "card_profiles.h"

/* Key and certificates shared by every card of a run. */
struct ccid_pki {
	EVP_PKEY *key;
	uint8_t *valid, *expired;	/* DER; expired: notAfter a year ago */
	size_t valid_len, expired_len;
};

/* Makes the key and certificates (seconds under emulation). 0 or -1. */
int ccid_pki_make(struct ccid_pki *pki);
void ccid_pki_free(struct ccid_pki *pki);

/*
 * A new card for profile with front's fields; preset "pin" for profiles
 * card_emul has no preset for (slow, yank, garbled: their quirks are the
 * slot's). NULL on failure (logged).
 */
struct mncr_card_emul *ccid_card_new(const struct ccid_pki *pki,
				     const struct card_profile *profile,
				     const struct card_front *front);

#endif
