// SPDX-License-Identifier: GPL-2.0-or-later
/* The eligibility protocol's HTTP/1.1 subset: heads in and out, strictly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "elig/elig_http.h"

static int req(const char *head, struct mncr_elig_http_head *h)
{
	char why[160];
	long n = mncr_elig_http_head_len(head, strlen(head));

	if (n < 0)
		return (int)n;
	if (n == 0)
		return -1000;
	return mncr_elig_http_parse_request(head, (size_t)n, h, why,
					    sizeof(why));
}

static void test_head_len(void **state)
{
	static char big[MNCR_ELIG_HTTP_HEAD_MAX + 10];

	(void)state;
	assert_int_equal(mncr_elig_http_head_len("GET / HTTP/1.1\r\n", 16), 0);
	assert_int_equal(mncr_elig_http_head_len("GET / HTTP/1.1\r\n\r\nxy",
						 20), 18);
	/* A bare LF or CR is an error at once, not a wait for more. */
	assert_int_equal(mncr_elig_http_head_len("GET / HTTP/1.1\n\n", 16),
			 -EINVAL);
	assert_int_equal(mncr_elig_http_head_len("GET / HTTP/1.1\n", 15),
			 -EINVAL);
	assert_int_equal(mncr_elig_http_head_len("GET / HTTP/1.1\rX", 16),
			 -EINVAL);
	/* A CR at the end may still get its LF. */
	assert_int_equal(mncr_elig_http_head_len("GET / HTTP/1.1\r", 15), 0);
	assert_int_equal(mncr_elig_http_head_len("\r\n\r\n", 4), 4);
	memset(big, 'a', sizeof(big));
	assert_int_equal(mncr_elig_http_head_len(big, sizeof(big)), -EMSGSIZE);
	assert_int_equal(mncr_elig_http_head_len(big, 100), 0);
}

static void test_request_ok(void **state)
{
	struct mncr_elig_http_head h;

	(void)state;
	assert_int_equal(req("POST /v1/qualification HTTP/1.1\r\n"
			     "host: svc:443\r\n"
			     "content-type: Application/JSON ; charset=UTF-8\r\n"
			     "Content-Length:   1234  \r\n"
			     "X-Other: a\tb\r\n\r\n", &h), 0);
	assert_int_equal(h.method, MNCR_ELIG_HTTP_POST);
	assert_string_equal(h.path, "/v1/qualification");
	assert_true(h.has_host && h.json && h.has_length);
	assert_int_equal(h.content_length, 1234);
	assert_int_equal(req("GET /v1/challenge HTTP/1.1\r\nHost: x\r\n\r\n",
			     &h), 0);
	assert_int_equal(h.method, MNCR_ELIG_HTTP_GET);
	assert_false(h.has_length || h.json);
	assert_int_equal(req("DELETE /v1/challenge HTTP/1.1\r\nHost: x\r\n\r\n",
			     &h), 0);
	assert_int_equal(h.method, MNCR_ELIG_HTTP_OTHER);
	assert_int_equal(req("get /x HTTP/1.1\r\nHost: x\r\n\r\n", &h), 0);
	assert_int_equal(h.method, MNCR_ELIG_HTTP_OTHER);
}

