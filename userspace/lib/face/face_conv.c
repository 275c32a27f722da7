// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "face/face_conv.h"
#include "face/face_cpu.h"

#define CB MNCR_FACE_CONV_BLOCK

/*
 * The kernel wants -O3 and FMA contraction, which ISO C mode turns off.
 * It is instantiated below for each instruction set with the vector width
 * and register tile that fit its registers; conv_forward picks one.
 */
#if defined(__GNUC__) && !defined(__clang__)
#define HOT __attribute__((optimize("O3", "fp-contract=fast")))
#else
#define HOT
#endif

/*
 * DEFINE_CONV(name, attributes, VL, NV, TILE) defines name(), the whole
 * convolution computed with a register tile of TILE output pixels x NV
 * vectors of VL floats (GCC/Clang generic vectors, which the compiler keeps
 * in registers and lowers to the target's SIMD). A packed block of CB
 * channels takes CB / (NV * VL) passes. Registers needed: TILE * NV
 * accumulators, NV weight vectors and one broadcast input value.
 *
 * For each tile: base[r] points at the top-left input value of pixel r's
 * window; the window's row ky is the contiguous run base[r] + ky * row,
 * kw * cin values long (channels last), matching the packed weights' rows.
 * A short last tile repeats its last pixel.
 */
