// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "face_tensor.h"

#define MAX_SIDE 65536
#define MAX_CHANNELS 65536

/* -O3 vectorises the loops over channels (-O2's cost model may not). */
#if defined(__GNUC__) && !defined(__clang__)
#define VECTORIZE __attribute__((optimize("O3")))
#else
#define VECTORIZE
#endif

int mncr_face_tensor_alloc(struct mncr_face_tensor *t, int h, int w, int c,
			   int pad)
{
	size_t n;

	memset(t, 0, sizeof(*t));
	if (h <= 0 || w <= 0 || c <= 0 || pad < 0 || h > MAX_SIDE ||
	    w > MAX_SIDE || c > MAX_CHANNELS || pad > MAX_SIDE)
		return -EINVAL;
	n = (size_t)(h + 2 * pad) * (size_t)(w + 2 * pad);
	if (n > SIZE_MAX / sizeof(float) / (size_t)c)
		return -ENOMEM;
	t->data = calloc(n * (size_t)c, sizeof(float));
	if (!t->data)
		return -ENOMEM;
	t->h = h;
	t->w = w;
	t->c = c;
	t->pad = pad;
	return 0;
}

void mncr_face_tensor_free(struct mncr_face_tensor *t)
{
	if (!t)
		return;
	free(t->data);
	memset(t, 0, sizeof(*t));
}

VECTORIZE
int mncr_face_maxpool(const struct mncr_face_tensor *in,
		      struct mncr_face_tensor *out, int k, int s)
{
	int c = in->c;

	if (k <= 0 || s <= 0 || in->h < k || in->w < k || out->c != c ||
	    out->h != (in->h - k) / s + 1 || out->w != (in->w - k) / s + 1)
		return -EINVAL;
	for (int y = 0; y < out->h; y++) {
		for (int x = 0; x < out->w; x++) {
			float *o = mncr_face_tensor_px(out, y, x);

			memcpy(o, mncr_face_tensor_px(in, y * s, x * s),
			       (size_t)c * sizeof(float));
			for (int ky = 0; ky < k; ky++) {
				for (int kx = 0; kx < k; kx++) {
					const float *p = mncr_face_tensor_px(in, y * s + ky,
									     x * s + kx);

					for (int ch = 0; ch < c; ch++)
						o[ch] = p[ch] > o[ch] ? p[ch] : o[ch];
				}
			}
		}
	}
	return 0;
}

VECTORIZE
int mncr_face_shortcut_down(const struct mncr_face_tensor *x,
			    const struct mncr_face_tensor *branch,
			    struct mncr_face_tensor *out)
{
	int ph = x->h / 2, pw = x->w / 2;

	if (out->c != branch->c || x->c > out->c ||
	    out->h != (ph > branch->h ? ph : branch->h) ||
	    out->w != (pw > branch->w ? pw : branch->w))
		return -EINVAL;
	for (int y = 0; y < out->h; y++) {
		for (int xx = 0; xx < out->w; xx++) {
			float *o = mncr_face_tensor_px(out, y, xx);

			memset(o, 0, (size_t)out->c * sizeof(float));
			if (y < ph && xx < pw) {
				const float *a = mncr_face_tensor_px(x, 2 * y, 2 * xx);
				const float *b = mncr_face_tensor_px(x, 2 * y, 2 * xx + 1);
				const float *c = mncr_face_tensor_px(x, 2 * y + 1, 2 * xx);
				const float *d = mncr_face_tensor_px(x, 2 * y + 1,
								     2 * xx + 1);

				for (int ch = 0; ch < x->c; ch++)
					o[ch] = (a[ch] + b[ch] + c[ch] + d[ch]) * 0.25f;
			}
			if (y < branch->h && xx < branch->w) {
				const float *p = mncr_face_tensor_px(branch, y, xx);

				for (int ch = 0; ch < out->c; ch++)
					o[ch] += p[ch];
			}
			for (int ch = 0; ch < out->c; ch++)
				o[ch] = o[ch] > 0.0f ? o[ch] : 0.0f;
		}
	}
	return 0;
}

VECTORIZE
void mncr_face_global_mean(const struct mncr_face_tensor *in, float *out)
{
	size_t n = (size_t)in->h * (size_t)in->w;

	memset(out, 0, (size_t)in->c * sizeof(float));
	for (int y = 0; y < in->h; y++)
		for (int x = 0; x < in->w; x++) {
			const float *p = mncr_face_tensor_px(in, y, x);

			for (int ch = 0; ch < in->c; ch++)
				out[ch] += p[ch];
		}
	for (int ch = 0; ch < in->c; ch++)
		out[ch] /= (float)n;
}

VECTORIZE
void mncr_face_fc(const float *in, size_t n_in, const float *w, size_t n_out,
		  float *out)
{
	memset(out, 0, n_out * sizeof(float));
	for (size_t i = 0; i < n_in; i++)
		for (size_t j = 0; j < n_out; j++)
			out[j] += in[i] * w[i * n_out + j];
}
