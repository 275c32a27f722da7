// SPDX-License-Identifier: LGPL-2.1-or-later
#include "elig/elig_http.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>


static int why_fail(char *why, size_t why_len, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int why_fail(char *why, size_t why_len, int err, const char *fmt, ...)
{
	va_list ap;

	if (why && why_len) {
		va_start(ap, fmt);
		vsnprintf(why, why_len, fmt, ap);
		va_end(ap);
	}
	return err;
}

long mncr_elig_http_head_len(const char *buf, size_t len)
{
	size_t n = len < MNCR_ELIG_HTTP_HEAD_MAX ? len : MNCR_ELIG_HTTP_HEAD_MAX;

	for (size_t i = 0; i < n; i++) {
		/* A bare LF or CR can never become valid: say so at once. */
		if (buf[i] == '\n' && (i == 0 || buf[i - 1] != '\r'))
			return -EINVAL;
		if (buf[i] == '\r' && i + 1 < n && buf[i + 1] != '\n')
			return -EINVAL;
		if (i >= 3 && buf[i] == '\n' && buf[i - 2] == '\n')
			return (long)(i + 1);
	}
	return len >= MNCR_ELIG_HTTP_HEAD_MAX ? -EMSGSIZE : 0;
}

/* RFC 9110 tchar. */
static bool tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* One line of the head: [p, p + n) without its CRLF. */
struct line {
	const char *p;
	size_t n;
};

/*
 * Next CRLF-terminated line at *pos; bare CR or LF inside is an error.
 * Returns 1 with a line, 0 at the head's end, -EINVAL.
 */
static int next_line(const char *head, size_t len, size_t *pos,
		     struct line *l)
{
	size_t i = *pos;

	l->p = head + i;
	for (; i + 1 < len; i++) {
		if (head[i] == '\r' && head[i + 1] == '\n') {
			l->n = (size_t)(head + i - l->p);
			*pos = i + 2;
			return l->n ? 1 : 0;
		}
		if (head[i] == '\r' || head[i] == '\n' || head[i] == '\0')
			return -EINVAL;
	}
	return -EINVAL;
}

bool mncr_elig_http_is_json(const char *v, size_t n)
{
	static const char type[] = "application/json";
	size_t t = sizeof(type) - 1, i;

	if (n < t || strncasecmp(v, type, t) != 0)
		return false;
	if (n == t)
		return true;
	i = t;
	while (i < n && (v[i] == ' ' || v[i] == '\t'))
		i++;
	if (i == n || v[i++] != ';')
		return false;
	while (i < n && (v[i] == ' ' || v[i] == '\t'))
		i++;
	return n - i == 13 && strncasecmp(v + i, "charset=utf-8", 13) == 0;
}

static int content_length(const char *v, size_t n, size_t *out,
			  char *why, size_t why_len)
{
	size_t x = 0;

	if (n < 1)
		return why_fail(why, why_len, -EINVAL, "bad Content-Length");
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return why_fail(why, why_len, -EINVAL,
					"bad Content-Length");
		/* Any number of digits: a long one is too large, not bad. */
		if (x <= MNCR_ELIG_HTTP_LENGTH_MAX)
			x = x * 10 + (size_t)(v[i] - '0');
	}
	if (x > MNCR_ELIG_HTTP_LENGTH_MAX)
		return why_fail(why, why_len, -EFBIG,
				"Content-Length over the limit");
	*out = x;
	return 0;
}

static bool name_is(const struct line *l, size_t name_len, const char *name)
{
	return strlen(name) == name_len && strncasecmp(l->p, name, name_len) == 0;
}

