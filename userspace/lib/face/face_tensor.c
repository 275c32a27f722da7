// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "face/face_cpu.h"
#include "face/face_tensor.h"

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

/* TensorFlow's "same" padding before the first pixel, for a window of k. */
static int same_before(int n, int k, int s)
{
	int out = (n + s - 1) / s, total = (out - 1) * s + k - n;

	return total > 0 ? total / 2 : 0;
}

#if defined(__GNUC__) && !defined(__clang__)
#define HOT __attribute__((optimize("O3", "fp-contract=fast")))
#else
#define HOT
#endif

/*
 * The depthwise convolution and the pooling below work on VL channels at a
 * time with GCC/Clang generic vectors, instantiated per instruction set
 * like the convolution's kernel (a vector wider than the target's is
 * lowered element by element, so each width gets its own copy). The
 * channel count must be a multiple of VL; other counts use VL 1.
 * Vector max is spelt with masks: C has no vector ?: operator.
 */
#define DEFINE_LAYERS(name, attributes, VL)					\
typedef float name##_vec __attribute__((vector_size((VL) * sizeof(float))));	\
typedef int name##_ivec __attribute__((vector_size((VL) * sizeof(int))));	\
										\
attributes static inline name##_vec name##_load(const float *p)				\
{										\
	name##_vec v;								\
										\
	memcpy(&v, p, sizeof(v));						\
	return v;								\
}										\
										\
attributes static inline name##_vec name##_max(name##_vec a, name##_vec b) \
{										\
	name##_ivec m = (name##_ivec)(a > b);					\
										\
	return (name##_vec)((m & (name##_ivec)a) | (~m & (name##_ivec)b));	\
}										\
										\
attributes HOT								\
static void name##_dw(const struct mncr_face_tensor *in, const float *w,	\
		      int stride, int by, int bx, int relu_in,			\
		      struct mncr_face_tensor *out)				\
{										\
	const int c = in->c;							\
	const name##_vec zero = { 0 };						\
										\
	for (int y = 0; y < out->h; y++) {					\
		for (int x = 0; x < out->w; x++) {				\
			const float *p[9];					\
			float *o = mncr_face_tensor_px(out, y, x);		\
										\
			for (int k = 0; k < 9; k++)				\
				p[k] = mncr_face_tensor_px(in, y * stride - by + k / 3, \
							   x * stride - bx + k % 3); \
			for (int c0 = 0; c0 < c; c0 += (VL)) {			\
				name##_vec acc = zero;				\
										\
				for (int k = 0; k < 9; k++) {			\
					name##_vec a = name##_load(p[k] + c0);	\
										\
					if (relu_in)				\
						a = name##_max(a, zero);	\
					acc += a * name##_load(w + (size_t)k * (size_t)c + \
							       (size_t)c0);	\
				}						\
				memcpy(o + c0, &acc, sizeof(acc));		\
			}							\
		}								\
	}									\
}										\
										\
attributes HOT								\
static void name##_pool(const struct mncr_face_tensor *in, int stride,	\
			float leak, struct mncr_face_tensor *out)		\
{										\
	const int c = in->c;							\
										\
	for (int y = 0; y < out->h; y++) {					\
		for (int x = 0; x < out->w; x++) {				\
			const int y0 = y * stride, x0 = x * stride;		\
			/* the window is cut, not padded, at the bottom and right */ \
			const int y1 = y0 + 1 < in->h ? y0 + 1 : y0;		\
			const int x1 = x0 + 1 < in->w ? x0 + 1 : x0;		\
			const float *p00 = mncr_face_tensor_px(in, y0, x0);	\
			const float *p01 = mncr_face_tensor_px(in, y0, x1);	\
			const float *p10 = mncr_face_tensor_px(in, y1, x0);	\
			const float *p11 = mncr_face_tensor_px(in, y1, x1);	\
			float *o = mncr_face_tensor_px(out, y, x);		\
										\
			for (int c0 = 0; c0 < c; c0 += (VL)) {			\
				name##_vec m = name##_max(			\
					name##_max(name##_load(p00 + c0), name##_load(p01 + c0)), \
					name##_max(name##_load(p10 + c0), name##_load(p11 + c0))); \
										\
				m = name##_max(m, m * leak);			\
				memcpy(o + c0, &m, sizeof(m));			\
			}							\
		}								\
	}									\
}

DEFINE_LAYERS(layers_scalar, , 1)
DEFINE_LAYERS(layers_generic, , 4)
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define HAVE_X86_LAYERS 1
DEFINE_LAYERS(layers_avx2, __attribute__((target("avx2,fma"))), 8)
DEFINE_LAYERS(layers_avx512, __attribute__((target("avx512f,fma"))), 16)
#endif

/* The widest vector the CPU has that divides the channel count. */
static int layer_width(int c)
{
#ifdef HAVE_X86_LAYERS
	if (c % 16 == 0 && mncr_face_cpu_avx512())
		return 16;
	if (c % 8 == 0 && mncr_face_cpu_avx2())
		return 8;
#endif
	return c % 4 == 0 ? 4 : 1;
}

int mncr_face_depthwise3x3(const struct mncr_face_tensor *in, const float *w,
			   int stride, int relu_in,
			   struct mncr_face_tensor *out)
{
	int by, bx;

	if (!in || !out || !w || in == out || in->data == out->data ||
	    (stride != 1 && stride != 2) || in->pad < 1 || out->c != in->c ||
	    out->h != (in->h + stride - 1) / stride ||
	    out->w != (in->w + stride - 1) / stride)
		return -EINVAL;
	by = same_before(in->h, 3, stride);
	bx = same_before(in->w, 3, stride);
	switch (layer_width(in->c)) {
#ifdef HAVE_X86_LAYERS
	case 16:
		layers_avx512_dw(in, w, stride, by, bx, relu_in, out);
		break;
	case 8:
		layers_avx2_dw(in, w, stride, by, bx, relu_in, out);
		break;
#endif
	case 4:
		layers_generic_dw(in, w, stride, by, bx, relu_in, out);
		break;
	default:
		layers_scalar_dw(in, w, stride, by, bx, relu_in, out);
	}
	return 0;
}

int mncr_face_maxpool2_same(const struct mncr_face_tensor *in, int stride,
			    float leak, struct mncr_face_tensor *out)
{
	if (!in || !out || (stride != 1 && stride != 2) ||
	    !(leak > 0.0f && leak <= 1.0f) || out->c != in->c ||
	    out->h != (in->h + stride - 1) / stride ||
	    out->w != (in->w + stride - 1) / stride || in->data == out->data)
		return -EINVAL;
	switch (layer_width(in->c)) {
#ifdef HAVE_X86_LAYERS
	case 16:
		layers_avx512_pool(in, stride, leak, out);
		break;
	case 8:
		layers_avx2_pool(in, stride, leak, out);
		break;
#endif
	case 4:
		layers_generic_pool(in, stride, leak, out);
		break;
	default:
		layers_scalar_pool(in, stride, leak, out);
	}
	return 0;
}
