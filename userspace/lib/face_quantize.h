/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Face templates: a float embedding as int8, the form the reader's match
 * engine and mncr_match_score_ref() compare. The embedding is L2-normalised
 * and scaled by 127, so that the int8 dot product of two templates divided
 * by 127 * 127 approximates the cosine of the two embeddings (error about
 * 3e-3 rms, 0.013 at most in 400 random pairs, for 128 dimensions).
 */
#ifndef MNCR_FACE_QUANTIZE_H
#define MNCR_FACE_QUANTIZE_H

#include <stddef.h>
#include <stdint.h>

#define MNCR_FACE_Q_SCALE 127

/*
 * out[i] = round(127 * e[i] / |e|), in -127..127. Returns 0, or -EINVAL
 * when dim is 0 or e is all zero or not finite (out is then zeroed).
 */
int mncr_face_quantize(const float *e, size_t dim, int8_t *out);

/* The cosine a pair of templates stands for: dot(a, b) / 127^2. */
float mncr_face_template_cosine(const int8_t *a, const int8_t *b, size_t dim);

/* The same for a score from mncr_match_score_ref() or the device. */
static inline float mncr_face_score_cosine(int32_t score)
{
	return (float)score / (float)(MNCR_FACE_Q_SCALE * MNCR_FACE_Q_SCALE);
}

#endif
