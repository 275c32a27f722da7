// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The face network's layers on tiny hand-computed cases: convolution with
 * stride and padding, bias / scale / shift, ReLU, residual sum, max pool,
 * the down-sampling shortcut (2x2 average pool, zero channel and pixel
 * padding), global mean, fully connected; and the blocked convolution
 * against a naive one on random sizes.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "face/face_conv.h"
#include "face/face_tensor.h"

#define PX(t, y, x) mncr_face_tensor_px(&(t), (y), (x))

static void fill(struct mncr_face_tensor *t, const float *v)
{
	for (int y = 0; y < t->h; y++)
		for (int x = 0; x < t->w; x++)
			memcpy(mncr_face_tensor_px(t, y, x), v + (y * t->w + x) * t->c,
			       (size_t)t->c * sizeof(float));
}

static void test_tensor(void **state)
{
	struct mncr_face_tensor t;

	(void)state;
	assert_int_equal(mncr_face_tensor_alloc(&t, 0, 1, 1, 0), -EINVAL);
	assert_int_equal(mncr_face_tensor_alloc(&t, 1, 1, 1, -1), -EINVAL);
	assert_int_equal(mncr_face_tensor_alloc(&t, 2, 3, 4, 1), 0);
	assert_int_equal(mncr_face_tensor_row(&t), 5 * 4);
	assert_ptr_equal(PX(t, -1, -1), t.data);
	assert_ptr_equal(PX(t, 0, 0), t.data + 20 + 4);
	assert_ptr_equal(PX(t, 1, 2), t.data + 2 * 20 + 3 * 4);
	for (int i = 0; i < 4 * 5 * 4; i++)
		assert_true(t.data[i] == 0.0f);
	mncr_face_tensor_free(&t);
	assert_null(t.data);
	mncr_face_tensor_free(&t);
}

