// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "face/face_conv.h"
#include "face/face_err.h"
#include "face/face_detect.h"
#include "face/face_tensor.h"

#define N_SEP 5			/* depthwise-separable blocks conv1..conv5 */
#define OUT_CH (MNCR_FACE_DETECT_ANCHORS * 5)
#define LEAK 0.1f

/* face-api's tiny face detector: anchors in cells, mean of R, G, B. */
static const float anchors[MNCR_FACE_DETECT_ANCHORS][2] = {
	{ 1.603231f, 2.094468f }, { 6.041143f, 7.080126f },
	{ 2.882459f, 3.518061f }, { 4.266906f, 5.178857f },
	{ 9.041765f, 10.66308f },
};
static const double mean_rgb[3] = { 117.001, 114.697, 97.404 };
static const int widths[N_SEP + 1] = { 16, 32, 64, 128, 256, 512 };

struct mncr_face_detector {
	float w0[9][16], b0[16];	/* conv0, grey in: R, G, B and mean folded */
	float *dw[N_SEP];		/* [3][3][c] */
	struct mncr_face_conv pw[N_SEP];
	struct mncr_face_conv conv8;
};

/*
 * Sizes for input S: conv0 (valid) S - 2, then each 2x2/2 pool halves
 * (rounding up); the last pool has stride 1. side[0] is conv0's output,
 * side[i] the size block i works at, side[N_SEP] the grid.
 */
struct mncr_face_detect_ws {
	int input_size;
	int side[N_SEP + 1];
	struct mncr_face_tensor in;
	struct mncr_face_tensor t[N_SEP + 1];	/* pooled, block input */
	struct mncr_face_tensor d[N_SEP];	/* depthwise output */
	struct mncr_face_tensor p[N_SEP];	/* pointwise output */
	struct mncr_face_tensor grid;
	struct mncr_face_image scaled;
};

void mncr_face_detect_opts_default(struct mncr_face_detect_opts *o)
{
	o->input_size = 416;
	o->min_score = 0.5f;
	o->max_iou = 0.4f;
}

void mncr_face_detector_free(struct mncr_face_detector *det)
{
	if (!det)
		return;
	for (int i = 0; i < N_SEP; i++) {
		free(det->dw[i]);
		mncr_face_conv_free(&det->pw[i]);
	}
	mncr_face_conv_free(&det->conv8);
	free(det);
}

static const float *get(const struct mncr_face_weights *w, const char *name,
			int ndim, size_t d0, size_t d1, size_t d2, size_t d3,
			char *err, size_t err_len)
{
	const size_t dims[4] = { d0, d1, d2, d3 };

	return mncr_face_weights_get(w, name, ndim, dims, err, err_len);
}

/*
 * conv0 on a grey image g: channel c is (g - mean[c]) / 255, so the layer
 * is sum_k (sum_c w[k][c] / 255) g_k + bias - sum_k,c w[k][c] mean[c] / 255:
 * one input channel and a shifted bias, exact (conv0 has no padding, and
 * the black square padding is g = 0 like any black pixel).
 */
static int load_conv0(struct mncr_face_detector *det,
		      const struct mncr_face_weights *w, char *err,
		      size_t err_len)
{
	const float *f = get(w, "conv0/filters", 4, 3, 3, 3, 16, err, err_len);
	const float *b = get(w, "conv0/bias", 1, 16, 0, 0, 0, err, err_len);

	if (!f || !b)
		return -EINVAL;
	for (int o = 0; o < 16; o++) {
		double shift = 0;

		for (int k = 0; k < 9; k++) {
			double s = 0;

			for (int c = 0; c < 3; c++) {
				double v = f[(k * 3 + c) * 16 + o];

				s += v;
				shift += v * mean_rgb[c];
			}
			det->w0[k][o] = (float)(s / 255.0);
		}
		det->b0[o] = (float)(b[o] - shift / 255.0);
	}
	return 0;
}

