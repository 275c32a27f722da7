// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * UTF-8: well-formed sequences and each way to be ill-formed (overlong,
 * surrogate, beyond U+10FFFF, truncated, bad continuation), encoding at
 * every length boundary, and where a text that did not fit is cut.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/utf8.h"

static size_t seq(const char *s, size_t n)
{
	return mncr_utf8_seq_len((const unsigned char *)s,
				 (const unsigned char *)s + n);
}

static void test_seq_len(void **state)
{
	(void)state;
	assert_int_equal(seq("A", 1), 1);
	assert_int_equal(seq("\xc3\xa9", 2), 2);		/* é */
	assert_int_equal(seq("\xe9\x99\x90", 3), 3);		/* 限 */
	assert_int_equal(seq("\xf0\x9f\x98\x80", 4), 4);	/* U+1F600 */
	assert_int_equal(seq("\xf4\x8f\xbf\xbf", 4), 4);	/* U+10FFFF */
	assert_int_equal(seq("\xc0\xaf", 2), 0);		/* overlong '/' */
	assert_int_equal(seq("\xe0\x80\xaf", 3), 0);		/* overlong */
	assert_int_equal(seq("\xf0\x80\x80\xaf", 4), 0);	/* overlong */
	assert_int_equal(seq("\xed\xa0\x80", 3), 0);		/* surrogate D800 */
	assert_int_equal(seq("\xf4\x90\x80\x80", 4), 0);	/* U+110000 */
	assert_int_equal(seq("\xe9\x99", 2), 0);		/* truncated */
	assert_int_equal(seq("\xe9\x41\x90", 3), 0);		/* bad continuation */
	assert_int_equal(seq("\x80", 1), 0);			/* lone continuation */
	assert_int_equal(seq("\xf8\x88\x80\x80\x80", 5), 0);	/* 5-byte form */
	assert_true(mncr_utf8_valid("限度額ア", strlen("限度額ア")));
	assert_true(mncr_utf8_valid("", 0));
	assert_false(mncr_utf8_valid("ok\xc0\xaf", 4));
	assert_false(mncr_utf8_valid("限", 2));
}

static void test_cut(void **state)
{
	const char *s = "ab限";	/* 2 + 3 bytes */

	(void)state;
	assert_int_equal(mncr_utf8_cut(s, 5), 5);	/* ends on a whole character */
	assert_int_equal(mncr_utf8_cut(s, 4), 2);	/* inside 限: before it */
	assert_int_equal(mncr_utf8_cut(s, 3), 2);
	assert_int_equal(mncr_utf8_cut(s, 2), 2);
	assert_int_equal(mncr_utf8_cut("限", 1), 0);
	assert_int_equal(mncr_utf8_cut("", 0), 0);
	assert_int_equal(mncr_utf8_cut("\x80\x80", 2), 2);	/* nothing to judge by */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seq_len),
		cmocka_unit_test(test_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
