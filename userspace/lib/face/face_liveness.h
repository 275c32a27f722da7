/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Liveness: is the face at the camera a live person or a printed photo held
 * up to it? An accumulator is fed one camera frame at a time with the
 * pipeline's 68 landmarks (or none when no face was found) and the grey
 * frame, and answers PENDING, LIVE or SPOOF with a reason.
 *
 * Evidence of life: a blink (the eye regions' pixels change briefly and
 * come back: face-api's landmarks barely follow a closing eyelid), or a
 * head turn (yaw changing while the landmarks move in a way no single
 * affine map of a flat picture explains).
 * Evidence of a photo: the face moved (shift, rotation, scale), but its
 * shape did not change (the mouth's opening stayed put: on a picture one
 * similarity transform per frame explains the landmarks, up to the
 * landmark network's noise) and it did not blink; or no sign of life at
 * all within the frame limit.
 *
 * No global state: the caller owns the accumulator (one per camera).
 */
#ifndef MNCR_FACE_LIVENESS_H
#define MNCR_FACE_LIVENESS_H

#include <stddef.h>

#include "face/face_image.h"
#include "face/face_landmarks.h"

#define MNCR_FACE_LIVENESS_WINDOW 128	/* frames kept, at most */

enum mncr_face_liveness_state {
	MNCR_FACE_LIVENESS_PENDING,	/* not enough evidence yet */
	MNCR_FACE_LIVENESS_LIVE,
	MNCR_FACE_LIVENESS_SPOOF,
};

struct mncr_face_liveness_opts {
	/* frames with a face before a rigid, blinkless face is a spoof
	 * (default 30: 2 s at 15 fps) */
	int min_frames;
	/* frames with a face without any sign of life: spoof (default 90) */
	int max_frames;
	/* frames without a face that restart the accumulation (default 8) */
	int max_gap;
	/* blink: the eyes' openness leaves the run's median level by more than
	 * blink_change (a fraction of it, either way: a closing lid may show
	 * lighter skin or a dark lash line) and comes back within blink_settle
	 * of it, after at least blink_min_frames and at most blink_max_frames
	 * frames away (defaults 0.17, 0.08, 2, 8; one frame off is landmark
	 * noise more often than a blink) */
	float blink_change, blink_settle;
	int blink_min_frames, blink_max_frames;
	/* non-rigid: the mouth's opening (inner lips 62-66 over the eye
	 * distance) varies by this much over the run (default 0.08) */
	float mouth_range;
	/* the face moved: shift in eye distances, rotation in degrees,
	 * scale change as a fraction (defaults 0.08, 2, 0.03) */
	float moved_shift, moved_rotation, moved_scale;
	/* head turn: yaw range in degrees (default 15) with a landmark
	 * residual after the best affine fit of at least turn_residual eye
	 * distances (default 0.06): a flat picture turned is affine */
	float turn_yaw, turn_residual;
};

/* What one frame measured (for diagnostics and tests). */
struct mncr_face_liveness_frame {
	int face;		/* 0: no landmarks given */
	float openness;		/* eye regions' darkness, mean of both eyes,
				 * -1 when out of the frame */
	float ear;		/* eye aspect ratio (36-41, 42-47), mean */
	float yaw;		/* degrees */
	float mouth;		/* inner lips' opening over the eye distance */
	float residual;		/* similarity residual against the window's
				 * first face frame, eye distances */
	float affine_residual;	/* the same after an affine fit */
};

struct mncr_face_liveness;

void mncr_face_liveness_opts_default(struct mncr_face_liveness_opts *o);

/* o NULL: defaults. NULL when out of memory or o is invalid. */
struct mncr_face_liveness *mncr_face_liveness_new(const struct mncr_face_liveness_opts *o);
void mncr_face_liveness_free(struct mncr_face_liveness *l);
/* Forgets every frame and the decision. */
void mncr_face_liveness_reset(struct mncr_face_liveness *l);

/*
 * Feeds one frame: pts the face's 68 landmarks in frame's pixels, or NULL
 * when no face was found (frame may then be NULL too). Returns the state
 * (a decision, once made, stays until reset) or -EINVAL. *out (may be
 * NULL) receives the frame's measures.
 */
int mncr_face_liveness_feed(struct mncr_face_liveness *l,
			    const struct mncr_face_point pts[MNCR_FACE_LANDMARKS],
			    const struct mncr_face_image *frame,
			    struct mncr_face_liveness_frame *out);

enum mncr_face_liveness_state mncr_face_liveness_state(const struct mncr_face_liveness *l);
/* Why: "blink", "rigid motion without a blink (photo?)", ... never NULL. */
const char *mncr_face_liveness_reason(const struct mncr_face_liveness *l);
/* "pending", "live", "spoof". */
const char *mncr_face_liveness_state_name(enum mncr_face_liveness_state s);

/* The measures, also usable alone. */
/* Eye aspect ratio of one eye (first: 36 or 42), from 6 points. */
float mncr_face_eye_aspect_ratio(const struct mncr_face_point pts[MNCR_FACE_LANDMARKS],
				 int first);
/*
 * Openness of one eye from the pixels: how much darker than the skin
 * below it the eye's region is (iris, pupil and lid crease against a
 * closed lid), 0 when no darker, scale free. -1 when the eye lies outside
 * the frame.
 */
float mncr_face_eye_openness(const struct mncr_face_image *frame,
			     const struct mncr_face_point pts[MNCR_FACE_LANDMARKS],
			     int first);
/*
 * RMS residual of the best similarity (affine: 1) map of a onto b over the
 * 68 points, divided by b's eye distance; -1 when degenerate. With motion
 * (may be NULL): b's shift in eye distances, rotation in degrees and
 * |scale - 1| relative to a.
 */
float mncr_face_shape_residual(const struct mncr_face_point a[MNCR_FACE_LANDMARKS],
			       const struct mncr_face_point b[MNCR_FACE_LANDMARKS],
			       int affine, float motion[3]);

#endif
