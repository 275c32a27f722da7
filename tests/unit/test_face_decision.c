// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The decision: thresholds for a false-match rate from impostor scores
 * (lists, histograms, floats for cosine and distance, ties, too few
 * pairs) and the best-of-frames decision on scores, templates (through
 * mncr_match_score_ref, the driver's numbers) and embeddings.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "face/face_decision.h"
#include "face/face_quantize.h"

static void test_threshold_list(void **state)
{
	int32_t s[1000];
	int32_t t;
	double got;

	(void)state;
	for (int i = 0; i < 1000; i++)
		s[i] = i * 7 % 1000;	/* 0..999 once each, shuffled */
	/* FMR 1%: 10 may pass, so scores >= 990 */
	assert_int_equal(mncr_face_threshold_for_fmr(s, 1000, 0.01, &t, &got), 0);
	assert_int_equal(t, 990);
	assert_float_equal(got, 0.01, 1e-12);
	assert_int_equal(mncr_face_threshold_for_fmr(s, 1000, 0.0155, &t, &got), 0);
	assert_int_equal(t, 985);	/* floor(15.5) = 15 */
	/*
	 * ties: 20 low scores become 995 (21 of them now); 10 may pass but the
	 * 995s cannot be split, so only 996..999 do
	 */
	for (int i = 0; i < 20; i++)
		s[i] = 995;
	assert_int_equal(mncr_face_threshold_for_fmr(s, 1000, 0.01, &t, &got), 0);
	assert_int_equal(t, 996);
	assert_float_equal(got, 0.004, 1e-12);
	/* too few pairs to show the rate */
	assert_int_equal(mncr_face_threshold_for_fmr(s, 1000, 1e-4, &t, &got), -ERANGE);
	assert_int_equal(mncr_face_threshold_for_fmr(s, 1000, 0, &t, &got), -EINVAL);
	assert_int_equal(mncr_face_threshold_for_fmr(s, 1000, 1, &t, &got), -EINVAL);
	s[3] = MNCR_FACE_SCORE_MAX + 1;
	assert_int_equal(mncr_face_threshold_for_fmr(s, 1000, 0.01, &t, &got), -EINVAL);
}

static void test_threshold_histogram(void **state)
{
	uint64_t *h = calloc(MNCR_FACE_SCORE_BINS, sizeof(*h));
	int32_t t;
	double got;

	(void)state;
	assert_non_null(h);
	/* a million pairs at 0, ten at the very top */
	h[0 - MNCR_FACE_SCORE_MIN] = 1000000;
	h[MNCR_FACE_SCORE_MAX - MNCR_FACE_SCORE_MIN] = 10;
	assert_int_equal(mncr_face_threshold_from_histogram(h, 1e-5, &t, &got), 0);
	assert_int_equal(t, 1);	/* the ten fit in 10.0001 */
	assert_int_equal(mncr_face_threshold_from_histogram(h, 1e-6, &t, &got), 0);
	assert_int_equal(t, MNCR_FACE_SCORE_MAX + 1);	/* nothing may pass */
	assert_float_equal(got, 0, 0);
	free(h);
}

static void test_threshold_float(void **state)
{
	float v[100];
	float t;

	(void)state;
	for (int i = 0; i < 100; i++)
		v[i] = (float)i / 100;	/* cosines 0 .. 0.99 */
	assert_int_equal(mncr_face_threshold_for_fmr_f(v, 100, 0.05, MNCR_FACE_COSINE, &t), 0);
	assert_true(t > 0.94f && t <= 0.95f);	/* 0.95 .. 0.99 pass */
	/* distances: 0 .. 0.99, the 5 smallest may pass */
	assert_int_equal(mncr_face_threshold_for_fmr_f(v, 100, 0.05, MNCR_FACE_DISTANCE, &t), 0);
	assert_true(t >= 0.04f && t < 0.05f);
	assert_int_equal(mncr_face_threshold_for_fmr_f(v, 100, 0.001, MNCR_FACE_COSINE, &t), -ERANGE);
	v[7] = NAN;
	assert_int_equal(mncr_face_threshold_for_fmr_f(v, 100, 0.05, MNCR_FACE_COSINE, &t), -EINVAL);
}

static void test_decide_scores(void **state)
{
	const int32_t s[4] = { 9000, 15100, 14000, 15100 };
	struct mncr_face_decision d;

	(void)state;
	assert_int_equal(mncr_face_decide_scores(s, 4, 15000, &d), 0);
	assert_int_equal(d.accept, 1);
	assert_int_equal(d.best, 1);	/* the first of equals */
	assert_int_equal(d.best_score, 15100);
	assert_int_equal(mncr_face_decide_scores(s, 4, 15101, &d), 0);
	assert_int_equal(d.accept, 0);
	assert_int_equal(mncr_face_decide_scores(s, 0, 0, &d), 0);
	assert_int_equal(d.accept, 0);
	assert_int_equal(d.best, -1);
	assert_int_equal(mncr_face_decide_scores(NULL, 2, 0, &d), -EINVAL);
}

static void test_decide_templates(void **state)
{
	const int32_t one = MNCR_FACE_Q_SCALE * MNCR_FACE_Q_SCALE;	/* cosine 1 */
	float ref[128], probe[3][128];
	int8_t tr[128], tp[3][128];
	struct mncr_face_decision d;

	(void)state;
	for (int i = 0; i < 128; i++) {
		ref[i] = sinf((float)i);
		probe[0][i] = -ref[i];			/* cosine -1 */
		probe[1][i] = ref[i] + 0.05f * cosf(3.0f * i);	/* close */
		probe[2][i] = cosf((float)i);		/* unrelated */
	}
	assert_int_equal(mncr_face_quantize(ref, 128, tr), 0);
	for (int k = 0; k < 3; k++)
		assert_int_equal(mncr_face_quantize(probe[k], 128, tp[k]), 0);
	assert_int_equal(mncr_face_decide_templates(tr, &tp[0][0], 3, 128, one * 95 / 100, &d), 0);
	assert_int_equal(d.best, 1);
	assert_int_equal(d.accept, 1);
	assert_true(d.best_value > 0.99f);
	assert_int_equal(mncr_face_decide_templates(tr, &tp[0][0], 1, 128, 0, &d), 0);
	assert_int_equal(d.accept, 0);
	assert_true(d.best_score < -one * 99 / 100);
	/* floats: cosine and distance agree on the best */
	assert_int_equal(mncr_face_decide_embeddings(ref, &probe[0][0], 3, 128,
						     MNCR_FACE_COSINE, 0.95f, &d), 0);
	assert_int_equal(d.best, 1);
	assert_int_equal(d.accept, 1);
	assert_int_equal(mncr_face_decide_embeddings(ref, &probe[0][0], 3, 128,
						     MNCR_FACE_DISTANCE, 0.1f, &d), 0);
	assert_int_equal(d.best, 1);
	assert_int_equal(d.accept, 0);	/* distance about 0.4 */
	assert_int_equal(mncr_face_decide_embeddings(ref, &probe[0][0], 3, 128,
						     MNCR_FACE_DISTANCE, 1.0f, &d), 0);
	assert_int_equal(d.accept, 1);
	assert_int_equal(mncr_face_decide_embeddings(ref, &probe[0][0], 3, 128,
						     MNCR_FACE_COSINE, NAN, &d), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threshold_list),
		cmocka_unit_test(test_threshold_histogram),
		cmocka_unit_test(test_threshold_float),
		cmocka_unit_test(test_decide_scores),
		cmocka_unit_test(test_decide_templates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
