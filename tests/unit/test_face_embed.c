// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The embedding network against the independent float64 reference
 * (tests/face/reference.py, output in tests/face/reference.txt) on synthetic
 * images drawn here with the same integer formulas. Needs the model
 * (scripts/fetch-models; directory $MNCR_MODELS, default build/models) and
 * skips without it.
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
#include <unistd.h>
#include <cmocka.h>

#include "face/face_embed.h"
#include "face/face_image.h"

#define S MNCR_FACE_EMBED_SIZE
#define DIM MNCR_FACE_EMBED_DIM
#define MIN_COSINE 0.999

static const char *models_dir(void)
{
	const char *d = getenv("MNCR_MODELS");

	return d && *d ? d : "build/models";
}

static const char *data_dir(void)
{
	const char *d = getenv("MNCR_FACE_DATA");

	return d && *d ? d : "tests/face";
}

/* The images of reference.py, pixel for pixel. */
static int inside(int x, int y, int cx, int cy, int a, int b)
{
	return (x - cx) * (x - cx) * b * b + (y - cy) * (y - cy) * a * a <=
	       a * a * b * b;
}

static int face_pixel(int x, int y)
{
	int v = 60 + y * 80 / 150;

	if (inside(x, y, 75, 82, 48, 62)) {
		v = 185 - abs(x - 75) / 2;
		if (inside(x, y, 55, 68, 11, 6) || inside(x, y, 95, 68, 11, 6))
			v = 235;
		if (inside(x, y, 55, 68, 4, 4) || inside(x, y, 95, 68, 4, 4))
			v = 25;
		if ((56 <= y && y <= 58 && 42 <= x && x <= 68) ||
		    (56 <= y && y <= 58 && 82 <= x && x <= 108))
			v = 50;
		if (72 <= x && x <= 78 && 70 <= y && y <= 96)
			v -= 30 + (y - 70) / 2;
		if (inside(x, y, 75, 112, 18, 5))
			v = 100;
		if (y < 50 && inside(x, y, 75, 45, 50, 28))
			v = 35;
	}
	return v;
}

static int clamp149(int v)
{
	return v < 0 ? 0 : v > 149 ? 149 : v;
}

/* Returns -1 for an unknown kind. */
static int pixel(const char *kind, int x, int y, int ch)
{
	if (!strcmp(kind, "face"))
		return face_pixel(x, y);
	if (!strcmp(kind, "face_shifted"))
		return face_pixel(clamp149(x + 6), clamp149(y - 4));
	if (!strcmp(kind, "gradient"))
		return (x + 2 * y) * 255 / 447;
	if (!strcmp(kind, "texture"))
		return (x * x + 3 * y * y + x * y) / 8 % 256;
	if (!strcmp(kind, "rgb"))
		return ch == 0 ? x * 255 / 149 : ch == 1 ? y * 255 / 149 : (x ^ y) & 255;
	return -1;
}

static int draw(const char *kind, uint8_t *rgb)
{
	for (int y = 0; y < S; y++)
		for (int x = 0; x < S; x++)
			for (int ch = 0; ch < 3; ch++) {
				int v = pixel(kind, x, y, ch);

				if (v < 0 || v > 255)
					return -1;
				rgb[(y * S + x) * 3 + ch] = (uint8_t)v;
			}
	return 0;
}

static int setup(void **state)
{
	struct mncr_face_net *net = NULL;
	char err[256];
	int ret = mncr_face_net_load(&net, models_dir(), err, sizeof(err));

	if (ret)
		print_message("model not loaded (%s): model tests skip; run scripts/fetch-models\n",
			      err);
	*state = net;
	return 0;
}

static int teardown(void **state)
{
	mncr_face_net_free(*state);
	return 0;
}

#define NEED_MODEL(state)                                                \
	do {                                                             \
		if (!*(state)) {                                         \
			print_message("skipped: no model in %s\n", models_dir()); \
			skip();                                          \
		}                                                        \
	} while (0)

