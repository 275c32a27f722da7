/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The small, strict subset of HTTP/1.1 (RFC 9112) the eligibility protocol
 * uses: one request per connection, bodies framed by Content-Length only
 * (no chunked coding), CRLF line ends, no folded headers, bounded head
 * size and header count. Anything outside the subset is an error, so both
 * sides agree on where a message ends.
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
	int status;				/* responses */
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
int mncr_elig_http_parse_response(const char *head, size_t len,
				  struct mncr_elig_http_head *h, char *why,
				  size_t why_len);

/* Format a head; return its length or -ENOSPC. */
int mncr_elig_http_request_head(char *out, size_t cap,
				enum mncr_elig_http_method method,
				const char *path, const char *host,
				size_t body_len);
int mncr_elig_http_response_head(char *out, size_t cap, int status,
				 size_t body_len);

const char *mncr_elig_http_reason(int status);

#endif
