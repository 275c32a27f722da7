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

static struct json_object *parse(const char *s)
{
	return mncr_json_value_parse(s, strlen(s), NULL, 0);
}

static struct json_object *parse_err(const char *s, char *err)
{
	return mncr_json_value_parse(s, strlen(s), err, 128);
}

static double number(const struct json_object *v)
{
	double d = -1;

	assert_int_equal(mncr_json_value_number(v, &d), 0);
	return d;
}

static const char *str(const struct json_object *v, size_t i)
{
	const char *s = mncr_json_value_str(mncr_json_value_at(v, i));

	assert_non_null(s);
	return s;
}

static void test_values(void **state)
{
	struct json_object *v = parse(
		" {\"a\": [1, -2.5e3, 0.125, true, false, null, \"x\"],\n"
		"  \"b\": {\"c\": {}}, \"d\": [], \"e\": -0, \"f\": 1E+2}\r\n");
	const struct json_object *a, *x;
	unsigned long long u;

	(void)state;
	assert_non_null(v);
	assert_true(json_object_is_type(v, json_type_object));
	assert_int_equal(mncr_json_value_len(v), 5);
	a = mncr_json_value_get(v, "a");
	assert_non_null(a);
	assert_true(json_object_is_type(a, json_type_array));
	assert_int_equal(mncr_json_value_len(a), 7);
	assert_true(number(mncr_json_value_at(a, 0)) == 1.0);
	assert_true(number(mncr_json_value_at(a, 1)) == -2500.0);
	assert_true(number(mncr_json_value_at(a, 2)) == 0.125);
	assert_true(json_object_is_type(mncr_json_value_at(a, 3), json_type_boolean));
	assert_true(json_object_get_boolean(mncr_json_value_at(a, 3)));
	assert_false(json_object_get_boolean(mncr_json_value_at(a, 4)));
	/* json-c's null is NULL */
	assert_null(mncr_json_value_at(a, 5));
	assert_null(mncr_json_value_str(mncr_json_value_at(a, 5)));
	assert_string_equal(mncr_json_value_str(mncr_json_value_at(a, 6)), "x");
	assert_null(mncr_json_value_at(a, 7));
	assert_null(mncr_json_value_at(v, 0));		/* not an array */
	x = mncr_json_value_get(mncr_json_value_get(v, "b"), "c");
	assert_non_null(x);
	assert_true(json_object_is_type(x, json_type_object));
	assert_int_equal(mncr_json_value_len(x), 0);
	assert_true(json_object_is_type(mncr_json_value_get(v, "d"), json_type_array));
	assert_int_equal(mncr_json_value_len(mncr_json_value_get(v, "d")), 0);
	assert_null(mncr_json_value_get(v, "z"));
	assert_null(mncr_json_value_get(a, "a"));	/* not an object */
	assert_null(mncr_json_value_str(a));
	assert_true(number(mncr_json_value_get(v, "f")) == 100.0);

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
	json_object_put(v);
}

static void test_strings(void **state)
{
	struct json_object *v = parse(
		"[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\", \"\\u00e9\\u3042\", "
		"\"\\ud83d\\ude00\", \"目視\", \"\"]");

	(void)state;
	assert_non_null(v);
	assert_string_equal(str(v, 0), "a\"b\\c/d\b\f\n\r\t");
	assert_int_equal(strlen(str(v, 0)), 12);
	assert_string_equal(str(v, 1), "\xc3\xa9\xe3\x81\x82");
	assert_string_equal(str(v, 2), "\xf0\x9f\x98\x80");
	assert_string_equal(str(v, 3), "目視");
	assert_string_equal(str(v, 4), "");
	json_object_put(v);
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
		/* what json-c's strict mode alone lets through */
		"[00]", "[-01]", "[01.5]", "[1.]", "[1.e5]", "[-.5]", "[0.]",
		"[-Infinity]", "[1E400]", "\"\\ud800x\"", "{\"a\\u0000b\":1}",
		"[{\"a\":1},{\"b\":{\"c\":1,\"c\":2}}]", "null", "1x", "{'a':1}",
	};
	struct json_object *v;
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
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
	/* the object with the duplicate key is named */
	assert_null(parse_err("[{\"a\":1},\n {\"b\":{\"c\":1,\"c\":2}}]", err));
	assert_string_equal(err, "line 2, column 7: duplicate key in this object");
	/* a number at the very end of the text */
	v = mncr_json_value_parse("12", 2, err, sizeof(err));
	assert_int_equal(json_object_get_int(v), 12);
	json_object_put(v);
	/* a NUL inside the given length is not white space */
	assert_null(mncr_json_value_parse("[1]\0", 4, err, sizeof(err)));
	assert_null(mncr_json_value_parse(NULL, 0, err, sizeof(err)));
}

static void test_depth(void **state)
{
	char deep[2 * MNCR_JSON_VALUE_MAX_DEPTH + 8];
	struct json_object *v;
	int n = MNCR_JSON_VALUE_MAX_DEPTH;
	char err[128];

	(void)state;
	memset(deep, '[', (size_t)n);
	memset(deep + n, ']', (size_t)n);
	v = mncr_json_value_parse(deep, 2 * (size_t)n, err, sizeof(err));
	assert_non_null(v);
	json_object_put(v);
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
	json_object_put(mncr_json_value_parse(doc, n, NULL, 0));
	json_object_put(NULL);
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
