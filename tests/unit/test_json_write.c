// SPDX-License-Identifier: GPL-2.0-or-later
/* The JSON writer: structure, commas and escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <errno.h>

#include "util/json_write.h"

/* What write printed; its error in *err (NULL: must be none). */
static char *render_err(void (*write)(struct mncr_json *j), int *err)
{
	struct mncr_json j;
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	assert_non_null(f);
	mncr_json_init(&j, f);
	write(&j);
	fclose(f);
	if (err)
		*err = j.err;
	else
		assert_int_equal(j.err, 0);
	return buf;
}

static char *render(void (*write)(struct mncr_json *j))
{
	return render_err(write, NULL);
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

/* A key given twice: refused, the first value stays. */
static void repeated_key(struct mncr_json *j)
{
	mncr_json_object_begin(j, NULL);
	mncr_json_uint(j, "seq", 7);
	mncr_json_string(j, "seq", "forged");
	mncr_json_array_begin(j, "a");
	mncr_json_int(j, NULL, 1);
	mncr_json_int(j, NULL, 1);	/* arrays repeat freely */
	mncr_json_array_end(j);
	mncr_json_object_end(j);
	mncr_json_finish(j);
}

/* A repeated key that opens a scope: the scope and its contents go. */
static void repeated_scope(struct mncr_json *j)
{
	mncr_json_object_begin(j, NULL);
	mncr_json_string(j, "prev", "abc");
	mncr_json_object_begin(j, "prev");
	mncr_json_string(j, "x", "y");
	mncr_json_array_begin(j, "deeper");
	mncr_json_int(j, NULL, 2);
	mncr_json_array_end(j);
	mncr_json_object_end(j);
	mncr_json_bool(j, "after", true);
	mncr_json_object_end(j);
	mncr_json_finish(j);
}

static void test_repeated_key_refused(void **state)
{
	int err = 0;
	char *s = render_err(repeated_key, &err);

	(void)state;
	assert_int_equal(err, -EEXIST);
	assert_string_equal(s, "{\"seq\":7,\"a\":[1,1]}\n");
	free(s);
	s = render_err(repeated_scope, &err);
	assert_int_equal(err, -EEXIST);
	assert_string_equal(s, "{\"prev\":\"abc\",\"after\":true}\n");
	free(s);
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
		cmocka_unit_test(test_repeated_key_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
