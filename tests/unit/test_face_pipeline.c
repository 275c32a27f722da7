// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The whole pipeline on synthetic images: a blank frame (no face, with its
 * reason), a drawn face through the steps after detection (landmarks,
 * chip, gates, embedding, template), option and argument errors. Needs the
 * models (scripts/fetch-models; $MNCR_MODELS, default build/models) and
 * skips without them. A real photograph, when $MNCR_FACE_TEST_IMAGE names
 * one (no face image ships with the project or Debian's packages here),
 * must give a face that passes the gates. Both embedding networks go
 * through the pipeline on the project's test photo: their template
 * dimension, the 512-d one against its own steps, their thresholds.
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

#include "face/face_decision.h"
#include "face/face_embed.h"
#include "face/face_mfn.h"
#include "face/face_mfn512.h"
#include "face/face_pipeline.h"
#include "face/face_quantize.h"
#include "face/match.h"

#define PHOTO "tests/faces/eileen_collins.png"

static const char *models_dir(void)
{
	const char *d = getenv("MNCR_MODELS");

	return d && *d ? d : "build/models";
}

static struct mncr_face_pipeline *pl, *pl512;	/* resnet, mfn512 */
static struct mncr_face_pipeline_ws *ws;
static struct mncr_face_result res, res2;

static int setup(void **state)
{
	char err[256];

	(void)state;
	if (mncr_face_pipeline_load_network(&pl, models_dir(), MNCR_FACE_NET_RESNET,
					    err, sizeof(err)))
		print_message("models not loaded (%s): tests skip; run scripts/fetch-models\n", err);
	if (mncr_face_pipeline_load_network(&pl512, models_dir(), MNCR_FACE_NET_MFN512,
					    err, sizeof(err)))
		print_message("mfn512 not loaded (%s): its tests skip\n", err);
	ws = mncr_face_pipeline_ws_new();
	return ws ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	mncr_face_pipeline_ws_free(ws);
	mncr_face_pipeline_free(pl);
	mncr_face_pipeline_free(pl512);
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

static void test_network_names(void **state)
{
	enum mncr_face_network n = MNCR_FACE_NET_COUNT;
	struct mncr_face_pipeline *p = (void *)&n;
	char err[256];

	(void)state;
	assert_int_equal(mncr_face_network_parse("mfn512", &n), 0);
	assert_int_equal(n, MNCR_FACE_NET_MFN512);
	assert_string_equal(mncr_face_network_name(n), "mfn512");
	assert_int_equal(mncr_face_network_dim(n), 512);
	assert_int_equal(mncr_face_network_parse("resnet", &n), 0);
	assert_int_equal(n, MNCR_FACE_NET_RESNET);
	assert_int_equal(mncr_face_network_dim(n), 128);
	assert_int_equal(mncr_face_network_parse("ResNet", &n), -EINVAL);
	assert_int_equal(mncr_face_network_parse(NULL, &n), -EINVAL);
	assert_int_equal(mncr_face_network_dim(MNCR_FACE_NET_COUNT), 0);
	assert_string_equal(mncr_face_network_name(MNCR_FACE_NET_COUNT), "?");
	assert_int_equal(mncr_face_pipeline_load_network(&p, models_dir(), MNCR_FACE_NET_COUNT,
							 err, sizeof(err)), -EINVAL);
	assert_null(p);
	assert_int_equal(mncr_face_pipeline_load_network(&p, "/nonexistent", MNCR_FACE_NET_MFN512,
							 err, sizeof(err)), -ENOENT);
	assert_null(p);
}

static void test_thresholds_per_network(void **state)
{
	(void)state;
	assert_int_equal(mncr_face_threshold(MNCR_FACE_NET_RESNET, 1e-3),
			 MNCR_FACE_THRESHOLD_FMR_1E3);
	assert_int_equal(mncr_face_threshold(MNCR_FACE_NET_RESNET, 1e-4),
			 MNCR_FACE_THRESHOLD_FMR_1E4);
	assert_int_equal(mncr_face_threshold(MNCR_FACE_NET_MFN512, 1e-3),
			 MNCR_FACE_MFN512_THRESHOLD_FMR_1E3);
	assert_int_equal(mncr_face_threshold(MNCR_FACE_NET_MFN512, 1e-4),
			 MNCR_FACE_MFN512_THRESHOLD_FMR_1E4);
	assert_int_equal(mncr_face_threshold(MNCR_FACE_NET_COUNT, 1e-3), INT32_MAX);
}

/*
 * p's result on the photo: its network's dimension, a template that is
 * the embedding quantised with nothing past dim, a self score that passes
 * its network's strictest threshold. The score is returned.
 */
static int32_t check_photo(const struct mncr_face_pipeline *p,
			   enum mncr_face_network n, struct mncr_face_result *r,
			   const struct mncr_face_pipeline_opts *o)
{
	struct mncr_face_image img;
	int8_t t[MNCR_FACE_TEMPLATE_MAX];
	size_t dim = mncr_face_network_dim(n);
	char err[256];
	int32_t self;

	assert_int_equal(mncr_face_image_load(PHOTO, &img, err, sizeof(err)), 0);
	assert_int_equal(mncr_face_pipeline_network(p), n);
	assert_int_equal(mncr_face_pipeline_dim(p), dim);
	assert_int_equal(mncr_face_pipeline_run(p, ws, &img, o, r), 0);
	assert_int_equal(r->status, MNCR_FACE_OK);
	assert_int_equal(r->network, n);
	assert_int_equal(r->dim, (int)dim);
	assert_true(r->embedded);
	assert_int_equal(mncr_face_quantize(r->embedding, dim, t), 0);
	assert_memory_equal(t, r->templ, dim);
	for (size_t i = dim; i < MNCR_FACE_TEMPLATE_MAX; i++)
		assert_true(r->templ[i] == 0 && r->embedding[i] == 0);
	mncr_match_score_ref(r->templ, 1, r->templ, 1, dim, &self);
	assert_true(self >= mncr_face_threshold(n, 1e-4));
	assert_true(self <= MNCR_FACE_SCORE_MAX);
	mncr_face_image_free(&img);
	return self;
}

static void test_both_networks_on_photo(void **state)
{
	struct mncr_face_pipeline_opts o;
	struct mncr_face_image img, chip;
	float e[MNCR_FACE_MFN512_DIM];
	struct mncr_face_mfn512 *m;
	struct mncr_face_mfn512_ws *mws;
	char err[256];

	(void)state;
	NEED_MODEL();
	if (!pl512) {
		print_message("skipped: no %s in %s\n", MNCR_FACE_MFN512_FILE, models_dir());
		skip();
	}
	check_photo(pl, MNCR_FACE_NET_RESNET, &res, NULL);
	check_photo(pl512, MNCR_FACE_NET_MFN512, &res2, NULL);
	/* the same landmarks, whichever network embeds */
	assert_memory_equal(res.pts, res2.pts, sizeof(res.pts));
	/* the 512-d embedding is its network's on the ArcFace chip, no mirror */
	assert_int_equal(mncr_face_image_load(PHOTO, &img, err, sizeof(err)), 0);
	assert_int_equal(mncr_face_image_alloc(&chip, MNCR_FACE_MFN512_SIZE,
					       MNCR_FACE_MFN512_SIZE), 0);
	assert_int_equal(mncr_face_mfn_align(&img, res2.pts, &chip), 0);
	assert_int_equal(mncr_face_mfn512_load(&m, models_dir(), err, sizeof(err)), 0);
	mws = mncr_face_mfn512_ws_new(m);
	assert_non_null(mws);
	assert_int_equal(mncr_face_mfn512_embed(m, mws, chip.px, MNCR_FACE_MFN512_SIZE, e), 0);
	for (int i = 0; i < MNCR_FACE_MFN512_DIM; i++)
		assert_float_equal(e[i], res2.embedding[i], 1e-4);
	mncr_face_pipeline_opts_default(&o);
	o.mirror = 0;
	check_photo(pl512, MNCR_FACE_NET_MFN512, &res, &o);
	assert_memory_equal(res.templ, res2.templ, MNCR_FACE_MFN512_DIM);
	mncr_face_mfn512_ws_free(mws);
	mncr_face_mfn512_free(m);
	mncr_face_image_free(&chip);
	mncr_face_image_free(&img);
}

/* A drawn face is not the photo's person, at either network's threshold. */
static void test_other_face_below_threshold(void **state)
{
	const struct mncr_face_pipeline *p[2] = { pl, pl512 };
	struct mncr_face_pipeline_opts o;
	struct mncr_face_image img;
	struct mncr_face_box box = { 200, 140, 240, 250, 1 };
	int32_t s;

	(void)state;
	NEED_MODEL();
	if (!pl512)
		skip();
	assert_int_equal(mncr_face_image_alloc(&img, 640, 480), 0);
	draw_face(&img, 320, 260, 1.8);
	mncr_face_pipeline_opts_default(&o);
	o.check_quality = 0;
	for (int k = 0; k < 2; k++) {
		enum mncr_face_network n = mncr_face_pipeline_network(p[k]);

		check_photo(p[k], n, &res, NULL);
		assert_int_equal(mncr_face_pipeline_run_box(p[k], ws, &img, &box, &o, &res2), 0);
		assert_int_equal(res2.dim, res.dim);
		mncr_match_score_ref(res.templ, 1, res2.templ, 1, (size_t)res.dim, &s);
		print_message("%s: photo vs drawn face: score %d (cosine %.3f), threshold %d\n",
			      mncr_face_network_name(n), s, mncr_face_score_cosine(s),
			      mncr_face_threshold(n, 1e-3));
		assert_true(s < mncr_face_threshold(n, 1e-3));
	}
	mncr_face_image_free(&img);
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
		cmocka_unit_test(test_network_names),
		cmocka_unit_test(test_thresholds_per_network),
		cmocka_unit_test(test_both_networks_on_photo),
		cmocka_unit_test(test_other_face_below_threshold),
		cmocka_unit_test(test_real_photo),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
