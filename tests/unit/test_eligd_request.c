// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mncr-eligd's incremental request check (userspace/service/request.c):
 * a request arriving in pieces is whole exactly once, and a bad head is
 * refused as soon as it can be known, not at the deadline.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../userspace/service/request.h"

/* Feeds text one byte at a time: the first non-zero verdict and where. */
static int feed_bytes(const char *text, size_t *at)
{
	static char buf[ELIGD_REQUEST_CAP];
	struct eligd_request rq = { .buf = buf };
	char why[160];
	size_t n = strlen(text);

	for (size_t i = 0; i < n; i++) {
		int r;

		rq.buf[rq.len++] = text[i];
		r = eligd_request_feed(&rq, why, sizeof(why));
		if (r) {
			*at = i + 1;
			return r;
		}
	}
	*at = n;
	return 0;
}

#define POST "POST /v1/qualification HTTP/1.1\r\nHost: x\r\n" \
	     "Content-Type: application/json\r\n"

static void test_whole_once(void **state)
{
	static const char req[] = POST "Content-Length: 2\r\n\r\n{}";
	size_t at;

	(void)state;
	assert_int_equal(feed_bytes(req, &at), 1);
	assert_int_equal(at, sizeof(req) - 1);
	assert_int_equal(feed_bytes("GET /v1/challenge HTTP/1.1\r\nHost: x"
				    "\r\n\r\n", &at), 1);
	/* Not yet whole: more is needed, nothing is refused. */
	assert_int_equal(feed_bytes(POST "Content-Length: 5\r\n\r\n{}", &at),
			 0);
}

static void test_refused_early(void **state)
{
	size_t at;

	(void)state;
	/* A bare LF: refused at that byte, long before a deadline. */
	assert_int_equal(feed_bytes("GET / HTTP/1.1\nHost: x\n\n", &at), 400);
	assert_int_equal(at, 15);
	/* Any Content-Length over the limit is 413, however long. */
	assert_int_equal(feed_bytes(POST "Content-Length: 16385\r\n\r\n",
				    &at), 413);
	assert_int_equal(feed_bytes(POST "Content-Length: 10000000\r\n\r\n",
				    &at), 413);
	assert_int_equal(feed_bytes(POST "Content-Length: "
				    "99999999999999999999999\r\n\r\n", &at),
			 413);
	assert_int_equal(feed_bytes(POST "\r\n", &at), 400);	/* no length */
	assert_int_equal(feed_bytes("GET / HTTP/1.1\r\n\r\n", &at), 400);
	assert_int_equal(feed_bytes(POST "Transfer-Encoding: chunked\r\n\r\n",
				    &at), 501);
	assert_int_equal(feed_bytes("GET / HTTP/1.0\r\nHost: x\r\n\r\n",
				    &at), 505);
	/* Pipelining: a byte after the request. */
	assert_int_equal(feed_bytes(POST "Content-Length: 2\r\n\r\n{}x",
				    &at), 1);
}

static void test_pipelined_in_one_piece(void **state)
{
	static char buf[ELIGD_REQUEST_CAP];
	static const char two[] = POST "Content-Length: 2\r\n\r\n{}GET";
	struct eligd_request rq = { .buf = buf };
	char why[160];

	(void)state;
	memcpy(buf, two, sizeof(two) - 1);
	rq.len = sizeof(two) - 1;
	assert_int_equal(eligd_request_feed(&rq, why, sizeof(why)), 400);
	assert_non_null(strstr(why, "bytes after"));
}

static void test_head_too_large(void **state)
{
	static char buf[ELIGD_REQUEST_CAP];
	struct eligd_request rq = { .buf = buf };
	char why[160];

	(void)state;
	memcpy(buf, "GET / HTTP/1.1\r\nX: ", 19);
	memset(buf + 19, 'a', MNCR_ELIG_HTTP_HEAD_MAX);
	rq.len = 19 + MNCR_ELIG_HTTP_HEAD_MAX;
	assert_int_equal(eligd_request_feed(&rq, why, sizeof(why)), 431);
	assert_string_equal(eligd_request_code(431), "too_large");
	assert_string_equal(eligd_request_code(413), "too_large");
	assert_string_equal(eligd_request_code(408), "timeout");
	assert_string_equal(eligd_request_code(400), "bad_request");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_once),
		cmocka_unit_test(test_refused_early),
		cmocka_unit_test(test_pipelined_in_one_piece),
		cmocka_unit_test(test_head_too_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
