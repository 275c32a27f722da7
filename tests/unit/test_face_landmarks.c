// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The 68-point landmark network on synthetic faces: points finite and
 * about the box, the same with a reused workspace, moving with the face
 * (shift and scale), box errors, weight checks. Needs the model
 * (scripts/fetch-models; $MNCR_MODELS, default build/models) and skips
 * without it. Agreement with face-api itself (to 1e-3 pixel on LFW crops,
 * square and padded) was checked at development time with node.
 */
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

#include "face/face_landmarks.h"

#define N MNCR_FACE_LANDMARKS

static const char *models_dir(void)
{
	const char *d = getenv("MNCR_MODELS");

	return d && *d ? d : "build/models";
}

/* A cartoon face centred at (cx, cy), k pixels per unit, on grey. */
static void draw_face(struct mncr_face_image *img, double cx, double cy, double k)
{
	for (int y = 0; y < img->h; y++) {
		for (int x = 0; x < img->w; x++) {
			double u = (x + 0.5 - cx) / k, v = (y + 0.5 - cy) / k;
			int val = 110;

			if (u * u / (48.0 * 48) + v * v / (62.0 * 62) <= 1) {
				val = 185 - (int)fabs(u) / 2;
				if (((u + 20) * (u + 20) / 121 + (v + 14) * (v + 14) / 36 <= 1) ||
				    ((u - 20) * (u - 20) / 121 + (v + 14) * (v + 14) / 36 <= 1))
					val = 40;
				if (u * u / 324 + (v - 30) * (v - 30) / 25 <= 1)
					val = 90;
				if (fabs(u) < 3 && v > -5 && v < 15)
					val -= 40;
			}
			img->px[(size_t)y * (size_t)img->w + (size_t)x] = (uint8_t)val;
		}
	}
}

static struct mncr_face_landmarker *lm;

static int setup(void **state)
{
	char err[256];

	(void)state;
	if (mncr_face_landmarker_load(&lm, models_dir(), err, sizeof(err)))
		print_message("landmark model not loaded (%s): tests skip; run scripts/fetch-models\n",
			      err);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mncr_face_landmarker_free(lm);
	return 0;
}

#define NEED_MODEL()							\
	do {								\
		if (!lm) {						\
			print_message("skipped: no model in %s\n", models_dir()); \
			skip();						\
		}							\
	} while (0)

static void mean_point(const struct mncr_face_point *p, double *x, double *y)
{
	*x = *y = 0;
	for (int i = 0; i < N; i++) {
		*x += p[i].x / N;
		*y += p[i].y / N;
	}
}

static void test_points(void **state)
{
	struct mncr_face_image img;
	struct mncr_face_landmark_ws *ws;
	struct mncr_face_box box = { 100, 80, 150, 160, 1 };
	struct mncr_face_point a[N], b[N];
	double ax, ay;

	(void)state;
	NEED_MODEL();	/* before any allocation: a skip must not leak */
	ws = mncr_face_landmark_ws_new();
	assert_non_null(ws);
	assert_int_equal(mncr_face_image_alloc(&img, 400, 320), 0);
	draw_face(&img, 175, 160, 1.1);
	assert_int_equal(mncr_face_landmarks(lm, ws, &img, &box, a), 0);
	for (int i = 0; i < N; i++) {
		assert_true(isfinite(a[i].x) && isfinite(a[i].y));
		/* about the box (the jaw may reach a little out) */
		assert_true(a[i].x > box.x - 40 && a[i].x < box.x + box.w + 40);
		assert_true(a[i].y > box.y - 40 && a[i].y < box.y + box.h + 40);
	}
	/* the left eye (36-41) left of the right eye (42-47), mouth below the nose */
	assert_true(a[36].x < a[45].x);
	assert_true(a[57].y > a[30].y);
	/* same again, fresh workspace */
	assert_int_equal(mncr_face_landmarks(lm, NULL, &img, &box, b), 0);
	assert_memory_equal(a, b, sizeof(a));
	/* the face and its box moved by (40, 20): the points follow */
	draw_face(&img, 215, 180, 1.1);
	box.x += 40;
	box.y += 20;
	assert_int_equal(mncr_face_landmarks(lm, ws, &img, &box, b), 0);
	for (int i = 0; i < N; i++) {
		assert_float_equal(b[i].x, a[i].x + 40, 0.5);
		assert_float_equal(b[i].y, a[i].y + 20, 0.5);
	}
	mean_point(a, &ax, &ay);
	assert_float_equal(ax, 175, 25);
	assert_float_equal(ay, 160, 35);
	mncr_face_landmark_ws_free(ws);
	mncr_face_image_free(&img);
}

static void test_box_errors(void **state)
{
	struct mncr_face_image img;
	struct mncr_face_box out = { 500, 500, 50, 50, 1 }, tiny = { 10, 10, 3, 3, 1 };
	struct mncr_face_box nan_box = { NAN, 0, 50, 50, 1 }, edge = { -30, -30, 100, 100, 1 };
	struct mncr_face_point p[N];

	(void)state;
	NEED_MODEL();
	assert_int_equal(mncr_face_image_alloc(&img, 200, 200), 0);
	draw_face(&img, 40, 40, 0.6);
	assert_int_equal(mncr_face_landmarks(lm, NULL, &img, &out, p), -EINVAL);
	assert_int_equal(mncr_face_landmarks(lm, NULL, &img, &tiny, p), -EINVAL);
	assert_int_equal(mncr_face_landmarks(lm, NULL, &img, &nan_box, p), -EINVAL);
	/* a box over the edge is clipped, like face-api does */
	assert_int_equal(mncr_face_landmarks(lm, NULL, &img, &edge, p), 0);
	assert_int_equal(mncr_face_landmarks(NULL, NULL, &img, &edge, p), -EINVAL);
	mncr_face_image_free(&img);
}

static void test_weights(void **state)
{
	struct mncr_face_weights w;
	struct mncr_face_landmarker *l2;
	char path[4096], err[256];

	(void)state;
	NEED_MODEL();
	snprintf(path, sizeof(path), "%s/%s", models_dir(), MNCR_FACE_LANDMARK_MANIFEST);
	assert_int_equal(mncr_face_weights_load(&w, path, NULL, 0, err, sizeof(err)), 0);
	assert_int_equal(mncr_face_landmarker_from_weights(&l2, &w, err, sizeof(err)), 0);
	mncr_face_landmarker_free(l2);
	for (size_t i = 0; i < w.n; i++)
		if (!strcmp(w.w[i].name, "fc/bias"))
			w.w[i].name[0] = 'x';
	assert_int_equal(mncr_face_landmarker_from_weights(&l2, &w, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "fc/bias"));
	mncr_face_weights_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_points),
		cmocka_unit_test(test_box_errors),
		cmocka_unit_test(test_weights),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
