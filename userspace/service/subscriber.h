/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --add-subscriber SERIAL:INSURER:SYMBOL:NUMBER:BRANCH:SHARE:LIMIT[:VALIDITY] */
#ifndef ELIGD_SUBSCRIBER_H
#define ELIGD_SUBSCRIBER_H

#include <stddef.h>

#include "db.h"

/* Parses spec and stores the subscriber: 0 or -errno with why filled. */
int eligd_subscriber_add(struct eligd_db *db, const char *spec, char *why,
			 size_t why_len);

#endif
