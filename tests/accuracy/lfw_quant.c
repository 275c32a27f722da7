// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the int8 template's scale costs at the tail: all-vs-all FNMR at
 * FMR 1e-3 and 1e-4 over the enrolled images of the embedding cache, for
 * templates quantised as round(SCALE * e / |e|) clamped to -127..127, and
 * for the float cosine. The reader used SCALE 127 until this showed its
 * cost: no component can clip there, but a unit embedding's components
 * stay under 0.41 (LFW), so most of the int8 range went unused. It now
 * uses 320 (face_quantize.h). With --mfn512, the 512-d network's
 * embeddings (the chip alone) from lfw_mfn's cache, over the images both
 * caches enrolled: its components are smaller (a unit 512-d vector's are
 * about 1/sqrt(512)), so a larger scale may pay.
 *   lfw_quant CACHE [--mfn512 MFN_CACHE] [SCALE...]
 * default scales 127 254 320 381, and 480 640 for --mfn512
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "face/face_pipeline.h"
#include "face/face_quantize.h"
#include "lfw.h"
#include "lfw_mfn.h"

#define MAX_DIM LFW_MFN_MAX_DIM
#define FLOAT_BINS 200001	/* cosine -1..1 in steps of 1e-5 */

struct set {
	int n, dim;
	float (*unit)[MAX_DIM];	/* L2-normalised embeddings, dim used */
	int *person;		/* equal for images of one person */
};

/* The 512-d records of lfw_mfn's cache (count of them), or NULL. */
static struct lfw_mfn_record *load_mfn(const char *path, uint32_t count)
{
	struct lfw_mfn_header h;
	struct lfw_mfn_record *m = NULL;
	FILE *f = fopen(path, "rb");

	if (f && fread(&h, sizeof(h), 1, f) == 1 && !strcmp(h.magic, LFW_MFN_MAGIC) &&
	    h.count == count && h.dim == MAX_DIM) {
		m = malloc((size_t)count * sizeof(*m));
		if (m && fread(m, sizeof(*m), count, f) != count) {
			free(m);
			m = NULL;
		}
	}
	if (f)
		fclose(f);
	return m;
}

static int load(const char *path, const char *mfn_path, struct set *s)
{
	struct lfw_header h;
	struct lfw_record *recs = lfw_cache_load(path, &h);
	struct lfw_mfn_record *m = NULL;
	char prev_name[LFW_NAME] = "";

	if (!recs)
		return -1;
	if (mfn_path) {
		m = load_mfn(mfn_path, h.count);
		if (!m) {
			free(recs);
			return -1;
		}
	}
	s->dim = m ? MAX_DIM : MNCR_FACE_EMBED_DIM;
	s->unit = malloc((size_t)h.count * sizeof(*s->unit));
	s->person = malloc((size_t)h.count * sizeof(int));
	s->n = 0;
	if (!s->unit || !s->person) {
		free(recs);
		free(m);
		return -1;
	}
	/* enrolled as lfw_eval counts them; the cache is sorted by name */
	for (uint32_t i = 0; i < h.count; i++) {
		struct lfw_record *r = &recs[i];
		const float *e = m ? m[i].embedding : r->embedding;
		size_t len = strcspn(r->name, "/");
		double norm = 0;

		if (r->fallback || r->status != MNCR_FACE_OK || (m && m[i].status))
			continue;
		if (m && strcmp(m[i].name, r->name)) {
			free(recs);
			free(m);
			return -1;
		}
		for (int k = 0; k < s->dim; k++)
			norm += (double)e[k] * e[k];
		norm = sqrt(norm);
		for (int k = 0; k < s->dim; k++)
			s->unit[s->n][k] = (float)(e[k] / norm);
		r->name[len] = 0;
		s->person[s->n] = s->n && !strcmp(prev_name, r->name) ?
				  s->person[s->n - 1] : s->n;
		snprintf(prev_name, sizeof(prev_name), "%s", r->name);
		s->n++;
	}
	free(recs);
	free(m);
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

static int32_t dot8(const int8_t *a, const int8_t *b, int dim)
{
	int32_t s = 0;

	for (int i = 0; i < dim; i++)
		s += (int32_t)a[i] * b[i];
	return s;
}

/* scale 0: the float cosine; else int8 templates at that scale. */
__attribute__((optimize("O3")))
static int measure(const struct set *s, int scale)
{
	long off = scale ? (long)scale * scale + 24L * scale + 144 : FLOAT_BINS / 2;
	long bins = 2 * off + 1;
	uint64_t *gen = calloc((size_t)bins, sizeof(*gen));
	uint64_t *imp = calloc((size_t)bins, sizeof(*imp));
	int8_t (*t)[MAX_DIM] = malloc((size_t)s->n * MAX_DIM);
	uint64_t n_gen = 0, n_imp = 0;
	long clipped = 0;

	if (!gen || !imp || !t) {
		free(gen);
		free(imp);
		free(t);
		return -1;
	}
	for (int i = 0; scale && i < s->n; i++) {
		for (int k = 0; k < s->dim; k++) {
			float v = roundf((float)scale * s->unit[i][k]);

			clipped += fabsf(v) > 127;
			t[i][k] = (int8_t)(v > 127 ? 127 : v < -127 ? -127 : v);
		}
	}
	for (int i = 0; i < s->n; i++) {
		for (int j = i + 1; j < s->n; j++) {
			long b;

			if (scale) {
				b = dot8(t[i], t[j], s->dim) + off;
			} else {
				float c = 0;

				for (int k = 0; k < s->dim; k++)
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
		int8_t lib[MAX_DIM];

		if (mncr_face_quantize(s->unit[i], (size_t)s->dim, lib))
			return -1;
		for (int k = 0; k < s->dim; k++) {
			float v = roundf(MNCR_FACE_Q_SCALE * s->unit[i][k]);

			if (fabsf(lib[k] - v) > 1)
				return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const int defaults[] = { 127, 254, 320, 381, 480, 640 };
	const char *mfn = NULL;
	int first = 2, n_defaults;
	struct set s;

	if (argc >= 4 && !strcmp(argv[2], "--mfn512")) {
		mfn = argv[3];
		first = 4;
	}
	n_defaults = mfn ? 6 : 4;
	if (argc < 2) {
		fprintf(stderr, "usage: lfw_quant CACHE [--mfn512 MFN_CACHE] [SCALE...]\n");
		return 2;
	}
	for (int i = first; i < argc; i++) {
		if (atoi(argv[i]) < 1 || atoi(argv[i]) > 1016) {
			fprintf(stderr, "lfw_quant: scale %s: 1 to 1016\n", argv[i]);
			return 2;
		}
	}
	if (load(argv[1], mfn, &s) || s.n < 2) {
		fprintf(stderr, "lfw_quant: %s: not an embedding cache\n", mfn ? mfn : argv[1]);
		return 1;
	}
	if (check_library(&s)) {
		fprintf(stderr, "lfw_quant: quantiser disagrees with mncr_face_quantize\n");
		return 1;
	}
	printf("all-vs-all over %d enrolled images, %d-d embeddings\n", s.n, s.dim);
	if (measure(&s, 0))
		return 1;
	for (int i = first; i < argc; i++) {
		if (measure(&s, atoi(argv[i])))
			return 1;
	}
	for (int i = 0; argc == first && i < n_defaults; i++) {
		if (measure(&s, defaults[i]))
			return 1;
	}
	return 0;
}
