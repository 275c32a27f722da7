/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One request as it arrives, in pieces: the head is measured and parsed
 * as soon as it is whole, so a bad or oversized head is refused at once
 * instead of at the deadline. Pure: no I/O, no clock.
 */
#ifndef ELIGD_REQUEST_H
#define ELIGD_REQUEST_H

#include <stddef.h>

#include "elig/elig_http.h"
#include "elig/elig_message.h"

#define ELIGD_REQUEST_CAP (MNCR_ELIG_HTTP_HEAD_MAX + MNCR_ELIG_BODY_MAX)

struct eligd_request {
	char *buf;		/* ELIGD_REQUEST_CAP bytes */
	size_t len;
	long head_len;		/* 0 until the head is whole */
	struct mncr_elig_http_head head;
};

/*
 * Looks at buf[0, len) after more bytes were appended. Returns 0 when
 * more are needed, 1 when exactly one whole request is there, or the
 * HTTP status to refuse it with (why filled).
 */
int eligd_request_feed(struct eligd_request *rq, char *why, size_t why_len);

/* The error code of a refusal status from eligd_request_feed(). */
const char *eligd_request_code(int status);

#endif
