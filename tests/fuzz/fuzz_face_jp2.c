// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The in-memory image decoder (face_image.h) on arbitrary bytes, as the
 * card's face photo (DF27, JPEG 2000) or a probe file may hold them:
 * JP2, J2K codestream, JPEG, PNG or PGM/PPM, told apart by their first
 * bytes. A failure must leave an empty image, a documented errno and a
 * message; a success an image within the size limits whose pixel buffer
 * is exactly w * h bytes. A small decoded image must come back the same
 * through the lossless JP2 encoder (face_jp2.h) and the decoder.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sanitizer/allocator_interface.h>

#include "face/face_image.h"
#include "face/face_jp2.h"

/* Round trip only small images: the encoder is slow. */
#define ROUNDTRIP_MAX_PIXELS 4096

static void check(int cond)
{
	if (!cond)
		abort();
}

static void roundtrip(const struct mncr_face_image *img)
{
	struct mncr_face_image back;
	uint8_t *jp2;
	size_t len;
	int r;

	if (img->w < 8 || img->h < 8 ||
	    (size_t)img->w * (size_t)img->h > ROUNDTRIP_MAX_PIXELS)
		return;
	r = mncr_face_jp2_encode(img, 0, &jp2, &len);
	if (r == -ENOMEM)
		return;
	check(r == 0 && len > 12);
	r = mncr_face_image_decode(jp2, len, &back, NULL, 0);
	check(r == 0);
	check(back.w == img->w && back.h == img->h);
	check(memcmp(back.px, img->px, (size_t)img->w * (size_t)img->h) == 0);
	mncr_face_image_free(&back);
	free(jp2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mncr_face_image img;
	char err[200];
	uint8_t *copy;
	size_t n;
	int r;

	/* An exact-size heap copy: reads past the end are caught. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	memset(&img, 0xa5, sizeof(img));
	memset(err, 0xa5, sizeof(err));
	r = mncr_face_image_decode(copy, size, &img, err, sizeof(err));
	free(copy);
	if (r) {
		check(r == -EINVAL || r == -ENOTSUP || r == -EFBIG ||
		      r == -ENOMEM);
		check(img.w == 0 && img.h == 0 && img.px == NULL);
		check(memchr(err, '\0', sizeof(err)) != NULL && err[0]);
		return 0;
	}
	check(img.w > 0 && img.h > 0 && img.px != NULL);
	check(img.w <= MNCR_FACE_IMAGE_MAX_SIDE &&
	      img.h <= MNCR_FACE_IMAGE_MAX_SIDE);
	n = (size_t)img.w * (size_t)img.h;
	check(n <= MNCR_FACE_IMAGE_MAX_PIXELS);
	check(__sanitizer_get_allocated_size(img.px) == n);
	roundtrip(&img);
	mncr_face_image_free(&img);
	check(img.px == NULL && img.w == 0 && img.h == 0);
	return 0;
}
