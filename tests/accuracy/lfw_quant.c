// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the int8 template's scale costs at the tail: all-vs-all FNMR at
 * FMR 1e-3 and 1e-4 over the enrolled images of the embedding cache, for
 * templates quantised as round(SCALE * e / |e|) clamped to -127..127, and
 * for the float cosine. The reader used SCALE 127 until this showed its
 * cost: no component can clip there, but a unit embedding's components
 * stay under 0.41 (LFW), so most of the int8 range went unused. It now
 * uses 320 (face_quantize.h).
 *   lfw_quant CACHE [SCALE...]     default scales 127 254 320 381
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "face/face_pipeline.h"
#include "face/face_quantize.h"
#include "lfw.h"

#define DIM MNCR_FACE_EMBED_DIM
#define FLOAT_BINS 200001	/* cosine -1..1 in steps of 1e-5 */

struct set {
	int n;
	float (*unit)[DIM];	/* L2-normalised embeddings */
	int *person;		/* equal for images of one person */
};

static int load(const char *path, struct set *s)
{
	struct lfw_header h;
	struct lfw_record *recs = lfw_cache_load(path, &h);
	char prev_name[LFW_NAME] = "";

	if (!recs)
		return -1;
	s->unit = malloc((size_t)h.count * sizeof(*s->unit));
	s->person = malloc((size_t)h.count * sizeof(int));
	s->n = 0;
	if (!s->unit || !s->person) {
		free(recs);
		return -1;
	}
	/* enrolled as lfw_eval counts them; the cache is sorted by name */
	for (uint32_t i = 0; i < h.count; i++) {
		struct lfw_record *r = &recs[i];
		size_t len = strcspn(r->name, "/");
		double norm = 0;

		if (r->fallback || r->status != MNCR_FACE_OK)
			continue;
		for (int k = 0; k < DIM; k++)
			norm += (double)r->embedding[k] * r->embedding[k];
		norm = sqrt(norm);
		for (int k = 0; k < DIM; k++)
			s->unit[s->n][k] = (float)(r->embedding[k] / norm);
		r->name[len] = 0;
		s->person[s->n] = s->n && !strcmp(prev_name, r->name) ?
				  s->person[s->n - 1] : s->n;
		snprintf(prev_name, sizeof(prev_name), "%s", r->name);
		s->n++;
	}
	free(recs);
	return 0;
}

/* FNMR at the lowest threshold (accept score >= t) whose FMR <= fmr. */
static double fnmr(const uint64_t *gen, const uint64_t *imp, long bins,
		   uint64_t n_gen, uint64_t n_imp, double fmr)
{
	uint64_t above = 0, below = n_gen;
	long t = bins;

	while (t > 0 && (double)(above + imp[t - 1]) <= fmr * (double)n_imp) {
		above += imp[--t];
		below -= gen[t];
	}
	return (double)below / (double)n_gen;
}

static int32_t dot8(const int8_t *a, const int8_t *b)
{
	int32_t s = 0;

	for (int i = 0; i < DIM; i++)
		s += (int32_t)a[i] * b[i];
	return s;
}

/* scale 0: the float cosine; else int8 templates at that scale. */
__attribute__((optimize("O3")))
static int measure(const struct set *s, int scale)
{
	long off = scale ? (long)scale * scale + 12L * scale + 64 : FLOAT_BINS / 2;
	long bins = 2 * off + 1;
	uint64_t *gen = calloc((size_t)bins, sizeof(*gen));
	uint64_t *imp = calloc((size_t)bins, sizeof(*imp));
	int8_t (*t)[DIM] = malloc((size_t)s->n * DIM);
	uint64_t n_gen = 0, n_imp = 0;
	long clipped = 0;

	if (!gen || !imp || !t) {
		free(gen);
		free(imp);
		free(t);
		return -1;
	}
	for (int i = 0; scale && i < s->n; i++) {
		for (int k = 0; k < DIM; k++) {
			float v = roundf((float)scale * s->unit[i][k]);

			clipped += fabsf(v) > 127;
			t[i][k] = (int8_t)(v > 127 ? 127 : v < -127 ? -127 : v);
		}
	}
	for (int i = 0; i < s->n; i++) {
		for (int j = i + 1; j < s->n; j++) {
			long b;

			if (scale) {
				b = dot8(t[i], t[j]) + off;
			} else {
				float c = 0;

				for (int k = 0; k < DIM; k++)
					c += s->unit[i][k] * s->unit[j][k];
				b = lroundf(c * 1e5f) + off;
			}
			b = b < 0 ? 0 : b >= bins ? bins - 1 : b;
			if (s->person[i] == s->person[j]) {
				gen[b]++;
				n_gen++;
			} else {
				imp[b]++;
				n_imp++;
			}
		}
	}
	if (scale)
		printf("int8, scale %3d   ", scale);
	else
		printf("float cosine      ");
	printf("FNMR %5.2f%% @ 1e-3  %5.2f%% @ 1e-4   components clipped %.3f per image\n",
	       100 * fnmr(gen, imp, bins, n_gen, n_imp, 1e-3),
	       100 * fnmr(gen, imp, bins, n_gen, n_imp, 1e-4),
	       (double)clipped / s->n);
	free(gen);
	free(imp);
	free(t);
	return 0;
}

/* At the library's scale the templates are its own (up to a rounding
 * tie or a clamp: the two normalise in different precision). */
static int check_library(const struct set *s)
{
	for (int i = 0; i < s->n; i += 97) {
		int8_t lib[DIM];

		if (mncr_face_quantize(s->unit[i], DIM, lib))
			return -1;
		for (int k = 0; k < DIM; k++) {
			float v = roundf(MNCR_FACE_Q_SCALE * s->unit[i][k]);

			if (fabsf(lib[k] - v) > 1)
				return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const int defaults[] = { 127, 254, 320, 381 };
	struct set s;

	if (argc < 2) {
		fprintf(stderr, "usage: lfw_quant CACHE [SCALE...]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (atoi(argv[i]) < 1 || atoi(argv[i]) > 1016) {
			fprintf(stderr, "lfw_quant: scale %s: 1 to 1016\n", argv[i]);
			return 2;
		}
	}
	if (load(argv[1], &s) || s.n < 2) {
		fprintf(stderr, "lfw_quant: %s: not an embedding cache\n", argv[1]);
		return 1;
	}
	if (check_library(&s)) {
		fprintf(stderr, "lfw_quant: quantiser disagrees with mncr_face_quantize\n");
		return 1;
	}
	printf("all-vs-all over %d enrolled images\n", s.n);
	if (measure(&s, 0))
		return 1;
	for (int i = 2; i < argc; i++) {
		int scale = atoi(argv[i]);

		if (measure(&s, scale))
			return 1;
	}
	for (int i = 0; argc == 2 && i < 4; i++) {
		if (measure(&s, defaults[i]))
			return 1;
	}
	return 0;
}