/* 3x3 ones, stride 1, pad 1 ("same") on 1..9: the sums of neighbourhoods. */
static void test_conv_same(void **state)
{
	const float in_v[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	const float k[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
	const float want[9] = { 12, 21, 16, 27, 45, 33, 24, 39, 28 };
	struct mncr_face_tensor in, out;
	struct mncr_face_conv c;

	(void)state;
	assert_int_equal(mncr_face_tensor_alloc(&in, 3, 3, 1, 1), 0);
	assert_int_equal(mncr_face_tensor_alloc(&out, 3, 3, 1, 0), 0);
	fill(&in, in_v);
	assert_int_equal(mncr_face_conv_init(&c, 3, 3, 1, 1, 1, 1, k, NULL, NULL,
					     NULL), 0);
	assert_int_equal(mncr_face_conv_forward(&c, &in, NULL, 0, &out), 0);
	for (int i = 0; i < 9; i++)
		assert_float_equal(PX(out, i / 3, i % 3)[0], want[i], 0);
	mncr_face_conv_free(&c);
	mncr_face_tensor_free(&in);
	mncr_face_tensor_free(&out);
}

/*
 * Stride 2, no padding ("valid") on a 5x5 ramp in(y, x) = 5y + x with a
 * kernel reading taps (0,0) x 1 and (2,2) x 10: out = in(2y, 2x) +
 * 10 in(2y + 2, 2x + 2).
 */
static void test_conv_stride(void **state)
{
	float in_v[25], k[9] = { 1, 0, 0, 0, 0, 0, 0, 0, 10 };
	const float want[4] = { 120, 142, 230, 252 };
	struct mncr_face_tensor in, out;
	struct mncr_face_conv c;

	(void)state;
	for (int i = 0; i < 25; i++)
		in_v[i] = (float)i;
	assert_int_equal(mncr_face_tensor_alloc(&in, 5, 5, 1, 0), 0);
	assert_int_equal(mncr_face_tensor_alloc(&out, 2, 2, 1, 1), 0);
	fill(&in, in_v);
	assert_int_equal(mncr_face_conv_init(&c, 3, 3, 1, 1, 2, 0, k, NULL, NULL,
					     NULL), 0);
	assert_int_equal(mncr_face_conv_out_size(&c, 5, 3), 2);
	assert_int_equal(mncr_face_conv_out_size(&c, 2, 3), 0);
	assert_int_equal(mncr_face_conv_forward(&c, &in, NULL, 0, &out), 0);
	for (int i = 0; i < 4; i++)
		assert_float_equal(PX(out, i / 2, i % 2)[0], want[i], 0);
	/* the output's border stays zero */
	assert_true(PX(out, -1, -1)[0] == 0.0f && PX(out, 2, 2)[0] == 0.0f);
	mncr_face_conv_free(&c);
	mncr_face_tensor_free(&in);
	mncr_face_tensor_free(&out);
}

/*
 * 1x1, 2 -> 3 channels (a partial block), bias, scale, shift, ReLU:
 * out_c = relu((x0 w0c + x1 w1c + b_c) s_c + t_c).
 */
static void test_conv_affine_relu(void **state)
{
	const float x[2] = { 2, -1 };
	const float w[6] = { 1, 2, 3,		/* from channel 0 */
			     4, 5, 6 };		/* from channel 1 */
	const float b[3] = { 1, 0, -1 }, s[3] = { 2, -1, 0.5f }, t[3] = { 0, 1, 0 };
	/* sums -2, -1, 0; +b -1, -1, -1; *s -2, 1, -0.5; +t -2, 2, -0.5 */
	const float want_relu[3] = { 0, 2, 0 }, want_lin[3] = { -2, 2, -0.5f };
	struct mncr_face_tensor in, out;
	struct mncr_face_conv c;

	(void)state;
	assert_int_equal(mncr_face_tensor_alloc(&in, 1, 1, 2, 0), 0);
	assert_int_equal(mncr_face_tensor_alloc(&out, 1, 1, 3, 0), 0);
	fill(&in, x);
	assert_int_equal(mncr_face_conv_init(&c, 1, 1, 2, 3, 1, 0, w, b, s, t), 0);
	assert_int_equal(mncr_face_conv_forward(&c, &in, NULL, 1, &out), 0);
	for (int i = 0; i < 3; i++)
		assert_float_equal(PX(out, 0, 0)[i], want_relu[i], 0);
	assert_int_equal(mncr_face_conv_forward(&c, &in, NULL, 0, &out), 0);
	for (int i = 0; i < 3; i++)
		assert_float_equal(PX(out, 0, 0)[i], want_lin[i], 0);
	/* residual, in place: out = relu(conv + out) */
	assert_int_equal(mncr_face_conv_forward(&c, &in, &out, 1, &out), 0);
	assert_float_equal(PX(out, 0, 0)[0], 0, 0);		/* -2 + -2 */
	assert_float_equal(PX(out, 0, 0)[1], 4, 0);		/* 2 + 2 */
	assert_float_equal(PX(out, 0, 0)[2], 0, 0);		/* -0.5 + -0.5 */
	mncr_face_conv_free(&c);
	mncr_face_tensor_free(&in);
	mncr_face_tensor_free(&out);
}

static void test_conv_errors(void **state)
{
	const float k[9] = { 0 };
	struct mncr_face_tensor in, out, small;
	struct mncr_face_conv c;

	(void)state;
	assert_int_equal(mncr_face_conv_init(&c, 3, 3, 1, 1, 1, 3, k, NULL, NULL,
					     NULL), -EINVAL);
	assert_int_equal(mncr_face_conv_init(&c, 3, 3, 0, 1, 1, 1, k, NULL, NULL,
					     NULL), -EINVAL);
	assert_int_equal(mncr_face_conv_init(&c, 3, 3, 1, 1, 0, 1, k, NULL, NULL,
					     NULL), -EINVAL);
	assert_int_equal(mncr_face_conv_init(&c, 3, 3, 1, 1, 1, 1, NULL, NULL, NULL,
					     NULL), -EINVAL);
	assert_int_equal(mncr_face_conv_init(&c, 3, 3, 1, 1, 1, 1, k, NULL, NULL,
					     NULL), 0);
	assert_int_equal(mncr_face_tensor_alloc(&in, 4, 4, 1, 0), 0);
	assert_int_equal(mncr_face_tensor_alloc(&out, 4, 4, 1, 1), 0);
	assert_int_equal(mncr_face_tensor_alloc(&small, 3, 4, 1, 1), 0);
	/* input border narrower than the padding */
	assert_int_equal(mncr_face_conv_forward(&c, &in, NULL, 0, &out), -EINVAL);
	/* wrong output size, in place, wrong residual */
	assert_int_equal(mncr_face_conv_forward(&c, &out, NULL, 0, &small), -EINVAL);
	assert_int_equal(mncr_face_conv_forward(&c, &out, NULL, 0, &out), -EINVAL);
	assert_int_equal(mncr_face_conv_forward(&c, &small, &out, 0, &small),
			 -EINVAL);
	assert_int_equal(mncr_face_conv_forward(NULL, &out, NULL, 0, &in), -EINVAL);
	mncr_face_conv_free(&c);
	mncr_face_tensor_free(&in);
	mncr_face_tensor_free(&out);
	mncr_face_tensor_free(&small);
}

static float frand(unsigned int *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (float)((*seed >> 8) & 0xffff) / 32768.0f - 1.0f;
}

/* The blocked convolution equals a naive one on odd sizes and channels. */
static void conv_vs_naive(int impl)
{
	static const struct {
		int h, w, cin, cout, k, s, pad;
	} cases[] = {
		{ 7, 5, 3, 40, 3, 1, 1 }, { 9, 8, 5, 17, 3, 2, 0 },
		{ 15, 13, 3, 32, 7, 2, 0 }, { 4, 4, 16, 33, 3, 1, 1 },
		{ 1, 1, 8, 16, 3, 1, 1 }, { 4, 4, 8, 16, 3, 2, 0 },
		{ 6, 6, 2, 5, 5, 1, 2 }, { 11, 3, 1, 1, 1, 1, 0 },
	};
	unsigned int seed = 1;

	for (size_t n = 0; n < sizeof(cases) / sizeof(cases[0]); n++) {
		int h = cases[n].h, w = cases[n].w, ci = cases[n].cin;
		int co = cases[n].cout, k = cases[n].k, s = cases[n].s, p = cases[n].pad;
		int oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1;
		size_t nf = (size_t)k * k * ci * co;
		float *f = malloc(nf * sizeof(float)), *bias = malloc(co * sizeof(float));
		struct mncr_face_tensor in, out, res;
		struct mncr_face_conv c;
		double maxerr = 0;

		assert_non_null(f);
		assert_non_null(bias);
		for (size_t i = 0; i < nf; i++)
			f[i] = frand(&seed);
		for (int i = 0; i < co; i++)
			bias[i] = frand(&seed);
		assert_int_equal(mncr_face_tensor_alloc(&in, h, w, ci, p + 1), 0);
		assert_int_equal(mncr_face_tensor_alloc(&out, oh, ow, co, 1), 0);
		assert_int_equal(mncr_face_tensor_alloc(&res, oh, ow, co, 0), 0);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				for (int i = 0; i < ci; i++)
					PX(in, y, x)[i] = frand(&seed);
		for (int y = 0; y < oh; y++)
			for (int x = 0; x < ow; x++)
				for (int i = 0; i < co; i++)
					PX(res, y, x)[i] = frand(&seed);
		assert_int_equal(mncr_face_conv_init(&c, k, k, ci, co, s, p, f, bias,
						     NULL, NULL), 0);
		c.impl = impl;
		assert_int_equal(mncr_face_conv_forward(&c, &in, &res, 1, &out), 0);
		for (int y = 0; y < oh; y++) {
			for (int x = 0; x < ow; x++) {
				for (int o = 0; o < co; o++) {
					double sum = bias[o] + PX(res, y, x)[o];

					for (int ky = 0; ky < k; ky++)
						for (int kx = 0; kx < k; kx++) {
							int iy = y * s - p + ky, ix = x * s - p + kx;

							if (iy < 0 || ix < 0 || iy >= h || ix >= w)
								continue;
							for (int i = 0; i < ci; i++)
								sum += (double)PX(in, iy, ix)[i] *
								       f[((size_t)(ky * k + kx) * ci + i) * co + o];
						}
					sum = sum > 0 ? sum : 0;
					maxerr = fmax(maxerr, fabs(sum - PX(out, y, x)[o]));
				}
			}
		}
		assert_true(maxerr < 1e-4);
		mncr_face_conv_free(&c);
		mncr_face_tensor_free(&in);
		mncr_face_tensor_free(&out);
		mncr_face_tensor_free(&res);
		free(f);
		free(bias);
	}
}

/* ... with each kernel this CPU can run. */
static void test_conv_vs_naive(void **state)
{
	(void)state;
	for (int impl = MNCR_FACE_CONV_AUTO; impl <= MNCR_FACE_CONV_AVX512; impl++) {
		if (!mncr_face_conv_impl_available(impl)) {
			print_message("kernel %d: not available on this CPU\n", impl);
			continue;
		}
		print_message("kernel %s%s\n", mncr_face_conv_impl_name(impl),
			      impl ? "" : " (auto)");
		conv_vs_naive(impl);
	}
	{
		const float k[1] = { 1 };
		struct mncr_face_tensor in, out;
		struct mncr_face_conv c;

		assert_int_equal(mncr_face_conv_init(&c, 1, 1, 1, 1, 1, 0, k, NULL,
						     NULL, NULL), 0);
		assert_int_equal(mncr_face_tensor_alloc(&in, 1, 1, 1, 0), 0);
		assert_int_equal(mncr_face_tensor_alloc(&out, 1, 1, 1, 0), 0);
		c.impl = (enum mncr_face_conv_impl)99;
		assert_int_equal(mncr_face_conv_forward(&c, &in, NULL, 0, &out),
				 -ENOTSUP);
		assert_string_equal(mncr_face_conv_impl_name(c.impl), "unavailable");
		mncr_face_conv_free(&c);
		mncr_face_tensor_free(&in);
		mncr_face_tensor_free(&out);
	}
}

/* 3x3 stride 2 max pool of a 5x5 ramp with one large negative value. */
static void test_maxpool(void **state)
{
	float v[25];
	struct mncr_face_tensor in, out, bad;

	(void)state;
	for (int i = 0; i < 25; i++)
		v[i] = (float)(i % 7) - 3.0f;	/* 0..6 repeating, minus 3 */
	assert_int_equal(mncr_face_tensor_alloc(&in, 5, 5, 1, 1), 0);
	assert_int_equal(mncr_face_tensor_alloc(&out, 2, 2, 1, 1), 0);
	assert_int_equal(mncr_face_tensor_alloc(&bad, 3, 2, 1, 1), 0);
	fill(&in, v);
	assert_int_equal(mncr_face_maxpool(&in, &out, 3, 2), 0);
	/*
	 * rows of i % 7 - 3:  -3 -2 -1  0  1 / 2  3 -3 -2 -1 / 0  1  2  3 -3 /
	 * -2 -1  0  1  2 / 3 -3 -2 -1  0: windows rows 0-2 / 2-4, cols 0-2 / 2-4
	 */
	assert_float_equal(PX(out, 0, 0)[0], 3, 0);
	assert_float_equal(PX(out, 0, 1)[0], 3, 0);
	assert_float_equal(PX(out, 1, 0)[0], 3, 0);
	assert_float_equal(PX(out, 1, 1)[0], 3, 0);
	v[6] = v[7] = v[11] = v[12] = -5;	/* window (0,0): max now v[5] */
	fill(&in, v);
	assert_int_equal(mncr_face_maxpool(&in, &out, 3, 2), 0);
	assert_float_equal(PX(out, 0, 0)[0], 2, 0);
	assert_float_equal(PX(out, 1, 1)[0], 3, 0);	/* v[13] */
	assert_int_equal(mncr_face_maxpool(&in, &bad, 3, 2), -EINVAL);
	mncr_face_tensor_free(&in);
	mncr_face_tensor_free(&out);
	mncr_face_tensor_free(&bad);
}

/*
 * Down-sampling shortcut: x is 4x4x1 (pooled to 2x2x1), the branch 1x1x2
 * is zero-padded to 2x2, the pool gets a zero second channel:
 * out(y, x, 0) = relu(avg + branch(y, x, 0) if y, x < 1),
 * out(y, x, 1) = relu(branch(y, x, 1) if y, x < 1).
 */
static void test_shortcut_down(void **state)
{
	const float xv[16] = { 1, 3, -8, -8,
			       5, 7, -8, -8,
			       0, 0, 4, 4,
			       -4, -4, 4, 4 };
	const float bv[2] = { -10, 6 };
	struct mncr_face_tensor x, br, out, bad;

	(void)state;
	assert_int_equal(mncr_face_tensor_alloc(&x, 4, 4, 1, 1), 0);
	assert_int_equal(mncr_face_tensor_alloc(&br, 1, 1, 2, 0), 0);
	assert_int_equal(mncr_face_tensor_alloc(&out, 2, 2, 2, 1), 0);
	assert_int_equal(mncr_face_tensor_alloc(&bad, 1, 1, 2, 1), 0);
	fill(&x, xv);
	fill(&br, bv);
	assert_int_equal(mncr_face_shortcut_down(&x, &br, &out), 0);
	/* avg 4 - 10 -> 0 */
	assert_float_equal(PX(out, 0, 0)[0], 0, 0);
	assert_float_equal(PX(out, 0, 0)[1], 6, 0);
	/* avg -8 -> 0, no branch */
	assert_float_equal(PX(out, 0, 1)[0], 0, 0);
	assert_float_equal(PX(out, 0, 1)[1], 0, 0);
	/* avg -2 -> 0 */
	assert_float_equal(PX(out, 1, 0)[0], 0, 0);
	/* avg 4 */
	assert_float_equal(PX(out, 1, 1)[0], 4, 0);
	assert_float_equal(PX(out, 1, 1)[1], 0, 0);
	/* same sizes: a plain residual sum, branch channels beyond x's */
	{
		const float b2[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
		struct mncr_face_tensor br2;

		assert_int_equal(mncr_face_tensor_alloc(&br2, 2, 2, 2, 0), 0);
		fill(&br2, b2);
		assert_int_equal(mncr_face_shortcut_down(&x, &br2, &out), 0);
		assert_float_equal(PX(out, 0, 0)[0], 5, 0);
		assert_float_equal(PX(out, 0, 1)[0], 0, 0);	/* -8 + 1 */
		assert_float_equal(PX(out, 1, 0)[0], 0, 0);	/* -2 + 1 */
		assert_float_equal(PX(out, 1, 1)[0], 5, 0);
		assert_float_equal(PX(out, 1, 1)[1], 1, 0);
		mncr_face_tensor_free(&br2);
	}
	assert_int_equal(mncr_face_shortcut_down(&x, &br, &bad), -EINVAL);
	assert_int_equal(mncr_face_shortcut_down(&br, &x, &out), -EINVAL);
	mncr_face_tensor_free(&x);
	mncr_face_tensor_free(&br);
	mncr_face_tensor_free(&out);
	mncr_face_tensor_free(&bad);
}

static void test_mean_fc(void **state)
{
	const float v[8] = { 1, 10, 2, 20, 3, 30, 6, 40 };
	const float w[6] = { 1, -1,	/* input 0 to outputs 0, 1 */
			     2, 0,
			     0, 0.5f };
	const float in[3] = { 1, 2, 4 };
	struct mncr_face_tensor t;
	float mean[2], out[2];

	(void)state;
	assert_int_equal(mncr_face_tensor_alloc(&t, 2, 2, 2, 1), 0);
	fill(&t, v);
	mncr_face_global_mean(&t, mean);
	assert_float_equal(mean[0], 3, 0);
	assert_float_equal(mean[1], 25, 0);
	mncr_face_fc(in, 3, w, 2, out);
	assert_float_equal(out[0], 5, 0);	/* 1 + 4 + 0 */
	assert_float_equal(out[1], 1, 0);	/* -1 + 0 + 2 */
	mncr_face_tensor_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tensor),
		cmocka_unit_test(test_conv_same),
		cmocka_unit_test(test_conv_stride),
		cmocka_unit_test(test_conv_affine_relu),
		cmocka_unit_test(test_conv_errors),
		cmocka_unit_test(test_conv_vs_naive),
		cmocka_unit_test(test_maxpool),
		cmocka_unit_test(test_shortcut_down),
		cmocka_unit_test(test_mean_fc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
