/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Greyscale JPEG 2000 (JP2 file format) encoding with libopenjp2: the
 * form in which the My Number Card stores its face photo (DF27). The
 * simulator and the tests make card photos with it; face_image.h decodes.
 */
#ifndef MNCR_FACE_JP2_H
#define MNCR_FACE_JP2_H

#include <stddef.h>
#include <stdint.h>

#include "face/face_image.h"

/*
 * Encodes img as a JP2 file, irreversible (lossy) at about ratio:1
 * (0 or 1: lossless). *out is malloc'd. Returns 0, -EINVAL (empty
 * image) or -ENOMEM / -EIO from the codec.
 */
int mncr_face_jp2_encode(const struct mncr_face_image *img, unsigned ratio,
			 uint8_t **out, size_t *len);

/*
 * A passport-like picture from a portrait: the centre of src, 5:6 high,
 * scaled to w x h (e.g. 150 x 180). Returns 0 or -errno.
 */
int mncr_face_passport_crop(const struct mncr_face_image *src, int w, int h,
			    struct mncr_face_image *dst);

#endif
