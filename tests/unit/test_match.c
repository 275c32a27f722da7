// SPDX-License-Identifier: GPL-2.0-or-later
/* The reference scorer against hand-computed dot products. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "face/match.h"

static void test_hand_computed(void **state)
{
	const int8_t probe[] = { 1, 2, 3, -1, 0, 5 };	/* 2 probes, dim 3 */
	const int8_t ref[] = { 4, 5, 6, -7, 8, -9 };	/* 2 refs */
	int32_t scores[4];

	(void)state;
	mncr_match_score_ref(probe, 2, ref, 2, 3, scores);
	assert_int_equal(scores[0], 1 * 4 + 2 * 5 + 3 * 6);	/* p0 r0 */
	assert_int_equal(scores[1], 1 * -7 + 2 * 8 + 3 * -9);	/* p0 r1 */
	assert_int_equal(scores[2], -1 * 4 + 0 * 5 + 5 * 6);	/* p1 r0 */
	assert_int_equal(scores[3], -1 * -7 + 0 * 8 + 5 * -9);	/* p1 r1 */
}

static void test_extremes_do_not_overflow(void **state)
{
	int8_t a[512], b[512];
	int32_t score;

	(void)state;
	for (int i = 0; i < 512; i++) {
		a[i] = -128;
		b[i] = -128;
	}
	mncr_match_score_ref(a, 1, b, 1, 512, &score);
	assert_int_equal(score, 512 * 128 * 128);
	for (int i = 0; i < 512; i++)
		b[i] = 127;
	mncr_match_score_ref(a, 1, b, 1, 512, &score);
	assert_int_equal(score, -512 * 128 * 127);
}

static void test_dim_one(void **state)
{
	const int8_t p = -3, r = 7;
	int32_t score;

	(void)state;
	mncr_match_score_ref(&p, 1, &r, 1, 1, &score);
	assert_int_equal(score, -21);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hand_computed),
		cmocka_unit_test(test_extremes_do_not_overflow),
		cmocka_unit_test(test_dim_one),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
