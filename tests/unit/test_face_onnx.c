// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ONNX loader and executor. Small models are built here with protobuf-c
 * itself: the loader must refuse an unknown op, a wrong shape or a data
 * type it does not run, naming the node; the executor must give, with
 * every kernel this CPU has, what a plain NCHW loop computes for Conv
 * (dense, depthwise, strided, padded, 7x7 valid), PRelu, Add and Reshape,
 * channel counts chosen to leave vector tails. With the 512-d MobileFaceNet
 * installed (build/models or $MNCR_MODELS), it loads and all kernels agree.
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
#include "face/face_mfn512.h"
#include "face/face_onnx.h"
#include "face/face_onnx_net.h"
#include "onnx/onnx.pb-c.h"

#define MAX_T 16

/* A model under construction: protobuf-c messages on the stack of a test. */
struct mb {
	Onnx__ModelProto model;
	Onnx__GraphProto graph;
	Onnx__OperatorSetIdProto opset, *opsets[1];
	Onnx__ValueInfoProto in, out, *ins[1], *outs[1];
	Onnx__TypeProto in_type, out_type;
	Onnx__TypeProto__Tensor in_tt, out_tt;
	Onnx__TensorShapeProto in_shape;
	Onnx__TensorShapeProto__Dimension dim[4], *dims[4];
	Onnx__NodeProto node[MAX_T], *nodes[MAX_T];
	Onnx__AttributeProto attr[MAX_T][5], *attrs[MAX_T][5];
	int64_t ints[MAX_T][5][4];
	Onnx__TensorProto init[MAX_T], *inits[MAX_T];
	int64_t init_dims[MAX_T][4];
	char *node_in[MAX_T][3], *node_out[MAX_T][1];
	char names[MAX_T * 4][16];
	int n_names;
};

static void mb_init(struct mb *b, int c, int h, int w)
{
	int64_t d[4] = { 1, c, h, w };

	memset(b, 0, sizeof(*b));
	b->model = (Onnx__ModelProto)ONNX__MODEL_PROTO__INIT;
	b->graph = (Onnx__GraphProto)ONNX__GRAPH_PROTO__INIT;
	b->opset = (Onnx__OperatorSetIdProto)ONNX__OPERATOR_SET_ID_PROTO__INIT;
	b->opset.has_version = 1;
	b->opset.version = 9;
	b->opsets[0] = &b->opset;
	b->model.n_opset_import = 1;
	b->model.opset_import = b->opsets;
	b->model.graph = &b->graph;
	b->in = (Onnx__ValueInfoProto)ONNX__VALUE_INFO_PROTO__INIT;
	b->in.name = "input";
	b->in_type = (Onnx__TypeProto)ONNX__TYPE_PROTO__INIT;
	b->in_type.value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
	b->in_type.tensor_type = &b->in_tt;
	b->in_tt = (Onnx__TypeProto__Tensor)ONNX__TYPE_PROTO__TENSOR__INIT;
	b->in_tt.has_elem_type = 1;
	b->in_tt.elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
	b->in_tt.shape = &b->in_shape;
	b->in_shape = (Onnx__TensorShapeProto)ONNX__TENSOR_SHAPE_PROTO__INIT;
	for (int i = 0; i < 4; i++) {
		b->dim[i] = (Onnx__TensorShapeProto__Dimension)
			ONNX__TENSOR_SHAPE_PROTO__DIMENSION__INIT;
		b->dim[i].value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
		b->dim[i].dim_value = d[i];
		b->dims[i] = &b->dim[i];
	}
	b->in_shape.n_dim = 4;
	b->in_shape.dim = b->dims;
	b->in.type = &b->in_type;
	b->ins[0] = &b->in;
	b->graph.n_input = 1;
	b->graph.input = b->ins;
	b->out = (Onnx__ValueInfoProto)ONNX__VALUE_INFO_PROTO__INIT;
	b->outs[0] = &b->out;
	b->graph.n_output = 1;
	b->graph.output = b->outs;
	b->graph.node = b->nodes;
	b->graph.initializer = b->inits;
}

static char *mb_name(struct mb *b, const char *prefix)
{
	char *n = b->names[b->n_names];

	snprintf(n, sizeof(b->names[0]), "%s%d", prefix, b->n_names);
	b->n_names++;
	return n;
}

