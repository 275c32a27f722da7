/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Activation tensors of the face networks and their cheap layers. A tensor
 * is one image, channels last (HWC), with a zero border of pad pixels on
 * every side so a "same" convolution reads its padding from memory.
 */
#ifndef MNCR_FACE_TENSOR_H
#define MNCR_FACE_TENSOR_H

#include <stddef.h>

struct mncr_face_tensor {
	int h, w, c;	/* size inside the border */
	int pad;	/* zero border on every side */
	float *data;	/* (h + 2 pad) * (w + 2 pad) * c floats */
};

/* Allocates a zeroed tensor. Returns 0, -EINVAL or -ENOMEM. */
int mncr_face_tensor_alloc(struct mncr_face_tensor *t, int h, int w, int c,
			   int pad);
void mncr_face_tensor_free(struct mncr_face_tensor *t);

/* Floats from one row of the padded image to the next. */
static inline size_t mncr_face_tensor_row(const struct mncr_face_tensor *t)
{
	return (size_t)(t->w + 2 * t->pad) * (size_t)t->c;
}

/* The c values of pixel (y, x); -pad <= y < h + pad, the same for x. */
static inline float *mncr_face_tensor_px(const struct mncr_face_tensor *t,
					 int y, int x)
{
	return t->data + (size_t)(y + t->pad) * mncr_face_tensor_row(t) +
	       (size_t)(x + t->pad) * (size_t)t->c;
}

/*
 * Max pooling, size k, stride s, no padding ("valid"): out must be
 * ((in.h - k) / s + 1) x ((in.w - k) / s + 1) x in.c. Returns 0 or -EINVAL.
 */
int mncr_face_maxpool(const struct mncr_face_tensor *in,
		      struct mncr_face_tensor *out, int k, int s);

/*
 * The end of a down-sampling residual block (dlib's add_prev of an
 * avg_pool<2,2,2,2> shortcut): out = relu(pool + branch) where pool is the
 * 2x2 stride-2 average of x (floor(h/2) x floor(w/2), x.c channels) and
 * branch the block's last convolution; both are zero-padded, channels and
 * pixels, to out's size, which must be the larger of the two in each
 * dimension (out.c = branch.c >= x.c). Returns 0 or -EINVAL.
 */
int mncr_face_shortcut_down(const struct mncr_face_tensor *x,
			    const struct mncr_face_tensor *branch,
			    struct mncr_face_tensor *out);

/* out[ch] = mean of channel ch over all pixels (out has in.c floats). */
void mncr_face_global_mean(const struct mncr_face_tensor *in, float *out);

/*
 * Fully connected, no bias: out[j] = sum_i in[i] * w[i * n_out + j]
 * (w is n_in x n_out, the TF.js layout).
 */
void mncr_face_fc(const float *in, size_t n_in, const float *w, size_t n_out,
		  float *out);

/*
 * Depthwise 3x3 convolution, no bias, TensorFlow "same" padding: out is
 * ceil(in / stride) on each side and the window of output (y, x) starts at
 * (y * stride - before, x * stride - before), before = floor(total / 2) of
 * the padding the size needs (so stride 2 on an even size pads only the
 * bottom and right). w is the TF.js depthwise_filter, [3][3][c][1].
 * relu_in != 0 reads max(in, 0) instead of in. in->pad must be at least 1
 * (its zero border is the padding); out must not be in.
 * Returns 0 or -EINVAL.
 */
int mncr_face_depthwise3x3(const struct mncr_face_tensor *in, const float *w,
			   int stride, int relu_in,
			   struct mncr_face_tensor *out);

/*
 * Max pooling 2x2 with TensorFlow "same" padding (windows cut at the bottom
 * and right edges), stride 1 or 2: out is ceil(in / stride) on each side.
 * Then out = max(out, leak * out): 0 < leak < 1 is a leaky ReLU (it commutes
 * with the maximum), leak 1 leaves the values alone. Returns 0 or -EINVAL.
 */
int mncr_face_maxpool2_same(const struct mncr_face_tensor *in, int stride,
			    float leak, struct mncr_face_tensor *out);

#endif
