// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The face detector: anchor decoding and non-maximum suppression on hand
 * cases, its layers (depthwise 3x3, 2x2 "same" pooling) against naive
 * loops, and the model on synthetic images (needs scripts/fetch-models;
 * $MNCR_MODELS, default build/models; skips without it). Agreement with
 * face-api itself was checked at development time (same boxes and scores
 * to 1e-5 on LFW images); it needs node and is not repeated here.
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

#include "face/face_detect.h"
#include "face/face_tensor.h"

static const char *models_dir(void)
{
	const char *d = getenv("MNCR_MODELS");

	return d && *d ? d : "build/models";
}

static float logit(float p)
{
	return logf(p / (1 - p));
}

static void test_decode(void **state)
{
	/* 2x2 cells, anchor 1 of cell (row 1, col 0) fires */
	float grid[2 * 2 * 25];
	struct mncr_face_box b[4];
	int n;

	(void)state;
	for (size_t i = 0; i < sizeof(grid) / sizeof(grid[0]); i++)
		grid[i] = -10;	/* scores ~0, offsets sigmoid ~0 */
	{
		float *v = grid + (1 * 2 + 0) * 25 + 5 * 1;

		v[0] = 0;		/* sigmoid 0.5 */
		v[1] = logit(0.25f);
		v[2] = logf(2);		/* twice the anchor */
		v[3] = 0;
		v[4] = logit(0.9f);
	}
	assert_int_equal(mncr_face_detect_decode(grid, 2, 0.5f, b, 4, &n), 0);
	assert_int_equal(n, 1);
	/* centre (0.5 * 32, 1.25 * 32), size (2 * 6.041143 * 32, 7.080126 * 32) */
	assert_float_equal(b[0].w, 2 * 6.041143f * 32, 1e-3);
	assert_float_equal(b[0].h, 7.080126f * 32, 1e-3);
	assert_float_equal(b[0].x + b[0].w / 2, 16, 1e-3);
	assert_float_equal(b[0].y + b[0].h / 2, 40, 1e-3);
	assert_float_equal(b[0].score, 0.9f, 1e-5);
	/* a lower bar lets all 20 through; max truncates, n counts all */
	assert_int_equal(mncr_face_detect_decode(grid, 2, 1e-6f, b, 4, &n), 0);
	assert_int_equal(n, 20);
	assert_float_equal(b[0].w, 1.603231f * 32 * expf(-10), 1e-4);
	/* wild values stay finite */
	grid[2] = 1e30f;
	grid[4] = 10;
	assert_int_equal(mncr_face_detect_decode(grid, 2, 0.5f, b, 4, &n), 0);
	assert_true(isfinite(b[0].w));
	assert_int_equal(mncr_face_detect_decode(NULL, 2, 0.5f, b, 4, &n), -EINVAL);
	assert_int_equal(mncr_face_detect_decode(grid, 0, 0.5f, b, 4, &n), -EINVAL);
}

static void test_iou(void **state)
{
	struct mncr_face_box a = { 0, 0, 10, 10, 1 }, b = a, c = { 5, 0, 10, 10, 1 };
	struct mncr_face_box d = { 20, 20, 5, 5, 1 }, e = { 0, 0, 0, 10, 1 };

	(void)state;
	assert_float_equal(mncr_face_box_iou(&a, &b), 1, 1e-6);
	assert_float_equal(mncr_face_box_iou(&a, &c), 50.0 / 150.0, 1e-6);
	assert_float_equal(mncr_face_box_iou(&a, &d), 0, 0);
	assert_float_equal(mncr_face_box_iou(&a, &e), 0, 0);
}