/* A float initialiser of the given dims; data points at the caller's. */
static char *mb_floats(struct mb *b, int ndim, const int64_t *dims, float *data)
{
	size_t i = b->graph.n_initializer++, n = 1;
	Onnx__TensorProto *t = &b->init[i];

	*t = (Onnx__TensorProto)ONNX__TENSOR_PROTO__INIT;
	t->name = mb_name(b, "w");
	t->has_data_type = 1;
	t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
	for (int k = 0; k < ndim; k++) {
		b->init_dims[i][k] = dims[k];
		n *= (size_t)dims[k];
	}
	t->n_dims = (size_t)ndim;
	t->dims = b->init_dims[i];
	t->has_raw_data = 1;
	t->raw_data.len = n * sizeof(float);
	t->raw_data.data = (uint8_t *)data;
	b->inits[i] = t;
	return t->name;
}

static Onnx__NodeProto *mb_node(struct mb *b, const char *op, int n_in,
				char *in0, char *in1, char *in2)
{
	size_t i = b->graph.n_node++;
	Onnx__NodeProto *n = &b->node[i];

	*n = (Onnx__NodeProto)ONNX__NODE_PROTO__INIT;
	n->op_type = (char *)op;
	n->name = mb_name(b, op);
	b->node_in[i][0] = in0;
	b->node_in[i][1] = in1;
	b->node_in[i][2] = in2;
	n->n_input = (size_t)n_in;
	n->input = b->node_in[i];
	b->node_out[i][0] = mb_name(b, "v");
	n->n_output = 1;
	n->output = b->node_out[i];
	n->attribute = b->attrs[i];
	b->nodes[i] = n;
	b->out.name = b->node_out[i][0];
	return n;
}

static void mb_ints(struct mb *b, Onnx__NodeProto *n, const char *name, int count,
		    int64_t v)
{
	size_t i = (size_t)(n - b->node), k = n->n_attribute++;
	Onnx__AttributeProto *a = &b->attr[i][k];

	*a = (Onnx__AttributeProto)ONNX__ATTRIBUTE_PROTO__INIT;
	a->name = (char *)name;
	a->has_type = 1;
	if (count == 0) {
		a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
		a->has_i = 1;
		a->i = v;
	} else {
		a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
		for (int j = 0; j < count; j++)
			b->ints[i][k][j] = v;
		a->n_ints = (size_t)count;
		a->ints = b->ints[i][k];
	}
	b->attrs[i][k] = a;
}

/* A Conv node: weight [m][c/group][k][k] and bias from the caller. */
static char *mb_conv(struct mb *b, char *x, int c, int m, int k, int stride,
		     int pad, int depthwise, float *w, float *bias)
{
	int64_t wd[4] = { m, depthwise ? 1 : c, k, k }, bd[1] = { m };
	char *wn = mb_floats(b, 4, wd, w), *bn = mb_floats(b, 1, bd, bias);
	Onnx__NodeProto *n = mb_node(b, "Conv", 3, x, wn, bn);

	mb_ints(b, n, "kernel_shape", 2, k);
	mb_ints(b, n, "strides", 2, stride);
	mb_ints(b, n, "pads", 4, pad);
	mb_ints(b, n, "dilations", 2, 1);
	mb_ints(b, n, "group", 0, depthwise ? c : 1);
	return n->output[0];
}

static int mb_parse(struct mb *b, struct mncr_face_onnx *g, char *err, size_t len)
{
	size_t n = onnx__model_proto__get_packed_size(&b->model);
	uint8_t *buf = malloc(n ? n : 1);
	int ret;

	assert_non_null(buf);
	assert_int_equal(onnx__model_proto__pack(&b->model, buf), n);
	ret = mncr_face_onnx_parse(g, buf, n, err, len);
	free(buf);
	return ret;
}

static void fill(float *v, size_t n, unsigned seed, float scale)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		v[i] = ((float)((seed >> 8) & 0xffff) / 65536.0f - 0.5f) * scale;
	}
}