static void test_reference(void **state)
{
	const struct mncr_face_net *net;
	struct mncr_face_embed_ws *ws;
	char path[512], line[8192];
	uint8_t *rgb;
	int images = 0;
	FILE *f;

	NEED_MODEL(state);	/* before any allocation: a skip must not leak */
	rgb = malloc(S * S * 3);
	net = *state;
	assert_non_null(rgb);
	snprintf(path, sizeof(path), "%s/reference.txt", data_dir());
	f = fopen(path, "r");
	if (!f) {
		free(rgb);
		print_message("skipped: %s: %s\n", path, strerror(errno));
		skip();
	}
	ws = mncr_face_embed_ws_new();
	assert_non_null(ws);
	while (fgets(line, sizeof(line), f)) {
		float ref[DIM], got[DIM];
		char *p = line, *end, name[64];
		double maxdiff = 0, cosine, dist;
		int n;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		assert_int_equal(sscanf(line, "%63s%n", name, &n), 1);
		p += n;
		for (int i = 0; i < DIM; i++) {
			ref[i] = strtof(p, &end);
			assert_true(end != p);
			p = end;
		}
		assert_int_equal(draw(name, rgb), 0);
		assert_int_equal(mncr_face_embed(net, ws, rgb, 3, S * 3, got), 0);
		for (int i = 0; i < DIM; i++)
			maxdiff = fmax(maxdiff, fabs((double)got[i] - ref[i]));
		cosine = mncr_face_cosine(got, ref, DIM);
		dist = mncr_face_distance(got, ref, DIM);
		print_message("%-13s cosine %.7f  distance %.2e  max |diff| %.2e\n",
			      name, cosine, dist, maxdiff);
		assert_true(cosine >= MIN_COSINE);
		images++;
	}
	fclose(f);
	mncr_face_embed_ws_free(ws);
	free(rgb);
	assert_true(images >= 5);
}

/* Grey in 1 channel = the same grey replicated in 3; any stride; no ws. */
static void test_grey_stride_ws(void **state)
{
	enum { STRIDE = S + 13 };
	float a[DIM], b[DIM], c[DIM];
	uint8_t *grey, *rgb;

	NEED_MODEL(state);
	grey = calloc(S, STRIDE);
	rgb = malloc(S * S * 3);
	assert_non_null(grey);
	assert_non_null(rgb);
	for (int y = 0; y < S; y++)
		for (int x = 0; x < S; x++) {
			uint8_t v = (uint8_t)face_pixel(x, y);

			grey[y * STRIDE + x] = v;
			memset(&rgb[(y * S + x) * 3], v, 3);
		}
	assert_int_equal(mncr_face_embed(*state, NULL, grey, 1, STRIDE, a), 0);
	assert_int_equal(mncr_face_embed(*state, NULL, rgb, 3, S * 3, b), 0);
	assert_memory_equal(a, b, sizeof(a));
	/* a workspace reused after another image gives the same result */
	{
		struct mncr_face_embed_ws *ws = mncr_face_embed_ws_new();

		assert_non_null(ws);
		draw("texture", rgb);
		assert_int_equal(mncr_face_embed(*state, ws, rgb, 3, S * 3, c), 0);
		assert_int_equal(mncr_face_embed(*state, ws, grey, 1, STRIDE, c), 0);
		assert_memory_equal(a, c, sizeof(a));
		mncr_face_embed_ws_free(ws);
	}
	free(grey);
	free(rgb);
}

/* The synthetic face and its shifted copy are closer than face and texture. */
static void test_distances(void **state)
{
	float face[DIM], shifted[DIM], texture[DIM];
	uint8_t *rgb;
	double n = 0;

	NEED_MODEL(state);
	rgb = malloc(S * S * 3);
	assert_non_null(rgb);
	draw("face", rgb);
	assert_int_equal(mncr_face_embed(*state, NULL, rgb, 3, S * 3, face), 0);
	draw("face_shifted", rgb);
	assert_int_equal(mncr_face_embed(*state, NULL, rgb, 3, S * 3, shifted), 0);
	draw("texture", rgb);
	assert_int_equal(mncr_face_embed(*state, NULL, rgb, 3, S * 3, texture), 0);
	for (int i = 0; i < DIM; i++)
		n += (double)face[i] * face[i];
	print_message("|face| %.3f, d(face, shifted) %.3f, d(face, texture) %.3f\n",
		      sqrt(n), mncr_face_distance(face, shifted, DIM),
		      mncr_face_distance(face, texture, DIM));
	assert_true(mncr_face_distance(face, shifted, DIM) <
		    mncr_face_distance(face, texture, DIM));
	free(rgb);
}