static void test_nms(void **state)
{
	struct mncr_face_box b[5] = {
		{ 0, 0, 10, 10, 0.6f },		/* overlaps the best by 0.82 */
		{ 100, 0, 10, 10, 0.7f },	/* alone */
		{ 1, 0, 10, 10, 0.9f },		/* the best */
		{ 5, 0, 10, 10, 0.5f },		/* 0.43 with the best */
		{ 6, 0, 10, 10, 0.5f },		/* 0.33 with the best, 0.82 with [3] */
	};

	(void)state;
	/*
	 * IoU limit 0.4: 0.9 and 0.7 kept, 0.6 and [3] dropped; [4] stays
	 * (its big overlap is with [3], which is gone)
	 */
	assert_int_equal(mncr_face_nms(b, 5, 0.4f), 3);
	assert_float_equal(b[0].score, 0.9f, 0);
	assert_float_equal(b[1].score, 0.7f, 0);
	assert_float_equal(b[2].x, 6, 0);

	struct mncr_face_box c[3] = {
		{ 0, 0, 10, 10, 0.5f }, { 7, 0, 10, 10, 0.5f }, { 0, 0, 10, 10, 0.8f },
	};
	/* limit 1 keeps everything, sorted, ties in their order */
	assert_int_equal(mncr_face_nms(c, 3, 1.0f), 3);
	assert_float_equal(c[0].score, 0.8f, 0);
	assert_float_equal(c[1].x, 0, 0);
	assert_float_equal(c[2].x, 7, 0);
	assert_int_equal(mncr_face_nms(c, 0, 0.4f), 0);
}

static void test_largest(void **state)
{
	struct mncr_face_box b[3] = {
		{ 0, 0, 10, 10, 0.9f }, { 0, 0, 20, 20, 0.5f }, { 0, 0, 20, 20, 0.6f },
	};

	(void)state;
	assert_int_equal(mncr_face_box_largest(b, 3), 2);
	assert_int_equal(mncr_face_box_largest(b, 1), 0);
	assert_int_equal(mncr_face_box_largest(b, 0), -1);
}

static float frand(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (float)((*s >> 8) & 0xffff) / 32768.0f - 1.0f;
}

/* TensorFlow "same": pad before = floor(total / 2). */
static float dw_naive(const struct mncr_face_tensor *in, const float *w,
		      int stride, int y, int x, int ch)
{
	int outh = (in->h + stride - 1) / stride, outw = (in->w + stride - 1) / stride;
	int th = (outh - 1) * stride + 3 - in->h, tw = (outw - 1) * stride + 3 - in->w;
	int by = th > 0 ? th / 2 : 0, bx = tw > 0 ? tw / 2 : 0;
	float s = 0;

	for (int ky = 0; ky < 3; ky++) {
		for (int kx = 0; kx < 3; kx++) {
			int iy = y * stride - by + ky, ix = x * stride - bx + kx;

			if (iy < 0 || ix < 0 || iy >= in->h || ix >= in->w)
				continue;
			s += mncr_face_tensor_px(in, iy, ix)[ch] * w[(ky * 3 + kx) * in->c + ch];
		}
	}
	return s;
}

static void test_depthwise(void **state)
{
	/* odd and even sizes, channel counts for every vector width */
	const int shapes[][3] = { { 7, 5, 16 }, { 8, 8, 32 }, { 6, 9, 8 }, { 5, 4, 3 },
				  { 14, 14, 64 }, { 3, 3, 4 } };
	unsigned seed = 1;

	(void)state;
	for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
		for (int stride = 1; stride <= 2; stride++) {
			struct mncr_face_tensor in, out;
			int h = shapes[s][0], w = shapes[s][1], c = shapes[s][2];
			float *k = malloc(9 * (size_t)c * sizeof(float));

			assert_non_null(k);
			assert_int_equal(mncr_face_tensor_alloc(&in, h, w, c, 1), 0);
			assert_int_equal(mncr_face_tensor_alloc(&out, (h + stride - 1) / stride,
								(w + stride - 1) / stride, c, 0), 0);
			for (int i = 0; i < 9 * c; i++)
				k[i] = frand(&seed);
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++)
					for (int ch = 0; ch < c; ch++)
						mncr_face_tensor_px(&in, y, x)[ch] = frand(&seed);
			assert_int_equal(mncr_face_depthwise3x3(&in, k, stride, 0, &out), 0);
			for (int y = 0; y < out.h; y++)
				for (int x = 0; x < out.w; x++)
					for (int ch = 0; ch < c; ch++)
						assert_float_equal(mncr_face_tensor_px(&out, y, x)[ch],
								   dw_naive(&in, k, stride, y, x, ch), 1e-5);
			/* relu_in reads max(in, 0) */
			assert_int_equal(mncr_face_depthwise3x3(&in, k, stride, 1, &out), 0);
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++)
					for (int ch = 0; ch < c; ch++) {
						float *p = mncr_face_tensor_px(&in, y, x) + ch;

						*p = *p < 0 ? 0 : *p;
					}
			for (int y = 0; y < out.h; y++)
				for (int x = 0; x < out.w; x++)
					for (int ch = 0; ch < c; ch++)
						assert_float_equal(mncr_face_tensor_px(&out, y, x)[ch],
								   dw_naive(&in, k, stride, y, x, ch), 1e-5);
			mncr_face_tensor_free(&in);
			mncr_face_tensor_free(&out);
			free(k);
		}
	}
}

