// SPDX-License-Identifier: LGPL-2.1-or-later
#include "face/match.h"

static int32_t dot_i8(const int8_t *a, const int8_t *b, size_t dim)
{
	int32_t sum = 0;

	for (size_t i = 0; i < dim; i++)
		sum += (int32_t)a[i] * b[i];
	return sum;
}

void mncr_match_score_ref(const int8_t *probe, size_t n_probe,
			  const int8_t *ref, size_t n_ref, size_t dim,
			  int32_t *scores)
{
	for (size_t p = 0; p < n_probe; p++)
		for (size_t r = 0; r < n_ref; r++)
			scores[p * n_ref + r] = dot_i8(probe + p * dim,
						       ref + r * dim, dim);
}
