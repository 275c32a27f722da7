/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TCP connect with a deadline: every address the name resolves to is
 * tried in turn until one answers or the time is up.
 */
#ifndef MNCR_ELIG_DIAL_H
#define MNCR_ELIG_DIAL_H

#include <stddef.h>

/*
 * Returns a connected, non-blocking, close-on-exec socket, or -errno
 * (-EHOSTUNREACH when the name does not resolve, -ETIMEDOUT, or the last
 * connect error) with why filled. Name resolution uses the system
 * resolver and its own timeouts (resolv.conf); numeric hosts skip it.
 */
int mncr_elig_dial(const char *host, const char *port,
		   unsigned int timeout_ms, char *why, size_t why_len);

#endif
