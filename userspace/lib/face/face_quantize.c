// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <math.h>
#include <string.h>

#include "face/face_quantize.h"

int mncr_face_quantize(const float *e, size_t dim, int8_t *out)
{
	double norm = 0;

	if (!dim)
		return -EINVAL;
	memset(out, 0, dim);
	for (size_t i = 0; i < dim; i++) {
		if (!isfinite(e[i]))
			return -EINVAL;
		norm += (double)e[i] * e[i];
	}
	norm = sqrt(norm);
	if (!(norm > 0) || !isfinite(norm))
		return -EINVAL;
	for (size_t i = 0; i < dim; i++) {
		long q = lround(MNCR_FACE_Q_SCALE * (double)e[i] / norm);

		/* symmetric, so that negating an embedding negates its template */
		if (q > INT8_MAX)
			q = INT8_MAX;
		if (q < -INT8_MAX)
			q = -INT8_MAX;
		out[i] = (int8_t)q;
	}
	return 0;
}

float mncr_face_template_cosine(const int8_t *a, const int8_t *b, size_t dim)
{
	int64_t dot = 0;

	for (size_t i = 0; i < dim; i++)
		dot += (int32_t)a[i] * b[i];
	return (float)((double)dot / (MNCR_FACE_Q_SCALE * MNCR_FACE_Q_SCALE));
}
