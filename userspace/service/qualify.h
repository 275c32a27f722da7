/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * POST /v1/qualification: parse, deduplicate by request id, verify the
 * card certificate (and in PIN mode the challenge signature), look up the
 * subscriber, log, answer.
 */
#ifndef ELIGD_QUALIFY_H
#define ELIGD_QUALIFY_H

#include <stddef.h>

#include "service.h"

void eligd_qualify(struct eligd_service *s, const struct eligd_peer *peer,
		   const char *body, size_t len, struct eligd_reply *reply);

#endif
