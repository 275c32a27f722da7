// SPDX-License-Identifier: GPL-2.0-or-later
/* Float embedding -> int8 template; int8 dot / 320^2 approximates cosine. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "face/face_embed.h"
#include "face/face_quantize.h"
#include "face/match.h"

#define DIM 128

static void test_hand(void **state)
{
	const float e[4] = { 3, -4, 12, 84 };	/* norm 85 */
	int8_t q[4], neg[4];
	float minus[4];

	(void)state;
	assert_int_equal(mncr_face_quantize(e, 4, q), 0);
	assert_int_equal(q[0], 11);		/* 11.29 */
	assert_int_equal(q[1], -15);		/* -15.06 */
	assert_int_equal(q[2], 45);		/* 45.18 */
	assert_int_equal(q[3], 127);		/* 316.2, clamped */
	for (int i = 0; i < 4; i++)
		minus[i] = -e[i];
	assert_int_equal(mncr_face_quantize(minus, 4, neg), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(neg[i], -q[i]);	/* the clamp is symmetric */
	/*
	 * a single axis clamps at 127: such a template no longer stands for
	 * a unit vector (real embeddings stay under 0.41 per component)
	 */
	{
		const float one[3] = { 0, -0.001f, 0 };

		assert_int_equal(mncr_face_quantize(one, 3, q), 0);
		assert_int_equal(q[0], 0);
		assert_int_equal(q[1], -127);
		assert_float_equal(mncr_face_template_cosine(q, q, 3),
				   127.0f * 127.0f / (320.0f * 320.0f), 1e-7);
	}
}

static void test_invalid(void **state)
{
	const float zero[3] = { 0, 0, 0 };
	float bad[3] = { 1, NAN, 0 };
	int8_t q[3] = { 1, 1, 1 };

	(void)state;
	assert_int_equal(mncr_face_quantize(zero, 3, q), -EINVAL);
	assert_int_equal(q[0], 0);
	assert_int_equal(mncr_face_quantize(bad, 3, q), -EINVAL);
	bad[1] = INFINITY;
	assert_int_equal(mncr_face_quantize(bad, 3, q), -EINVAL);
	bad[1] = 3e38f;		/* finite, but the squared norm is not */
	bad[0] = 3e38f;
	assert_int_equal(mncr_face_quantize(bad, 3, q), 0);
	assert_int_equal(mncr_face_quantize(zero, 0, q), -EINVAL);
}

static float gauss(unsigned int *seed)
{
	double u, v;

	*seed = *seed * 1103515245u + 12345u;
	u = ((*seed >> 8) + 1.0) / 16777217.0;
	*seed = *seed * 1103515245u + 12345u;
	v = (*seed >> 8) / 16777216.0;
	return (float)(sqrt(-2 * log(u)) * cos(2 * M_PI * v));
}

/*
 * Random pairs with cosines from -1 to 1: the template cosine (the exact
 * scorer's too) is near the float one. Rounding each component by up to
 * 0.5 at scale 320 costs about sqrt(1/6) / 320 = 1.3e-3 rms on the cosine;
 * the worst pair has a component of 0.44, clamped from 141 to 127 (0.017).
 */
static void test_cosine_error(void **state)
{
	unsigned int seed = 7;
	double worst = 0, sum = 0;
	int n = 0;

	(void)state;
	for (int trial = 0; trial < 400; trial++) {
		float a[DIM], b[DIM], mix = (float)(trial % 21) / 10.0f - 1.0f;
		int8_t qa[DIM], qb[DIM];
		int32_t score;
		double err;

		for (int i = 0; i < DIM; i++) {
			a[i] = gauss(&seed) * 0.1f;
			b[i] = mix * a[i] + (1 - fabsf(mix)) * gauss(&seed) * 0.1f;
		}
		assert_int_equal(mncr_face_quantize(a, DIM, qa), 0);
		assert_int_equal(mncr_face_quantize(b, DIM, qb), 0);
		mncr_match_score_ref(qa, 1, qb, 1, DIM, &score);
		assert_float_equal(mncr_face_score_cosine(score),
				   mncr_face_template_cosine(qa, qb, DIM), 1e-6);
		err = fabs(mncr_face_template_cosine(qa, qb, DIM) -
			   mncr_face_cosine(a, b, DIM));
		worst = fmax(worst, err);
		sum += err;
		n++;
	}
	print_message("int8 template cosine vs float cosine: mean |error| %.5f, max %.5f (%d pairs)\n",
		      sum / n, worst, n);
	assert_true(sum / n < 0.002);
	assert_true(worst < 0.02);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hand),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_cosine_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
