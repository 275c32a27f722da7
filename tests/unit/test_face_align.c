// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Alignment geometry: a known similarity transform is recovered from
 * points, with and without noise; the inverse; dlib's chip layout (the
 * mean face under a known transform gives that transform, with the chip's
 * corner pixels on the fitted square's corners); the chip sampling
 * (identity, translation, shrinking keeps the mean).
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

#define S MNCR_FACE_CHIP_SIZE

static const struct mncr_face_similarity known = {
	0.9 * 0.8660254, 0.9 * 0.5, 37.25, -12.5	/* scale 0.9, 30 degrees */
};

static void transform(const struct mncr_face_similarity *t,
		      struct mncr_face_point *p)
{
	double x, y;

	mncr_face_similarity_apply(t, p->x, p->y, &x, &y);
	p->x = (float)x;
	p->y = (float)y;
}

static void test_fit_exact(void **state)
{
	struct mncr_face_point from[10], to[10];
	struct mncr_face_similarity t;

	(void)state;
	for (int i = 0; i < 10; i++) {
		from[i].x = (float)(i * 13 % 7) * 10;
		from[i].y = (float)(i * 5 % 11) * 8;
		to[i] = from[i];
		transform(&known, &to[i]);
	}
	assert_int_equal(mncr_face_similarity_fit(from, to, 10, &t), 0);
	assert_float_equal(t.a, known.a, 1e-5);
	assert_float_equal(t.b, known.b, 1e-5);
	assert_float_equal(t.tx, known.tx, 1e-3);
	assert_float_equal(t.ty, known.ty, 1e-3);
	/* two points suffice */
	assert_int_equal(mncr_face_similarity_fit(from + 1, to + 1, 2, &t), 0);
	assert_float_equal(t.a, known.a, 1e-5);
	assert_float_equal(t.b, known.b, 1e-5);
}

static void test_fit_noise(void **state)
{
	struct mncr_face_point from[200], to[200];
	struct mncr_face_similarity t;
	unsigned s = 3;

	(void)state;
	for (int i = 0; i < 200; i++) {
		from[i].x = (float)(i % 20) * 7;
		from[i].y = (float)(i / 20) * 9;
		to[i] = from[i];
		transform(&known, &to[i]);
		/* +-0.5 pixel of noise, symmetric */
		s = s * 1103515245u + 12345u;
		to[i].x += ((s >> 16) & 1023) / 1023.0f - 0.5f;
		s = s * 1103515245u + 12345u;
		to[i].y += ((s >> 16) & 1023) / 1023.0f - 0.5f;
	}
	assert_int_equal(mncr_face_similarity_fit(from, to, 200, &t), 0);
	assert_float_equal(hypot(t.a, t.b), 0.9, 2e-3);
	assert_float_equal(atan2(t.b, t.a), M_PI / 6, 2e-3);
	assert_float_equal(t.tx, known.tx, 0.3);
	assert_float_equal(t.ty, known.ty, 0.3);
}

static void test_fit_errors(void **state)
{
	struct mncr_face_point p[3] = { { 1, 1 }, { 1, 1 }, { 1, 1 } }, q[3] = { 0 };
	struct mncr_face_similarity t;

	(void)state;
	assert_int_equal(mncr_face_similarity_fit(p, q, 3, &t), -EINVAL);
	assert_int_equal(mncr_face_similarity_fit(p, q, 1, &t), -EINVAL);
	p[0].x = NAN;
	p[1].x = 5;
	assert_int_equal(mncr_face_similarity_fit(p, q, 3, &t), -EINVAL);
	assert_int_equal(mncr_face_similarity_fit(NULL, q, 3, &t), -EINVAL);
}

static void test_invert(void **state)
{
	struct mncr_face_similarity inv, zero = { 0, 0, 1, 1 };
	double x, y, u, v;

	(void)state;
	assert_int_equal(mncr_face_similarity_invert(&known, &inv), 0);
	mncr_face_similarity_apply(&known, 12.5, -3, &x, &y);
	mncr_face_similarity_apply(&inv, x, y, &u, &v);
	assert_float_equal(u, 12.5, 1e-9);
	assert_float_equal(v, -3, 1e-9);
	assert_int_equal(mncr_face_similarity_invert(&zero, &inv), -EINVAL);
}