static void test_request_bad(void **state)
{
	static const char *const bad[] = {
		"GET  / HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.1 \r\n\r\n",
		"GET x HTTP/1.1\r\n\r\n",
		"GET / HTTP/2.0\r\n\r\n",
		"GET /\r\n\r\n",
		"\r\n\r\n",
		"GET / HTTP/1.1\nHost: x\r\n\r\n",
		"GET / HTTP/1.1\r\nHost x\r\n\r\n",
		"GET / HTTP/1.1\r\nHost : x\r\n\r\n",
		"GET / HTTP/1.1\r\n: x\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\rY\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
		"GET / HTTP/1.1\r\nHost:\r\n\r\n",
		"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
		"GET / HTTP/1.1\r\nContent-Length: +1\r\n\r\n",
		"GET / HTTP/1.1\r\nContent-Length: 1 1\r\n\r\n",
		"GET / HTTP/1.1\r\nContent-Length: \r\n\r\n",
		"GET / HTTP/1.1\r\nX: a\x01\r\n\r\n",
		"GET /\x7f HTTP/1.1\r\n\r\n",
	};
	char path[100], head[200];
	struct mncr_elig_http_head h;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = req(bad[i], &h);

		if (r != -EINVAL)
			fail_msg("%d for case %zu: %s", r, i, bad[i]);
	}
	memset(path, 'p', sizeof(path));
	path[0] = '/';
	path[MNCR_ELIG_HTTP_PATH_MAX + 1] = '\0';
	snprintf(head, sizeof(head), "GET %s HTTP/1.1\r\n\r\n", path);
	assert_int_equal(req(head, &h), -EINVAL);
	path[MNCR_ELIG_HTTP_PATH_MAX] = '\0';
	snprintf(head, sizeof(head), "GET %s HTTP/1.1\r\n\r\n", path);
	assert_int_equal(req(head, &h), 0);
	assert_int_equal(req("GET / HTTP/1.0\r\n\r\n", &h), -EPROTONOSUPPORT);
	/* Too large, however many digits: 413, not 400. */
	assert_int_equal(req("GET / HTTP/1.1\r\nContent-Length: 10000000"
			     "\r\n\r\n", &h), -EFBIG);
	assert_int_equal(req("GET / HTTP/1.1\r\nContent-Length: "
			     "99999999999999999999999999\r\n\r\n", &h),
			 -EFBIG);
	assert_int_equal(req("GET / HTTP/1.1\r\nContent-Length: 9999999"
			     "\r\n\r\n", &h), 0);
	assert_int_equal(h.content_length, 9999999);
	assert_int_equal(req("POST / HTTP/1.1\r\nTransfer-Encoding: chunked"
			     "\r\n\r\n", &h), -ENOTSUP);
}

static void test_header_count(void **state)
{
	char head[4096];
	size_t n = 0;
	struct mncr_elig_http_head h;

	(void)state;
	n += (size_t)snprintf(head + n, sizeof(head) - n, "GET / HTTP/1.1\r\n");
	for (int i = 0; i < MNCR_ELIG_HTTP_HEADERS_MAX; i++)
		n += (size_t)snprintf(head + n, sizeof(head) - n, "X%d: v\r\n",
				      i);
	snprintf(head + n, sizeof(head) - n, "\r\n");
	assert_int_equal(req(head, &h), 0);
	snprintf(head + n, sizeof(head) - n, "Y: v\r\n\r\n");
	assert_int_equal(req(head, &h), -EMSGSIZE);
}

static void test_content_type(void **state)
{
	static const struct {
		const char *value;
		bool json;
	} v[] = {
		{ "application/json", true },
		{ "application/json;charset=utf-8", true },
		{ "application/json; charset=\"utf-8\"", false },
		{ "application/json; charset=shift_jis", false },
		{ "application/jsonx", false },
		{ "text/plain", false },
	};
	struct mncr_elig_http_head h;
	char head[200];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		snprintf(head, sizeof(head), "POST / HTTP/1.1\r\nContent-Type: "
			 "%s\r\n\r\n", v[i].value);
		assert_int_equal(req(head, &h), 0);
		if (h.json != v[i].json ||
		    mncr_elig_http_is_json(v[i].value, strlen(v[i].value)) !=
		    v[i].json)
			fail_msg("%s", v[i].value);
	}
}

static void test_format(void **state)
{
	char out[512], small[40];
	int n;

	(void)state;
	n = mncr_elig_http_response_head(out, sizeof(out), 404, 10);
	assert_true(n > 0);
	assert_int_equal(mncr_elig_http_head_len(out, (size_t)n), n);
	assert_non_null(strstr(out, "HTTP/1.1 404 Not Found\r\n"));
	assert_non_null(strstr(out, "Content-Length: 10\r\n"));
	assert_non_null(strstr(out, "Cache-Control: no-store\r\n"));
	assert_int_equal(mncr_elig_http_response_head(small, sizeof(small), 200,
						      1), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_head_len),
		cmocka_unit_test(test_request_ok),
		cmocka_unit_test(test_request_bad),
		cmocka_unit_test(test_header_count),
		cmocka_unit_test(test_content_type),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
