/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * 68 facial landmarks (the iBUG 300-W / dlib numbering: jaw 0-16, brows
 * 17-26, nose 27-35, eyes 36-47, mouth 48-67) with face-api's
 * face_landmark_68_model (TF.js weights from @vladmandic/face-api 1.7.15),
 * in plain C.
 *
 * Input: the face's box, cut out, padded with black to a square (centred)
 * and scaled to 112x112, fed as (grey - mean) / 255 with grey used for R,
 * G and B, mean (122.782, 117.001, 104.298). The network: four dense blocks
 * of 32, 64, 128 and 256 channels, each halving the size (112 -> 7); a
 * block's first convolution (a plain 3x3 in the first block, a separable
 * one after) is followed by three depthwise-separable convolutions, each
 * fed the ReLU of the sum of all the block's earlier outputs; then a 7x7
 * mean and a fully connected layer to 136 numbers, the points' x and y as
 * fractions of the 112x112 square.
 */
#ifndef MNCR_FACE_LANDMARKS_H
#define MNCR_FACE_LANDMARKS_H

#include <stddef.h>

#include "face/face_detect.h"
#include "face/face_image.h"
#include "face/face_model.h"

#define MNCR_FACE_LANDMARKS 68
#define MNCR_FACE_LANDMARK_INPUT 112
#define MNCR_FACE_LANDMARK_MANIFEST "face_landmark_68_model-weights_manifest.json"
#define MNCR_FACE_LANDMARK_BIN "face_landmark_68_model.bin"
#define MNCR_FACE_LANDMARK_MANIFEST_SHA256 \
	"ca4886639f86e99b39fed0c155f81b63317225773bd9616716e887b0153389c9"
#define MNCR_FACE_LANDMARK_BIN_SHA256 \
	"4611ef65c87d836d03d684b30eec4d195d8b219fa1dd58fc58945831c6b9299b"

/* Image pixels (face_align samples pixel (i, j)'s centre at (i, j)). */
struct mncr_face_point {
	float x, y;
};

/* Read-only once loaded: one model may serve several threads. */
struct mncr_face_landmarker;
/* Scratch of one run: one per thread. */
struct mncr_face_landmark_ws;

/*
 * Loads the model from dir (the two files above, checksums verified).
 * Returns 0 or -errno with a message in err (may be NULL).
 */
int mncr_face_landmarker_load(struct mncr_face_landmarker **lm,
			      const char *dir, char *err, size_t err_len);
/* The same from loaded weights (names and shapes checked). */
int mncr_face_landmarker_from_weights(struct mncr_face_landmarker **lm,
				      const struct mncr_face_weights *w,
				      char *err, size_t err_len);
void mncr_face_landmarker_free(struct mncr_face_landmarker *lm);

/* NULL when out of memory. */
struct mncr_face_landmark_ws *mncr_face_landmark_ws_new(void);
void mncr_face_landmark_ws_free(struct mncr_face_landmark_ws *ws);

/*
 * The 68 points of the face in box (clipped to the image; it must keep
 * at least 4x4 pixels), in image coordinates. ws may be NULL (allocated
 * for this call). Returns 0, -EINVAL or -ENOMEM.
 */
int mncr_face_landmarks(const struct mncr_face_landmarker *lm,
			struct mncr_face_landmark_ws *ws,
			const struct mncr_face_image *img,
			const struct mncr_face_box *box,
			struct mncr_face_point pts[MNCR_FACE_LANDMARKS]);

#endif