static void test_depthwise_errors(void **state)
{
	struct mncr_face_tensor a, b;
	float k[9 * 4] = { 0 };

	(void)state;
	assert_int_equal(mncr_face_tensor_alloc(&a, 4, 4, 4, 0), 0);
	assert_int_equal(mncr_face_tensor_alloc(&b, 4, 4, 4, 1), 0);
	assert_int_equal(mncr_face_depthwise3x3(&a, k, 1, 0, &b), -EINVAL);	/* no border */
	assert_int_equal(mncr_face_depthwise3x3(&b, k, 3, 0, &a), -EINVAL);	/* stride */
	assert_int_equal(mncr_face_depthwise3x3(&b, k, 2, 0, &a), -EINVAL);	/* size */
	assert_int_equal(mncr_face_depthwise3x3(&b, NULL, 1, 0, &a), -EINVAL);
	assert_int_equal(mncr_face_depthwise3x3(&b, k, 1, 0, &a), 0);
	mncr_face_tensor_free(&a);
	mncr_face_tensor_free(&b);
}

static void test_maxpool_same(void **state)
{
	const int shapes[][3] = { { 7, 5, 16 }, { 8, 8, 32 }, { 5, 3, 3 }, { 1, 1, 8 } };
	unsigned seed = 7;

	(void)state;
	for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
		for (int stride = 1; stride <= 2; stride++) {
			struct mncr_face_tensor in, out;
			int h = shapes[s][0], w = shapes[s][1], c = shapes[s][2];

			assert_int_equal(mncr_face_tensor_alloc(&in, h, w, c, 0), 0);
			assert_int_equal(mncr_face_tensor_alloc(&out, (h + stride - 1) / stride,
								(w + stride - 1) / stride, c, 1), 0);
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++)
					for (int ch = 0; ch < c; ch++)
						mncr_face_tensor_px(&in, y, x)[ch] = frand(&seed);
			assert_int_equal(mncr_face_maxpool2_same(&in, stride, 0.1f, &out), 0);
			for (int y = 0; y < out.h; y++) {
				for (int x = 0; x < out.w; x++) {
					for (int ch = 0; ch < c; ch++) {
						float m = -INFINITY;

						for (int dy = 0; dy < 2; dy++)
							for (int dx = 0; dx < 2; dx++)
								if (y * stride + dy < h && x * stride + dx < w)
									m = fmaxf(m, mncr_face_tensor_px(&in, y * stride + dy,
													 x * stride + dx)[ch]);
						m = m < 0 ? 0.1f * m : m;
						assert_float_equal(mncr_face_tensor_px(&out, y, x)[ch], m, 1e-6);
					}
				}
			}
			assert_int_equal(mncr_face_maxpool2_same(&in, stride, 0, &out), -EINVAL);
			assert_int_equal(mncr_face_maxpool2_same(&in, 3, 0.1f, &out), -EINVAL);
			mncr_face_tensor_free(&in);
			mncr_face_tensor_free(&out);
		}
	}
}

/* A cartoon face (the embedding test's drawing) at (cx, cy), scale k, on grey. */
static void draw_face(struct mncr_face_image *img, int cx, int cy, double k)
{
	for (int y = 0; y < img->h; y++) {
		for (int x = 0; x < img->w; x++) {
			double u = (x - cx) / k, v = (y - cy) / k;
			int val = 110;

			if (u * u / (48.0 * 48) + v * v / (62.0 * 62) <= 1) {
				val = 185 - (int)fabs(u) / 2;
				if (((u + 20) * (u + 20) / 121 + (v + 14) * (v + 14) / 36 <= 1) ||
				    ((u - 20) * (u - 20) / 121 + (v + 14) * (v + 14) / 36 <= 1))
					val = 40;
				if (u * u / 324 + (v - 30) * (v - 30) / 25 <= 1)
					val = 90;
			}
			img->px[(size_t)y * (size_t)img->w + (size_t)x] = (uint8_t)val;
		}
	}
}

struct model {
	struct mncr_face_detector *det;
};

