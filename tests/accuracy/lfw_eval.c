// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Accuracy figures from the embedding cache (lfw_embed):
 *  - LFW View 2: 10-fold accuracy, the threshold chosen on 9 folds and
 *    tested on the 10th, on int8 template scores (what the reader
 *    compares) and on float Euclidean distances;
 *  - all-vs-all over the enrolled images (status OK): every genuine pair
 *    and every impostor pair scored with int8 dot products, FNMR at FMR
 *    1e-3 and 1e-4 and the thresholds, failure-to-enrol counts; at those
 *    thresholds, the share of View 2's 3,000 genuine pairs rejected;
 *  - the same all-vs-all over every image (gates ignored, the centre box
 *    where nothing was detected): what the gates buy;
 *  - the ROC as CSV and PNG;
 *  - with MFN_CACHE (lfw_mfn), MobileFaceNet alone and fused with the
 *    ResNet (sum of z-normalised float cosines), 10-fold and all-vs-all,
 *    and one summary line per network: lfw_fusion.txt (192-d) or
 *    lfw_fusion_mfn512.txt (512-d); for the 512-d cache the same again on
 *    int8 templates (mncr_face_quantize, mncr_match_score_ref), with the
 *    thresholds face_decision.h takes.
 *   lfw_eval CACHE PAIRS OUT_DIR [MFN_CACHE...]
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "face/face_decision.h"
#include "face/face_pipeline.h"
#include "lfw.h"
#include "lfw_mfn.h"
#include "face/match.h"
#include "roc_png.h"

#define DIM MNCR_FACE_EMBED_DIM
#define FOLDS 10

struct pair {
	int a, b, same, fold;
};

static struct lfw_record *recs;
static int n_recs;

