// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "face/face_conv.h"
#include "face/face_err.h"
#include "face/face_landmarks.h"
#include "face/face_tensor.h"

#define N_DENSE 4
#define N_SEP 4			/* convolutions per dense block */
#define IN MNCR_FACE_LANDMARK_INPUT
#define OUT (2 * MNCR_FACE_LANDMARKS)
#define FEATURES 256

static const double mean_rgb[3] = { 122.782, 117.001, 104.298 };
static const int widths[N_DENSE] = { 32, 64, 128, 256 };

/* A depthwise-separable convolution: depthwise 3x3, pointwise 1x1 + bias. */
struct sep {
	float *dw;			/* [3][3][cin] */
	struct mncr_face_conv pw;
};

struct mncr_face_landmarker {
	struct mncr_face_conv conv0;	/* dense0/conv0, grey + "inside" in */
	struct sep sep[N_DENSE][N_SEP];	/* [0][0] unused */
	float fc[FEATURES * OUT], fc_bias[OUT];
};

/*
 * acc[b] holds block b's running sum of outputs (zero border for the
 * depthwise convolutions, which read its ReLU); dw[b] a depthwise result.
 * The input has one more row and column than 112: TensorFlow pads a 3x3
 * stride-2 "same" convolution of an even size at the bottom and right only,
 * and conv0 reads that padding from there.
 */
struct mncr_face_landmark_ws {
	struct mncr_face_tensor in;
	struct mncr_face_tensor acc[N_DENSE], dw[N_DENSE], dwdown[N_DENSE];
	struct mncr_face_image crop;
	float mean[FEATURES];
};

void mncr_face_landmarker_free(struct mncr_face_landmarker *lm)
{
	if (!lm)
		return;
	mncr_face_conv_free(&lm->conv0);
	for (int b = 0; b < N_DENSE; b++) {
		for (int i = 0; i < N_SEP; i++) {
			free(lm->sep[b][i].dw);
			mncr_face_conv_free(&lm->sep[b][i].pw);
		}
	}
	free(lm);
}

static const float *get(const struct mncr_face_weights *w, const char *name,
			int ndim, size_t d0, size_t d1, size_t d2, size_t d3,
			char *err, size_t err_len)
{
	const size_t dims[4] = { d0, d1, d2, d3 };

	return mncr_face_weights_get(w, name, ndim, dims, err, err_len);
}

/*
 * dense0/conv0 on grey g: channel c is (g - mean[c]) / 255 inside the
 * image (the black square padding included) and 0 in TensorFlow's zero
 * padding. Two input channels keep that exact: g / 255 with weights
 * summed over R, G, B, and 1 inside / 0 outside with weights
 * -sum_c w[c] mean[c] / 255.
 */
static int load_conv0(struct mncr_face_landmarker *lm,
		      const struct mncr_face_weights *w, char *err,
		      size_t err_len)
{
	const float *f = get(w, "dense0/conv0/filters", 4, 3, 3, 3, 32, err, err_len);
	const float *b = f ? get(w, "dense0/conv0/bias", 1, 32, 0, 0, 0, err, err_len) : NULL;
	float folded[9 * 2 * 32];
	int ret;

	if (!b)
		return -EINVAL;
	for (int k = 0; k < 9; k++) {
		for (int o = 0; o < 32; o++) {
			double s = 0, m = 0;

			for (int c = 0; c < 3; c++) {
				s += f[(k * 3 + c) * 32 + o];
				m += f[(k * 3 + c) * 32 + o] * mean_rgb[c];
			}
			folded[(k * 2 + 0) * 32 + o] = (float)(s / 255.0);
			folded[(k * 2 + 1) * 32 + o] = (float)(-m / 255.0);
		}
	}
	ret = mncr_face_conv_init(&lm->conv0, 3, 3, 2, 32, 2, 0, folded, b,
				  NULL, NULL);
	return ret ? mncr_face_seterr(err, err_len, ret, "dense0/conv0: %s", strerror(-ret)) : 0;
}

static int load_sep(struct sep *sp, const struct mncr_face_weights *w,
		    const char *prefix, int cin, int cout, char *err,
		    size_t err_len)
{
	char name[96];
	const float *dw, *pw, *b;
	int ret;

	snprintf(name, sizeof(name), "%s/depthwise_filter", prefix);
	dw = get(w, name, 4, 3, 3, (size_t)cin, 1, err, err_len);
	snprintf(name, sizeof(name), "%s/pointwise_filter", prefix);
	pw = dw ? get(w, name, 4, 1, 1, (size_t)cin, (size_t)cout, err, err_len) : NULL;
	snprintf(name, sizeof(name), "%s/bias", prefix);
	b = pw ? get(w, name, 1, (size_t)cout, 0, 0, 0, err, err_len) : NULL;
	if (!b)
		return -EINVAL;
	sp->dw = malloc(9 * (size_t)cin * sizeof(float));
	if (!sp->dw)
		return mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
	memcpy(sp->dw, dw, 9 * (size_t)cin * sizeof(float));
	ret = mncr_face_conv_init(&sp->pw, 1, 1, cin, cout, 1, 0, pw, b, NULL, NULL);
	return ret ? mncr_face_seterr(err, err_len, ret, "%s: %s", prefix, strerror(-ret)) : 0;
}