static int load_sep(struct mncr_face_detector *det, int i,
		    const struct mncr_face_weights *w, char *err,
		    size_t err_len)
{
	const size_t cin = (size_t)widths[i], cout = (size_t)widths[i + 1];
	char name[64];
	const float *dw, *pw, *b;
	int ret;

	snprintf(name, sizeof(name), "conv%d/depthwise_filter", i + 1);
	dw = get(w, name, 4, 3, 3, cin, 1, err, err_len);
	snprintf(name, sizeof(name), "conv%d/pointwise_filter", i + 1);
	pw = dw ? get(w, name, 4, 1, 1, cin, cout, err, err_len) : NULL;
	snprintf(name, sizeof(name), "conv%d/bias", i + 1);
	b = pw ? get(w, name, 1, cout, 0, 0, 0, err, err_len) : NULL;
	if (!b)
		return -EINVAL;
	det->dw[i] = malloc(9 * cin * sizeof(float));
	if (!det->dw[i])
		return mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
	memcpy(det->dw[i], dw, 9 * cin * sizeof(float));
	ret = mncr_face_conv_init(&det->pw[i], 1, 1, (int)cin, (int)cout, 1, 0,
				  pw, b, NULL, NULL);
	return ret ? mncr_face_seterr(err, err_len, ret, "conv%d: %s", i + 1, strerror(-ret)) : 0;
}

int mncr_face_detector_from_weights(struct mncr_face_detector **out,
				    const struct mncr_face_weights *w,
				    char *err, size_t err_len)
{
	struct mncr_face_detector *det;
	const float *f, *b;
	int ret;

	*out = NULL;
	det = calloc(1, sizeof(*det));
	if (!det)
		return mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
	ret = load_conv0(det, w, err, err_len);
	for (int i = 0; !ret && i < N_SEP; i++)
		ret = load_sep(det, i, w, err, err_len);
	if (!ret) {
		f = get(w, "conv8/filters", 4, 1, 1, 512, OUT_CH, err, err_len);
		b = f ? get(w, "conv8/bias", 1, OUT_CH, 0, 0, 0, err, err_len) : NULL;
		ret = b ? mncr_face_conv_init(&det->conv8, 1, 1, 512, OUT_CH, 1, 0,
					      f, b, NULL, NULL) : -EINVAL;
		if (ret && b)
			mncr_face_seterr(err, err_len, ret, "conv8: %s", strerror(-ret));
	}
	if (ret) {
		mncr_face_detector_free(det);
		return ret;
	}
	*out = det;
	return 0;
}

int mncr_face_detector_load(struct mncr_face_detector **det, const char *dir,
			    char *err, size_t err_len)
{
	static const struct mncr_face_checksum sums[] = {
		{ MNCR_FACE_DETECT_MANIFEST, MNCR_FACE_DETECT_MANIFEST_SHA256 },
		{ MNCR_FACE_DETECT_BIN, MNCR_FACE_DETECT_BIN_SHA256 },
	};
	struct mncr_face_weights w;
	int ret;

	*det = NULL;
	ret = mncr_face_weights_load_in(&w, dir, MNCR_FACE_DETECT_MANIFEST, sums, 2, err, err_len);
	if (ret)
		return ret;
	ret = mncr_face_detector_from_weights(det, &w, err, err_len);
	mncr_face_weights_free(&w);
	return ret;
}

void mncr_face_detect_ws_free(struct mncr_face_detect_ws *ws)
{
	if (!ws)
		return;
	mncr_face_tensor_free(&ws->in);
	for (int i = 0; i <= N_SEP; i++)
		mncr_face_tensor_free(&ws->t[i]);
	for (int i = 0; i < N_SEP; i++) {
		mncr_face_tensor_free(&ws->d[i]);
		mncr_face_tensor_free(&ws->p[i]);
	}
	mncr_face_tensor_free(&ws->grid);
	mncr_face_image_free(&ws->scaled);
	free(ws);
}

int mncr_face_detect_input_size(const struct mncr_face_detect_ws *ws)
{
	return ws ? ws->input_size : 0;
}

struct mncr_face_detect_ws *mncr_face_detect_ws_new(int s)
{
	struct mncr_face_detect_ws *ws;
	int ret, n;

