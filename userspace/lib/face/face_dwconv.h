/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Depthwise 2-D convolution (one filter per channel, ONNX Conv with group =
 * channels), bias and an optional PReLU, on channels-last tensors:
 *
 * out(y, x, c) = act(bias[c] + sum over ky, kx of
 *                    in(y * stride - pad + ky, x * stride - pad + kx, c)
 *                    * w[ky][kx][c])
 *
 * The input's zero border supplies the padding (at least pad wide). Each
 * output pixel is one pass over the channels in vectors, kept in registers
 * across the kh x kw taps; instantiated, like face_conv, for 16-byte
 * vectors, AVX2 and AVX-512, and run with the impl face_conv would pick.
 */
#ifndef MNCR_FACE_DWCONV_H
#define MNCR_FACE_DWCONV_H

#include "face/face_conv.h"
#include "face/face_tensor.h"

struct mncr_face_dwconv {
	int kh, kw, c, stride, pad;
	enum mncr_face_conv_impl impl;	/* AUTO after init */
	float *weights;		/* [kh][kw][c] */
	float *bias;		/* [c] */
};

/*
 * Prepares a layer from ONNX weights [c][1][kh][kw] and bias [c] (NULL: 0).
 * Returns 0, -EINVAL or -ENOMEM.
 */
int mncr_face_dwconv_init(struct mncr_face_dwconv *dw, int kh, int kw, int c,
			  int stride, int pad, const float *onnx_w,
			  const float *bias);
void mncr_face_dwconv_free(struct mncr_face_dwconv *dw);

/*
 * Runs the layer; slope is NULL (no activation) or c PReLU slopes. out must
 * have the output size (as mncr_face_conv_out_size) and c channels and not
 * be in. Returns 0, -EINVAL or -ENOTSUP (dw->impl not runnable here).
 */
int mncr_face_dwconv_forward(const struct mncr_face_dwconv *dw,
			     const struct mncr_face_tensor *in,
			     const float *slope, struct mncr_face_tensor *out);

#endif
