// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * MobileFaceNet wrapper: the 5-point alignment (synthetic landmarks placed
 * on the template must give the identity transform's chip), and, when the
 * optional model is installed (scripts/fetch-models --extra; directory
 * $MNCR_MODELS_EXTRA, default build/models-extra), the embedding: unit
 * length, deterministic, and different for different faces. Skips the
 * model tests without it.
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

#include "face/face_graph.h"
#include "face/face_mfn.h"

static const char *extra_dir(void)
{
	const char *d = getenv("MNCR_MODELS_EXTRA");

	return d ? d : "build/models-extra";
}

/* Landmarks whose 5 points sit on the template shifted by (dx, dy). */
static void landmarks_on_template(struct mncr_face_point *pts, float dx, float dy)
{
	struct mncr_face_point t[5];

	for (int i = 0; i < 5; i++) {
		t[i] = mncr_face_mfn_template(i);
		t[i].x += dx;
		t[i].y += dy;
	}
	for (int i = 0; i < MNCR_FACE_LANDMARKS; i++)
		pts[i] = t[2];
	for (int i = 36; i <= 41; i++)
		pts[i] = t[0];
	for (int i = 42; i <= 47; i++)
		pts[i] = t[1];
	pts[48] = t[3];
	pts[54] = t[4];
}

static void test_align_shift(void **state)
{
	struct mncr_face_point pts[MNCR_FACE_LANDMARKS];
	struct mncr_face_image img, chip;

	(void)state;
	assert_int_equal(mncr_face_image_alloc(&img, 160, 150), 0);
	assert_int_equal(mncr_face_image_alloc(&chip, MNCR_FACE_MFN_SIZE, MNCR_FACE_MFN_SIZE), 0);
	for (int y = 0; y < img.h; y++)
		for (int x = 0; x < img.w; x++)
			img.px[y * img.w + x] = (uint8_t)((x * 7 + y * 3) & 0xff);
	/* the face 20 pixels right, 10 down: the chip is the image shifted */
	landmarks_on_template(pts, 20, 10);
	assert_int_equal(mncr_face_mfn_align(&img, pts, &chip), 0);
	for (int y = 0; y < chip.h; y += 13)
		for (int x = 0; x < chip.w; x += 11)
			assert_int_equal(chip.px[y * chip.w + x],
					 img.px[(y + 10) * img.w + x + 20]);
	/* a wrong chip size is refused */
	chip.w = 100;
	assert_int_equal(mncr_face_mfn_align(&img, pts, &chip), -EINVAL);
	chip.w = MNCR_FACE_MFN_SIZE;
	mncr_face_image_free(&img);
	mncr_face_image_free(&chip);
}

static void test_template(void **state)
{
	struct mncr_face_point l = mncr_face_mfn_template(0), r = mncr_face_mfn_template(1);
	struct mncr_face_point none = mncr_face_mfn_template(5);

	(void)state;
	assert_true(l.x < r.x);			/* left eye on the image's left */
	assert_true(fabsf(l.y - r.y) < 1);
	assert_true(none.x == 0 && none.y == 0);
}

static void test_embed(void **state)
{
	struct mncr_face_mfn *m;
	char err[256];
	uint8_t *a = malloc(MNCR_FACE_MFN_SIZE * MNCR_FACE_MFN_SIZE);
	uint8_t *b = malloc(MNCR_FACE_MFN_SIZE * MNCR_FACE_MFN_SIZE);
	float ea[MNCR_FACE_MFN_DIM], ea2[MNCR_FACE_MFN_DIM], eb[MNCR_FACE_MFN_DIM];
	double n = 0, same = 0, diff = 0;
	int ret;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	ret = mncr_face_mfn_load(&m, extra_dir(), MNCR_FACE_GRAPH_REPAIR_PRELU, err,
				 sizeof(err));
	if (ret == -ENOENT) {
		free(a);
		free(b);
		print_message("skipped: %s (scripts/fetch-models --extra)\n", err);
		skip();
	}
	assert_int_equal(ret, 0);
	for (int i = 0; i < MNCR_FACE_MFN_SIZE * MNCR_FACE_MFN_SIZE; i++) {
		int x = i % MNCR_FACE_MFN_SIZE, y = i / MNCR_FACE_MFN_SIZE;

		a[i] = (uint8_t)(128 + 100 * sin(x * 0.2) * cos(y * 0.15));
		b[i] = (uint8_t)(x * 2 + y);
	}
	assert_int_equal(mncr_face_mfn_embed(m, a, MNCR_FACE_MFN_SIZE, ea), 0);
	assert_int_equal(mncr_face_mfn_embed(m, a, MNCR_FACE_MFN_SIZE, ea2), 0);
	assert_int_equal(mncr_face_mfn_embed(m, b, MNCR_FACE_MFN_SIZE, eb), 0);
	for (int i = 0; i < MNCR_FACE_MFN_DIM; i++) {
		n += (double)ea[i] * ea[i];
		same += fabs((double)ea[i] - ea2[i]);
		diff += fabs((double)ea[i] - eb[i]);
	}
	assert_float_equal(n, 1.0, 1e-4);
	assert_true(same == 0);
	assert_true(diff > 1e-3);
	assert_int_equal(mncr_face_mfn_embed(m, a, 10, ea), -EINVAL);
	mncr_face_mfn_free(m);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_template),
		cmocka_unit_test(test_align_shift),
		cmocka_unit_test(test_embed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