int mncr_face_landmarker_from_weights(struct mncr_face_landmarker **out,
				      const struct mncr_face_weights *w,
				      char *err, size_t err_len)
{
	struct mncr_face_landmarker *lm;
	const float *fc, *fb;
	int ret;

	*out = NULL;
	lm = calloc(1, sizeof(*lm));
	if (!lm)
		return mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
	ret = load_conv0(lm, w, err, err_len);
	for (int b = 0; !ret && b < N_DENSE; b++) {
		for (int i = b ? 0 : 1; !ret && i < N_SEP; i++) {
			char prefix[32];

			snprintf(prefix, sizeof(prefix), "dense%d/conv%d", b, i);
			ret = load_sep(&lm->sep[b][i], w, prefix,
				       i ? widths[b] : widths[b - 1], widths[b],
				       err, err_len);
		}
	}
	if (!ret) {
		fc = get(w, "fc/weights", 2, FEATURES, OUT, 0, 0, err, err_len);
		fb = fc ? get(w, "fc/bias", 1, OUT, 0, 0, 0, err, err_len) : NULL;
		if (fb) {
			memcpy(lm->fc, fc, sizeof(lm->fc));
			memcpy(lm->fc_bias, fb, sizeof(lm->fc_bias));
		} else {
			ret = -EINVAL;
		}
	}
	if (ret) {
		mncr_face_landmarker_free(lm);
		return ret;
	}
	*out = lm;
	return 0;
}

int mncr_face_landmarker_load(struct mncr_face_landmarker **lm,
			      const char *dir, char *err, size_t err_len)
{
	static const struct mncr_face_checksum sums[] = {
		{ MNCR_FACE_LANDMARK_MANIFEST, MNCR_FACE_LANDMARK_MANIFEST_SHA256 },
		{ MNCR_FACE_LANDMARK_BIN, MNCR_FACE_LANDMARK_BIN_SHA256 },
	};
	struct mncr_face_weights w;
	int ret;

	*lm = NULL;
	ret = mncr_face_weights_load_in(&w, dir, MNCR_FACE_LANDMARK_MANIFEST, sums, 2, err, err_len);
	if (ret)
		return ret;
	ret = mncr_face_landmarker_from_weights(lm, &w, err, err_len);
	mncr_face_weights_free(&w);
	return ret;
}

void mncr_face_landmark_ws_free(struct mncr_face_landmark_ws *ws)
{
	if (!ws)
		return;
	mncr_face_tensor_free(&ws->in);
	for (int b = 0; b < N_DENSE; b++) {
		mncr_face_tensor_free(&ws->acc[b]);
		mncr_face_tensor_free(&ws->dw[b]);
		mncr_face_tensor_free(&ws->dwdown[b]);
	}
	mncr_face_image_free(&ws->crop);
	free(ws);
}

struct mncr_face_landmark_ws *mncr_face_landmark_ws_new(void)
{
	struct mncr_face_landmark_ws *ws = calloc(1, sizeof(*ws));
	int ret, side = IN;

	if (!ws)
		return NULL;
	ret = mncr_face_tensor_alloc(&ws->in, IN + 1, IN + 1, 2, 0);
	for (int b = 0; !ret && b < N_DENSE; b++) {
		side /= 2;
		ret = mncr_face_tensor_alloc(&ws->acc[b], side, side, widths[b], 1);
		ret = ret ? ret : mncr_face_tensor_alloc(&ws->dw[b], side, side,
							 widths[b], 0);
		/* the stride-2 depthwise of the next block's first convolution */
		if (!ret && b + 1 < N_DENSE)
			ret = mncr_face_tensor_alloc(&ws->dwdown[b], side / 2, side / 2,
						     widths[b], 0);
	}
	if (ret) {
		mncr_face_landmark_ws_free(ws);
		return NULL;
	}
	return ws;
}

/* acc += sep(relu(acc)), or acc = relu(sep(relu(prev))) for a new block */
static int forward(const struct mncr_face_landmarker *lm,
		   struct mncr_face_landmark_ws *ws, float out[OUT])
{
	const struct mncr_face_tensor *last;
	int ret;

