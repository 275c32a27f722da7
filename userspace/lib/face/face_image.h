/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Greyscale images for the face pipeline: loading (PGM, PNG, JPEG, JPEG 2000
 * as the card's photo is) and resampling a rectangle, e.g. a face crop, to
 * the network's 150x150. Colour is converted to luma, Y = 0.299 R +
 * 0.587 G + 0.114 B (BT.601, as JPEG does); deeper samples are scaled to
 * 8 bits.
 */
#ifndef MNCR_FACE_IMAGE_H
#define MNCR_FACE_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#define MNCR_FACE_IMAGE_MAX_SIDE 16384
#define MNCR_FACE_IMAGE_MAX_PIXELS (64u << 20)

struct mncr_face_image {
	int w, h;
	uint8_t *px;	/* w * h bytes, row after row */
};

/* A zeroed image. Returns 0, -EINVAL (size) or -ENOMEM. */
int mncr_face_image_alloc(struct mncr_face_image *img, int w, int h);
void mncr_face_image_free(struct mncr_face_image *img);

/*
 * Resamples the rectangle (x, y, w, h) of src, in pixels (fractions and
 * parts outside src allowed: the edge pixels repeat), into the whole of dst,
 * whose size is the output size. Separable triangle filter: bilinear when
 * enlarging, widened by the scale when shrinking so every source pixel
 * counts (no aliasing). Pixel centres are at integer + 0.5.
 * Returns 0, -EINVAL or -ENOMEM.
 */
int mncr_face_image_resample(const struct mncr_face_image *src, double x,
			     double y, double w, double h,
			     struct mncr_face_image *dst);

/*
 * Decodes PGM/PPM (P5, P6), PNG, JPEG or JPEG 2000 (JP2 file or J2K
 * codestream), told apart by their first bytes, into out (allocated here).
 * Returns 0 or -errno (-EINVAL corrupt or truncated, -ENOTSUP unknown
 * format, -EFBIG too large, -ENOMEM) with a message in err (may be NULL).
 */
int mncr_face_image_decode(const uint8_t *data, size_t len,
			   struct mncr_face_image *out, char *err,
			   size_t err_len);
/* The same from a file. */
int mncr_face_image_load(const char *path, struct mncr_face_image *out,
			 char *err, size_t err_len);

#endif
