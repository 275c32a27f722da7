/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Face detection: face-api's tiny face detector (a YOLOv2-style network,
 * 193K parameters, TF.js weights from @vladmandic/face-api 1.7.15) in plain
 * C. The image is scaled so its longer side is the network's input size
 * (a multiple of 32, default 416), padded with black at the bottom or right
 * to a square, and fed as (grey - mean) / 255 with grey used for R, G and B.
 *
 * The network: conv 3x3 valid (16) + leaky ReLU, max pool 2x2/2, then five
 * depthwise-separable blocks (depthwise 3x3, pointwise 1x1, bias, leaky
 * ReLU 0.1) of 32, 64, 128, 256, 512 channels with a max pool 2x2 "same"
 * after each (stride 2, the last stride 1), and a 1x1 convolution to
 * 5 anchors x (x, y, w, h, score) per cell of a 13x13 grid (input 416).
 * Boxes are decoded YOLOv2 fashion and overlapping ones merged by
 * non-maximum suppression.
 */
#ifndef MNCR_FACE_DETECT_H
#define MNCR_FACE_DETECT_H

#include <stddef.h>

#include "face/face_image.h"
#include "face/face_model.h"

#define MNCR_FACE_DETECT_MANIFEST "tiny_face_detector_model-weights_manifest.json"
#define MNCR_FACE_DETECT_BIN "tiny_face_detector_model.bin"
#define MNCR_FACE_DETECT_MANIFEST_SHA256 \
	"5d1af4849ac48d5b985f4a9b16010c512353ddd6fcc63d50fd0bc9e9e64296e5"
#define MNCR_FACE_DETECT_BIN_SHA256 \
	"b7503ce7df31039b1c43316a9b865cab6a70dd748cc602d3fa28b551503c3871"

#define MNCR_FACE_DETECT_ANCHORS 5
#define MNCR_FACE_DETECT_CELL 32	/* input pixels per output cell */
#define MNCR_FACE_DETECT_MIN_INPUT 64
#define MNCR_FACE_DETECT_MAX_INPUT 1024

/* A face's box in image pixels (x, y: top left) and its confidence. */
struct mncr_face_box {
	float x, y, w, h;
	float score;
};

struct mncr_face_detect_opts {
	int input_size;		/* multiple of 32, 64..1024; default 416 */
	float min_score;	/* default 0.5 */
	float max_iou;		/* NMS overlap limit, default 0.4 */
};

/* Read-only once loaded: one detector may serve several threads. */
struct mncr_face_detector;
/* Scratch of one detection at one input size: one per thread. */
struct mncr_face_detect_ws;

void mncr_face_detect_opts_default(struct mncr_face_detect_opts *o);

/*
 * Loads the model from dir (the two files above, checksums verified).
 * Returns 0 or -errno with a message in err (may be NULL).
 */
int mncr_face_detector_load(struct mncr_face_detector **det, const char *dir,
			    char *err, size_t err_len);
/* The same from loaded weights (names and shapes checked). */
int mncr_face_detector_from_weights(struct mncr_face_detector **det,
				    const struct mncr_face_weights *w,
				    char *err, size_t err_len);
void mncr_face_detector_free(struct mncr_face_detector *det);

/* NULL on a bad size (see opts) or out of memory. */
struct mncr_face_detect_ws *mncr_face_detect_ws_new(int input_size);
void mncr_face_detect_ws_free(struct mncr_face_detect_ws *ws);
/* The input size ws was made for. */
int mncr_face_detect_input_size(const struct mncr_face_detect_ws *ws);

/*
 * Finds faces in img: at most max boxes, best score first, in *n.
 * ws must have been made for o->input_size (NULL: allocated for this
 * call); o NULL means the defaults. Returns 0 (also when none is found),
 * -EINVAL or -ENOMEM.
 */
int mncr_face_detect(const struct mncr_face_detector *det,
		     struct mncr_face_detect_ws *ws,
		     const struct mncr_face_image *img,
		     const struct mncr_face_detect_opts *o,
		     struct mncr_face_box *boxes, int max, int *n);

/*
 * Decodes the network's output grid (cells x cells x 25, channels last:
 * anchor a's x, y, w, h, score at 5a..5a+4) into boxes in input pixels
 * (cell side 32): centre ((col + sigmoid(x)) * 32, (row + sigmoid(y)) * 32),
 * size (exp(w) * anchor_w * 32, exp(h) * anchor_h * 32), score
 * sigmoid(score). Keeps boxes scoring above min_score, at most max
 * (*n counts all of them). Returns 0 or -EINVAL.
 */
int mncr_face_detect_decode(const float *grid, int cells, float min_score,
			    struct mncr_face_box *boxes, int max, int *n);

/* Intersection over union of two boxes (0 when either is empty). */
float mncr_face_box_iou(const struct mncr_face_box *a,
			const struct mncr_face_box *b);

/*
 * Non-maximum suppression in place: sorts boxes by score (best first,
 * ties in their order) and drops every box overlapping a better kept one
 * by more than max_iou. Returns how many are kept (at the front).
 */
int mncr_face_nms(struct mncr_face_box *boxes, int n, float max_iou);

/* The index of the largest box by area (ties: the better score), -1 if n 0. */
int mncr_face_box_largest(const struct mncr_face_box *boxes, int n);

#endif
