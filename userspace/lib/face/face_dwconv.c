// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "face/face_dwconv.h"

#if defined(__GNUC__) && !defined(__clang__)
#define HOT __attribute__((optimize("O3", "fp-contract=fast")))
#else
#define HOT
#endif

/*
 * DEFINE_DW(name, attributes, VL): the layer with VL-float generic vectors
 * over the channels; a channel count that is no multiple of VL ends in
 * scalar code.
 */
#define DEFINE_DW(name, attributes, VL)						\
typedef float name##_vec __attribute__((vector_size((VL) * sizeof(float))));	\
typedef int name##_ivec __attribute__((vector_size((VL) * sizeof(int))));	\
attributes HOT								\
static void name(const struct mncr_face_dwconv *dw,				\
		 const struct mncr_face_tensor *in, const float *slope,		\
		 struct mncr_face_tensor *out)					\
{										\
	const int c = dw->c, cv = c / (VL) * (VL);				\
	const size_t row = mncr_face_tensor_row(in);				\
										\
	for (int y = 0; y < out->h; y++) {					\
		for (int x = 0; x < out->w; x++) {				\
			const float *base = mncr_face_tensor_px(in,		\
				y * dw->stride - dw->pad, x * dw->stride - dw->pad); \
			float *o = mncr_face_tensor_px(out, y, x);		\
										\
			for (int c0 = 0; c0 < cv; c0 += (VL)) {			\
				name##_vec acc, a, w;				\
										\
				memcpy(&acc, dw->bias + c0, sizeof(acc));	\
				for (int ky = 0; ky < dw->kh; ky++) {		\
					const float *ip = base + (size_t)ky * row + c0; \
					const float *wp = dw->weights +		\
						(size_t)ky * dw->kw * c + c0;	\
										\
					for (int kx = 0; kx < dw->kw; kx++) {	\
						memcpy(&a, ip + (size_t)kx * c, sizeof(a)); \
						memcpy(&w, wp + (size_t)kx * c, sizeof(w)); \
						acc += a * w;			\
					}					\
				}						\
				if (slope) {					\
					name##_vec s, neg;			\
					name##_ivec m;				\
										\
					memcpy(&s, slope + c0, sizeof(s));	\
					neg = acc * s;				\
					m = acc < (name##_vec){ 0 };		\
					acc = (name##_vec)(((name##_ivec)neg & m) | \
							   ((name##_ivec)acc & ~m)); \
				}						\
				memcpy(o + c0, &acc, sizeof(acc));		\
			}							\
			for (int ch = cv; ch < c; ch++) {			\
				float v = dw->bias[ch];				\
										\
				for (int ky = 0; ky < dw->kh; ky++)		\
					for (int kx = 0; kx < dw->kw; kx++)	\
						v += base[(size_t)ky * row +	\
							  (size_t)kx * c + ch] * \
						     dw->weights[((size_t)ky * dw->kw + kx) * c + ch]; \
				if (slope && v < 0)				\
					v *= slope[ch];				\
				o[ch] = v;					\
			}							\
		}								\
	}									\
}

DEFINE_DW(dw_generic, , 4)

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define HAVE_X86_KERNELS 1
DEFINE_DW(dw_avx2, __attribute__((target("avx2,fma"))), 8)
DEFINE_DW(dw_avx512, __attribute__((target("avx512f,fma"))), 16)
#endif

int mncr_face_dwconv_init(struct mncr_face_dwconv *dw, int kh, int kw, int c,
			  int stride, int pad, const float *onnx_w,
			  const float *bias)
{
	memset(dw, 0, sizeof(*dw));
	if (kh <= 0 || kw <= 0 || c <= 0 || kh > 64 || kw > 64 || c > 65536 ||
	    stride <= 0 || stride > 64 || pad < 0 || pad >= kh || pad >= kw ||
	    !onnx_w)
		return -EINVAL;
	dw->weights = malloc((size_t)kh * (size_t)kw * (size_t)c * sizeof(float));
	dw->bias = calloc((size_t)c, sizeof(float));
	if (!dw->weights || !dw->bias) {
		mncr_face_dwconv_free(dw);
		return -ENOMEM;
	}
	dw->kh = kh;
	dw->kw = kw;
	dw->c = c;
	dw->stride = stride;
	dw->pad = pad;
	for (int ch = 0; ch < c; ch++) {
		for (int i = 0; i < kh * kw; i++)
			dw->weights[(size_t)i * (size_t)c + (size_t)ch] =
				onnx_w[(size_t)ch * (size_t)(kh * kw) + (size_t)i];
		if (bias)
			dw->bias[ch] = bias[ch];
	}
	return 0;
}

void mncr_face_dwconv_free(struct mncr_face_dwconv *dw)
{
	if (!dw)
		return;
	free(dw->weights);
	free(dw->bias);
	memset(dw, 0, sizeof(*dw));
}

static int out_size(int n, int k, int s, int pad)
{
	int span = n + 2 * pad - k;

	return span < 0 ? 0 : span / s + 1;
}

int mncr_face_dwconv_forward(const struct mncr_face_dwconv *dw,
			     const struct mncr_face_tensor *in,
			     const float *slope, struct mncr_face_tensor *out)
{
	if (!dw || !dw->weights || !in || !out || in == out ||
	    in->data == out->data || in->c != dw->c || out->c != dw->c ||
	    in->pad < dw->pad || out->h <= 0 || out->w <= 0 ||
	    out->h != out_size(in->h, dw->kh, dw->stride, dw->pad) ||
	    out->w != out_size(in->w, dw->kw, dw->stride, dw->pad))
		return -EINVAL;
	switch (mncr_face_conv_impl_resolve(dw->impl)) {
#ifdef HAVE_X86_KERNELS
	case MNCR_FACE_CONV_AVX512:
		dw_avx512(dw, in, slope, out);
		return 0;
	case MNCR_FACE_CONV_AVX2:
		dw_avx2(dw, in, slope, out);
		return 0;
#endif
	case MNCR_FACE_CONV_GENERIC:
		dw_generic(dw, in, slope, out);
		return 0;
	default:
		return -ENOTSUP;
	}
}
