// SPDX-License-Identifier: GPL-2.0-or-later
/* The strict JSON reader used for model manifests. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/json_read.h"

static struct mncr_json_value *parse(const char *s)
{
	return mncr_json_value_parse(s, strlen(s), NULL, 0);
}

static void test_values(void **state)
{
	struct mncr_json_value *v = parse(
		" {\"a\": [1, -2.5e3, 0.125, true, false, null, \"x\"],\n"
		"  \"b\": {\"c\": {}}, \"d\": [], \"e\": -0, \"f\": 1E+2}\r\n");
	const struct mncr_json_value *a, *x;
	unsigned long long u;

	(void)state;
	assert_non_null(v);
	assert_int_equal(v->type, MNCR_JSON_VALUE_OBJECT);
	assert_int_equal(v->len, 5);
	a = mncr_json_value_get(v, "a");
	assert_non_null(a);
	assert_int_equal(a->type, MNCR_JSON_VALUE_ARRAY);
	assert_int_equal(a->len, 7);
	assert_true(mncr_json_value_at(a, 0)->number == 1.0);
	assert_true(mncr_json_value_at(a, 1)->number == -2500.0);
	assert_true(mncr_json_value_at(a, 2)->number == 0.125);
	assert_int_equal(mncr_json_value_at(a, 3)->type, MNCR_JSON_VALUE_BOOL);
	assert_true(mncr_json_value_at(a, 3)->boolean);
	assert_false(mncr_json_value_at(a, 4)->boolean);
	assert_int_equal(mncr_json_value_at(a, 5)->type, MNCR_JSON_VALUE_NULL);
	assert_string_equal(mncr_json_value_str(mncr_json_value_at(a, 6)), "x");
	assert_null(mncr_json_value_at(a, 7));
	assert_null(mncr_json_value_at(v, 0));		/* not an array */
	x = mncr_json_value_get(mncr_json_value_get(v, "b"), "c");
	assert_non_null(x);
	assert_int_equal(x->type, MNCR_JSON_VALUE_OBJECT);
	assert_int_equal(x->len, 0);
	assert_int_equal(mncr_json_value_get(v, "d")->len, 0);
	assert_null(mncr_json_value_get(v, "z"));
	assert_null(mncr_json_value_get(a, "a"));	/* not an object */
	assert_null(mncr_json_value_str(a));
	assert_true(mncr_json_value_get(v, "f")->number == 100.0);

	assert_int_equal(mncr_json_value_uint(mncr_json_value_at(a, 0), 10, &u), 0);
	assert_int_equal(u, 1);
	assert_int_equal(mncr_json_value_uint(mncr_json_value_get(v, "f"), 99, &u),
			 -EINVAL);
	assert_int_equal(mncr_json_value_uint(mncr_json_value_at(a, 1), 1e9, &u),
			 -EINVAL);
	assert_int_equal(mncr_json_value_uint(mncr_json_value_at(a, 2), 1e9, &u),
			 -EINVAL);
	assert_int_equal(mncr_json_value_uint(mncr_json_value_at(a, 6), 1e9, &u),
			 -EINVAL);
	assert_int_equal(mncr_json_value_uint(NULL, 1, &u), -EINVAL);
	mncr_json_value_free(v);
}

static void test_strings(void **state)
{
	struct mncr_json_value *v = parse(
		"[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\", \"\\u00e9\\u3042\", "
		"\"\\ud83d\\ude00\", \"目視\", \"\"]");

	(void)state;
	assert_non_null(v);
	assert_string_equal(v->items[0].string, "a\"b\\c/d\b\f\n\r\t");
	assert_int_equal(v->items[0].len, 12);
	assert_string_equal(v->items[1].string, "\xc3\xa9\xe3\x81\x82");
	assert_string_equal(v->items[2].string, "\xf0\x9f\x98\x80");
	assert_string_equal(v->items[3].string, "目視");
	assert_string_equal(v->items[4].string, "");
	mncr_json_value_free(v);
}

static void test_rejects(void **state)
{
	static const char *const bad[] = {
		"", " ", "[1,]", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "{1:2}",
		"[01]", "[1.]", "[.5]", "[1e]", "[-]", "[+1]", "[0x10]",
		"[1e999]", "[NaN]", "[Infinity]", "[tru]", "[nul]",
		"\"abc", "\"a\x01\"", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"",
		"\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\\u0000\"",
		"\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xe3\x81\"",
		"[1] [2]", "{\"a\":1,\"a\":2}", "[1]x", "//\n[1]", "['a']",
		"[1,\n2,\n}",
	};
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mncr_json_value *v;

		err[0] = '\0';
		errno = 0;
		v = mncr_json_value_parse(bad[i], strlen(bad[i]), err, sizeof(err));
		if (v)
			fail_msg("accepted: %s", bad[i]);
		assert_int_equal(errno, EINVAL);
		assert_non_null(strstr(err, "line "));
	}
	/* the position of the error is reported */
	assert_null(mncr_json_value_parse("[1,\n2,\n}", 8, err, sizeof(err)));
	assert_string_equal(err, "line 3, column 1: unexpected character '}'");
	/* a NUL inside the given length is not white space */
	assert_null(mncr_json_value_parse("[1]\0", 4, err, sizeof(err)));
	assert_null(mncr_json_value_parse(NULL, 0, err, sizeof(err)));
}

static void test_depth(void **state)
{
	char deep[2 * MNCR_JSON_VALUE_MAX_DEPTH + 8];
	struct mncr_json_value *v;
	int n = MNCR_JSON_VALUE_MAX_DEPTH;
	char err[128];

	(void)state;
	memset(deep, '[', (size_t)n);
	memset(deep + n, ']', (size_t)n);
	v = mncr_json_value_parse(deep, 2 * (size_t)n, err, sizeof(err));
	assert_non_null(v);
	mncr_json_value_free(v);
	memset(deep, '[', (size_t)n + 1);
	memset(deep + n + 1, ']', (size_t)n + 1);
	assert_null(mncr_json_value_parse(deep, 2 * (size_t)n + 2, err, sizeof(err)));
	assert_non_null(strstr(err, "nested deeper"));
}

/* Every prefix of a valid document is rejected without a crash or leak. */
static void test_truncations(void **state)
{
	const char *doc = "[{\"name\":\"a/b\",\"shape\":[3,3,32,64],"
			  "\"quantization\":{\"scale\":1.5e-3,\"min\":-0.25}},"
			  "\"\\u00e9\\ud83d\\ude00\",true,null]";
	size_t n = strlen(doc);

	(void)state;
	for (size_t i = 0; i < n; i++)
		assert_null(mncr_json_value_parse(doc, i, NULL, 0));
	mncr_json_value_free(mncr_json_value_parse(doc, n, NULL, 0));
	mncr_json_value_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_truncations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
