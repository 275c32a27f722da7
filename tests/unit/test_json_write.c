// SPDX-License-Identifier: GPL-2.0-or-later
/* The JSON writer: structure, commas and escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/json_write.h"

static char *render(void (*write)(struct mncr_json *j))
{
	struct mncr_json j;
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	assert_non_null(f);
	mncr_json_init(&j, f);
	write(&j);
	fclose(f);
	return buf;
}

static void nested(struct mncr_json *j)
{
	mncr_json_object_begin(j, NULL);
	mncr_json_string(j, "name", "mncr0");
	mncr_json_array_begin(j, "list");
	mncr_json_int(j, NULL, -1);
	mncr_json_uint(j, NULL, 18446744073709551615ULL);
	mncr_json_object_begin(j, NULL);
	mncr_json_bool(j, "b", true);
	mncr_json_null(j, "n");
	mncr_json_object_end(j);
	mncr_json_array_end(j);
	mncr_json_object_end(j);
	mncr_json_finish(j);
}

static void escapes(struct mncr_json *j)
{
	mncr_json_object_begin(j, NULL);
	mncr_json_string(j, "s", "a\"b\\c\nd\x01" "目視");
	mncr_json_object_end(j);
	mncr_json_finish(j);
}

static void two_values(struct mncr_json *j)
{
	mncr_json_object_begin(j, NULL);
	mncr_json_object_end(j);
	mncr_json_finish(j);
	mncr_json_array_begin(j, NULL);
	mncr_json_array_end(j);
	mncr_json_finish(j);
}

static void test_nested(void **state)
{
	char *s = render(nested);

	(void)state;
	assert_string_equal(s, "{\"name\":\"mncr0\",\"list\":[-1,18446744073709551615,"
			    "{\"b\":true,\"n\":null}]}\n");
	free(s);
}

static void test_escapes(void **state)
{
	char *s = render(escapes);

	(void)state;
	assert_string_equal(s, "{\"s\":\"a\\\"b\\\\c\\nd\\u0001目視\"}\n");
	free(s);
}

static void test_finish_resets(void **state)
{
	char *s = render(two_values);

	(void)state;
	assert_string_equal(s, "{}\n[]\n");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_finish_resets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
