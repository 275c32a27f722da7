// SPDX-License-Identifier: GPL-2.0-or-later
#include "request.h"

#include <errno.h>
#include <stdio.h>

/* Checks a head that has just become whole: 0 or a status. */
static int head_ok(struct eligd_request *rq, char *why, size_t why_len)
{
	int r = mncr_elig_http_parse_request(rq->buf, (size_t)rq->head_len,
					     &rq->head, why, why_len);

	if (r)
		return r == -EMSGSIZE ? 431 : r == -EFBIG ? 413 :
		       r == -ENOTSUP ? 501 : r == -EPROTONOSUPPORT ? 505 : 400;
	if (rq->head.content_length > MNCR_ELIG_BODY_MAX) {
		snprintf(why, why_len, "body larger than %d bytes",
			 MNCR_ELIG_BODY_MAX);
		return 413;
	}
	if (rq->head.method == MNCR_ELIG_HTTP_POST && !rq->head.has_length) {
		snprintf(why, why_len, "POST without Content-Length");
		return 400;
	}
	if (!rq->head.has_host) {
		snprintf(why, why_len, "no Host header");
		return 400;
	}
	return 0;
}

int eligd_request_feed(struct eligd_request *rq, char *why, size_t why_len)
{
	size_t want;
	int r;

	if (!rq->head_len) {
		rq->head_len = mncr_elig_http_head_len(rq->buf, rq->len);
		if (rq->head_len == -EINVAL) {
			rq->head_len = 0;
			snprintf(why, why_len, "bare CR or LF in the head");
			return 400;
		}
		if (rq->head_len < 0) {
			rq->head_len = 0;
			snprintf(why, why_len, "request head too large");
			return 431;
		}
		if (!rq->head_len)
			return 0;
		r = head_ok(rq, why, why_len);
		if (r)
			return r;
	}
	want = (size_t)rq->head_len + rq->head.content_length;
	if (rq->len < want)
		return 0;
	/* One request per connection: no pipelined bytes after it. */
	if (rq->len > want) {
		snprintf(why, why_len, "bytes after the request");
		return 400;
	}
	return 1;
}

const char *eligd_request_code(int status)
{
	switch (status) {
	case 408: return "timeout";
	case 413: case 431: return "too_large";
	default: return "bad_request";
	}
}