static int find(const char *person, int num)
{
	char name[LFW_NAME];
	int lo = 0, hi = n_recs - 1;

	snprintf(name, sizeof(name), "%s/%s_%04d.jpg", person, person, num);
	while (lo <= hi) {
		int mid = (lo + hi) / 2, c = strcmp(recs[mid].name, name);

		if (!c)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static int load_cache(const char *path)
{
	struct lfw_header h;

	recs = lfw_cache_load(path, &h);
	if (!recs)
		return -1;
	n_recs = (int)h.count;
	return 0;
}

/* lfw_pairs.txt: "10 300", then per fold 300 same and 300 different. */
static int load_pairs(const char *path, struct pair **out, int *n)
{
	FILE *f = fopen(path, "r");
	int folds, per, count = 0;
	struct pair *p;
	char line[512];

	if (!f || !fgets(line, sizeof(line), f) || sscanf(line, "%d %d", &folds, &per) != 2 ||
	    folds != FOLDS || per <= 0 || per > 10000) {
		if (f)
			fclose(f);
		return -1;
	}
	p = calloc((size_t)folds * (size_t)per * 2, sizeof(*p));
	while (p && fgets(line, sizeof(line), f) && count < folds * per * 2) {
		char n1[128], n2[128];
		int i1, i2;

		if (sscanf(line, "%127s %d %d", n1, &i1, &i2) == 3) {
			p[count].a = find(n1, i1);
			p[count].b = find(n1, i2);
			p[count].same = 1;
		} else if (sscanf(line, "%127s %d %127s %d", n1, &i1, n2, &i2) == 4) {
			p[count].a = find(n1, i1);
			p[count].b = find(n2, i2);
			p[count].same = 0;
		} else {
			continue;
		}
		p[count].fold = count / (2 * per);
		if (p[count].a < 0 || p[count].b < 0 || recs[p[count].a].status < 0 ||
		    recs[p[count].b].status < 0) {
			fprintf(stderr, "lfw_eval: pair %d: image missing\n", count);
			fclose(f);
			free(p);
			return -1;
		}
		count++;
	}
	fclose(f);
	if (!p || count != folds * per * 2) {
		free(p);
		return -1;
	}
	*out = p;
	*n = count;
	return 0;
}

/* Similarity of a pair: higher is alike (distances negated). */
static double pair_value(const struct pair *p, int use_float)
{
	const struct lfw_record *a = &recs[p->a], *b = &recs[p->b];
	int32_t s;

	if (use_float)
		return -mncr_face_distance(a->embedding, b->embedding, DIM);
	mncr_match_score_ref(a->templ, 1, b->templ, 1, DIM, &s);
	return s;
}

/* The threshold with the best accuracy on the pairs not in fold skip. */
static double best_threshold(const struct pair *p, const double *v, int n, int skip)
{
	double best_t = 0;
	int best = -1;

	/* every value is a candidate: accept when value >= t */
	for (int i = 0; i < n; i++) {
		int correct = 0;

		if (p[i].fold == skip)
			continue;
		for (int j = 0; j < n; j++) {
			if (p[j].fold == skip)
				continue;
			correct += (v[j] >= v[i]) == p[j].same;
		}
		if (correct > best) {
			best = correct;
			best_t = v[i];
		}
	}
	return best_t;
}

static void ten_fold(const struct pair *p, int n, int use_float, double *mean,
		     double *sd)
{
	double *v = malloc((size_t)n * sizeof(*v)), acc[FOLDS], s = 0, ss = 0;

	if (!v) {
		*mean = *sd = NAN;
		return;
	}
	for (int i = 0; i < n; i++)
		v[i] = pair_value(&p[i], use_float);
	for (int k = 0; k < FOLDS; k++) {
		double t = best_threshold(p, v, n, k);
		int correct = 0, total = 0;

		for (int i = 0; i < n; i++) {
			if (p[i].fold != k)
				continue;
			correct += (v[i] >= t) == p[i].same;
			total++;
		}
		acc[k] = (double)correct / total;
		s += acc[k];
	}
	*mean = s / FOLDS;
	for (int k = 0; k < FOLDS; k++)
		ss += (acc[k] - *mean) * (acc[k] - *mean);
	*sd = sqrt(ss / (FOLDS - 1));
	free(v);
}

/* Same person: the directory part of the names is equal. */
static int same_person(const struct lfw_record *a, const struct lfw_record *b)
{
	const char *sa = strchr(a->name, '/'), *sb = strchr(b->name, '/');

	return sa - a->name == sb - b->name && !strncmp(a->name, b->name, (size_t)(sa - a->name));
}

static int32_t dot(const int8_t *a, const int8_t *b)
{
	int32_t s = 0;

	for (int i = 0; i < DIM; i++)
		s += (int32_t)a[i] * b[i];
	return s;
}

/*
 * Every pair of enrolled images into the histograms. Images are sorted by
 * name, so a person's images are adjacent: genuine pairs are the pairs
 * within a run. The int8 loop vectorises (-O3 below); a sample is checked
 * against mncr_match_score_ref.
 */
__attribute__((optimize("O3")))
static void all_pairs(const int *idx, int n, uint64_t *gen, uint64_t *imp,
		      uint64_t *n_gen, uint64_t *n_imp)
{
	int8_t (*t)[DIM] = malloc((size_t)n * DIM);
	int *person = malloc((size_t)n * sizeof(int));

	if (!t || !person) {
		free(t);
		free(person);
		return;
	}
	for (int i = 0; i < n; i++) {
		memcpy(t[i], recs[idx[i]].templ, DIM);
		person[i] = i && same_person(&recs[idx[i]], &recs[idx[i - 1]]) ?
			    person[i - 1] : i;
	}
	for (int i = 0; i < n; i++) {
		for (int j = i + 1; j < n; j++) {
			int32_t s = dot(t[i], t[j]);

			if (person[i] == person[j]) {
				gen[s - MNCR_FACE_SCORE_MIN]++;
				(*n_gen)++;
			} else {
				imp[s - MNCR_FACE_SCORE_MIN]++;
				(*n_imp)++;
			}
		}
	}
	for (int k = 0; k < 1000 && n > 1; k++) {
		int i = (int)((unsigned)k * 2654435761u % (unsigned)n);
		int j = (int)((unsigned)(k + 7) * 40503u % (unsigned)n);
		int32_t ref;

		mncr_match_score_ref(t[i], 1, t[j], 1, DIM, &ref);
		if (ref != dot(t[i], t[j])) {
			fprintf(stderr, "lfw_eval: int8 loop disagrees with mncr_match_score_ref\n");
			exit(1);
		}
	}
	free(t);
	free(person);
}

/* View 2's genuine pairs scoring below t (int8). */
static double view2_fnmr(const struct pair *p, int n, int32_t t)
{
	int gen = 0, below = 0;

	for (int i = 0; i < n; i++) {
		if (!p[i].same)
			continue;
		gen++;
		below += pair_value(&p[i], 0) < t;
	}
	return gen ? (double)below / gen : 0;
}

/* FNMR at threshold t: genuine pairs scoring below t. */
static double fnmr_at(const uint64_t *gen, uint64_t n_gen, int32_t t)
{
	uint64_t below = 0;

	for (int32_t s = MNCR_FACE_SCORE_MIN; s < t; s++)
		below += gen[s - MNCR_FACE_SCORE_MIN];
	return (double)below / (double)n_gen;
}

static int write_roc(const char *dir, const uint64_t *gen, const uint64_t *imp,
		     uint64_t n_gen, uint64_t n_imp)
{
	char path[4096];
	struct roc_point *pts = malloc(MNCR_FACE_SCORE_BINS * sizeof(*pts));
	uint64_t acc_imp = 0, acc_gen = 0;
	int n = 0, ret;
	FILE *f;

	snprintf(path, sizeof(path), "%s/lfw_roc.csv", dir);
	f = fopen(path, "w");
	if (!f || !pts) {
		if (f)
			fclose(f);
		free(pts);
		return -1;
	}
	fprintf(f, "threshold,cosine,fmr,fnmr,impostor_pairs_accepted,genuine_pairs_rejected\n");
	/* from the top: accept when score >= s */
	for (int32_t s = MNCR_FACE_SCORE_MAX; s >= MNCR_FACE_SCORE_MIN; s--) {
		acc_imp += imp[s - MNCR_FACE_SCORE_MIN];
		acc_gen += gen[s - MNCR_FACE_SCORE_MIN];
		if (!imp[s - MNCR_FACE_SCORE_MIN] && !gen[s - MNCR_FACE_SCORE_MIN])
			continue;
		pts[n].fmr = (double)acc_imp / (double)n_imp;
		pts[n].fnmr = 1.0 - (double)acc_gen / (double)n_gen;
		fprintf(f, "%d,%.5f,%.4e,%.6f,%llu,%llu\n", s,
			mncr_face_score_cosine(s), pts[n].fmr, pts[n].fnmr,
			(unsigned long long)acc_imp,
			(unsigned long long)(n_gen - acc_gen));
		n++;
	}
	fclose(f);
	snprintf(path, sizeof(path), "%s/lfw_roc.png", dir);
	ret = roc_png_write(path, pts, n, "LFW all-vs-all ROC");
	free(pts);
	return ret;
}

/* ---- MobileFaceNet and score fusion (lfw_mfn's cache) ---- */

#define MFN_DIM LFW_MFN_MAX_DIM	/* arrays; sc->dim values used */
#define MFN_VARIANTS 4
#define FUSE_WEIGHTS 13		/* w = 0, 0.25, ..., 3 */
#define HIST_BINS 40001

static const char *const variant_name[2][MFN_VARIANTS] = {
	{ "PReLU repaired", "as TF.js runs it", "PReLU repaired, centred",
	  "as TF.js runs it, centred" },
	{ "chip alone", "chip + mirror", "chip alone, centred", "chip + mirror, centred" },
};

struct scores {
	float *dlib;			/* n_recs x DIM, unit length */
	float *mfn[MFN_VARIANTS];	/* n_recs x MFN_DIM, unit length */
	int *ok;			/* both networks embedded */
	int dim;			/* 192 or 512 */
	int8_t *t8;			/* 512-d: n_recs x MFN_DIM templates (the chip alone) */
};

static void unit_length(float *v, int d)
{
	double s = 0;

	for (int i = 0; i < d; i++)
		s += (double)v[i] * v[i];
	s = s > 0 ? 1 / sqrt(s) : 0;
	for (int i = 0; i < d; i++)
		v[i] = (float)(v[i] * s);
}

__attribute__((optimize("O3")))
static float fdot(const float *a, const float *b, int d)
{
	float s = 0;

	for (int i = 0; i < d; i++)
		s += a[i] * b[i];
	return s;
}

static int load_scores(const char *path, struct scores *sc)
{
	struct lfw_mfn_header h;
	struct lfw_mfn_record *m;
	FILE *f = fopen(path, "rb");
	double mean[2][MFN_DIM] = { { 0 } };
	int n_ok = 0;

	if (!f || fread(&h, sizeof(h), 1, f) != 1 || strcmp(h.magic, LFW_MFN_MAGIC) ||
	    h.count != (uint32_t)n_recs || (h.dim != MNCR_FACE_MFN_DIM && h.dim != MFN_DIM)) {
		fprintf(stderr, "lfw_eval: %s: not a MobileFaceNet cache of %d images\n",
			path, n_recs);
		if (f)
			fclose(f);
		return -1;
	}
	m = malloc((size_t)n_recs * sizeof(*m));
	sc->dlib = malloc((size_t)n_recs * DIM * sizeof(float));
	sc->ok = calloc((size_t)n_recs, sizeof(int));
	sc->t8 = h.dim == MFN_DIM ? calloc((size_t)n_recs, MFN_DIM) : NULL;
	for (int v = 0; v < MFN_VARIANTS; v++)
		sc->mfn[v] = malloc((size_t)n_recs * MFN_DIM * sizeof(float));
	if (!m || !sc->dlib || !sc->ok || !sc->mfn[0] || !sc->mfn[1] || !sc->mfn[2] ||
	    !sc->mfn[3] || fread(m, sizeof(*m), (size_t)n_recs, f) != (size_t)n_recs) {
		fclose(f);
		return -1;
	}
	fclose(f);
	sc->dim = (int)h.dim;
	for (int i = 0; i < n_recs; i++) {
		if (strcmp(m[i].name, recs[i].name)) {
			fprintf(stderr, "lfw_eval: %s: image %d is %s, not %s\n", path, i,
				m[i].name, recs[i].name);
			return -1;
		}
		memcpy(sc->dlib + (size_t)i * DIM, recs[i].embedding, DIM * sizeof(float));
		unit_length(sc->dlib + (size_t)i * DIM, DIM);
		/* the reader's template: mncr_face_quantize() of the raw outputs */
		if (sc->t8 && m[i].status == 0 &&
		    mncr_face_quantize(m[i].embedding, MFN_DIM, sc->t8 + (size_t)i * MFN_DIM))
			m[i].status = -1;
		sc->ok[i] = m[i].status == 0 && recs[i].status >= 0;
		memcpy(sc->mfn[0] + (size_t)i * MFN_DIM, m[i].embedding, sizeof(m[i].embedding));
		memcpy(sc->mfn[1] + (size_t)i * MFN_DIM, m[i].raw, sizeof(m[i].raw));
		/* the 512-d network's outputs are not normalised */
		unit_length(sc->mfn[0] + (size_t)i * MFN_DIM, sc->dim);
		unit_length(sc->mfn[1] + (size_t)i * MFN_DIM, sc->dim);
		if (!sc->ok[i])
			continue;
		n_ok++;
		for (int k = 0; k < sc->dim; k++) {
			mean[0][k] += sc->mfn[0][(size_t)i * MFN_DIM + (size_t)k];
			mean[1][k] += sc->mfn[1][(size_t)i * MFN_DIM + (size_t)k];
		}
	}
	/* centred: minus the mean over LFW (no labels used), unit length again */
	for (int i = 0; i < n_recs; i++) {
		for (int v = 0; v < 2; v++) {
			float *dst = sc->mfn[2 + v] + (size_t)i * MFN_DIM;
			const float *src = sc->mfn[v] + (size_t)i * MFN_DIM;

			for (int k = 0; k < sc->dim; k++)
				dst[k] = (float)(src[k] - (n_ok ? mean[v][k] / n_ok : 0));
			unit_length(dst, sc->dim);
		}
	}
	free(m);
	return 0;
}

struct ranked {
	double v;
	int same;
};

static int cmp_ranked(const void *a, const void *b)
{
	double x = ((const struct ranked *)a)->v, y = ((const struct ranked *)b)->v;

	return x < y ? -1 : x > y;
}

/* Best accuracy threshold on the pairs not in fold skip: correct count. */
static int train_threshold(const struct pair *p, const double *v, int n, int skip,
			   double *t)
{
	struct ranked *r = malloc((size_t)n * sizeof(*r));
	int m = 0, same_total = 0, best = -1, diff_below = 0, same_below = 0;

	if (!r)
		return -1;
	for (int i = 0; i < n; i++) {
		if (p[i].fold == skip)
			continue;
		r[m].v = v[i];
		r[m++].same = p[i].same;
		same_total += p[i].same;
	}
	qsort(r, (size_t)m, sizeof(*r), cmp_ranked);
	/* accept v >= r[j].v: the ones below j are rejected */
	for (int j = 0; j <= m; j++) {
		if (j == m || j == 0 || r[j].v != r[j - 1].v) {
			int correct = diff_below + (same_total - same_below);

			if (correct > best) {
				best = correct;
				*t = j == m ? r[m - 1].v + 1 : r[j].v;
			}
		}
		if (j < m) {
			diff_below += !r[j].same;
			same_below += r[j].same;
		}
	}
	free(r);
	return best;
}

static double test_accuracy(const struct pair *p, const double *v, int n, int k, double t)
{
	int correct = 0, total = 0;

	for (int i = 0; i < n; i++) {
		if (p[i].fold != k)
			continue;
		correct += (v[i] >= t) == p[i].same;
		total++;
	}
	return (double)correct / total;
}

static void mean_sd(const double *acc, double *mean, double *sd)
{
	double s = 0, ss = 0;

	for (int k = 0; k < FOLDS; k++)
		s += acc[k];
	*mean = s / FOLDS;
	for (int k = 0; k < FOLDS; k++)
		ss += (acc[k] - *mean) * (acc[k] - *mean);
	*sd = sqrt(ss / (FOLDS - 1));
}

static void ten_fold_v(const struct pair *p, int n, const double *v, double *mean,
		       double *sd)
{
	double acc[FOLDS], t = 0;

	for (int k = 0; k < FOLDS; k++) {
		train_threshold(p, v, n, k, &t);
		acc[k] = test_accuracy(p, v, n, k, t);
	}
	mean_sd(acc, mean, sd);
}

/* Mean and SD of v over the pairs not in fold skip (skip -1: all). */
static void z_params(const struct pair *p, const double *v, int n, int skip,
		     double *mu, double *sigma)
{
	double s = 0, ss = 0;
	int m = 0;

	for (int i = 0; i < n; i++) {
		if (p[i].fold == skip)
			continue;
		s += v[i];
		m++;
	}
	*mu = s / m;
	for (int i = 0; i < n; i++)
		if (p[i].fold != skip)
			ss += (v[i] - *mu) * (v[i] - *mu);
	*sigma = sqrt(ss / m);
}

/*
 * Fused 10-fold: z-normalisation and the weight w of the second score
 * (fused = z1 + w z2) both chosen on the nine training folds.
 */
static void fused_ten_fold(const struct pair *p, int n, const double *v1,
			   const double *v2, double *mean, double *sd, double *w_mean)
{
	double *f = malloc((size_t)n * sizeof(*f)), acc[FOLDS], wsum = 0;

	for (int k = 0; k < FOLDS && f; k++) {
		double m1, s1, m2, s2, best_t = 0, best_w = 0;
		int best = -1;

		z_params(p, v1, n, k, &m1, &s1);
		z_params(p, v2, n, k, &m2, &s2);
		for (int wi = 0; wi < FUSE_WEIGHTS; wi++) {
			double w = 0.25 * wi, t = 0;
			int c;

			for (int i = 0; i < n; i++)
				f[i] = (v1[i] - m1) / s1 + w * (v2[i] - m2) / s2;
			c = train_threshold(p, f, n, k, &t);
			if (c > best) {
				best = c;
				best_t = t;
				best_w = w;
			}
		}
		for (int i = 0; i < n; i++)
			f[i] = (v1[i] - m1) / s1 + best_w * (v2[i] - m2) / s2;
		acc[k] = test_accuracy(p, f, n, k, best_t);
		wsum += best_w;
	}
	free(f);
	mean_sd(acc, mean, sd);
	*w_mean = wsum / FOLDS;
}

struct hist {
	double lo, hi;
	uint64_t *gen, *imp, n_gen, n_imp;
};

static int hist_bin(const struct hist *h, double v)
{
	int b = (int)floor((v - h->lo) / (h->hi - h->lo) * (HIST_BINS - 1) + 0.5);

	return b < 0 ? 0 : b >= HIST_BINS ? HIST_BINS - 1 : b;
}

/* FNMR at the lowest threshold whose FMR is at most fmr; the FMR reached. */
static double hist_fnmr(const struct hist *h, double fmr, double *got, double *thr)
{
	uint64_t acc = 0, below = 0;
	int b = HIST_BINS;

	while (b > 0 && (double)(acc + h->imp[b - 1]) <= fmr * (double)h->n_imp)
		acc += h->imp[--b];
	for (int i = 0; i < b; i++)
		below += h->gen[i];
	*got = (double)acc / (double)h->n_imp;
	*thr = h->lo + (h->hi - h->lo) * b / (HIST_BINS - 1);
	return (double)below / (double)h->n_gen;
}

/* All-vs-all over idx: the ResNet, MobileFaceNet (variant mv), fused. */
__attribute__((optimize("O3")))
static void fused_all_pairs(const struct scores *sc, int mv, const int *idx, int n,
			    const double z[4], double w, struct hist h[3])
{
	int *person = malloc((size_t)n * sizeof(int));

	if (!person)
		return;
	for (int i = 0; i < n; i++)
		person[i] = i && same_person(&recs[idx[i]], &recs[idx[i - 1]]) ?
			    person[i - 1] : i;
	for (int i = 0; i < n; i++) {
		const float *d1 = sc->dlib + (size_t)idx[i] * DIM;
		const float *m1 = sc->mfn[mv] + (size_t)idx[i] * MFN_DIM;

		for (int j = i + 1; j < n; j++) {
			double s[3];
			int same = person[i] == person[j];

			s[0] = fdot(d1, sc->dlib + (size_t)idx[j] * DIM, DIM);
			s[1] = fdot(m1, sc->mfn[mv] + (size_t)idx[j] * MFN_DIM, sc->dim);
			s[2] = (s[0] - z[0]) / z[1] + w * (s[1] - z[2]) / z[3];
			for (int k = 0; k < 3; k++) {
				int b = hist_bin(&h[k], s[k]);

				if (same) {
					h[k].gen[b]++;
					h[k].n_gen++;
				} else {
					h[k].imp[b]++;
					h[k].n_imp++;
				}
			}
		}
	}
	free(person);
}

static double pair_cos(const float *e, int d, const struct pair *p)
{
	return fdot(e + (size_t)p->a * d, e + (size_t)p->b * d, d);
}

/* Rows of stride floats of which the first d are used. */
static double pair_cos_d(const float *e, int stride, int d, const struct pair *p)
{
	return fdot(e + (size_t)p->a * stride, e + (size_t)p->b * stride, d);
}

/*
 * One line per network: View 2 accuracy (float cosine), all-vs-all FNMR at
 * FMR 1e-3 and 1e-4 on the images both enrolled, failures to enrol (the
 * reader's gates, no face, or the network's own failure) over all images.
 */
static void summary(FILE *f, const struct scores *sc, int bv, const double dacc[2],
		    const double macc[2], const double facc[2], const struct hist h[3])
{
	static const char *const name[3] = { "resnet", "mfn", "fused" };
	const double *acc[3] = { dacc, macc, facc };
	int fte[3] = { 0, 0, 0 };

	for (int i = 0; i < n_recs; i++) {
		int enrolled = !recs[i].fallback && recs[i].status == MNCR_FACE_OK;

		fte[0] += !enrolled;
		fte[1] += !enrolled || !sc->ok[i];
	}
	fte[2] = fte[1];
	for (int k = 0; k < 3; k++) {
		double got, thr, f3 = hist_fnmr(&h[k], 1e-3, &got, &thr);
		double f4 = hist_fnmr(&h[k], 1e-4, &got, &thr);

		fprintf(f, "summary %s%s%s: View-2 %.2f%% +- %.2f, FNMR %.2f%% at FMR 1e-3, "
			"%.2f%% at 1e-4, FTE %.2f%% (%d of %d)\n", name[k],
			k ? (sc->dim == MFN_DIM ? "512" : "192") : "",
			k && sc->dim == MFN_DIM && (bv & 1) ? " (mirror)" : "", 100 * acc[k][0], 100 * acc[k][1],
			100 * f3, 100 * f4, 100.0 * fte[k] / n_recs, fte[k], n_recs);
	}
}

/* ---- int8 templates as the reader matches them (512-d cache) ---- */

/* Per network: ResNet, 512-d, fused (z-normalised int8 scores). */
struct int8_eval {
	double acc[3][2], w, z[4];
	uint64_t *gen[2], *imp[2], n_gen, n_imp;	/* exact scores, ResNet and 512-d */
	struct hist fused;
};

__attribute__((optimize("O3")))
static int32_t dot_n(const int8_t *a, const int8_t *b, int d)
{
	int32_t s = 0;

	for (int i = 0; i < d; i++)
		s += (int32_t)a[i] * b[i];
	return s;
}

static double pair_score512(const struct scores *sc, const struct pair *p)
{
	int32_t s;

	if (!sc->ok[p->a] || !sc->ok[p->b])
		return MNCR_FACE_SCORE_MIN;
	mncr_match_score_ref(sc->t8 + (size_t)p->a * MFN_DIM, 1,
			     sc->t8 + (size_t)p->b * MFN_DIM, 1, MFN_DIM, &s);
	return s;
}

/* All-vs-all over idx: both networks' exact int8 scores and the fused. */
__attribute__((optimize("O3")))
static int int8_all_pairs(const struct scores *sc, const int *idx, int n, struct int8_eval *e)
{
	int8_t (*t)[DIM] = malloc((size_t)n * DIM);
	int *person = malloc((size_t)n * sizeof(int));

	if (!t || !person) {
		free(t);
		free(person);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		memcpy(t[i], recs[idx[i]].templ, DIM);
		person[i] = i && same_person(&recs[idx[i]], &recs[idx[i - 1]]) ?
			    person[i - 1] : i;
	}
	for (int i = 0; i < n; i++) {
		const int8_t *m1 = sc->t8 + (size_t)idx[i] * MFN_DIM;

		for (int j = i + 1; j < n; j++) {
			int32_t s0 = dot(t[i], t[j]);
			int32_t s1 = dot_n(m1, sc->t8 + (size_t)idx[j] * MFN_DIM, MFN_DIM);
			double f = (s0 - e->z[0]) / e->z[1] + e->w * (s1 - e->z[2]) / e->z[3];
			int b = hist_bin(&e->fused, f);

			if (person[i] == person[j]) {
				e->gen[0][s0 - MNCR_FACE_SCORE_MIN]++;
				e->gen[1][s1 - MNCR_FACE_SCORE_MIN]++;
				e->fused.gen[b]++;
				e->n_gen++;
			} else {
				e->imp[0][s0 - MNCR_FACE_SCORE_MIN]++;
				e->imp[1][s1 - MNCR_FACE_SCORE_MIN]++;
				e->fused.imp[b]++;
				e->n_imp++;
			}
		}
	}
	e->fused.n_gen = e->n_gen;
	e->fused.n_imp = e->n_imp;
	for (int k = 0; k < 1000 && n > 1; k++) {
		int i = (int)((unsigned)k * 2654435761u % (unsigned)n);
		int j = (int)((unsigned)(k + 7) * 40503u % (unsigned)n);
		const int8_t *a = sc->t8 + (size_t)idx[i] * MFN_DIM, *b = sc->t8 + (size_t)idx[j] * MFN_DIM;
		int32_t ref;

		mncr_match_score_ref(a, 1, b, 1, MFN_DIM, &ref);
		if (ref != dot_n(a, b, MFN_DIM)) {
			fprintf(stderr, "lfw_eval: 512-d int8 loop disagrees with mncr_match_score_ref\n");
			exit(1);
		}
	}
	free(t);
	free(person);
	return 0;
}

/*
 * The reader's view: 10-fold View 2 on int8 scores (threshold chosen on
 * the nine training folds), all-vs-all on the images both enrolled, the
 * thresholds face_decision.h takes (mncr_face_threshold_from_histogram).
 */
static int int8_eval(const struct scores *sc, const struct pair *p, int n, const int *idx,
		     int n_idx, int fte, FILE *out)
{
	static const char *const name[3] = { "resnet int8", "mfn512 int8", "fused512 int8" };
	double *v0 = malloc((size_t)n * sizeof(double)), *v1 = malloc((size_t)n * sizeof(double));
	struct int8_eval e = { .fused = { .lo = -30, .hi = 70 } };
	int ret = -1;

	e.fused.gen = calloc(HIST_BINS, sizeof(uint64_t));
	e.fused.imp = calloc(HIST_BINS, sizeof(uint64_t));
	for (int k = 0; k < 2; k++) {
		e.gen[k] = calloc(MNCR_FACE_SCORE_BINS, sizeof(uint64_t));
		e.imp[k] = calloc(MNCR_FACE_SCORE_BINS, sizeof(uint64_t));
		if (!e.gen[k] || !e.imp[k])
			goto out;
	}
	if (!v0 || !v1 || !e.fused.gen || !e.fused.imp)
		goto out;
	for (int i = 0; i < n; i++) {
		v0[i] = pair_value(&p[i], 0);
		v1[i] = pair_score512(sc, &p[i]);
	}
	ten_fold_v(p, n, v0, &e.acc[0][0], &e.acc[0][1]);
	ten_fold_v(p, n, v1, &e.acc[1][0], &e.acc[1][1]);
	fused_ten_fold(p, n, v0, v1, &e.acc[2][0], &e.acc[2][1], &e.w);
	z_params(p, v0, n, -1, &e.z[0], &e.z[1]);
	z_params(p, v1, n, -1, &e.z[2], &e.z[3]);
	if (int8_all_pairs(sc, idx, n_idx, &e))
		goto out;
	for (int pass = 0; pass < 2; pass++) {
		FILE *f = pass ? out : stdout;

		if (!f)
			continue;
		fprintf(f, "int8 templates (scale %d, mncr_match_score_ref), %d images enrolled by both:\n",
			MNCR_FACE_Q_SCALE, n_idx);
		for (int k = 0; k < 3; k++) {
			double fnmr[2];

			fprintf(f, "  %-13s View-2 %.2f%% +- %.2f%s\n", name[k], 100 * e.acc[k][0],
				100 * e.acc[k][1], k == 2 ? " (fused: w chosen on the training folds)" : "");
			for (int q = 0; q < 2; q++) {
				const double fmr = q ? 1e-4 : 1e-3;
				double got, thr;
				int32_t t;
				int below = 0, same = 0;

				if (k == 2) {
					fnmr[q] = hist_fnmr(&e.fused, fmr, &got, &thr);
					fprintf(f, "    FMR %.0e: FNMR %.2f%% (FMR %.2e, fused threshold %.3f)\n",
						fmr, 100 * fnmr[q], got, thr);
					continue;
				}
				if (mncr_face_threshold_from_histogram(e.imp[k], fmr, &t, &got))
					goto out;
				fnmr[q] = fnmr_at(e.gen[k], e.n_gen, t);
				for (int i = 0; i < n; i++) {
					same += p[i].same;
					below += p[i].same && (k ? v1 : v0)[i] < t;
				}
				fprintf(f, "    FMR %.0e: threshold %6d (cosine %.4f), FMR %.2e, FNMR %.2f%%, "
					"View 2 genuine pairs rejected %.2f%%\n", fmr, t,
					mncr_face_score_cosine(t), got, 100 * fnmr[q], 100.0 * below / same);
			}
			fprintf(f, "summary %s: View-2 %.2f%% +- %.2f, FNMR %.2f%% at FMR 1e-3, "
				"%.2f%% at 1e-4, FTE %.2f%% (%d of %d)\n", name[k], 100 * e.acc[k][0],
				100 * e.acc[k][1], 100 * fnmr[0], 100 * fnmr[1], 100.0 * fte / n_recs,
				fte, n_recs);
		}
		fprintf(f, "  (%llu genuine, %llu impostor pairs)\n", (unsigned long long)e.n_gen,
			(unsigned long long)e.n_imp);
	}
	ret = 0;
out:
	for (int k = 0; k < 2; k++) {
		free(e.gen[k]);
		free(e.imp[k]);
	}
	free(e.fused.gen);
	free(e.fused.imp);
	free(v0);
	free(v1);
	return ret;
}

static int fusion(const char *mfn_cache, const struct pair *p, int n, const char *dir)
{
	struct scores sc;
	double *vd = malloc((size_t)n * sizeof(double)), *vm[MFN_VARIANTS];
	double acc[MFN_VARIANTS][2], facc[MFN_VARIANTS][2], fw[MFN_VARIANTS], dacc[2];
	double z[4], best = -1;
	struct hist h[3];
	int bv = 0, *idx, n_idx = 0;
	char path[4096];
	FILE *out;

	if (!vd || load_scores(mfn_cache, &sc))
		return -1;
	for (int i = 0; i < n; i++)
		vd[i] = pair_cos(sc.dlib, DIM, &p[i]);
	ten_fold_v(p, n, vd, &dacc[0], &dacc[1]);
	for (int v = 0; v < MFN_VARIANTS; v++) {
		vm[v] = malloc((size_t)n * sizeof(double));
		if (!vm[v])
			return -1;
		for (int i = 0; i < n; i++)
			vm[v][i] = sc.ok[p[i].a] && sc.ok[p[i].b] ?
				   pair_cos_d(sc.mfn[v], MFN_DIM, sc.dim, &p[i]) : -1;
		ten_fold_v(p, n, vm[v], &acc[v][0], &acc[v][1]);
		fused_ten_fold(p, n, vd, vm[v], &facc[v][0], &facc[v][1], &fw[v]);
		/* ties (w 0 everywhere) go to the better network alone; for the
		 * 512-d network only what the reader can run (no LFW centring) */
		if (sc.dim == MFN_DIM && v >= 2)
			continue;
		if (facc[v][0] > best || (facc[v][0] == best && acc[v][0] > acc[bv][0])) {
			best = facc[v][0];
			bv = v;
		}
	}
	/* all-vs-all: the variant whose fusion did best, its mean weight (the
	 * histogram's 5e-5 steps cannot resolve scores crowded near 1) */
	idx = malloc((size_t)n_recs * sizeof(int));
	for (int k = 0; k < 3; k++) {
		h[k].lo = k < 2 ? -1 : -30;
		h[k].hi = k < 2 ? 1 : 70;
		h[k].gen = calloc(HIST_BINS, sizeof(uint64_t));
		h[k].imp = calloc(HIST_BINS, sizeof(uint64_t));
		h[k].n_gen = h[k].n_imp = 0;
		if (!h[k].gen || !h[k].imp)
			return -1;
	}
	if (!idx)
		return -1;
	for (int i = 0; i < n_recs; i++)
		if (!recs[i].fallback && recs[i].status == MNCR_FACE_OK && sc.ok[i])
			idx[n_idx++] = i;
	z_params(p, vd, n, -1, &z[0], &z[1]);
	z_params(p, vm[bv], n, -1, &z[2], &z[3]);
	fused_all_pairs(&sc, bv, idx, n_idx, z, fw[bv], h);

	snprintf(path, sizeof(path), "%s/lfw_fusion%s.txt", dir, sc.dim == MFN_DIM ? "_mfn512" : "");
	out = fopen(path, "w");
	for (int pass = 0; pass < 2; pass++) {
		FILE *f = pass ? out : stdout;

		if (!f)
			continue;
		fprintf(f, "View 2 10-fold accuracy, float cosine:\n");
		fprintf(f, "  ResNet (dlib)                          %.2f%% +- %.2f\n",
			100 * dacc[0], 100 * dacc[1]);
		for (int v = 0; v < MFN_VARIANTS; v++)
			fprintf(f, "  MobileFaceNet, %-25s %.2f%% +- %.2f; fused %.2f%% +- %.2f (w %.2f)\n",
				variant_name[sc.dim == MFN_DIM][v], 100 * acc[v][0], 100 * acc[v][1],
				100 * facc[v][0], 100 * facc[v][1], fw[v]);
		fprintf(f, "all-vs-all, %d images enrolled by both, MobileFaceNet %s, fused w %.2f:\n",
			n_idx, variant_name[sc.dim == MFN_DIM][bv], fw[bv]);
		fprintf(f, "  %llu genuine, %llu impostor pairs\n",
			(unsigned long long)h[0].n_gen, (unsigned long long)h[0].n_imp);
		for (int k = 0; k < 3; k++) {
			static const char *const name[3] = { "ResNet", "MobileFaceNet", "fused" };

			fprintf(f, "  %-14s", name[k]);
			for (int q = 0; q < 2; q++) {
				const double fmr = q ? 1e-4 : 1e-3;
				double got, thr, fnmr = hist_fnmr(&h[k], fmr, &got, &thr);

				fprintf(f, "  FMR %.0e: FNMR %.2f%% (FMR %.2e, threshold %.4f)",
					fmr, 100 * fnmr, got, thr);
			}
			fprintf(f, "\n");
		}
		summary(f, &sc, bv, dacc, acc[bv], facc[bv], h);
	}
	if (sc.t8 && int8_eval(&sc, p, n, idx, n_idx, n_recs - n_idx, out))
		return -1;
	if (out)
		fclose(out);
	for (int k = 0; k < 3; k++) {
		free(h[k].gen);
		free(h[k].imp);
	}
	for (int v = 0; v < MFN_VARIANTS; v++) {
		free(vm[v]);
		free(sc.mfn[v]);
	}
	free(vd);
	free(idx);
	free(sc.dlib);
	free(sc.ok);
	free(sc.t8);
	return 0;
}

int main(int argc, char **argv)
{
	struct pair *pairs;
	int n_pairs, n_ok = 0, n_fallback = 0, n_quality = 0, n_badlm = 0, *idx;
	int gate_count[MNCR_FACE_Q_GATES] = { 0 };
	uint64_t *gen, *imp, n_gen = 0, n_imp = 0;
	uint64_t *gen_all, *imp_all, n_gen_all = 0, n_imp_all = 0;
	double acc8, sd8, accf, sdf;
	const double fmrs[2] = { 1e-3, 1e-4 };
	char path[4096];
	FILE *out;

	if (argc < 4) {
		fprintf(stderr, "usage: lfw_eval CACHE PAIRS OUT_DIR [MFN_CACHE...]\n");
		return 2;
	}
	if (load_cache(argv[1])) {
		fprintf(stderr, "lfw_eval: %s: not a cache\n", argv[1]);
		return 1;
	}
	if (load_pairs(argv[2], &pairs, &n_pairs)) {
		fprintf(stderr, "lfw_eval: %s: bad pairs file\n", argv[2]);
		return 1;
	}
	idx = malloc((size_t)n_recs * sizeof(*idx));
	gen = calloc(MNCR_FACE_SCORE_BINS, sizeof(*gen));
	imp = calloc(MNCR_FACE_SCORE_BINS, sizeof(*imp));
	gen_all = calloc(MNCR_FACE_SCORE_BINS, sizeof(*gen_all));
	imp_all = calloc(MNCR_FACE_SCORE_BINS, sizeof(*imp_all));
	if (!idx || !gen || !imp || !gen_all || !imp_all)
		return 1;
	for (int i = 0; i < n_recs; i++) {
		const struct lfw_record *r = &recs[i];

		if (r->fallback)
			n_fallback++;
		else if (r->status == MNCR_FACE_OK)
			idx[n_ok++] = i;
		else if (r->status == MNCR_FACE_QUALITY)
			n_quality++;
		else
			n_badlm++;
		for (int g = 0; g < MNCR_FACE_Q_GATES; g++)
			gate_count[g] += !r->fallback && (r->fails >> g & 1);
	}
	ten_fold(pairs, n_pairs, 0, &acc8, &sd8);
	ten_fold(pairs, n_pairs, 1, &accf, &sdf);
	all_pairs(idx, n_ok, gen, imp, &n_gen, &n_imp);
	{
		int *every = malloc((size_t)n_recs * sizeof(*every)), n_every = 0;

		if (!every)
			return 1;
		for (int i = 0; i < n_recs; i++)
			if (recs[i].status >= 0)
				every[n_every++] = i;
		all_pairs(every, n_every, gen_all, imp_all, &n_gen_all, &n_imp_all);
		free(every);
	}

	snprintf(path, sizeof(path), "%s/lfw_results.txt", argv[3]);
	out = fopen(path, "w");
	for (int pass = 0; pass < 2; pass++) {
		FILE *f = pass ? out : stdout;

		if (!f)
			continue;
		fprintf(f, "images                            %d\n", n_recs);
		fprintf(f, "enrolled (pipeline OK)            %d\n", n_ok);
		fprintf(f, "failure to enrol                  %d (%.2f%%): no face %d, quality %d, landmarks %d\n",
			n_recs - n_ok, 100.0 * (n_recs - n_ok) / n_recs, n_fallback,
			n_quality, n_badlm);
		fprintf(f, "  gates failed (detected faces)  ");
		for (int g = 0; g < MNCR_FACE_Q_GATES; g++)
			fprintf(f, " %s %d%s", mncr_face_quality_reason(1u << g), gate_count[g],
				g + 1 < MNCR_FACE_Q_GATES ? "," : "\n");
		fprintf(f, "View 2 10-fold accuracy, int8     %.2f%% +- %.2f\n", 100 * acc8, 100 * sd8);
		fprintf(f, "View 2 10-fold accuracy, float    %.2f%% +- %.2f\n", 100 * accf, 100 * sdf);
		fprintf(f, "genuine pairs (all-vs-all)        %llu\n", (unsigned long long)n_gen);
		fprintf(f, "impostor pairs (all-vs-all)       %llu\n", (unsigned long long)n_imp);
		for (int k = 0; k < 2; k++) {
			int32_t t;
			double got;

			if (mncr_face_threshold_from_histogram(imp, fmrs[k], &t, &got)) {
				fprintf(f, "FMR %.0e: too few impostor pairs\n", fmrs[k]);
				continue;
			}
			fprintf(f, "FMR %.0e: threshold %5d (cosine %.4f), FMR %.2e, FNMR %.2f%%, "
				"View 2 genuine pairs rejected %.2f%%\n",
				fmrs[k], t, mncr_face_score_cosine(t), got,
				100 * fnmr_at(gen, n_gen, t),
				100 * view2_fnmr(pairs, n_pairs, t));
		}
		fprintf(f, "every image, gates ignored:       %llu genuine, %llu impostor pairs\n",
			(unsigned long long)n_gen_all, (unsigned long long)n_imp_all);
		for (int k = 0; k < 2; k++) {
			int32_t t;
			double got;

			if (mncr_face_threshold_from_histogram(imp_all, fmrs[k], &t, &got))
				continue;
			fprintf(f, "  FMR %.0e: threshold %5d (cosine %.4f), FMR %.2e, FNMR %.2f%%\n",
				fmrs[k], t, mncr_face_score_cosine(t), got,
				100 * fnmr_at(gen_all, n_gen_all, t));
		}
	}
	if (out)
		fclose(out);
	if (write_roc(argv[3], gen, imp, n_gen, n_imp)) {
		fprintf(stderr, "lfw_eval: cannot write the ROC\n");
		return 1;
	}
	printf("ROC: %s/lfw_roc.csv, %s/lfw_roc.png\n", argv[3], argv[3]);
	for (int a = 4; a < argc; a++)
		if (fusion(argv[a], pairs, n_pairs, argv[3]))
			return 1;
	free(gen_all);
	free(imp_all);
	return 0;
}