	if (s < MNCR_FACE_DETECT_MIN_INPUT || s > MNCR_FACE_DETECT_MAX_INPUT ||
	    s % MNCR_FACE_DETECT_CELL)
		return NULL;
	ws = calloc(1, sizeof(*ws));
	if (!ws)
		return NULL;
	ws->input_size = s;
	n = s - 2;
	ws->side[0] = n;
	ret = mncr_face_tensor_alloc(&ws->in, s, s, 1, 0);
	for (int i = 0; !ret && i < N_SEP; i++) {
		n = (n + 1) / 2;
		ws->side[i + 1] = n;
		ret = mncr_face_tensor_alloc(&ws->t[i], n, n, widths[i], 1);
		ret = ret ? ret : mncr_face_tensor_alloc(&ws->d[i], n, n, widths[i], 0);
		ret = ret ? ret : mncr_face_tensor_alloc(&ws->p[i], n, n, widths[i + 1], 0);
	}
	ret = ret ? ret : mncr_face_tensor_alloc(&ws->t[N_SEP], n, n, 512, 0);
	ret = ret ? ret : mncr_face_tensor_alloc(&ws->grid, n, n, OUT_CH, 0);
	if (ret) {
		mncr_face_detect_ws_free(ws);
		return NULL;
	}
	return ws;
}

#if defined(__GNUC__) && !defined(__clang__)
#define HOT __attribute__((optimize("O3", "fp-contract=fast")))
#else
#define HOT
#endif

/*
 * conv0 (3x3 valid, 1 -> 16 channels) fused with the 2x2/2 pool and the
 * leaky ReLU that follow it: each conv0 output is computed once, straight
 * into its pooling window, and the 414x414x16 activation of a 416 input is
 * never stored. Instantiated per vector width like the other kernels; NV
 * vectors of VL floats hold the 16 channels.
 */
#define DEFINE_CONV0(name, attributes, VL)					\
typedef float name##_vec __attribute__((vector_size((VL) * sizeof(float))));	\
typedef int name##_ivec __attribute__((vector_size((VL) * sizeof(int))));	\
										\