/*
 * The pipeline: the face as a 200x200 PGM file with a margin, decoded,
 * cropped back to 150x150 (scale 1: exact) and embedded, equals the face
 * embedded directly.
 */
static void test_image_pipeline(void **state)
{
	enum { BIG = 200, X0 = 31, Y0 = 17 };
	static uint8_t pgm[32 + BIG * BIG];
	struct mncr_face_image img, chip;
	float direct[DIM], piped[DIM];
	uint8_t *grey;
	char err[200];
	int n;

	NEED_MODEL(state);
	grey = malloc(S * S);
	assert_non_null(grey);
	n = snprintf((char *)pgm, 32, "P5 %d %d 255\n", BIG, BIG);
	for (int y = 0; y < BIG; y++)
		for (int x = 0; x < BIG; x++)
			pgm[n + y * BIG + x] = (uint8_t)(x ^ y);
	for (int y = 0; y < S; y++)
		for (int x = 0; x < S; x++) {
			grey[y * S + x] = (uint8_t)face_pixel(x, y);
			pgm[n + (y + Y0) * BIG + x + X0] = grey[y * S + x];
		}
	assert_int_equal(mncr_face_image_decode(pgm, (size_t)n + BIG * BIG, &img,
						err, sizeof(err)), 0);
	assert_int_equal(mncr_face_image_alloc(&chip, S, S), 0);
	assert_int_equal(mncr_face_image_resample(&img, X0, Y0, S, S, &chip), 0);
	assert_memory_equal(chip.px, grey, S * S);
	assert_int_equal(mncr_face_embed(*state, NULL, chip.px, 1, S, piped), 0);
	assert_int_equal(mncr_face_embed(*state, NULL, grey, 1, S, direct), 0);
	assert_memory_equal(piped, direct, sizeof(direct));
	mncr_face_image_free(&img);
	mncr_face_image_free(&chip);
	free(grey);
}

static void test_bad_arguments(void **state)
{
	uint8_t px[S * 3] = { 0 };
	float out[DIM];

	NEED_MODEL(state);
	assert_int_equal(mncr_face_embed(NULL, NULL, px, 3, S * 3, out), -EINVAL);
	assert_int_equal(mncr_face_embed(*state, NULL, NULL, 3, S * 3, out), -EINVAL);
	assert_int_equal(mncr_face_embed(*state, NULL, px, 2, S * 3, out), -EINVAL);
	assert_int_equal(mncr_face_embed(*state, NULL, px, 3, S * 3 - 1, out),
			 -EINVAL);
}

static void test_load_errors(void **state)
{
	struct mncr_face_net *net = (void *)1;
	char err[256] = "";

	(void)state;
	assert_int_equal(mncr_face_net_load(&net, "/nonexistent/models", err,
					    sizeof(err)), -ENOENT);
	assert_null(net);
	assert_non_null(strstr(err, "/nonexistent/models/" MNCR_FACE_EMBED_MANIFEST));
	assert_non_null(strstr(err, "fetch-models"));
	assert_int_equal(mncr_face_net_load(&net, NULL, NULL, 0), -EINVAL);
}

static void test_cosine_distance(void **state)
{
	const float a[3] = { 1, 0, 0 }, b[3] = { 0, 2, 0 }, c[3] = { 3, 0, 0 };
	const float z[3] = { 0, 0, 0 };

	(void)state;
	assert_float_equal(mncr_face_cosine(a, b, 3), 0.0f, 1e-7);
	assert_float_equal(mncr_face_cosine(a, c, 3), 1.0f, 1e-7);
	assert_float_equal(mncr_face_cosine(a, z, 3), 0.0f, 1e-7);
	assert_float_equal(mncr_face_distance(a, b, 3), sqrtf(5.0f), 1e-6);
	assert_float_equal(mncr_face_distance(a, a, 3), 0.0f, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference),
		cmocka_unit_test(test_grey_stride_ws),
		cmocka_unit_test(test_distances),
		cmocka_unit_test(test_image_pipeline),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_cosine_distance),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