/* Plain ONNX Conv, NCHW, for the comparison. */
static void ref_conv(const float *x, int c, int h, int w, const float *wt,
		     const float *bias, int m, int k, int s, int p, int dw,
		     float *y, int *ho, int *wo)
{
	*ho = (h + 2 * p - k) / s + 1;
	*wo = (w + 2 * p - k) / s + 1;
	for (int o = 0; o < m; o++)
		for (int oy = 0; oy < *ho; oy++)
			for (int ox = 0; ox < *wo; ox++) {
				double acc = bias[o];

				for (int ci = 0; ci < (dw ? 1 : c); ci++)
					for (int ky = 0; ky < k; ky++)
						for (int kx = 0; kx < k; kx++) {
							int iy = oy * s - p + ky, ix = ox * s - p + kx;
							int ch = dw ? o : ci;

							if (iy < 0 || ix < 0 || iy >= h || ix >= w)
								continue;
							acc += (double)x[(ch * h + iy) * w + ix] *
							       wt[((o * (dw ? 1 : c) + ci) * k + ky) * k + kx];
						}
				y[(o * *ho + oy) * *wo + ox] = (float)acc;
			}
}

static void ref_prelu(float *x, int c, int hw, const float *slope)
{
	for (int i = 0; i < c * hw; i++)
		if (x[i] < 0)
			x[i] *= slope[i / hw];
}

static void test_refuse_unknown_op(void **state)
{
	struct mncr_face_onnx g;
	struct mb *b = calloc(1, sizeof(*b));
	char err[256];

	(void)state;
	assert_non_null(b);
	mb_init(b, 3, 8, 8);
	mb_node(b, "Relu", 1, "input", NULL, NULL);
	assert_int_equal(mb_parse(b, &g, err, sizeof(err)), -ENOTSUP);
	assert_non_null(strstr(err, "op 'Relu' not supported"));
	assert_non_null(strstr(err, b->node[0].name));
	free(b);
}

static void test_refuse_bad_shape(void **state)
{
	float w[8 * 4 * 9] = { 0 }, bias[8] = { 0 };
	struct mncr_face_onnx g;
	struct mb *b = calloc(1, sizeof(*b));
	char err[256];

	(void)state;
	assert_non_null(b);
	/* weight for 4 input channels, the input has 3 */
	mb_init(b, 3, 8, 8);
	mb_conv(b, "input", 4, 8, 3, 1, 1, 0, w, bias);
	assert_int_equal(mb_parse(b, &g, err, sizeof(err)), -ENOTSUP);
	assert_non_null(strstr(err, b->node[0].name));
	assert_non_null(strstr(err, "dimension 1 is 4, expected 3"));
	/* input of rank 3 */
	mb_init(b, 4, 8, 8);
	mb_conv(b, "input", 4, 8, 3, 1, 1, 0, w, bias);
	b->in_shape.n_dim = 3;
	assert_int_equal(mb_parse(b, &g, err, sizeof(err)), -ENOTSUP);
	assert_non_null(strstr(err, "rank 4"));
	/* asymmetric padding */
	mb_init(b, 4, 8, 8);
	mb_conv(b, "input", 4, 8, 3, 1, 1, 0, w, bias);
	b->ints[0][2][3] = 0;
	assert_int_equal(mb_parse(b, &g, err, sizeof(err)), -ENOTSUP);
	assert_non_null(strstr(err, "'pads'"));
	/* Add of two shapes */
	mb_init(b, 4, 8, 8);
	mb_conv(b, "input", 4, 8, 3, 2, 1, 0, w, bias);
	mb_node(b, "Add", 2, "input", b->node[0].output[0], NULL);
	assert_int_equal(mb_parse(b, &g, err, sizeof(err)), -ENOTSUP);
	assert_non_null(strstr(err, b->node[1].name));
	free(b);
}

static void test_refuse_bad_dtype(void **state)
{
	float w[8 * 3 * 9] = { 0 }, bias[8] = { 0 };
	struct mncr_face_onnx g;
	struct mb *b = calloc(1, sizeof(*b));
	char err[256];

	(void)state;
	assert_non_null(b);
	mb_init(b, 3, 8, 8);
	mb_conv(b, "input", 3, 8, 3, 1, 1, 0, w, bias);
	b->init[0].data_type = ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE;
	assert_int_equal(mb_parse(b, &g, err, sizeof(err)), -ENOTSUP);
	assert_non_null(strstr(err, "data type 11"));
	assert_non_null(strstr(err, b->node[0].name));
	mb_init(b, 3, 8, 8);
	mb_conv(b, "input", 3, 8, 3, 1, 1, 0, w, bias);
	b->in_tt.elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__UINT8;
	assert_int_equal(mb_parse(b, &g, err, sizeof(err)), -ENOTSUP);
	assert_non_null(strstr(err, "float32 only"));
	/* and what is no protobuf at all */
	assert_int_equal(mncr_face_onnx_parse(&g, (const uint8_t *)"\xff\xff\xff", 3,
					      err, sizeof(err)), -EINVAL);
	free(b);
}

