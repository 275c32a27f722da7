/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Face templates: a float embedding as int8, the form the reader's match
 * engine and mncr_match_score_ref() compare. The embedding is L2-normalised
 * and scaled by MNCR_FACE_Q_SCALE, so that the int8 dot product of two
 * templates divided by its square approximates the cosine of the two
 * embeddings (error about 1.2e-3 rms for 128 dimensions).
 *
 * Why 320 and not 127: a unit face embedding's largest component is about
 * 0.27, 0.40 at most on LFW, so scale 127 used a third of the int8 range,
 * and at FMR 1e-4 genuine and impostor scores crowd within a few
 * thousandths of cosine: rounding at 127 cost 2 points of FNMR there
 * (tests/accuracy/lfw_quant, Documentation/face.rst). At 320 the rare
 * component beyond 127/320 = 0.397 is clamped.
 */
#ifndef MNCR_FACE_QUANTIZE_H
#define MNCR_FACE_QUANTIZE_H

#include <stddef.h>
#include <stdint.h>

#define MNCR_FACE_Q_SCALE 320

/*
 * out[i] = round(320 * e[i] / |e|), clamped to -127..127. Returns 0, or -EINVAL
 * when dim is 0 or e is all zero or not finite (out is then zeroed).
 */
int mncr_face_quantize(const float *e, size_t dim, int8_t *out);

/* The cosine a pair of templates stands for: dot(a, b) / 320^2. */
float mncr_face_template_cosine(const int8_t *a, const int8_t *b, size_t dim);

/* The same for a score from mncr_match_score_ref() or the device. */
static inline float mncr_face_score_cosine(int32_t score)
{
	return (float)score / (float)(MNCR_FACE_Q_SCALE * MNCR_FACE_Q_SCALE);
}

#endif
