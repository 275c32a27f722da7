// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The TF.js graph interpreter, op by op, on tiny graphs whose outputs are
 * worked out by hand; and the graphs it must refuse.
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

#include "face/face_graph.h"

/* base64 attribute strings */
#define SAME "U0FNRQ=="
#define VALID "VkFMSUQ="
#define BIASADD "Qmlhc0FkZA=="
#define RELU "UmVsdQ=="
#define NHWC "TkhXQw=="

#define INPUT "{\"name\":\"x\",\"op\":\"Placeholder\"}"
#define CONST(n) "{\"name\":\"" n "\",\"op\":\"Const\"}"
#define UNARY(n, op, a) "{\"name\":\"" n "\",\"op\":\"" op "\",\"input\":[\"" a "\"]}"
#define BINARY(n, op, a, b) \
	"{\"name\":\"" n "\",\"op\":\"" op "\",\"input\":[\"" a "\",\"" b "\"]}"
#define CONV(n, op, s, pad, fused) \
	"{\"name\":\"" n "\",\"op\":\"" op "\",\"input\":[\"x\",\"k\",\"b\"]," \
	"\"attr\":{\"strides\":{\"list\":{\"i\":[\"1\",\"" s "\",\"" s "\",\"1\"]}}," \
	"\"padding\":{\"s\":\"" pad "\"},\"data_format\":{\"s\":\"" NHWC "\"}," \
	"\"fused_ops\":{\"list\":{\"s\":[" fused "]}}}}"
#define W(n, shape) "{\"name\":\"" n "\",\"shape\":[" shape "],\"dtype\":\"float32\"}"
#define GRAPH(nodes, weights) \
	"{\"modelTopology\":{\"node\":[" nodes "]},\"weightsManifest\":[{\"paths\":" \
	"[\"m.bin\"],\"weights\":[" weights "]}]}"

/* Parses json with weights w (nw floats) and runs it on in (h x w x c). */
static int run(const char *json, const float *w, size_t nw, unsigned flags,
	       const float *in, int h, int wd, int c, float *out, size_t *n_out)
{
	struct mncr_face_graph *g;
	char err[256];
	uint8_t *bin = malloc(nw * 4 + 1);
	int ret;

	assert_non_null(bin);
	memcpy(bin, w, nw * 4);
	ret = mncr_face_graph_parse(&g, json, strlen(json), bin, nw * 4, flags, err,
				    sizeof(err));
	free(bin);
	if (ret) {
		assert_null(g);
		return ret;
	}
	ret = mncr_face_graph_run(g, in, h, wd, c, out, 16, n_out, err, sizeof(err));
	mncr_face_graph_free(g);
	return ret;
}