/*
 * input 5x15x15 -> Conv 3x3/2 p1 (6, 8x8) -> PRelu -> depthwise 3x3/1 p1 ->
 * PRelu -> Conv 1x1 (6) -> Add (the first PRelu's) -> depthwise 7x7 valid
 * (2x2) -> Conv 1x1 (37) -> Reshape [1, -1] (148, in NCHW order).
 */
static void test_executor(void **state)
{
	enum { C = 5, H = 15, W = 15, M = 6, F = 37, HW = 8 * 8 };
	float x[C * H * W], w1[M * C * 9], b1[M], s1[M], w2[M * 9], b2[M], s2[M];
	float w3[M * M], b3[M], w4[M * 49], b4[M], w5[F * M], b5[F];
	float a[M * HW], r[M * HW], t[M * HW], u[M * 4], want[F * 4], got[F * 4];
	int64_t sd[3] = { M, 1, 1 }, shape[1] = { 2 }, to[2] = { 1, -1 };
	static const int impls[] = {
		MNCR_FACE_CONV_GENERIC, MNCR_FACE_CONV_AVX2, MNCR_FACE_CONV_AVX512,
	};
	struct mncr_face_onnx_net *net;
	struct mncr_face_onnx_ws *ws;
	struct mncr_face_onnx g;
	struct mb *b = calloc(1, sizeof(*b));
	Onnx__NodeProto *n;
	char err[256], *v, *v1;
	int ho, wo, h2, w2o, tested = 0;

	(void)state;
	assert_non_null(b);
	fill(x, C * H * W, 1, 2);
	fill(w1, M * C * 9, 2, 1);
	fill(b1, M, 3, 1);
	fill(s1, M, 4, 0.5f);
	fill(w2, M * 9, 5, 1);
	fill(b2, M, 6, 1);
	fill(s2, M, 7, 0.5f);
	fill(w3, M * M, 8, 1);
	fill(b3, M, 9, 1);
	fill(w4, M * 49, 10, 1);
	fill(b4, M, 11, 1);
	fill(w5, F * M, 12, 1);
	fill(b5, F, 13, 1);

	mb_init(b, C, H, W);
	v = mb_conv(b, "input", C, M, 3, 2, 1, 0, w1, b1);
	v1 = mb_node(b, "PRelu", 2, v, mb_floats(b, 3, sd, s1), NULL)->output[0];
	v = mb_conv(b, v1, M, M, 3, 1, 1, 1, w2, b2);
	v = mb_node(b, "PRelu", 2, v, mb_floats(b, 3, sd, s2), NULL)->output[0];
	v = mb_conv(b, v, M, M, 1, 1, 0, 0, w3, b3);
	v = mb_node(b, "Add", 2, v1, v, NULL)->output[0];
	v = mb_conv(b, v, M, M, 7, 1, 0, 1, w4, b4);
	v = mb_conv(b, v, M, F, 1, 1, 0, 0, w5, b5);
	n = mb_node(b, "Reshape", 2, v, NULL, NULL);
	b->init[b->graph.n_initializer] = (Onnx__TensorProto)ONNX__TENSOR_PROTO__INIT;
	b->init[b->graph.n_initializer].name = "shape";
	b->init[b->graph.n_initializer].has_data_type = 1;
	b->init[b->graph.n_initializer].data_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
	b->init[b->graph.n_initializer].n_dims = 1;
	b->init[b->graph.n_initializer].dims = shape;
	b->init[b->graph.n_initializer].n_int64_data = 2;
	b->init[b->graph.n_initializer].int64_data = to;
	b->inits[b->graph.n_initializer] = &b->init[b->graph.n_initializer];
	b->graph.n_initializer++;
	n->input[1] = "shape";

	assert_int_equal(mb_parse(b, &g, err, sizeof(err)), 0);
	assert_int_equal(g.out_len, F * 4);

	/* the reference, NCHW */
	ref_conv(x, C, H, W, w1, b1, M, 3, 2, 1, 0, a, &ho, &wo);
	assert_int_equal(ho * wo, HW);
	ref_prelu(a, M, ho * wo, s1);
	ref_conv(a, M, ho, wo, w2, b2, M, 3, 1, 1, 1, r, &h2, &w2o);
	ref_prelu(r, M, ho * wo, s2);
	ref_conv(r, M, ho, wo, w3, b3, M, 1, 1, 0, 0, t, &h2, &w2o);
	for (int i = 0; i < M * ho * wo; i++)
		t[i] += a[i];
	ref_conv(t, M, ho, wo, w4, b4, M, 7, 1, 0, 1, u, &h2, &w2o);
	assert_int_equal(h2 * w2o, 4);
	ref_conv(u, M, 2, 2, w5, b5, F, 1, 1, 0, 0, want, &h2, &w2o);

	assert_int_equal(mncr_face_onnx_net_new(&net, &g, err, sizeof(err)), 0);
	assert_int_equal(g.n_nodes, 0);		/* taken over */
	ws = mncr_face_onnx_ws_new(net);
	assert_non_null(ws);
	for (size_t i = 0; i < sizeof(impls) / sizeof(impls[0]); i++) {
		if (!mncr_face_conv_impl_available(impls[i]))
			continue;
		assert_int_equal(mncr_face_onnx_net_set_impl(net, impls[i]), 0);
		/* twice: the reused buffers must not leak the first run */
		for (int run = 0; run < 2; run++) {
			memset(got, 0, sizeof(got));
			assert_int_equal(mncr_face_onnx_net_run(net, ws, x, got), 0);
			for (int k = 0; k < F * 4; k++)
				assert_float_equal(got[k], want[k],
						   1e-4 * (1 + fabs(want[k])));
		}
		tested++;
	}
	assert_true(tested >= 1);
	mncr_face_onnx_ws_free(ws);
	mncr_face_onnx_net_free(net);
	free(b);
}