/* Landmarks: dlib's mean face in chip pixels, moved by t (chip -> image). */
static void landmarks(const struct mncr_face_similarity *t,
		      struct mncr_face_point pts[MNCR_FACE_LANDMARKS])
{
	memset(pts, 0, MNCR_FACE_LANDMARKS * sizeof(*pts));
	for (int i = 17; i < MNCR_FACE_LANDMARKS; i++) {
		pts[i] = mncr_face_chip_point(i, S, MNCR_FACE_CHIP_PADDING);
		transform(t, &pts[i]);
	}
	/* the jaw is not used: garbage there changes nothing */
	for (int i = 0; i < 17; i++)
		pts[i].x = pts[i].y = 1e4f * (float)i;
}

static void test_chip_layout(void **state)
{
	struct mncr_face_point pts[MNCR_FACE_LANDMARKS], e;
	struct mncr_face_similarity c;
	double x, y, ex, ey;

	(void)state;
	/* the mean face's eyes and mouth where dlib's chip has them */
	e = mncr_face_chip_point(36, S, 0.25);
	assert_float_equal(e.x, (0.25 + 0.121737) / 1.5 * S, 1e-4);
	assert_float_equal(e.y, (0.25 + 0.216423) / 1.5 * S, 1e-4);
	landmarks(&known, pts);
	assert_int_equal(mncr_face_chip_transform(pts, S, 0.25, &c), 0);
	/* the corner pixels sit on the corners of the fitted square */
	mncr_face_similarity_apply(&c, 0, 0, &x, &y);
	mncr_face_similarity_apply(&known, 0, 0, &ex, &ey);
	assert_float_equal(x, ex, 1e-3);
	assert_float_equal(y, ey, 1e-3);
	mncr_face_similarity_apply(&c, S - 1, S - 1, &x, &y);
	mncr_face_similarity_apply(&known, S, S, &ex, &ey);
	assert_float_equal(x, ex, 1e-3);
	assert_float_equal(y, ey, 1e-3);
	mncr_face_similarity_apply(&c, S - 1, 0, &x, &y);
	mncr_face_similarity_apply(&known, S, 0, &ex, &ey);
	assert_float_equal(x, ex, 1e-3);
	assert_float_equal(y, ey, 1e-3);
	/* scale: the fitted one times size / (size - 1) */
	assert_float_equal(hypot(c.a, c.b), 0.9 * S / (S - 1.0), 1e-6);
	/* brows and lower lip do not count: moving them changes nothing */
	for (int i = 17; i <= 26; i++)
		pts[i].y -= 30;
	for (int i = 55; i <= 59; i++)
		pts[i].y += 20;
	{
		struct mncr_face_similarity c2;

		assert_int_equal(mncr_face_chip_transform(pts, S, 0.25, &c2), 0);
		assert_float_equal(c2.a, c.a, 1e-9);
		assert_float_equal(c2.tx, c.tx, 1e-6);
	}
	assert_int_equal(mncr_face_chip_transform(pts, 1, 0.25, &c), -EINVAL);
	assert_int_equal(mncr_face_chip_transform(pts, S, -1, &c), -EINVAL);
}

