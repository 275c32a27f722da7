/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mncr card: what its subcommands share. */
#ifndef MNCR_CMD_CARD_H
#define MNCR_CMD_CARD_H

#include <stdbool.h>

#include "card/card_link.h"
#include "cli.h"

struct card_cmd {
	struct cli *cli;
	enum mncr_card_backend backend;
	const char *selector;		/* --reader: name, node or serial */
	char serial[MNCR_SERIAL_LEN];	/* USB serial, "" = any reader */
	bool have_node;			/* the mncr driver knows the reader */
	struct mncr_reader reader;
	const char *output;		/* photo -o */
	bool pgm, pem;
	const char *trust, *trust_dir, *crl;
	const char *ca_keys;		/* verify --ca-keys DIR */
	struct mncr_card_link *link;
};

/* Prints why a card operation failed; returns the exit code. */
int card_fail(const struct card_cmd *c, const char *what, int err);

int card_info(struct card_cmd *c);
int card_photo(struct card_cmd *c);
int card_verify(struct card_cmd *c);

/* Where verify (and qualify) find the CV CA keys without --ca-keys. */
#define CARD_CA_KEYS_DEFAULT	"/etc/mncr/cv-ca"

#endif
