// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The whole pipeline on synthetic images: a blank frame (no face, with its
 * reason), a drawn face through the steps after detection (landmarks,
 * chip, gates, embedding, template), option and argument errors. Needs the
 * models (scripts/fetch-models; $MNCR_MODELS, default build/models) and
 * skips without them. A real photograph, when $MNCR_FACE_TEST_IMAGE names
 * one (no face image ships with the project or Debian's packages here),
 * must give a face that passes the gates.
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

#include "face/face_embed.h"
#include "face/face_pipeline.h"
#include "face/face_quantize.h"

static const char *models_dir(void)
{
	const char *d = getenv("MNCR_MODELS");

	return d && *d ? d : "build/models";
}

static struct mncr_face_pipeline *pl;
static struct mncr_face_pipeline_ws *ws;
static struct mncr_face_result res, res2;

static int setup(void **state)
{
	char err[256];

	(void)state;
	if (mncr_face_pipeline_load(&pl, models_dir(), err, sizeof(err)))
		print_message("models not loaded (%s): tests skip; run scripts/fetch-models\n", err);
	ws = mncr_face_pipeline_ws_new();
	return ws ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	mncr_face_pipeline_ws_free(ws);
	mncr_face_pipeline_free(pl);
	return 0;
}

#define NEED_MODEL()							\
	do {								\
		if (!pl) {						\
			print_message("skipped: no models in %s\n", models_dir()); \
			skip();						\
		}							\
	} while (0)

/* Shaded face with eyes, brows, nose and mouth, centred at (cx, cy). */
static void draw_face(struct mncr_face_image *img, double cx, double cy, double k)
{
	for (int y = 0; y < img->h; y++) {
		for (int x = 0; x < img->w; x++) {
			double u = (x + 0.5 - cx) / k, v = (y + 0.5 - cy) / k;
			int val = 90 + (x * 7 + y * 3) % 5;

			if (u * u / (48.0 * 48) + v * v / (62.0 * 62) <= 1) {
				val = 185 - (int)fabs(u) / 2 - (int)v / 8;
				if (((u + 20) * (u + 20) / 121 + (v + 14) * (v + 14) / 36 <= 1) ||
				    ((u - 20) * (u - 20) / 121 + (v + 14) * (v + 14) / 36 <= 1))
					val = 40;
				if (fabs(v + 26) < 2 && fabs(fabs(u) - 20) < 12)
					val = 60;
				if (u * u / 324 + (v - 30) * (v - 30) / 25 <= 1)
					val = 90;
				if (fabs(u) < 3 && v > -5 && v < 15)
					val -= 40;
			}
			img->px[(size_t)y * (size_t)img->w + (size_t)x] = (uint8_t)val;
		}
	}
}

static void test_blank(void **state)
{
	struct mncr_face_image img;

	(void)state;
	NEED_MODEL();
	assert_int_equal(mncr_face_image_alloc(&img, 640, 480), 0);
	memset(img.px, 100, 640 * 480);
	assert_int_equal(mncr_face_pipeline_run(pl, ws, &img, NULL, &res), 0);
	assert_int_equal(res.status, MNCR_FACE_NO_FACE);
	assert_int_equal(res.n_faces, 0);
	assert_int_equal(res.input_size, 320);	/* every size was tried */
	assert_string_equal(res.reason, "no face found");
	mncr_face_image_free(&img);
}

static void test_box_steps(void **state)
{
	struct mncr_face_image img;
	struct mncr_face_pipeline_opts o;
	struct mncr_face_box box = { 200, 140, 240, 250, 1 };
	int8_t t[MNCR_FACE_EMBED_DIM];
	long sum = 0;

	(void)state;
	NEED_MODEL();
	assert_int_equal(mncr_face_image_alloc(&img, 640, 480), 0);
	draw_face(&img, 320, 260, 1.8);
	mncr_face_pipeline_opts_default(&o);
	o.check_quality = 0;
	assert_int_equal(mncr_face_pipeline_run_box(pl, ws, &img, &box, &o, &res), 0);
	assert_int_equal(res.status, MNCR_FACE_OK);
	assert_string_equal(res.reason, "");
	assert_memory_equal(&res.box, &box, sizeof(box));
	for (int i = 0; i < MNCR_FACE_EMBED_DIM; i++)
		assert_true(isfinite(res.embedding[i]));
	assert_int_equal(mncr_face_quantize(res.embedding, MNCR_FACE_EMBED_DIM, t), 0);
	assert_memory_equal(t, res.templ, sizeof(t));
	for (size_t i = 0; i < sizeof(res.chip); i++)
		sum += res.chip[i];
	assert_true(sum > 40L * (long)sizeof(res.chip));	/* the face, not black */
	assert_true(res.quality.eye_distance > 0);
	/* deterministic, also with a new workspace */
	{
		struct mncr_face_pipeline_ws *w2 = mncr_face_pipeline_ws_new();

		assert_non_null(w2);
		assert_int_equal(mncr_face_pipeline_run_box(pl, w2, &img, &box, &o, &res2), 0);
		assert_memory_equal(res.embedding, res2.embedding, sizeof(res.embedding));
		mncr_face_pipeline_ws_free(w2);
	}
	/* impossible gates: QUALITY with the reasons, the embedding still there */
	o.check_quality = 1;
	o.limits.min_eye_distance = 1e6f;
	o.limits.min_sharpness = 1e9f;
	assert_int_equal(mncr_face_pipeline_run_box(pl, ws, &img, &box, &o, &res2), 0);
	assert_int_equal(res2.status, MNCR_FACE_QUALITY);
	assert_true(res2.fails & MNCR_FACE_Q_SMALL);
	assert_true(res2.fails & MNCR_FACE_Q_BLUR);
	assert_non_null(strstr(res2.reason, "face too small"));
	assert_non_null(strstr(res2.reason, "out of focus"));
	assert_memory_equal(res.embedding, res2.embedding, sizeof(res.embedding));
	assert_int_equal(res.embedded, 1);
	/* the embedding is the mean of the network's for the chip and its mirror */
	{
		uint8_t flip[MNCR_FACE_CHIP_SIZE * MNCR_FACE_CHIP_SIZE];
		float a[MNCR_FACE_EMBED_DIM], b[MNCR_FACE_EMBED_DIM];
		const int n = MNCR_FACE_CHIP_SIZE;

		for (int y = 0; y < n; y++)
			for (int x = 0; x < n; x++)
				flip[y * n + x] = res.chip[y * n + n - 1 - x];
		assert_int_equal(mncr_face_embed(mncr_face_pipeline_net(pl), NULL,
						 res.chip, 1, n, a), 0);
		assert_int_equal(mncr_face_embed(mncr_face_pipeline_net(pl), NULL,
						 flip, 1, n, b), 0);
		for (int i = 0; i < MNCR_FACE_EMBED_DIM; i++)
			assert_float_equal(res.embedding[i], (a[i] + b[i]) / 2, 1e-6);
		o.check_quality = 0;
		o.mirror = 0;
		assert_int_equal(mncr_face_pipeline_run_box(pl, ws, &img, &box, &o, &res2), 0);
		assert_memory_equal(res2.embedding, a, sizeof(a));
		o.mirror = 1;
	}
	/* embed 0: the same landmarks and chip, no embedding */
	o.check_quality = 0;
	o.embed = 0;
	assert_int_equal(mncr_face_pipeline_run_box(pl, ws, &img, &box, &o, &res2), 0);
	assert_int_equal(res2.status, MNCR_FACE_OK);
	assert_int_equal(res2.embedded, 0);
	assert_memory_equal(res.pts, res2.pts, sizeof(res.pts));
	assert_memory_equal(res.chip, res2.chip, sizeof(res.chip));
	for (int i = 0; i < MNCR_FACE_EMBED_DIM; i++)
		assert_true(res2.embedding[i] == 0 && res2.templ[i] == 0);
	/* a box outside the image */
	box.x = 5000;
	assert_int_equal(mncr_face_pipeline_run_box(pl, ws, &img, &box, &o, &res2), 0);
	assert_int_equal(res2.status, MNCR_FACE_BAD_LANDMARKS);
	assert_true(res2.reason[0] != 0);
	mncr_face_image_free(&img);
}

static void test_errors(void **state)
{
	struct mncr_face_image img, empty = { 0, 0, NULL };
	struct mncr_face_pipeline_opts o;

	(void)state;
	NEED_MODEL();
	assert_int_equal(mncr_face_image_alloc(&img, 64, 64), 0);
	mncr_face_pipeline_opts_default(&o);
	o.sizes[0] = 100;	/* not a multiple of 32 */
	assert_int_equal(mncr_face_pipeline_run(pl, ws, &img, &o, &res), -EINVAL);
	assert_string_equal(res.reason, "invalid options");
	mncr_face_pipeline_opts_default(&o);
	o.min_score = 0;
	assert_int_equal(mncr_face_pipeline_run(pl, ws, &img, &o, &res), -EINVAL);
	assert_int_equal(mncr_face_pipeline_run(pl, ws, &empty, NULL, &res), -EINVAL);
	assert_string_equal(res.reason, "invalid arguments");
	assert_int_equal(mncr_face_pipeline_run(pl, NULL, &img, NULL, &res), -EINVAL);
	assert_int_equal(mncr_face_pipeline_run(pl, ws, &img, NULL, NULL), -EINVAL);
	assert_int_equal(mncr_face_pipeline_run_box(pl, ws, &img, NULL, NULL, &res), -EINVAL);
	mncr_face_image_free(&img);
}

static void test_load_errors(void **state)
{
	struct mncr_face_pipeline *p;
	char err[256];

	(void)state;
	assert_int_equal(mncr_face_pipeline_load(&p, "/nonexistent", err, sizeof(err)), -ENOENT);
	assert_null(p);
	assert_non_null(strstr(err, "/nonexistent"));
}

static void test_real_photo(void **state)
{
	const char *path = getenv("MNCR_FACE_TEST_IMAGE");
	struct mncr_face_image img;
	char err[256];

	(void)state;
	NEED_MODEL();
	if (!path || !*path) {
		print_message("skipped: set MNCR_FACE_TEST_IMAGE to a frontal face photograph\n");
		skip();
	}
	assert_int_equal(mncr_face_image_load(path, &img, err, sizeof(err)), 0);
	assert_int_equal(mncr_face_pipeline_run(pl, ws, &img, NULL, &res), 0);
	print_message("%s: %d face(s), status %d %s\n", path, res.n_faces, res.status, res.reason);
	assert_true(res.n_faces >= 1);
	assert_int_equal(res.status, MNCR_FACE_OK);
	mncr_face_image_free(&img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blank),
		cmocka_unit_test(test_box_steps),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_real_photo),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