static int model_setup(void **state)
{
	static struct model m;
	char err[256];

	if (mncr_face_detector_load(&m.det, models_dir(), err, sizeof(err)))
		print_message("detector not loaded (%s): model tests skip; run scripts/fetch-models\n",
			      err);
	*state = &m;
	return 0;
}

static int model_teardown(void **state)
{
	struct model *m = *state;

	mncr_face_detector_free(m->det);
	return 0;
}

#define NEED_MODEL(m)							\
	do {								\
		if (!(m)->det) {					\
			print_message("skipped: no model in %s\n", models_dir()); \
			skip();						\
		}							\
	} while (0)

static void test_model_runs(void **state)
{
	struct model *m = *state;
	struct mncr_face_image img;
	struct mncr_face_detect_opts o;
	struct mncr_face_detect_ws *ws;
	struct mncr_face_box b[8], b2[8];
	int n, n2;

	NEED_MODEL(m);
	mncr_face_detect_opts_default(&o);
	assert_int_equal(o.input_size, 416);
	assert_int_equal(mncr_face_image_alloc(&img, 640, 480), 0);
	memset(img.px, 128, 640 * 480);
	o.input_size = 192;
	ws = mncr_face_detect_ws_new(192);
	assert_non_null(ws);
	assert_int_equal(mncr_face_detect_input_size(ws), 192);
	/* a blank frame has no face */
	assert_int_equal(mncr_face_detect(m->det, ws, &img, &o, b, 8, &n), 0);
	assert_int_equal(n, 0);
	/* every box is decoded into image pixels; the same again with a reused ws */
	draw_face(&img, 320, 240, 1.5);
	o.min_score = 0.01f;
	assert_int_equal(mncr_face_detect(m->det, ws, &img, &o, b, 8, &n), 0);
	assert_int_equal(mncr_face_detect(m->det, NULL, &img, &o, b2, 8, &n2), 0);
	assert_int_equal(n, n2);
	for (int i = 0; i < n; i++) {
		assert_memory_equal(&b[i], &b2[i], sizeof(b[i]));
		assert_true(b[i].score > 0.01f && b[i].score < 1);
		assert_true(b[i].w > 0 && b[i].h > 0 && isfinite(b[i].x) && isfinite(b[i].y));
		assert_true(i == 0 || b[i].score <= b[i - 1].score);
	}
	/* a ws of another size, bad options */
	o.input_size = 320;
	assert_int_equal(mncr_face_detect(m->det, ws, &img, &o, b, 8, &n), -EINVAL);
	o.input_size = 192;
	o.min_score = 1.5f;
	assert_int_equal(mncr_face_detect(m->det, ws, &img, &o, b, 8, &n), -EINVAL);
	assert_null(mncr_face_detect_ws_new(100));
	assert_null(mncr_face_detect_ws_new(32));
	mncr_face_detect_ws_free(ws);
	mncr_face_image_free(&img);
}

/* The network's weights are checked by name and shape. */
static void test_model_weights(void **state)
{
	struct model *m = *state;
	struct mncr_face_weights w;
	struct mncr_face_detector *det;
	char path[4096], err[256];

	NEED_MODEL(m);
	snprintf(path, sizeof(path), "%s/%s", models_dir(), MNCR_FACE_DETECT_MANIFEST);
	assert_int_equal(mncr_face_weights_load(&w, path, NULL, 0, err, sizeof(err)), 0);
	assert_int_equal(mncr_face_detector_from_weights(&det, &w, err, sizeof(err)), 0);
	mncr_face_detector_free(det);
	for (size_t i = 0; i < w.n; i++) {
		if (!strcmp(w.w[i].name, "conv3/pointwise_filter"))
			w.w[i].shape[3] = 64;
	}
	assert_int_equal(mncr_face_detector_from_weights(&det, &w, err, sizeof(err)), -EINVAL);
	assert_null(det);
	assert_non_null(strstr(err, "conv3/pointwise_filter"));
	mncr_face_weights_free(&w);
	assert_int_equal(mncr_face_detector_load(&det, "/nonexistent", err, sizeof(err)), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_iou),
		cmocka_unit_test(test_nms),
		cmocka_unit_test(test_largest),
		cmocka_unit_test(test_depthwise),
		cmocka_unit_test(test_depthwise_errors),
		cmocka_unit_test(test_maxpool_same),
		cmocka_unit_test(test_model_runs),
		cmocka_unit_test(test_model_weights),
	};

	return cmocka_run_group_tests(tests, model_setup, model_teardown);
}