static void test_extract(void **state)
{
	struct mncr_face_image img, chip;
	struct mncr_face_similarity id = { 1, 0, 0, 0 }, shift = { 1, 0, 3.5, 2 };
	struct mncr_face_similarity half = { 2, 0, 0.5, 0.5 };
	double sum_img = 0, sum_chip = 0;

	(void)state;
	assert_int_equal(mncr_face_image_alloc(&img, 64, 48), 0);
	for (int y = 0; y < 48; y++)
		for (int x = 0; x < 64; x++)
			img.px[y * 64 + x] = (uint8_t)((x * 3 + y * 2) ^ (x * y));
	assert_int_equal(mncr_face_image_alloc(&chip, 32, 24), 0);
	/* identity: the top-left corner pixel for pixel */
	assert_int_equal(mncr_face_chip_extract(&img, &id, &chip), 0);
	for (int y = 0; y < 24; y++)
		for (int x = 0; x < 32; x++)
			assert_int_equal(chip.px[y * 32 + x], img.px[y * 64 + x]);
	/* half-pixel shift: the mean of two neighbours */
	assert_int_equal(mncr_face_chip_extract(&img, &shift, &chip), 0);
	for (int y = 0; y < 24; y++)
		for (int x = 0; x < 32; x++) {
			int a = img.px[(y + 2) * 64 + x + 3], b = img.px[(y + 2) * 64 + x + 4];

			assert_true(abs(chip.px[y * 32 + x] - (a + b + 1) / 2) <= 1);
		}
	/* shrinking by 2 averages 2x2 blocks: the mean survives */
	assert_int_equal(mncr_face_chip_extract(&img, &half, &chip), 0);
	for (int i = 0; i < 64 * 48; i++)
		sum_img += img.px[i];
	for (int i = 0; i < 32 * 24; i++)
		sum_chip += chip.px[i];
	assert_float_equal(sum_chip / (32 * 24), sum_img / (64 * 48), 1.0);
	/* errors */
	half.a = NAN;
	assert_int_equal(mncr_face_chip_extract(&img, &half, &chip), -EINVAL);
	mncr_face_image_free(&chip);
	mncr_face_image_free(&img);
}

/* A face drawn in a chip, moved into an image, comes back into place. */
static void test_align_roundtrip(void **state)
{
	struct mncr_face_image img, chip;
	struct mncr_face_point pts[MNCR_FACE_LANDMARKS];
	struct mncr_face_similarity to_img = { 1.6 * 0.9848078, 1.6 * 0.1736482, 120, 40 };
	struct mncr_face_similarity to_chip;
	int bad = 0;

	(void)state;
	assert_int_equal(mncr_face_image_alloc(&img, 480, 400), 0);
	assert_int_equal(mncr_face_image_alloc(&chip, S, S), 0);
	assert_int_equal(mncr_face_similarity_invert(&to_img, &to_chip), 0);
	/* a smooth pattern defined in chip coordinates */
	for (int y = 0; y < 400; y++) {
		for (int x = 0; x < 480; x++) {
			double u, v;

			mncr_face_similarity_apply(&to_chip, x, y, &u, &v);
			img.px[y * 480 + x] = (uint8_t)(128 + 100 * sin(u / 9.0) * cos(v / 13.0));
		}
	}
	landmarks(&to_img, pts);
	assert_int_equal(mncr_face_align(&img, pts, &chip), 0);
	for (int y = 2; y < S - 2; y++) {
		for (int x = 2; x < S - 2; x++) {
			/* the chip's pixel x lies at x * S / (S - 1) of the fit */
			double u = (x - (S - 1) / 2.0) * S / (S - 1.0) + S / 2.0;
			double v = (y - (S - 1) / 2.0) * S / (S - 1.0) + S / 2.0;
			int want = (int)(128 + 100 * sin(u / 9.0) * cos(v / 13.0));

			bad += abs(chip.px[y * S + x] - want) > 6;
		}
	}
	assert_int_equal(bad, 0);
	mncr_face_image_free(&chip);
	assert_int_equal(mncr_face_image_alloc(&chip, 100, 100), 0);
	assert_int_equal(mncr_face_align(&img, pts, &chip), -EINVAL);
	mncr_face_image_free(&chip);
	mncr_face_image_free(&img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fit_exact),
		cmocka_unit_test(test_fit_noise),
		cmocka_unit_test(test_fit_errors),
		cmocka_unit_test(test_invert),
		cmocka_unit_test(test_chip_layout),
		cmocka_unit_test(test_extract),
		cmocka_unit_test(test_align_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
