/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The 1:1 decision: is the live face the card's? A threshold on the
 * similarity, set from the impostor distribution for a stated false-match
 * rate (FMR: the fraction of impostor comparisons accepted), applied to the
 * best of several camera frames.
 *
 * Scores are the int8 template dot products of mncr_match_score_ref() and
 * the reader's match ioctl (identical numbers); mncr_face_score_cosine()
 * gives the cosine of the embeddings a score stands for (score / 320^2).
 * Accept when score >= threshold. Floats (cosine, higher is alike;
 * Euclidean distance, lower is alike) are handled the same way.
 */
#ifndef MNCR_FACE_DECISION_H
#define MNCR_FACE_DECISION_H

#include <stddef.h>
#include <stdint.h>

#include "face/face_network.h"
#include "face/face_quantize.h"

/*
 * The range of scores of two templates from mncr_face_quantize(): a
 * template's norm is at most 320 + sqrt(512) / 2 (rounding moves each
 * component by 0.5 at most, clamping only shortens it), below 332.
 */
#define MNCR_FACE_SCORE_MAX ((MNCR_FACE_Q_SCALE + 12) * (MNCR_FACE_Q_SCALE + 12))
#define MNCR_FACE_SCORE_MIN (-MNCR_FACE_SCORE_MAX)
#define MNCR_FACE_SCORE_BINS (MNCR_FACE_SCORE_MAX - MNCR_FACE_SCORE_MIN + 1)

/*
 * Thresholds measured on LFW with tests/accuracy/run (all-vs-all impostor
 * pairs of every enrolled image, see Documentation/face.rst). LFW is news
 * photos: calibrate on the deployment's own impostor pairs when it can.
 */
#define MNCR_FACE_THRESHOLD_FMR_1E3 95366	/* cosine 0.931, FNMR 3.8% */
#define MNCR_FACE_THRESHOLD_FMR_1E4 96701	/* cosine 0.944, FNMR 15.2% */
/*
 * The 512-d MobileFaceNet's (face_mfn512, the chip alone), from the same
 * run's int8 template scores (scale 320, as the reader matches them).
 */
#define MNCR_FACE_MFN512_THRESHOLD_FMR_1E3 35276	/* cosine 0.3445, FNMR 0.56% */
#define MNCR_FACE_MFN512_THRESHOLD_FMR_1E4 43075	/* cosine 0.4207, FNMR 1.26% */

/*
 * The threshold of network n for a false-match rate: the FMR 1e-4 one
 * when fmr < 5e-4, else the 1e-3 one. INT32_MAX (nothing passes) for a
 * bad n.
 */
int32_t mncr_face_threshold(enum mncr_face_network n, double fmr);

enum mncr_face_metric {
	MNCR_FACE_COSINE,	/* similarity: accept when >= threshold */
	MNCR_FACE_DISTANCE,	/* Euclidean: accept when <= threshold */
};

struct mncr_face_decision {
	int accept;		/* 1: same person */
	int best;		/* index of the best frame, -1 when none */
	int32_t best_score;	/* templates: its score */
	float best_value;	/* embeddings: its cosine or distance */
};

/*
 * The threshold for a false-match rate: the lowest t with at most
 * floor(fmr * n) of the n impostor scores >= t. Needs n * fmr >= 1 (else
 * the sample cannot show that rate: -ERANGE); -EINVAL on bad arguments.
 * *achieved (may be NULL) is the FMR t gives on these scores.
 */
int mncr_face_threshold_for_fmr(const int32_t *impostor, size_t n, double fmr,
				int32_t *t, double *achieved);

/*
 * The same from a histogram: hist[s - MNCR_FACE_SCORE_MIN] impostor
 * pairs scored s (MNCR_FACE_SCORE_BINS counts).
 */
int mncr_face_threshold_from_histogram(const uint64_t *hist, double fmr,
				       int32_t *t, double *achieved);

/*
 * Floats: for MNCR_FACE_COSINE the lowest t with at most floor(fmr * n)
 * values >= t, for MNCR_FACE_DISTANCE the highest t with at most that
 * many <= t. Non-finite values are -EINVAL.
 */
int mncr_face_threshold_for_fmr_f(const float *impostor, size_t n, double fmr,
				  enum mncr_face_metric metric, float *t);

/*
 * Best of n frames' scores against one reference (from the device or
 * mncr_match_score_ref()): accept when the best >= threshold.
 * Returns 0 or -EINVAL (n 0 gives best -1, no accept).
 */
int mncr_face_decide_scores(const int32_t *scores, size_t n, int32_t threshold,
			    struct mncr_face_decision *d);

/* The same computing the scores of n probe templates with the reference. */
int mncr_face_decide_templates(const int8_t *ref, const int8_t *probes,
			       size_t n, size_t dim, int32_t threshold,
			       struct mncr_face_decision *d);

/* The same for float embeddings (n x dim, row after row). */
int mncr_face_decide_embeddings(const float *ref, const float *probes,
				size_t n, size_t dim,
				enum mncr_face_metric metric, float threshold,
				struct mncr_face_decision *d);

#endif