static const float ramp16[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

/* 3x3 stride 2 SAME on 4x4: TF pads nothing above/left, one below/right. */
static void test_conv_same_stride2(void **state)
{
	const char *json = GRAPH(INPUT "," CONST("k") "," CONST("b") ","
				 CONV("y", "_FusedConv2D", "2", SAME, "\"" BIASADD "\""),
				 W("k", "3,3,1,1") "," W("b", "1"));
	float w[10], out[16];
	size_t n;

	(void)state;
	for (int i = 0; i < 9; i++)
		w[i] = 1;
	w[9] = 0.5f;
	assert_int_equal(run(json, w, 10, 0, ramp16, 4, 4, 1, out, &n), 0);
	assert_int_equal(n, 4);
	assert_float_equal(out[0], 54.5, 1e-5);	/* 1+2+3+5+6+7+9+10+11 */
	assert_float_equal(out[1], 45.5, 1e-5);	/* 3+4+7+8+11+12 */
	assert_float_equal(out[2], 72.5, 1e-5);	/* 9+10+11+13+14+15 */
	assert_float_equal(out[3], 54.5, 1e-5);	/* 11+12+15+16 */
}

/* 1x1 (the face_conv path): 2 -> 3 channels, bias, fused Relu. */
static void test_conv_1x1_relu(void **state)
{
	const char *json = GRAPH(INPUT "," CONST("k") "," CONST("b") ","
				 CONV("y", "_FusedConv2D", "1", VALID,
				      "\"" BIASADD "\",\"" RELU "\""),
				 W("k", "1,1,2,3") "," W("b", "3"));
	const float w[9] = { 1, 0, -1, 2, 1, 0, 0, -1, 0.25f };
	const float in[4] = { 1, 2, -1, 0.5f };	/* two pixels */
	const float want[6] = { 5, 1, 0, 0, 0, 1.25f };
	float out[16];
	size_t n;

	(void)state;
	assert_int_equal(run(json, w, 9, 0, in, 1, 2, 2, out, &n), 0);
	assert_int_equal(n, 6);
	for (int i = 0; i < 6; i++)
		assert_float_equal(out[i], want[i], 1e-5);
}

static void test_depthwise(void **state)
{
	const char *same = GRAPH(INPUT "," CONST("k") "," CONST("b") ","
				 CONV("y", "FusedDepthwiseConv2dNative", "2", SAME,
				      "\"" BIASADD "\""),
				 W("k", "3,3,1,1") "," W("b", "1"));
	const char *valid = GRAPH(INPUT "," CONST("k") "," CONST("b") ","
				  CONV("y", "FusedDepthwiseConv2dNative", "1", VALID,
				       "\"" BIASADD "\",\"" RELU "\""),
				  W("k", "3,3,2,1") "," W("b", "2"));
	float w[20], out[16], in[18];
	size_t n;

	(void)state;
	for (int i = 0; i < 9; i++)
		w[i] = 1;
	w[9] = 0.5f;
	assert_int_equal(run(same, w, 10, 0, ramp16, 4, 4, 1, out, &n), 0);
	assert_int_equal(n, 4);
	assert_float_equal(out[0], 54.5, 1e-5);
	assert_float_equal(out[3], 54.5, 1e-5);
	/* channel 0: sum of the window; channel 1: -2 x centre, clamped */
	for (int i = 0; i < 9; i++) {
		w[2 * i] = 1;
		w[2 * i + 1] = i == 4 ? -2 : 0;
		in[2 * i] = (float)i;
		in[2 * i + 1] = 3;
	}
	w[18] = 1;
	w[19] = 1;
	assert_int_equal(run(valid, w, 20, 0, in, 3, 3, 2, out, &n), 0);
	assert_int_equal(n, 2);
	assert_float_equal(out[0], 37, 1e-5);	/* 0+...+8 + 1 */
	assert_float_equal(out[1], 0, 1e-5);	/* relu(-6 + 1) */
}

/* relu(x) + a (x - |x|), a = 0.25: the PReLU as the graph writes it. */
static void test_prelu_ops(void **state)
{
	const char *json = GRAPH(INPUT "," CONST("a") "," UNARY("r", "Relu", "x") ","
				 UNARY("abs", "Abs", "x") "," BINARY("s", "Sub", "x", "abs") ","
				 BINARY("m", "Mul", "s", "a") "," BINARY("y", "Add", "r", "m"),
				 W("a", "2"));
	const float a[2] = { 0.25f, 0.5f }, in[4] = { -2, 3, 4, -1 };
	float out[16];
	size_t n;

	(void)state;
	assert_int_equal(run(json, a, 2, 0, in, 1, 2, 2, out, &n), 0);
	assert_int_equal(n, 4);
	assert_float_equal(out[0], -1, 1e-6);	/* 0.25 * -4 */
	assert_float_equal(out[1], 3, 1e-6);
	assert_float_equal(out[2], 4, 1e-6);
	assert_float_equal(out[3], -1, 1e-6);	/* 0.5 * -2 */
}

/* Squeeze, Square, Sum, Maximum, Rsqrt, Mul: L2 normalisation. */
static void test_l2_tail(void **state)
{
	const char *json = GRAPH(INPUT "," CONST("axis") "," CONST("eps") ","
		"{\"name\":\"q\",\"op\":\"Squeeze\",\"input\":[\"x\"],"
		"\"attr\":{\"squeeze_dims\":{\"list\":{\"i\":[\"1\",\"2\"]}}}},"
		UNARY("sq", "Square", "q") "," BINARY("sum", "Sum", "sq", "axis") ","
		BINARY("mx", "Maximum", "sum", "eps") "," UNARY("rs", "Rsqrt", "mx") ","
		BINARY("y", "Mul", "q", "rs"),
		"{\"name\":\"axis\",\"shape\":[],\"dtype\":\"int32\"}," W("eps", ""));
	const int32_t axis = 1;
	float w[2], out[16];
	const float in[2] = { 3, 4 }, zero[2] = { 0, 0 };
	size_t n;

	(void)state;
	memcpy(&w[0], &axis, 4);
	w[1] = 1e-10f;
	assert_int_equal(run(json, w, 2, 0, in, 1, 1, 2, out, &n), 0);
	assert_int_equal(n, 2);
	assert_float_equal(out[0], 0.6, 1e-6);
	assert_float_equal(out[1], 0.8, 1e-6);
	/* the Maximum keeps zero finite */
	assert_int_equal(run(json, w, 2, 0, zero, 1, 1, 2, out, &n), 0);
	assert_float_equal(out[0], 0, 1e-6);
}

/* A fused Relu feeding a PReLU: as TF.js runs it, or repaired. */
static void test_repair_prelu(void **state)
{
	const char *json = GRAPH(INPUT "," CONST("k") "," CONST("b") "," CONST("a") ","
				 CONV("d", "FusedDepthwiseConv2dNative", "1", VALID,
				      "\"" BIASADD "\",\"" RELU "\"") ","
				 UNARY("abs", "Abs", "d") "," BINARY("s", "Sub", "d", "abs") ","
				 BINARY("m", "Mul", "s", "a") "," BINARY("y", "Add", "d", "m"),
				 W("k", "1,1,1,1") "," W("b", "1") "," W("a", "1"));
	const float w[3] = { 1, 0, 0.25f }, in[1] = { -2 };
	float out[16];
	size_t n;

	(void)state;
	assert_int_equal(run(json, w, 3, 0, in, 1, 1, 1, out, &n), 0);
	assert_float_equal(out[0], 0, 1e-6);
	assert_int_equal(run(json, w, 3, MNCR_FACE_GRAPH_REPAIR_PRELU, in, 1, 1, 1, out, &n), 0);
	assert_float_equal(out[0], -1, 1e-6);
}

static void test_refused(void **state)
{
	const char *unknown = GRAPH(INPUT "," UNARY("y", "Tanh", "x"), "");
	const char *prelu = GRAPH(INPUT "," CONST("k") "," CONST("b") ","
				  CONV("y", "_FusedConv2D", "1", VALID,
				       "\"" BIASADD "\",\"UHJlbHU=\""),
				  W("k", "1,1,1,1") "," W("b", "1"));
	const char *two_inputs = GRAPH(INPUT "," INPUT, "");
	const float w[2] = { 1, 0 }, in[1] = { 1 };
	float out[16];
	size_t n;

	(void)state;
	assert_int_equal(run(unknown, w, 0, 0, in, 1, 1, 1, out, &n), -ENOTSUP);
	assert_int_equal(run(prelu, w, 2, 0, in, 1, 1, 1, out, &n), -ENOTSUP);
	assert_int_not_equal(run(two_inputs, w, 0, 0, in, 1, 1, 1, out, &n), 0);
	assert_int_equal(run("{\"modelTopology\":{}}", w, 0, 0, in, 1, 1, 1, out, &n),
			 -EINVAL);
}

static void test_short_weights(void **state)
{
	const char *json = GRAPH(INPUT "," CONST("k") "," CONST("b") ","
				 CONV("y", "_FusedConv2D", "1", VALID, "\"" BIASADD "\""),
				 W("k", "1,1,1,1") "," W("b", "1"));
	const float w[2] = { 2, 1 }, in[1] = { 3 };
	float out[16];
	size_t n;

	(void)state;
	assert_int_equal(run(json, w, 1, 0, in, 1, 1, 1, out, &n), -EINVAL);
	assert_int_equal(run(json, w, 2, 0, in, 1, 1, 1, out, &n), 0);
	assert_float_equal(out[0], 7, 1e-6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conv_same_stride2),
		cmocka_unit_test(test_conv_1x1_relu),
		cmocka_unit_test(test_depthwise),
		cmocka_unit_test(test_prelu_ops),
		cmocka_unit_test(test_l2_tail),
		cmocka_unit_test(test_repair_prelu),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_short_weights),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
