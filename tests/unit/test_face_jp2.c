// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * face_jp2: greyscale JPEG 2000 encoding, checked by decoding with
 * face_image (libopenjp2 both ways): lossless is exact, lossy stays close
 * and is smaller, the passport crop has the asked size and takes the
 * centre of the picture.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "card/card_visual_ap.h"
#include "face/face_jp2.h"

static void pattern(struct mncr_face_image *img, int w, int h)
{
	assert_int_equal(mncr_face_image_alloc(img, w, h), 0);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			img->px[y * w + x] = (uint8_t)((x * 255 / w + y * 3) & 0xff);
}

static void lossless(void **state)
{
	struct mncr_face_image img, back = { 0 };
	uint8_t *jp2 = NULL;
	size_t len = 0;

	(void)state;
	pattern(&img, 60, 72);
	assert_int_equal(mncr_face_jp2_encode(&img, 0, &jp2, &len), 0);
	assert_int_equal(mncr_photo_format(jp2, len), MNCR_PHOTO_JP2);
	assert_int_equal(mncr_face_image_decode(jp2, len, &back, NULL, 0), 0);
	assert_int_equal(back.w, 60);
	assert_int_equal(back.h, 72);
	assert_memory_equal(back.px, img.px, 60 * 72);
	free(jp2);
	mncr_face_image_free(&back);
	mncr_face_image_free(&img);
}

static void lossy(void **state)
{
	struct mncr_face_image img, back = { 0 };
	uint8_t *jp2 = NULL;
	size_t len = 0;
	double err = 0;

	(void)state;
	pattern(&img, 150, 180);
	assert_int_equal(mncr_face_jp2_encode(&img, 8, &jp2, &len), 0);
	assert_true(len < 150 * 180 / 4);
	assert_int_equal(mncr_face_image_decode(jp2, len, &back, NULL, 0), 0);
	assert_int_equal(back.w, 150);
	assert_int_equal(back.h, 180);
	for (int i = 0; i < 150 * 180; i++)
		err += fabs((double)back.px[i] - img.px[i]);
	assert_true(err / (150 * 180) < 8.0);
	free(jp2);
	mncr_face_image_free(&back);
	mncr_face_image_free(&img);
}

static void crop(void **state)
{
	struct mncr_face_image src, dst = { 0 };

	(void)state;
	/* A white square in the middle of black: the crop is mostly white. */
	assert_int_equal(mncr_face_image_alloc(&src, 250, 250), 0);
	for (int y = 75; y < 175; y++)
		memset(src.px + y * 250 + 75, 255, 100);
	assert_int_equal(mncr_face_passport_crop(&src, 50, 60, &dst), 0);
	assert_int_equal(dst.w, 50);
	assert_int_equal(dst.h, 60);
	assert_int_equal(dst.px[30 * 50 + 25], 255);
	assert_int_equal(dst.px[0], 0);
	mncr_face_image_free(&dst);
	assert_int_equal(mncr_face_passport_crop(&src, 4, 60, &dst), -EINVAL);
	mncr_face_image_free(&src);
}

static void refuses_empty(void **state)
{
	struct mncr_face_image img = { 0 };
	uint8_t *jp2 = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(mncr_face_jp2_encode(&img, 8, &jp2, &len), -EINVAL);
	assert_null(jp2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lossless),
		cmocka_unit_test(lossy),
		cmocka_unit_test(crop),
		cmocka_unit_test(refuses_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
