/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Verification of card user-authentication certificates (利用者証明用電子
 * 証明書): chain to the configured JPKI CA, validity period, CRL, and key
 * usage. The trust store can be reloaded (SIGHUP) while handlers use the
 * old one: each verification holds its own reference.
 */
#ifndef ELIGD_CARDCERT_H
#define ELIGD_CARDCERT_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "db.h"

enum eligd_card_verdict {
	ELIGD_CARD_OK,
	ELIGD_CARD_MALFORMED,		/* not one DER certificate */
	ELIGD_CARD_EXPIRED,
	ELIGD_CARD_REVOKED,
	ELIGD_CARD_UNTRUSTED,		/* other chain or usage failures */
	ELIGD_CARD_STATUS_UNKNOWN,	/* our CRL is missing or stale */
	ELIGD_CARD_INTERNAL,
};

struct eligd_cards;

struct eligd_card {
	char serial[ELIGD_SERIAL_MAX + 1];
	EVP_PKEY *key;			/* the caller frees it */
};

/* Loads ca_file and crl_file (PEM): 0 or -errno with why filled. */
int eligd_cards_new(const char *ca_file, const char *crl_file,
		    struct eligd_cards **out, char *why, size_t why_len);
/* Replaces the store with freshly loaded files; keeps the old on error. */
int eligd_cards_reload(struct eligd_cards *c, const char *ca_file,
		       const char *crl_file, char *why, size_t why_len);
void eligd_cards_free(struct eligd_cards *c);

/* Verifies der; on OK fills out. why says what failed (no card data). */
enum eligd_card_verdict eligd_cards_verify(struct eligd_cards *c,
					   const uint8_t *der, size_t len,
					   struct eligd_card *out, char *why,
					   size_t why_len);

#endif
