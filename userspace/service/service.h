/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What mncr-eligd's loop and workers share, and the shape of a reply. */
#ifndef ELIGD_SERVICE_H
#define ELIGD_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "card/card_trust.h"
#include "challenge.h"
#include "db.h"
#include "options.h"

struct eligd_service {
	const struct eligd_options *opt;
	SSL_CTX *tls;
	struct mncr_cert_store *cards;	/* the JPKI CA and CRL, reloaded on SIGHUP */
	struct eligd_challenges *challenges;
	struct eligd_db *db;
};

/* The reader on the other end, from its verified TLS certificate. */
struct eligd_peer {
	uint8_t id[ELIGD_READER_ID_LEN];	/* SHA-256 of the certificate */
	char id_hex[ELIGD_READER_HEX + 1];
	char name[64];				/* subject CN, for logs */
	char addr[64];				/* address:port, for logs */
};

/* An HTTP status and its JSON body, in a buffer the handler owns. */
struct eligd_reply {
	int status;
	char *body;
	size_t cap, len;
};

#endif
