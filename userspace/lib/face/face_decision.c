// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "face/face_decision.h"
#include "face/face_embed.h"
#include "face/match.h"

#define MAX_FRAMES 4096

int32_t mncr_face_threshold(enum mncr_face_network n, double fmr)
{
	int strict = fmr < 5e-4;

	switch (n) {
	case MNCR_FACE_NET_RESNET:
		return strict ? MNCR_FACE_THRESHOLD_FMR_1E4 : MNCR_FACE_THRESHOLD_FMR_1E3;
	case MNCR_FACE_NET_MFN512:
		return strict ? MNCR_FACE_MFN512_THRESHOLD_FMR_1E4 :
				MNCR_FACE_MFN512_THRESHOLD_FMR_1E3;
	default:
		return INT32_MAX;
	}
}

static int fmr_ok(double fmr)
{
	return fmr > 0 && fmr < 1;
}

int mncr_face_threshold_from_histogram(const uint64_t *hist, double fmr,
				       int32_t *t, double *achieved)
{
	uint64_t n = 0, allowed, above = 0;
	int32_t s = MNCR_FACE_SCORE_MAX + 1;

	if (!hist || !t || !fmr_ok(fmr))
		return -EINVAL;
	for (size_t i = 0; i < MNCR_FACE_SCORE_BINS; i++)
		n += hist[i];
	if (!n || (double)n * fmr < 1)
		return -ERANGE;
	allowed = (uint64_t)floor((double)n * fmr);
	/* lower t while the pairs at t - 1 still fit in the allowance */
	while (s > MNCR_FACE_SCORE_MIN &&
	       above + hist[s - 1 - MNCR_FACE_SCORE_MIN] <= allowed) {
		above += hist[s - 1 - MNCR_FACE_SCORE_MIN];
		s--;
	}
	*t = s;
	if (achieved)
		*achieved = (double)above / (double)n;
	return 0;
}

int mncr_face_threshold_for_fmr(const int32_t *impostor, size_t n, double fmr,
				int32_t *t, double *achieved)
{
	uint64_t *hist;
	int ret;

	if (!impostor || !t || !fmr_ok(fmr))
		return -EINVAL;
	hist = calloc(MNCR_FACE_SCORE_BINS, sizeof(*hist));
	if (!hist)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (impostor[i] < MNCR_FACE_SCORE_MIN || impostor[i] > MNCR_FACE_SCORE_MAX) {
			free(hist);
			return -EINVAL;
		}
		hist[impostor[i] - MNCR_FACE_SCORE_MIN]++;
	}
	ret = mncr_face_threshold_from_histogram(hist, fmr, t, achieved);
	free(hist);
	return ret;
}

static int cmp_desc(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

int mncr_face_threshold_for_fmr_f(const float *impostor, size_t n, double fmr,
				  enum mncr_face_metric metric, float *t)
{
	float *v;
	size_t allowed, k;

	if (!impostor || !t || !fmr_ok(fmr) ||
	    (metric != MNCR_FACE_COSINE && metric != MNCR_FACE_DISTANCE))
		return -EINVAL;
	if (!n || (double)n * fmr < 1)
		return -ERANGE;
	v = malloc(n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(impostor[i])) {
			free(v);
			return -EINVAL;
		}
		/* distances negated: "most alike first" either way */
		v[i] = metric == MNCR_FACE_COSINE ? impostor[i] : -impostor[i];
	}
	qsort(v, n, sizeof(*v), cmp_desc);
	allowed = (size_t)floor((double)n * fmr);
	k = allowed < n ? allowed : n - 1;
	/* just above the first value not allowed through; ties stay out */
	*t = allowed < n ? nextafterf(v[k], INFINITY) : nextafterf(v[k], -INFINITY);
	if (metric == MNCR_FACE_DISTANCE)
		*t = -*t;
	free(v);
	return 0;
}

int mncr_face_decide_scores(const int32_t *scores, size_t n, int32_t threshold,
			    struct mncr_face_decision *d)
{
	if (!d || (n && !scores))
		return -EINVAL;
	memset(d, 0, sizeof(*d));
	d->best = -1;
	for (size_t i = 0; i < n; i++) {
		if (d->best < 0 || scores[i] > d->best_score) {
			d->best = (int)i;
			d->best_score = scores[i];
		}
	}
	d->best_value = mncr_face_score_cosine(d->best_score);
	d->accept = d->best >= 0 && d->best_score >= threshold;
	return 0;
}

int mncr_face_decide_templates(const int8_t *ref, const int8_t *probes,
			       size_t n, size_t dim, int32_t threshold,
			       struct mncr_face_decision *d)
{
	int32_t scores[MAX_FRAMES];

	if (!ref || !d || (n && !probes) || n > MAX_FRAMES || !dim || dim > 512)
		return -EINVAL;
	mncr_match_score_ref(probes, n, ref, 1, dim, scores);
	return mncr_face_decide_scores(scores, n, threshold, d);
}

int mncr_face_decide_embeddings(const float *ref, const float *probes,
				size_t n, size_t dim,
				enum mncr_face_metric metric, float threshold,
				struct mncr_face_decision *d)
{
	const int cos = metric == MNCR_FACE_COSINE;

	if (!ref || !d || (n && !probes) || !dim || n > MAX_FRAMES ||
	    (metric != MNCR_FACE_COSINE && metric != MNCR_FACE_DISTANCE) ||
	    !isfinite(threshold))
		return -EINVAL;
	memset(d, 0, sizeof(*d));
	d->best = -1;
	for (size_t i = 0; i < n; i++) {
		const float *p = probes + i * dim;
		float v = cos ? mncr_face_cosine(ref, p, dim) : mncr_face_distance(ref, p, dim);

		if (!isfinite(v))
			continue;
		if (d->best < 0 || (cos ? v > d->best_value : v < d->best_value)) {
			d->best = (int)i;
			d->best_value = v;
		}
	}
	d->accept = d->best >= 0 && (cos ? d->best_value >= threshold :
				     d->best_value <= threshold);
	return 0;
}