attributes HOT								\
static void name(const struct mncr_face_detector *det,			\
		 const struct mncr_face_tensor *in, int n,			\
		 struct mncr_face_tensor *out)					\
{										\
	enum { NV = 16 / (VL) };						\
	name##_vec w[9][NV], b[NV];						\
										\
	memcpy(w, det->w0, sizeof(w));						\
	memcpy(b, det->b0, sizeof(b));						\
	for (int py = 0; py < out->h; py++) {					\
		for (int px = 0; px < out->w; px++) {				\
			name##_vec m[NV] = { { 0 } };	/* window 0 is always in */ \
			float *o = mncr_face_tensor_px(out, py, px);		\
										\
			for (int i = 0; i < 4; i++) {				\
				const int y = 2 * py + i / 2, x = 2 * px + i % 2; \
				name##_vec acc[NV];				\
										\
				/* the window is cut at the bottom and right */	\
				if (y >= n || x >= n)				\
					continue;				\
				for (int v = 0; v < NV; v++)			\
					acc[v] = b[v];				\
				for (int k = 0; k < 9; k++) {			\
					const float a = *mncr_face_tensor_px(in, \
						y + k / 3, x + k % 3);		\
										\
					for (int v = 0; v < NV; v++)		\
						acc[v] += a * w[k][v];		\
				}						\
				for (int v = 0; v < NV; v++) {			\
					name##_ivec gt = (name##_ivec)(acc[v] > m[v]); \
										\
					if (i)					\
						acc[v] = (name##_vec)((gt & (name##_ivec)acc[v]) | \
							(~gt & (name##_ivec)m[v])); \
					m[v] = acc[v];				\
				}						\
			}							\
			for (int v = 0; v < NV; v++) {				\
				name##_vec l = m[v] * LEAK;			\
				name##_ivec gt = (name##_ivec)(l > m[v]);	\
										\
				m[v] = (name##_vec)((gt & (name##_ivec)l) | (~gt & (name##_ivec)m[v])); \
			}							\
			memcpy(o, m, sizeof(m));				\
		}								\
	}									\
}

DEFINE_CONV0(conv0_generic, , 4)
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define HAVE_X86_CONV0 1
DEFINE_CONV0(conv0_avx2, __attribute__((target("avx2,fma"))), 8)
DEFINE_CONV0(conv0_avx512, __attribute__((target("avx512f,fma"))), 16)
#endif

static void conv0_pool(const struct mncr_face_detector *det,
		       const struct mncr_face_tensor *in, int n,
		       struct mncr_face_tensor *out)
{
#ifdef HAVE_X86_CONV0
	if (mncr_face_conv_impl_available(MNCR_FACE_CONV_AVX512))
		conv0_avx512(det, in, n, out);
	else if (mncr_face_conv_impl_available(MNCR_FACE_CONV_AVX2))
		conv0_avx2(det, in, n, out);
	else
#endif
		conv0_generic(det, in, n, out);
}

static int forward(const struct mncr_face_detector *det,
		   struct mncr_face_detect_ws *ws)
{
	int ret;

	conv0_pool(det, &ws->in, ws->side[0], &ws->t[0]);
	ret = 0;
	for (int i = 0; !ret && i < N_SEP; i++) {
		ret = mncr_face_depthwise3x3(&ws->t[i], det->dw[i], 1, 0, &ws->d[i]);
		ret = ret ? ret : mncr_face_conv_forward(&det->pw[i], &ws->d[i],
							 NULL, 0, &ws->p[i]);
		/* leaky ReLU commutes with max: the pool applies it */
		ret = ret ? ret : mncr_face_maxpool2_same(&ws->p[i],
							  i + 1 < N_SEP ? 2 : 1,
							  LEAK, &ws->t[i + 1]);
	}
	return ret ? ret : mncr_face_conv_forward(&det->conv8, &ws->t[N_SEP],
						  NULL, 0, &ws->grid);
}

/* The image, longer side scaled to S, black padded to S x S, in ws->in. */
static int prepare(struct mncr_face_detect_ws *ws,
		   const struct mncr_face_image *img, float *fx, float *fy)
{
	const int s = ws->input_size;
	const double scale = (double)s / (img->w > img->h ? img->w : img->h);
	int rw = (int)lround(img->w * scale), rh = (int)lround(img->h * scale);
	int ret;

	rw = rw < 1 ? 1 : rw > s ? s : rw;
	rh = rh < 1 ? 1 : rh > s ? s : rh;
	if (ws->scaled.w != rw || ws->scaled.h != rh) {
		mncr_face_image_free(&ws->scaled);
		ret = mncr_face_image_alloc(&ws->scaled, rw, rh);
		if (ret)
			return ret;
	}
	ret = mncr_face_image_resample(img, 0, 0, img->w, img->h, &ws->scaled);
	if (ret)
		return ret;
	memset(ws->in.data, 0, (size_t)s * (size_t)s * sizeof(float));
	for (int y = 0; y < rh; y++) {
		const uint8_t *src = ws->scaled.px + (size_t)y * (size_t)rw;
		float *dst = ws->in.data + (size_t)y * (size_t)s;

		for (int x = 0; x < rw; x++)
			dst[x] = src[x];
	}
	*fx = (float)img->w / (float)rw;
	*fy = (float)img->h / (float)rh;
	return 0;
}

int mncr_face_detect(const struct mncr_face_detector *det,
		     struct mncr_face_detect_ws *ws,
		     const struct mncr_face_image *img,
		     const struct mncr_face_detect_opts *o,
		     struct mncr_face_box *boxes, int max, int *n)
{
	struct mncr_face_detect_opts def;
	struct mncr_face_detect_ws *own = NULL;
	struct mncr_face_box *all = NULL;
	int ret, cells, found, kept;
	float fx, fy;

	if (n)
		*n = 0;
	if (!o) {
		mncr_face_detect_opts_default(&def);
		o = &def;
	}
	if (!det || !img || !img->px || img->w <= 0 || img->h <= 0 || !n ||
	    max < 0 || (max && !boxes) || !(o->min_score > 0.0f && o->min_score < 1.0f) ||
	    !(o->max_iou >= 0.0f && o->max_iou <= 1.0f))
		return -EINVAL;
	if (!ws) {
		own = ws = mncr_face_detect_ws_new(o->input_size);
		if (!ws)
			return -ENOMEM;
	}
	if (ws->input_size != o->input_size) {
		ret = -EINVAL;
		goto out;
	}
	ret = prepare(ws, img, &fx, &fy);
	ret = ret ? ret : forward(det, ws);
	if (ret)
		goto out;
	cells = ws->side[N_SEP];
	all = malloc((size_t)cells * (size_t)cells * MNCR_FACE_DETECT_ANCHORS *
		     sizeof(*all));
	if (!all) {
		ret = -ENOMEM;
		goto out;
	}
	ret = mncr_face_detect_decode(ws->grid.data, cells, o->min_score, all,
				      cells * cells * MNCR_FACE_DETECT_ANCHORS, &found);
	if (ret)
		goto out;
	kept = mncr_face_nms(all, found, o->max_iou);
	for (int i = 0; i < kept && i < max; i++) {
		boxes[i] = all[i];
		boxes[i].x *= fx;
		boxes[i].w *= fx;
		boxes[i].y *= fy;
		boxes[i].h *= fy;
	}
	*n = kept < max ? kept : max;
out:
	free(all);
	mncr_face_detect_ws_free(own);
	return ret;
}

static float sigmoid(float v)
{
	return 1.0f / (1.0f + expf(-v));
}

int mncr_face_detect_decode(const float *grid, int cells, float min_score,
			    struct mncr_face_box *boxes, int max, int *n)
{
	const float cell = MNCR_FACE_DETECT_CELL;
	int count = 0;

	if (!grid || cells <= 0 || !n || max < 0 || (max && !boxes))
		return -EINVAL;
	for (int row = 0; row < cells; row++) {
		for (int col = 0; col < cells; col++) {
			const float *g = grid + ((size_t)row * (size_t)cells + (size_t)col) * OUT_CH;

			for (int a = 0; a < MNCR_FACE_DETECT_ANCHORS; a++) {
				const float *v = g + 5 * a;
				float score = sigmoid(v[4]), w, h;

				if (!(score > min_score))
					continue;
				if (count < max) {
					/* exp() of a wild value would overflow: cap it */
					w = expf(fminf(v[2], 10.0f)) * anchors[a][0] * cell;
					h = expf(fminf(v[3], 10.0f)) * anchors[a][1] * cell;
					boxes[count].x = (col + sigmoid(v[0])) * cell - w / 2;
					boxes[count].y = (row + sigmoid(v[1])) * cell - h / 2;
					boxes[count].w = w;
					boxes[count].h = h;
					boxes[count].score = score;
				}
				count++;
			}
		}
	}
	*n = count;
	return 0;
}

float mncr_face_box_iou(const struct mncr_face_box *a,
			const struct mncr_face_box *b)
{
	float iw = fminf(a->x + a->w, b->x + b->w) - fmaxf(a->x, b->x);
	float ih = fminf(a->y + a->h, b->y + b->h) - fmaxf(a->y, b->y);
	float inter, uni;

	if (!(a->w > 0 && a->h > 0 && b->w > 0 && b->h > 0) || !(iw > 0 && ih > 0))
		return 0.0f;
	inter = iw * ih;
	uni = a->w * a->h + b->w * b->h - inter;
	return uni > 0 ? inter / uni : 0.0f;
}

int mncr_face_nms(struct mncr_face_box *boxes, int n, float max_iou)
{
	int kept = 0;

	/* insertion sort, stable: a grid gives at most a few hundred boxes */
	for (int i = 1; i < n; i++) {
		struct mncr_face_box b = boxes[i];
		int j = i;

		for (; j > 0 && boxes[j - 1].score < b.score; j--)
			boxes[j] = boxes[j - 1];
		boxes[j] = b;
	}
	for (int i = 0; i < n; i++) {
		int keep = 1;

		for (int k = 0; k < kept && keep; k++)
			keep = mncr_face_box_iou(&boxes[k], &boxes[i]) <= max_iou;
		if (keep)
			boxes[kept++] = boxes[i];
	}
	return kept;
}

int mncr_face_box_largest(const struct mncr_face_box *boxes, int n)
{
	int best = -1;

	for (int i = 0; i < n; i++) {
		float a = boxes[i].w * boxes[i].h;

		if (best < 0 || a > boxes[best].w * boxes[best].h ||
		    (a == boxes[best].w * boxes[best].h && boxes[i].score > boxes[best].score))
			best = i;
	}
	return best;
}