	ret = mncr_face_conv_forward(&lm->conv0, &ws->in, NULL, 1, &ws->acc[0]);
	for (int b = 0; !ret && b < N_DENSE; b++) {
		if (b) {
			const struct sep *sp = &lm->sep[b][0];

			ret = mncr_face_depthwise3x3(&ws->acc[b - 1], sp->dw, 2, 1,
						     &ws->dwdown[b - 1]);
			ret = ret ? ret : mncr_face_conv_forward(&sp->pw, &ws->dwdown[b - 1],
								 NULL, 1, &ws->acc[b]);
		}
		for (int i = 1; !ret && i < N_SEP; i++) {
			const struct sep *sp = &lm->sep[b][i];

			ret = mncr_face_depthwise3x3(&ws->acc[b], sp->dw, 1, 1, &ws->dw[b]);
			ret = ret ? ret : mncr_face_conv_forward(&sp->pw, &ws->dw[b],
								 &ws->acc[b], 0, &ws->acc[b]);
		}
	}
	if (ret)
		return ret;
	/* 7x7 average pool of the last block's ReLU: its mean */
	last = &ws->acc[N_DENSE - 1];
	memset(ws->mean, 0, sizeof(ws->mean));
	for (int y = 0; y < last->h; y++) {
		for (int x = 0; x < last->w; x++) {
			const float *p = mncr_face_tensor_px(last, y, x);

			for (int c = 0; c < FEATURES; c++)
				ws->mean[c] += p[c] > 0 ? p[c] : 0;
		}
	}
	for (int c = 0; c < FEATURES; c++)
		ws->mean[c] /= (float)(last->h * last->w);
	mncr_face_fc(ws->mean, FEATURES, lm->fc, OUT, out);
	for (int j = 0; j < OUT; j++)
		out[j] += lm->fc_bias[j];
	return 0;
}

/*
 * Cuts the box out as face-api does (clipped to the image, scaled so its
 * longer side is 112, centred on black) into ws->in. *ox, *oy: where the
 * crop starts in the 112 square; *sx, *sy: image pixels per input pixel.
 */
static int prepare(struct mncr_face_landmark_ws *ws,
		   const struct mncr_face_image *img,
		   const struct mncr_face_box *box, float *x0, float *y0,
		   float *ox, float *oy, float *sx, float *sy)
{
	double bx = box->x, by = box->y, bw, bh, scale;
	int rw, rh, px, py, ret;

	if (!isfinite(bx) || !isfinite(by) || !isfinite(box->w) || !isfinite(box->h))
		return -EINVAL;
	bw = fmin(bx + box->w, img->w);
	bh = fmin(by + box->h, img->h);
	bx = fmax(bx, 0);
	by = fmax(by, 0);
	bw -= bx;
	bh -= by;
	if (!(bw >= 4 && bh >= 4))
		return -EINVAL;
	scale = IN / fmax(bw, bh);
	rw = (int)lround(bw * scale);
	rh = (int)lround(bh * scale);
	rw = rw < 1 ? 1 : rw > IN ? IN : rw;
	rh = rh < 1 ? 1 : rh > IN ? IN : rh;
	if (ws->crop.w != rw || ws->crop.h != rh) {
		mncr_face_image_free(&ws->crop);
		ret = mncr_face_image_alloc(&ws->crop, rw, rh);
		if (ret)
			return ret;
	}
	ret = mncr_face_image_resample(img, bx, by, bw, bh, &ws->crop);
	if (ret)
		return ret;
	px = (IN - rw) / 2;
	py = (IN - rh) / 2;
	for (int y = 0; y < IN; y++) {
		for (int x = 0; x < IN; x++) {
			float *d = mncr_face_tensor_px(&ws->in, y, x);
			int cx = x - px, cy = y - py;

			d[0] = cx >= 0 && cx < rw && cy >= 0 && cy < rh ?
			       ws->crop.px[(size_t)cy * (size_t)rw + (size_t)cx] : 0.0f;
			d[1] = 1.0f;	/* black padding is image, not zero */
		}
	}
	*x0 = (float)bx;
	*y0 = (float)by;
	*ox = (float)px;
	*oy = (float)py;
	*sx = (float)(bw / rw);
	*sy = (float)(bh / rh);
	return 0;
}

int mncr_face_landmarks(const struct mncr_face_landmarker *lm,
			struct mncr_face_landmark_ws *ws,
			const struct mncr_face_image *img,
			const struct mncr_face_box *box,
			struct mncr_face_point pts[MNCR_FACE_LANDMARKS])
{
	struct mncr_face_landmark_ws *own = NULL;
	float out[OUT], x0, y0, ox, oy, sx, sy;
	int ret;

	if (!lm || !img || !img->px || img->w <= 0 || img->h <= 0 || !box || !pts)
		return -EINVAL;
	if (!ws) {
		own = ws = mncr_face_landmark_ws_new();
		if (!ws)
			return -ENOMEM;
	}
	ret = prepare(ws, img, box, &x0, &y0, &ox, &oy, &sx, &sy);
	ret = ret ? ret : forward(lm, ws, out);
	if (!ret) {
		for (int i = 0; i < MNCR_FACE_LANDMARKS; i++) {
			pts[i].x = x0 + (out[2 * i] * IN - ox) * sx;
			pts[i].y = y0 + (out[2 * i + 1] * IN - oy) * sy;
		}
	}
	mncr_face_landmark_ws_free(own);
	return ret;
}