/* One "Name: value" line into h. */
static int header(const struct line *l, struct mncr_elig_http_head *h,
		  char *why, size_t why_len)
{
	size_t colon = 0, v, e;

	while (colon < l->n && tchar(l->p[colon]))
		colon++;
	if (colon == 0 || colon == l->n || l->p[colon] != ':')
		return why_fail(why, why_len, -EINVAL, "malformed header line");
	v = colon + 1;
	while (v < l->n && (l->p[v] == ' ' || l->p[v] == '\t'))
		v++;
	e = l->n;
	while (e > v && (l->p[e - 1] == ' ' || l->p[e - 1] == '\t'))
		e--;
	for (size_t i = v; i < e; i++) {
		unsigned char c = (unsigned char)l->p[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return why_fail(why, why_len, -EINVAL,
					"control character in header");
	}
	if (name_is(l, colon, "content-length")) {
		if (h->has_length)
			return why_fail(why, why_len, -EINVAL,
					"repeated Content-Length");
		h->has_length = true;
		return content_length(l->p + v, e - v, &h->content_length,
				      why, why_len);
	}
	if (name_is(l, colon, "transfer-encoding"))
		return why_fail(why, why_len, -ENOTSUP,
				"transfer codings are not supported");
	if (name_is(l, colon, "content-type")) {
		h->json = mncr_elig_http_is_json(l->p + v, e - v);
		return 0;
	}
	if (name_is(l, colon, "host")) {
		if (h->has_host || e == v)
			return why_fail(why, why_len, -EINVAL, "bad Host");
		h->has_host = true;
	}
	return 0;
}

static int headers(const char *head, size_t len, size_t pos,
		   struct mncr_elig_http_head *h, char *why, size_t why_len)
{
	struct line l;
	int n = 0, ret;

	while ((ret = next_line(head, len, &pos, &l)) > 0) {
		if (++n > MNCR_ELIG_HTTP_HEADERS_MAX)
			return why_fail(why, why_len, -EMSGSIZE,
					"more than %d header lines",
					MNCR_ELIG_HTTP_HEADERS_MAX);
		if (l.p[0] == ' ' || l.p[0] == '\t')
			return why_fail(why, why_len, -EINVAL,
					"folded header line");
		ret = header(&l, h, why, why_len);
		if (ret)
			return ret;
	}
	if (ret < 0 || pos != len)
		return why_fail(why, why_len, -EINVAL, "malformed head");
	return 0;
}

int mncr_elig_http_parse_request(const char *head, size_t len,
				 struct mncr_elig_http_head *h, char *why,
				 size_t why_len)
{
	size_t pos = 0, m = 0, t;
	struct line l;

	memset(h, 0, sizeof(*h));
	if (next_line(head, len, &pos, &l) != 1)
		return why_fail(why, why_len, -EINVAL, "no request line");
	while (m < l.n && tchar(l.p[m]))
		m++;
	if (m == 0 || m == l.n || l.p[m] != ' ')
		return why_fail(why, why_len, -EINVAL, "bad request line");
	if (m == 3 && memcmp(l.p, "GET", 3) == 0)
		h->method = MNCR_ELIG_HTTP_GET;
	else if (m == 4 && memcmp(l.p, "POST", 4) == 0)
		h->method = MNCR_ELIG_HTTP_POST;
	t = m + 1;
	while (t < l.n && l.p[t] > 0x20 && l.p[t] < 0x7f)
		t++;
	if (t == m + 1 || l.p[m + 1] != '/' || t == l.n || l.p[t] != ' ')
		return why_fail(why, why_len, -EINVAL, "bad request target");
	if (t - m - 1 > MNCR_ELIG_HTTP_PATH_MAX)
		return why_fail(why, why_len, -EINVAL, "request target too long");
	memcpy(h->path, l.p + m + 1, t - m - 1);
	h->path[t - m - 1] = '\0';
	if (l.n - t - 1 != 8 || memcmp(l.p + t + 1, "HTTP/1.", 7) != 0)
		return why_fail(why, why_len, -EINVAL, "bad HTTP version");
	if (l.p[t + 8] != '1')
		return why_fail(why, why_len, -EPROTONOSUPPORT,
				"only HTTP/1.1");
	return headers(head, len, pos, h, why, why_len);
}

static int formatted(size_t cap, int n)
{
	return n < 0 || (size_t)n >= cap ? -ENOSPC : n;
}

int mncr_elig_http_response_head(char *out, size_t cap, int status,
				 size_t body_len)
{
	/* no-store: bodies carry insurance data that no cache may keep. */
	return formatted(cap, snprintf(out, cap,
		"HTTP/1.1 %d %s\r\n"
		"Content-Type: application/json\r\n"
		"Content-Length: %zu\r\n"
		"Cache-Control: no-store\r\n"
		"Connection: close\r\n"
		"\r\n", status, mncr_elig_http_reason(status), body_len));
}

const char *mncr_elig_http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}