static const char *models_dir(void)
{
	const char *d = getenv("MNCR_MODELS");

	return d && *d ? d : "build/models";
}

/* The real network: loads, 512 out, the kernels agree on a chip. */
static void test_mfn512(void **state)
{
	struct mncr_face_mfn512 *m;
	struct mncr_face_mfn512_ws *ws;
	static uint8_t chip[MNCR_FACE_MFN512_SIZE * MNCR_FACE_MFN512_SIZE];
	static float e[2][MNCR_FACE_MFN512_DIM];
	double dot = 0, na = 0, nb = 0;
	char err[256];
	int ret;

	(void)state;
	ret = mncr_face_mfn512_load(&m, models_dir(), err, sizeof(err));
	if (ret == -ENOENT) {
		print_message("skipped: %s (scripts/fetch-models)\n", err);
		skip();
	}
	assert_int_equal(ret, 0);
	for (size_t i = 0; i < sizeof(chip); i++)
		chip[i] = (uint8_t)((i * 7 + i / 112 * 3) & 0xff);
	ws = mncr_face_mfn512_ws_new(m);
	assert_non_null(ws);
	assert_int_equal(mncr_face_mfn512_set_impl(m, MNCR_FACE_CONV_GENERIC), 0);
	assert_int_equal(mncr_face_mfn512_embed(m, ws, chip, MNCR_FACE_MFN512_SIZE, e[0]), 0);
	assert_int_equal(mncr_face_mfn512_set_impl(m, MNCR_FACE_CONV_AUTO), 0);
	assert_int_equal(mncr_face_mfn512_embed(m, ws, chip, MNCR_FACE_MFN512_SIZE, e[1]), 0);
	for (int i = 0; i < MNCR_FACE_MFN512_DIM; i++) {
		dot += (double)e[0][i] * e[1][i];
		na += (double)e[0][i] * e[0][i];
		nb += (double)e[1][i] * e[1][i];
	}
	assert_true(na > 0);
	assert_true(dot / sqrt(na * nb) > 0.99999);
	assert_int_equal(mncr_face_mfn512_embed(m, ws, chip, 10, e[0]), -EINVAL);
	mncr_face_mfn512_ws_free(ws);
	mncr_face_mfn512_free(m);
	/* a wrong checksum is refused */
	assert_int_equal(mncr_face_mfn512_load(&m, "/nonexistent", err, sizeof(err)), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mfn512),
		cmocka_unit_test(test_refuse_unknown_op),
		cmocka_unit_test(test_refuse_bad_shape),
		cmocka_unit_test(test_refuse_bad_dtype),
		cmocka_unit_test(test_executor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
