/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Quality gates for a face before it is enrolled or matched: big enough,
 * turned towards the camera, in focus, and lit well enough. Measured from
 * the 68 landmarks (size, pose) and the aligned 150x150 chip (focus,
 * light), whose scale is the same for every face, so one set of limits
 * holds whatever the camera distance.
 */
#ifndef MNCR_FACE_QUALITY_H
#define MNCR_FACE_QUALITY_H

#include "face/face_image.h"
#include "face/face_landmarks.h"

struct mncr_face_quality {
	float eye_distance;	/* between the eye centres, image pixels */
	float yaw;		/* degrees, + when the nose points to image right */
	float roll;		/* degrees, eye line against the horizontal */
	float sharpness;	/* variance of the Laplacian over the chip's face */
	float brightness;	/* mean grey over the chip's face */
	float contrast;		/* standard deviation of that grey */
	float clipped;		/* fraction of it at 0..5 or 250..255 */
};

struct mncr_face_quality_limits {
	float min_eye_distance;
	float max_yaw, max_roll;
	float min_sharpness;
	float min_brightness, max_brightness;
	float min_contrast;
	float max_clipped;
};

/* One bit per failed gate. */
enum mncr_face_quality_fail {
	MNCR_FACE_Q_SMALL = 1 << 0,
	MNCR_FACE_Q_YAW = 1 << 1,
	MNCR_FACE_Q_ROLL = 1 << 2,
	MNCR_FACE_Q_BLUR = 1 << 3,
	MNCR_FACE_Q_DARK = 1 << 4,
	MNCR_FACE_Q_BRIGHT = 1 << 5,
	MNCR_FACE_Q_CONTRAST = 1 << 6,
	MNCR_FACE_Q_CLIPPED = 1 << 7,
};
#define MNCR_FACE_Q_GATES 8

/*
 * The chip's face region: the square its mean-face points fall in (the
 * chip is 150 pixels with 25% padding, so the face spans about 25..125).
 */
#define MNCR_FACE_Q_REGION_LO 30
#define MNCR_FACE_Q_REGION_HI 120

void mncr_face_quality_limits_default(struct mncr_face_quality_limits *l);

/*
 * Measures pts (image coordinates) and chip (the 150x150 aligned face).
 * Returns 0 or -EINVAL.
 */
int mncr_face_quality_measure(const struct mncr_face_point pts[MNCR_FACE_LANDMARKS],
			      const struct mncr_face_image *chip,
			      struct mncr_face_quality *q);

/* The gates q fails under l: a mask of enum mncr_face_quality_fail. */
unsigned mncr_face_quality_check(const struct mncr_face_quality *q,
				 const struct mncr_face_quality_limits *l);

/* A short reason for one gate ("face too small", ...); "" for 0. */
const char *mncr_face_quality_reason(unsigned fail);

/*
 * The reasons of every bit of fails, joined with ", ", into buf (always
 * terminated). Returns buf.
 */
char *mncr_face_quality_describe(unsigned fails, char *buf, size_t len);

#endif
