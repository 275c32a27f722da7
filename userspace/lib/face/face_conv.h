/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * 2-D convolution for the face networks, the hot spot of an embedding.
 *
 * out(y, x, co) = act(shift[co] + scale[co] * (bias[co] +
 *     sum over ky, kx, ci of in(y * stride - pad + ky, x * stride - pad + kx, ci)
 *                          * filters[ky][kx][ci][co])
 *     + residual(y, x, co))
 *
 * filters are in the TF.js layout (kh, kw, cin, cout). The scale and shift
 * (dlib's affine layer, a frozen batch norm) are folded into the weights
 * when the layer is prepared. The input tensor's zero border supplies the
 * padding: it must be at least pad wide.
 *
 * Computation: direct convolution, no im2col. Output channels are packed in
 * blocks of MNCR_FACE_CONV_BLOCK; a register tile of a few output pixels x
 * 8 to 32 channels accumulates over the kh rows of the window, each row one
 * contiguous run of kw * cin input values (channels last). The kernel is
 * written once with GCC/Clang generic vector types, which the compiler keeps
 * in registers, and instantiated for 16-byte vectors (any target) and, on
 * x86, for AVX2+FMA and AVX-512; the best the CPU has is used.
 */
#ifndef MNCR_FACE_CONV_H
#define MNCR_FACE_CONV_H

#include "face/face_tensor.h"

#define MNCR_FACE_CONV_BLOCK 32

/* Which instantiation of the kernel runs (all give the same sums). */
enum mncr_face_conv_impl {
	MNCR_FACE_CONV_AUTO,		/* the best this CPU has */
	MNCR_FACE_CONV_GENERIC,		/* 16-byte vectors, any target */
	MNCR_FACE_CONV_AVX2,		/* x86 AVX2 + FMA */
	MNCR_FACE_CONV_AVX512,		/* x86 AVX-512F */
};

struct mncr_face_conv {
	int kh, kw, cin, cout;
	enum mncr_face_conv_impl impl;	/* AUTO after init */
	int stride, pad;
	int blocks;		/* ceil(cout / MNCR_FACE_CONV_BLOCK) */
	float *weights;		/* [blocks][kh * kw * cin][BLOCK], scale folded */
	float *bias;		/* [blocks * BLOCK]: shift + scale * bias */
};

/*
 * Prepares a layer. bias, scale and shift may be NULL (0, 1, 0).
 * Returns 0, -EINVAL or -ENOMEM.
 */
int mncr_face_conv_init(struct mncr_face_conv *conv, int kh, int kw, int cin,
			int cout, int stride, int pad, const float *filters,
			const float *bias, const float *scale,
			const float *shift);
void mncr_face_conv_free(struct mncr_face_conv *conv);

/* 1 when this build and CPU can run impl, else 0. */
int mncr_face_conv_impl_available(enum mncr_face_conv_impl impl);
/* The one impl runs as (AUTO: the best available), -1 when unavailable. */
int mncr_face_conv_impl_resolve(enum mncr_face_conv_impl impl);
/* "generic", "avx2", "avx512" ("auto" resolved to what it picks). */
const char *mncr_face_conv_impl_name(enum mncr_face_conv_impl impl);

/*
 * The kernel that runs a ResNet-sized layer fastest here, timed, as Linux
 * picks its xor and RAID-6 routines at boot: the widest vectors usually
 * win, but an emulated CPU (QEMU's TCG) runs AVX2 at half the speed of
 * 16-byte vectors. A few milliseconds on real hardware. AUTO on error.
 */
enum mncr_face_conv_impl mncr_face_conv_fastest(void);

/* Output size along one axis for an input of n pixels (0 when too small). */
int mncr_face_conv_out_size(const struct mncr_face_conv *conv, int n, int k);

/*
 * Runs the layer. out must have the output size and cout channels;
 * residual is NULL or of out's size (it may be out itself: the sum is done
 * in place); relu != 0 clamps at zero after the residual is added. in must
 * not be out. Returns 0, -EINVAL, or -ENOTSUP when conv->impl was set to
 * one the CPU cannot run.
 */
int mncr_face_conv_forward(const struct mncr_face_conv *conv,
			   const struct mncr_face_tensor *in,
			   const struct mncr_face_tensor *residual, int relu,
			   struct mncr_face_tensor *out);

/*
 * The same with slope (NULL or cout floats): a PReLU after the residual,
 * v < 0 becomes v * slope[co] (then relu is ignored).
 */
int mncr_face_conv_forward_act(const struct mncr_face_conv *conv,
			       const struct mncr_face_tensor *in,
			       const struct mncr_face_tensor *residual, int relu,
			       const float *slope, struct mncr_face_tensor *out);

#endif
