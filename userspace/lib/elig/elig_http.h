/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The service's side of HTTP/1.1 (RFC 9112): the small, strict subset of
 * requests mncr-eligd accepts (one request per connection, bodies framed
 * by Content-Length only, CRLF line ends, no folded headers, bounded head
 * size and header count) and its response heads. The client speaks
 * HTTP through libcurl (elig_client.c) and shares only the JSON media
 * type check.
 */
#ifndef MNCR_ELIG_HTTP_H
#define MNCR_ELIG_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define MNCR_ELIG_HTTP_HEAD_MAX 8192
#define MNCR_ELIG_HTTP_HEADERS_MAX 32
#define MNCR_ELIG_HTTP_PATH_MAX 64
/* Larger Content-Length values are refused as too large (-EFBIG). */
#define MNCR_ELIG_HTTP_LENGTH_MAX 9999999

enum mncr_elig_http_method {
	MNCR_ELIG_HTTP_OTHER,
	MNCR_ELIG_HTTP_GET,
	MNCR_ELIG_HTTP_POST,
};

struct mncr_elig_http_head {
	enum mncr_elig_http_method method;	/* requests */
	char path[MNCR_ELIG_HTTP_PATH_MAX + 1];	/* requests */
	bool has_length;
	size_t content_length;
	bool json;		/* Content-Type: application/json */
	bool has_host;
};

/*
 * Length of the head (through its empty line) when buf holds all of it, 0
 * when more bytes are needed, -EMSGSIZE when it would be longer than
 * MNCR_ELIG_HTTP_HEAD_MAX, -EINVAL at a bare CR or LF (no CRLF head can
 * follow, so the caller need not wait for one).
 */
long mncr_elig_http_head_len(const char *buf, size_t len);

/*
 * Parse a head of len bytes (as measured above). Return 0 or -EINVAL
 * (malformed: 400), -EMSGSIZE (too many headers: 431), -EFBIG (a
 * Content-Length over MNCR_ELIG_HTTP_LENGTH_MAX: 413), -ENOTSUP (a
 * transfer coding: 501), -EPROTONOSUPPORT (not HTTP/1.1: 505), with why
 * filled.
 */
int mncr_elig_http_parse_request(const char *head, size_t len,
				 struct mncr_elig_http_head *h, char *why,
				 size_t why_len);

/* Content-Type value (n bytes): application/json[; charset=utf-8]. */
bool mncr_elig_http_is_json(const char *v, size_t n);

/* Format a response head; return its length or -ENOSPC. */
int mncr_elig_http_response_head(char *out, size_t cap, int status,
				 size_t body_len);

const char *mncr_elig_http_reason(int status);

#endif