#define DEFINE_CONV(name, attributes, VL, NV, TILE)				\
typedef float name##_vec __attribute__((vector_size((VL) * sizeof(float))));	\
typedef int32_t name##_ivec __attribute__((vector_size((VL) * sizeof(float))));	\
_Static_assert(CB % ((VL) * (NV)) == 0, "block must be whole passes");		\
/* A whole pass's outputs: the scalar tail's steps, a vector at a time. */	\
attributes HOT								\
static inline void name##_store(const name##_vec acc[NV], const float *bias,	\
				const float *rp, int relu, const float *slope,	\
				float *o)					\
{										\
	for (int v = 0; v < (NV); v++) {					\
		name##_vec x = acc[v], b;					\
		name##_ivec neg;						\
										\
		memcpy(&b, bias + v * (VL), sizeof(b));				\
		x += b;								\
		if (rp) {							\
			memcpy(&b, rp + v * (VL), sizeof(b));			\
			x += b;							\
		}								\
		neg = x < (name##_vec){ 0 };					\
		if (slope) {							\
			memcpy(&b, slope + v * (VL), sizeof(b));		\
			x = (name##_vec)((neg & (name##_ivec)(x * b)) |		\
					 (~neg & (name##_ivec)x));		\
		} else if (relu) {						\
			x = (name##_vec)(~neg & (name##_ivec)x);		\
		}								\
		memcpy(o + v * (VL), &x, sizeof(x));				\
	}									\
}										\
										\
attributes HOT								\
static void name(const struct mncr_face_conv *conv,				\
		 const struct mncr_face_tensor *in,				\
		 const struct mncr_face_tensor *res, int relu,			\
		 const float *slope, struct mncr_face_tensor *out)		\
{										\
	const int npx = out->h * out->w, s = conv->stride, pad = conv->pad;	\
	const int kh = conv->kh, kwc = conv->kw * conv->cin;			\
	const size_t k = (size_t)kh * (size_t)kwc;				\
	const size_t row = mncr_face_tensor_row(in);				\
										\
	/* channels outer: a pass's weights stay in cache for all pixels */	\
	for (int c0 = 0; c0 < conv->cout; c0 += (VL) * (NV)) {			\
		const float *w0 = conv->weights + (size_t)(c0 / CB) * k * CB +	\
				  c0 % CB;					\
		const float *bias = conv->bias + c0;				\
		const int nc = conv->cout - c0 < (VL) * (NV) ?			\
			       conv->cout - c0 : (VL) * (NV);			\
										\
		for (int p0 = 0; p0 < npx; p0 += (TILE)) {			\
			const int n = npx - p0 < (TILE) ? npx - p0 : (TILE);	\
			const float *base[TILE], *w = w0;			\
			name##_vec acc[TILE][NV];				\
			float sum[(VL) * (NV)];				\
										\
			for (int r = 0; r < (TILE); r++) {			\
				int p = p0 + (r < n ? r : n - 1);		\
										\
				base[r] = mncr_face_tensor_px(in, p / out->w * s - pad, \
							      p % out->w * s - pad); \
				for (int v = 0; v < (NV); v++)			\
					acc[r][v] = (name##_vec){ 0 };		\
			}							\
			for (int ky = 0; ky < kh; ky++) {			\
				const size_t off = (size_t)ky * row;		\
										\
				for (int i = 0; i < kwc; i++, w += CB) {	\
					name##_vec wv[NV];			\
										\
					for (int v = 0; v < (NV); v++)		\
						memcpy(&wv[v], w + v * (VL), sizeof(wv[v])); \
					for (int r = 0; r < (TILE); r++) {	\
						const float a = base[r][off + (size_t)i]; \
										\
						for (int v = 0; v < (NV); v++)	\
							acc[r][v] += a * wv[v];	\
					}					\
				}						\
			}							\
			for (int r = 0; r < n; r++) {				\
				const int y = (p0 + r) / out->w, x = (p0 + r) % out->w; \
				float *o = mncr_face_tensor_px(out, y, x) + c0;	\
				const float *rp = res ? mncr_face_tensor_px(res, y, x) + c0 \
						      : NULL;			\
										\
				if (nc == (VL) * (NV)) {			\
					name##_store(acc[r], bias, rp, relu,	\
						     slope ? slope + c0 : NULL, o); \
					continue;				\
				}						\
				memcpy(sum, acc[r], sizeof(sum));		\
				for (int j = 0; j < nc; j++) {			\
					float v = sum[j] + bias[j];		\
										\
					if (rp)					\
						v += rp[j];			\
					if (v < 0.0f && slope)			\
						v *= slope[c0 + j];		\
					else if (relu && v < 0.0f)		\
						v = 0.0f;			\
					o[j] = v;				\
				}						\
			}							\
		}								\
	}									\
}

/* 16-byte vectors: SSE2, NEON, AltiVec... and a scalar fallback. */
DEFINE_CONV(conv_generic, , 4, 2, 6)

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define HAVE_X86_KERNELS 1
DEFINE_CONV(conv_avx2, __attribute__((target("avx2,fma"))), 8, 2, 6)
DEFINE_CONV(conv_avx512, __attribute__((target("avx512f,fma"))), 16, 2, 6)
#endif

int mncr_face_conv_impl_available(enum mncr_face_conv_impl impl)
{
	switch (impl) {
	case MNCR_FACE_CONV_AUTO:
	case MNCR_FACE_CONV_GENERIC:
		return 1;
#ifdef HAVE_X86_KERNELS
	case MNCR_FACE_CONV_AVX2:
		return mncr_face_cpu_avx2();
	case MNCR_FACE_CONV_AVX512:
		return mncr_face_cpu_avx512();
#endif
	default:
		return 0;
	}
}

int mncr_face_conv_impl_resolve(enum mncr_face_conv_impl impl)
{
	if (impl == MNCR_FACE_CONV_AUTO) {
		if (mncr_face_conv_impl_available(MNCR_FACE_CONV_AVX512))
			return MNCR_FACE_CONV_AVX512;
		if (mncr_face_conv_impl_available(MNCR_FACE_CONV_AVX2))
			return MNCR_FACE_CONV_AVX2;
		return MNCR_FACE_CONV_GENERIC;
	}
	return mncr_face_conv_impl_available(impl) ? (int)impl : -1;
}

const char *mncr_face_conv_impl_name(enum mncr_face_conv_impl impl)
{
	switch (mncr_face_conv_impl_resolve(impl)) {
	case MNCR_FACE_CONV_GENERIC:
		return "generic";
	case MNCR_FACE_CONV_AVX2:
		return "avx2";
	case MNCR_FACE_CONV_AVX512:
		return "avx512";
	default:
		return "unavailable";
	}
}

int mncr_face_conv_init(struct mncr_face_conv *conv, int kh, int kw, int cin,
			int cout, int stride, int pad, const float *filters,
			const float *bias, const float *scale,
			const float *shift)
{
	size_t k, size;

	memset(conv, 0, sizeof(*conv));
	if (kh <= 0 || kw <= 0 || cin <= 0 || cout <= 0 || stride <= 0 ||
	    pad < 0 || kh > 64 || kw > 64 || cin > 65536 || cout > 65536 ||
	    stride > 64 || pad >= kh || pad >= kw || !filters)
		return -EINVAL;
	conv->kh = kh;
	conv->kw = kw;
	conv->cin = cin;
	conv->cout = cout;
	conv->stride = stride;
	conv->pad = pad;
	conv->blocks = (cout + CB - 1) / CB;
	k = (size_t)kh * (size_t)kw * (size_t)cin;
	if (k > (SIZE_MAX - 63) / CB / sizeof(float) / (size_t)conv->blocks) {
		mncr_face_conv_free(conv);
		return -ENOMEM;
	}
	size = (size_t)conv->blocks * k * CB * sizeof(float);
	conv->weights = aligned_alloc(64, (size + 63) & ~(size_t)63);
	conv->bias = calloc((size_t)conv->blocks * CB, sizeof(float));
	if (!conv->weights || !conv->bias) {
		mncr_face_conv_free(conv);
		return -ENOMEM;
	}
	memset(conv->weights, 0, size);
	for (int b = 0; b < conv->blocks; b++) {
		float *dst = conv->weights + (size_t)b * k * CB;

		for (size_t i = 0; i < k; i++) {
			for (int j = 0; j < CB; j++) {
				int co = b * CB + j;

				if (co >= cout)
					break;
				dst[i * CB + (size_t)j] = filters[i * (size_t)cout + (size_t)co] *
							  (scale ? scale[co] : 1.0f);
			}
		}
	}
	for (int co = 0; co < cout; co++)
		conv->bias[co] = (bias ? bias[co] : 0.0f) * (scale ? scale[co] : 1.0f) +
				 (shift ? shift[co] : 0.0f);
	return 0;
}

void mncr_face_conv_free(struct mncr_face_conv *conv)
{
	if (!conv)
		return;
	free(conv->weights);
	free(conv->bias);
	memset(conv, 0, sizeof(*conv));
}

int mncr_face_conv_out_size(const struct mncr_face_conv *conv, int n, int k)
{
	int span = n + 2 * conv->pad - k;

	return span < 0 ? 0 : span / conv->stride + 1;
}

int mncr_face_conv_forward(const struct mncr_face_conv *conv,
			   const struct mncr_face_tensor *in,
			   const struct mncr_face_tensor *residual, int relu,
			   struct mncr_face_tensor *out)
{
	return mncr_face_conv_forward_act(conv, in, residual, relu, NULL, out);
}

int mncr_face_conv_forward_act(const struct mncr_face_conv *conv,
			       const struct mncr_face_tensor *in,
			       const struct mncr_face_tensor *residual, int relu,
			       const float *slope, struct mncr_face_tensor *out)
{
	if (!conv || !conv->weights || !in || !out || in == out ||
	    in->data == out->data || in->c != conv->cin ||
	    out->c != conv->cout || in->pad < conv->pad ||
	    out->h != mncr_face_conv_out_size(conv, in->h, conv->kh) ||
	    out->w != mncr_face_conv_out_size(conv, in->w, conv->kw) ||
	    out->h <= 0 || out->w <= 0)
		return -EINVAL;
	if (residual && (residual->h != out->h || residual->w != out->w ||
			 residual->c != out->c))
		return -EINVAL;
	switch (mncr_face_conv_impl_resolve(conv->impl)) {
#ifdef HAVE_X86_KERNELS
	case MNCR_FACE_CONV_AVX512:
		conv_avx512(conv, in, residual, relu, slope, out);
		return 0;
	case MNCR_FACE_CONV_AVX2:
		conv_avx2(conv, in, residual, relu, slope, out);
		return 0;
#endif
	case MNCR_FACE_CONV_GENERIC:
		conv_generic(conv, in, residual, relu, slope, out);
		return 0;
	default:
		return -ENOTSUP;
	}
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Best of a few runs: the first warms the caches. */
static double time_layer(struct mncr_face_conv *conv,
			 const struct mncr_face_tensor *in,
			 struct mncr_face_tensor *out)
{
	double best = 1e30;

	for (int i = 0; i < 3; i++) {
		double t = seconds();

		if (mncr_face_conv_forward(conv, in, NULL, 1, out))
			return 1e30;
		t = seconds() - t;
		if (t < best)
			best = t;
	}
	return best;
}

enum mncr_face_conv_impl mncr_face_conv_fastest(void)
{
	/* A 3x3 layer of the 64-channel stage, on a smaller map. */
	enum { SIDE = 12, CH = 64, K = 3 };
	static const enum mncr_face_conv_impl impls[] = {
		MNCR_FACE_CONV_GENERIC, MNCR_FACE_CONV_AVX2, MNCR_FACE_CONV_AVX512,
	};
	enum mncr_face_conv_impl best = MNCR_FACE_CONV_AUTO;
	struct mncr_face_tensor in = { 0 }, out = { 0 };
	struct mncr_face_conv conv = { 0 };
	float *filters = calloc(K * K * CH * CH, sizeof(float));
	double best_t = 1e30;

	if (!filters || mncr_face_tensor_alloc(&in, SIDE, SIDE, CH, 1) ||
	    mncr_face_tensor_alloc(&out, SIDE, SIDE, CH, 1) ||
	    mncr_face_conv_init(&conv, K, K, CH, CH, 1, 1, filters, NULL, NULL,
				NULL))
		goto out;
	for (size_t i = 0; i < sizeof(impls) / sizeof(impls[0]); i++) {
		double t;

		if (!mncr_face_conv_impl_available(impls[i]))
			continue;
		conv.impl = impls[i];
		t = time_layer(&conv, &in, &out);
		if (t < best_t) {
			best_t = t;
			best = impls[i];
		}
	}
out:
	mncr_face_conv_free(&conv);
	mncr_face_tensor_free(&out);
	mncr_face_tensor_free(&in);
	free(filters);
	return best;
}
