// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Quality gates: pose from synthetic landmarks (dlib's mean face, turned,
 * tilted, scaled), focus and light from synthetic chips, the limits and the
 * reasons.
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

#include "face/face_align.h"
#include "face/face_quality.h"

#define S MNCR_FACE_CHIP_SIZE

/* The mean face, cheeks 2 and 14 and nose 30 as a frontal face has them. */
static void frontal(struct mncr_face_point pts[MNCR_FACE_LANDMARKS], double scale,
		    double angle_deg)
{
	double c = cos(angle_deg * M_PI / 180), s = sin(angle_deg * M_PI / 180);

	memset(pts, 0, MNCR_FACE_LANDMARKS * sizeof(*pts));
	for (int i = 17; i < MNCR_FACE_LANDMARKS; i++)
		pts[i] = mncr_face_chip_point(i, S, 0.25);
	pts[2].x = 25;
	pts[2].y = pts[30].y;
	pts[14].x = 125;
	pts[14].y = pts[30].y;
	for (int i = 0; i < MNCR_FACE_LANDMARKS; i++) {
		double x = pts[i].x - 75, y = pts[i].y - 75;

		pts[i].x = (float)(300 + scale * (c * x - s * y));
		pts[i].y = (float)(200 + scale * (s * x + c * y));
	}
}

static struct mncr_face_image chip(uint8_t *px)
{
	struct mncr_face_image c = { S, S, px };

	return c;
}

static void textured(uint8_t *px, int mean, int amp)
{
	for (int y = 0; y < S; y++)
		for (int x = 0; x < S; x++)
			px[y * S + x] = (uint8_t)(mean + ((x / 2 + y / 2) % 2 ? amp : -amp));
}

static void test_pose(void **state)
{
	struct mncr_face_point pts[MNCR_FACE_LANDMARKS];
	static uint8_t px[S * S];
	struct mncr_face_image c = chip(px);
	struct mncr_face_quality q;

	(void)state;
	textured(px, 128, 30);
	frontal(pts, 1.0, 0);
	assert_int_equal(mncr_face_quality_measure(pts, &c, &q), 0);
	/* the mean face's nose tip is 1 pixel left of the middle: -1.1 degrees */
	assert_float_equal(q.yaw, -1.1, 0.1);
	assert_float_equal(q.roll, 0, 1e-3);
	/* eye centres of the mean face: 0.5318 of 100 pixels apart */
	assert_float_equal(q.eye_distance, 53.2, 0.5);
	/* twice the size, tilted 20 degrees: same yaw, roll 20, twice the distance */
	frontal(pts, 2.0, 20);
	assert_int_equal(mncr_face_quality_measure(pts, &c, &q), 0);
	assert_float_equal(q.roll, 20, 1e-2);
	assert_float_equal(q.eye_distance, 106.4, 1.0);
	assert_float_equal(q.yaw, -1.1, 0.1);
	/* the nose tip half way to the right cheek: sin(yaw) = 0.5 */
	frontal(pts, 1.0, 0);
	pts[30].x = 300 + 25;
	assert_int_equal(mncr_face_quality_measure(pts, &c, &q), 0);
	assert_float_equal(q.yaw, 30, 0.1);
	pts[30].x = 300 - 60;	/* past the cheek: clamped to 90 */
	assert_int_equal(mncr_face_quality_measure(pts, &c, &q), 0);
	assert_float_equal(q.yaw, -90, 1e-3);
	pts[40].x = NAN;
	assert_int_equal(mncr_face_quality_measure(pts, &c, &q), -EINVAL);
}

static void test_texture(void **state)
{
	struct mncr_face_point pts[MNCR_FACE_LANDMARKS];
	static uint8_t px[S * S];
	struct mncr_face_image c = chip(px);
	struct mncr_face_quality q;
	struct mncr_face_image small = { 100, 100, px };

	(void)state;
	frontal(pts, 1.0, 0);
	memset(px, 120, sizeof(px));
	assert_int_equal(mncr_face_quality_measure(pts, &c, &q), 0);
	assert_float_equal(q.brightness, 120, 1e-3);
	assert_float_equal(q.contrast, 0, 1e-3);
	assert_float_equal(q.sharpness, 0, 1e-3);
	assert_float_equal(q.clipped, 0, 0);
	/* 2x2 checks of +-30: Laplacian values 0 or +-120 */
	textured(px, 120, 30);
	assert_int_equal(mncr_face_quality_measure(pts, &c, &q), 0);
	assert_float_equal(q.contrast, 30, 1e-3);
	assert_true(q.sharpness > 1000);
	/* half black, half white: all clipped */
	for (int i = 0; i < S * S; i++)
		px[i] = (i % S) < S / 2 ? 0 : 255;
	assert_int_equal(mncr_face_quality_measure(pts, &c, &q), 0);
	assert_float_equal(q.clipped, 1, 0);
	assert_int_equal(mncr_face_quality_measure(pts, &small, &q), -EINVAL);
}

static void test_gates(void **state)
{
	struct mncr_face_quality_limits l;
	struct mncr_face_quality good = { 60, 5, -3, 100, 120, 40, 0.01f }, q;
	char buf[256];

	(void)state;
	mncr_face_quality_limits_default(&l);
	assert_int_equal(mncr_face_quality_check(&good, &l), 0);
	q = good;
	q.eye_distance = 10;
	assert_int_equal(mncr_face_quality_check(&q, &l), MNCR_FACE_Q_SMALL);
	q = good;
	q.yaw = -45;
	q.roll = 40;
	assert_int_equal(mncr_face_quality_check(&q, &l), MNCR_FACE_Q_YAW | MNCR_FACE_Q_ROLL);
	q = good;
	q.sharpness = 1;
	q.brightness = 10;
	q.contrast = 2;
	assert_int_equal(mncr_face_quality_check(&q, &l),
			 MNCR_FACE_Q_BLUR | MNCR_FACE_Q_DARK | MNCR_FACE_Q_CONTRAST);
	q = good;
	q.brightness = 250;
	q.clipped = 0.5f;
	assert_int_equal(mncr_face_quality_check(&q, &l), MNCR_FACE_Q_BRIGHT | MNCR_FACE_Q_CLIPPED);
	/* NaN fails every gate it is in */
	q = good;
	q.yaw = NAN;
	q.sharpness = NAN;
	assert_int_equal(mncr_face_quality_check(&q, &l), MNCR_FACE_Q_YAW | MNCR_FACE_Q_BLUR);
	/* reasons */
	assert_string_equal(mncr_face_quality_reason(MNCR_FACE_Q_YAW), "head turned");
	assert_string_equal(mncr_face_quality_reason(0), "");
	assert_string_equal(mncr_face_quality_describe(MNCR_FACE_Q_SMALL | MNCR_FACE_Q_DARK,
						       buf, sizeof(buf)),
			    "face too small, too dark");
	assert_string_equal(mncr_face_quality_describe(0, buf, sizeof(buf)), "");
	/* a short buffer stays terminated */
	mncr_face_quality_describe(0xff, buf, 20);
	assert_true(strlen(buf) < 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pose),
		cmocka_unit_test(test_texture),
		cmocka_unit_test(test_gates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
