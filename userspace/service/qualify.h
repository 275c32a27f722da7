/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * POST /v1/qualification: parse, verify the card certificate, then in one
 * database transaction look the request id up, check the PIN challenge
 * and signature, read the subscriber and insert the log row. The answer
 * stands only if that commits; otherwise 503 log_unavailable.
 */
#ifndef ELIGD_QUALIFY_H
#define ELIGD_QUALIFY_H

#include <stddef.h>

#include "service.h"

void eligd_qualify(struct eligd_service *s, const struct eligd_peer *peer,
		   const char *body, size_t len, struct eligd_reply *reply);

#endif
