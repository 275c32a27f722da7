// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * TF.js graph interpreter: load (nodes sorted so every input comes first,
 * attributes decoded, weights attached to the Const nodes, 1x1 stride-1
 * convolutions prepared for face_conv) and run (each node's value kept
 * until its last reader has run).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "face/face_conv.h"
#include "face/face_err.h"
#include "face/face_graph.h"
#include "util/base64.h"
#include "util/json_read.h"
#include "face/face_model.h"
#include "face/face_tensor.h"

#define MAX_INPUTS 3
#define MAX_NODES 4096

enum op {
	OP_CONST, OP_INPUT, OP_CONV, OP_DWCONV, OP_RELU, OP_ABS, OP_SQUARE,
	OP_RSQRT, OP_ADD, OP_SUB, OP_MUL, OP_MAX, OP_SQUEEZE, OP_SUM,
	OP_PRELU,	/* internal: a fused relu(x) + a (x - |x|) */
	OP_DEAD,	/* internal: folded into an OP_PRELU */
};

static const struct {
	const char *name;
	enum op op;
	int n_in;
} ops[] = {
	{ "Const", OP_CONST, 0 }, { "Placeholder", OP_INPUT, 0 },
	{ "_FusedConv2D", OP_CONV, 3 }, { "FusedDepthwiseConv2dNative", OP_DWCONV, 3 },
	{ "Relu", OP_RELU, 1 }, { "Abs", OP_ABS, 1 }, { "Square", OP_SQUARE, 1 },
	{ "Rsqrt", OP_RSQRT, 1 }, { "Add", OP_ADD, 2 }, { "AddV2", OP_ADD, 2 },
	{ "Sub", OP_SUB, 2 }, { "Mul", OP_MUL, 2 }, { "Maximum", OP_MAX, 2 },
	{ "Squeeze", OP_SQUEEZE, 1 }, { "Sum", OP_SUM, 2 },
};

/* A value: rank 0 to 4 (batch 1), held as h x w x c. */
struct val {
	int rank;
	struct mncr_face_tensor t;	/* pad 0 */
	int owned;			/* data is ours to free */
	int kdims[4];			/* a 4-D Const: kh, kw, cin, cout */
};

struct node {
	char *name;
	enum op op;
	int n_in, in[MAX_INPUTS];
	int stride, same, relu;		/* convolutions */
	int fast;			/* 1x1 stride 1: conv prepared */
	int relu_a;			/* Add, PReLU: relu its first input */
	struct mncr_face_conv conv;
	int readers;			/* nodes reading this one */
	struct val cval;		/* Const */
};

struct mncr_face_graph {
	int n;
	struct node *nodes;		/* in run order */
	int input, output;
	float *weights;			/* every Const's data */
};

/* A base64 attribute string, decoded and NUL-terminated, into out: 0 or -1. */
static int b64dec(const char *s, char *out, size_t max)
{
	size_t n;

	if (max == 0 ||
	    mncr_b64_decode(s, strlen(s), (uint8_t *)out, max - 1, &n) < 0)
		return -1;
	out[n] = 0;
	return 0;
}

static const struct json_object *attr(const struct json_object *node,
					 const char *key)
{
	return mncr_json_value_get(mncr_json_value_get(node, "attr"), key);
}

/* attr key as a decoded string ("" when absent): 0 or -1. */
static int attr_str(const struct json_object *node, const char *key,
		    char *out, size_t max)
{
	const char *s = mncr_json_value_str(mncr_json_value_get(attr(node, key), "s"));

	out[0] = 0;
	return s ? (b64dec(s, out, max) < 0 ? -1 : 0) : 0;
}

/* attr key's list of integers: the count (at most max) or -1. */
static int attr_ints(const struct json_object *node, const char *key,
		     long *out, int max)
{
	const struct json_object *l;
	int n = 0;

	l = mncr_json_value_get(mncr_json_value_get(attr(node, key), "list"), "i");
	if (!l)
		return 0;
	for (size_t i = 0; i < mncr_json_value_len(l); i++) {
		const char *s = mncr_json_value_str(mncr_json_value_at(l, i));

		if (!s || n >= max)
			return -1;
		out[n++] = strtol(s, NULL, 10);
	}
	return n;
}

static int find_node(const struct json_object *list, const char *name)
{
	for (size_t i = 0; i < mncr_json_value_len(list); i++) {
		const char *s = mncr_json_value_str(
			mncr_json_value_get(mncr_json_value_at(list, i), "name"));

		if (s && !strcmp(s, name))
			return (int)i;
	}
	return -1;
}

/* The convolution attributes: stride, padding, fused ops. */
static int conv_attrs(const struct json_object *j, struct node *nd,
		      char *err, size_t err_len)
{
	char s[64], fused[2][32];
	long v[8];
	const struct json_object *l;
	int n;

	if (attr_str(j, "data_format", s, sizeof(s)) || (s[0] && strcmp(s, "NHWC")))
		return mncr_face_seterr(err, err_len, -ENOTSUP, "%s: data format %s", nd->name, s);
	n = attr_ints(j, "strides", v, 8);
	if (n != 4 || v[0] != 1 || v[3] != 1 || v[1] != v[2] || v[1] < 1 || v[1] > 4)
		return mncr_face_seterr(err, err_len, -ENOTSUP, "%s: strides", nd->name);
	nd->stride = (int)v[1];
	n = attr_ints(j, "dilations", v, 8);
	for (int i = 0; i < n; i++)
		if (v[i] != 1)
			return mncr_face_seterr(err, err_len, -ENOTSUP, "%s: dilation", nd->name);
	if (attr_str(j, "padding", s, sizeof(s)) ||
	    (strcmp(s, "SAME") && strcmp(s, "VALID")))
		return mncr_face_seterr(err, err_len, -ENOTSUP, "%s: padding %s", nd->name, s);
	nd->same = !strcmp(s, "SAME");
	l = mncr_json_value_get(mncr_json_value_get(attr(j, "fused_ops"), "list"), "s");
	if (!l || mncr_json_value_len(l) < 1 || mncr_json_value_len(l) > 2)
		return mncr_face_seterr(err, err_len, -ENOTSUP, "%s: fused ops", nd->name);
	for (size_t i = 0; i < mncr_json_value_len(l); i++) {
		const char *f = mncr_json_value_str(mncr_json_value_at(l, i));

		if (!f || b64dec(f, fused[i], sizeof(fused[i])) < 0)
			return mncr_face_seterr(err, err_len, -EINVAL, "%s: fused ops", nd->name);
	}
	if (strcmp(fused[0], "BiasAdd") || (mncr_json_value_len(l) == 2 && strcmp(fused[1], "Relu")))
		return mncr_face_seterr(err, err_len, -ENOTSUP, "%s: fused op %s not supported",
			      nd->name, mncr_json_value_len(l) == 2 ? fused[1] : fused[0]);
	nd->relu = mncr_json_value_len(l) == 2;
	return 0;
}

/* The weights: Const nodes get their data from the manifest order. */
static int load_weights(struct mncr_face_graph *g, const struct json_object *list,
			const struct json_object *manifest, const uint8_t *bin,
			size_t bin_len, const int *order_of, char *err, size_t err_len)
{
	size_t off = 0;

	g->weights = malloc(bin_len + 4);
	if (!g->weights)
		return mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
	for (size_t gi = 0; manifest && gi < mncr_json_value_len(manifest); gi++) {
		const struct json_object *ws =
			mncr_json_value_get(mncr_json_value_at(manifest, gi), "weights");

		for (size_t i = 0; ws && i < mncr_json_value_len(ws); i++) {
			const struct json_object *w = mncr_json_value_at(ws, i);
			const struct json_object *shape = mncr_json_value_get(w, "shape");
			const char *name = mncr_json_value_str(mncr_json_value_get(w, "name"));
			const char *dtype = mncr_json_value_str(mncr_json_value_get(w, "dtype"));
			size_t count = 1, dims[4] = { 1, 1, 1, 1 };
			int idx, is_int;
			struct node *nd;
			float *dst = (float *)((uint8_t *)g->weights + off);

			if (!name || !dtype || !shape || mncr_json_value_len(shape) > 4)
				return mncr_face_seterr(err, err_len, -EINVAL, "weight %zu: malformed", i);
			if (mncr_json_value_get(w, "quantization"))
				return mncr_face_seterr(err, err_len, -ENOTSUP, "%s: quantised", name);
			if (strcmp(dtype, "float32") && strcmp(dtype, "int32"))
				return mncr_face_seterr(err, err_len, -ENOTSUP, "%s: dtype %s", name, dtype);
			is_int = !strcmp(dtype, "int32");
			for (size_t d = 0; d < mncr_json_value_len(shape); d++) {
				unsigned long long v;

				if (mncr_json_value_uint(mncr_json_value_at(shape, d), 1u << 24, &v))
					return mncr_face_seterr(err, err_len, -EINVAL, "%s: shape", name);
				dims[4 - mncr_json_value_len(shape) + d] = (size_t)v;
				count *= (size_t)v;
			}
			if (count > (bin_len - off) / 4)
				return mncr_face_seterr(err, err_len, -EINVAL, "%s: past the end of the weights", name);
			for (size_t k = 0; k < count; k++) {
				const uint8_t *p = bin + off + 4 * k;
				uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
					     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
				float f;

				if (is_int) {
					f = (float)(int32_t)u;
				} else {
					memcpy(&f, &u, sizeof(f));
				}
				dst[k] = f;
			}
			off += 4 * count;
			idx = find_node(list, name);
			if (idx < 0)
				continue;
			nd = &g->nodes[order_of[idx]];
			if (nd->op != OP_CONST)
				return mncr_face_seterr(err, err_len, -EINVAL, "%s: not a Const", name);
			nd->cval.rank = (int)mncr_json_value_len(shape);
			/* batch 1: the first of 4 dimensions folds into h */
			nd->cval.t.h = (int)(dims[0] * dims[1]);
			nd->cval.t.w = (int)dims[2];
			nd->cval.t.c = (int)dims[3];
			nd->cval.t.data = dst;
			for (int d = 0; d < 4; d++)
				nd->cval.kdims[d] = (int)dims[d];
		}
	}
	if (off != bin_len)
		return mncr_face_seterr(err, err_len, -EINVAL, "weights: %zu bytes, manifest lists %zu",
			      bin_len, off);
	for (int i = 0; i < g->n; i++)
		if (g->nodes[i].op == OP_CONST && !g->nodes[i].cval.t.data)
			return mncr_face_seterr(err, err_len, -EINVAL, "%s: Const without weights",
				      g->nodes[i].name);
	return 0;
}

/* A 4-D Const kernel: kh, kw, cin, cout. */
static void kernel_dims(const struct val *k, int *kh, int *kw, int *cin, int *cout)
{
	*kh = k->kdims[0];
	*kw = k->kdims[1];
	*cin = k->kdims[2];
	*cout = k->kdims[3];
}

/* Depth-first: every node after its inputs. */
static int visit(int (*in_idx)[MAX_INPUTS], const int *n_in,
		 int i, int *state, int *order, int *n)
{
	if (state[i] == 2)
		return 0;
	if (state[i] == 1)
		return -1;	/* a cycle */
	state[i] = 1;
	for (int k = 0; k < n_in[i]; k++)
		if (visit(in_idx, n_in, in_idx[i][k], state, order, n))
			return -1;
	state[i] = 2;
	order[(*n)++] = i;
	return 0;
}

/*
 * A PReLU written relu(x) + alpha * (x - |x|) whose x is a convolution
 * with a fused Relu: the converter fused the Relu although Abs and Sub
 * read the value before it. Undo: the convolution without Relu, the Add
 * taking relu of it.
 */
static void repair_prelu(struct mncr_face_graph *g)
{
	for (int k = 0; k < g->n; k++) {
		struct node *c = &g->nodes[k];
		int abs_reader = 0;

		if ((c->op != OP_CONV && c->op != OP_DWCONV) || !c->relu)
			continue;
		for (int q = 0; q < g->n; q++)
			if (g->nodes[q].op == OP_ABS && g->nodes[q].in[0] == k)
				abs_reader = 1;
		if (!abs_reader)
			continue;
		c->relu = 0;
		for (int q = 0; q < g->n; q++)
			if (g->nodes[q].op == OP_ADD && g->nodes[q].in[0] == k)
				g->nodes[q].relu_a = 1;
	}
}

static int only_reader(const struct mncr_face_graph *g, int k, enum op op)
{
	return g->nodes[k].op == op && g->nodes[k].readers == 1;
}

/*
 * Folds Add(r, Mul(Sub(x, Abs(x)), a)), r = x or Relu(x), a a Const, into
 * one pass over x (the same arithmetic, element by element).
 */
static void fuse_prelu(struct mncr_face_graph *g)
{
	for (int k = 0; k < g->n; k++) {
		struct node *add = &g->nodes[k];
		int m, sub, abs, x, r, alpha, relu;

		if (add->op != OP_ADD)
			continue;
		m = add->in[1];
		if (!only_reader(g, m, OP_MUL))
			continue;
		sub = g->nodes[m].in[0];
		alpha = g->nodes[m].in[1];
		if (!only_reader(g, sub, OP_SUB) || g->nodes[alpha].op != OP_CONST)
			continue;
		x = g->nodes[sub].in[0];
		abs = g->nodes[sub].in[1];
		if (!only_reader(g, abs, OP_ABS) || g->nodes[abs].in[0] != x)
			continue;
		r = add->in[0];
		relu = r != x;
		if (relu && (!only_reader(g, r, OP_RELU) || g->nodes[r].in[0] != x))
			continue;
		/* x loses the reads of Relu, Abs, Sub and gains the PReLU's */
		g->nodes[x].readers -= 2;
		add->op = OP_PRELU;
		add->in[0] = x;
		add->in[1] = alpha;
		add->relu_a = add->relu_a || relu;
		g->nodes[m].op = OP_DEAD;
		g->nodes[sub].op = OP_DEAD;
		g->nodes[abs].op = OP_DEAD;
		if (relu)
			g->nodes[r].op = OP_DEAD;
	}
	for (int k = 0; k < g->n; k++) {
		if (g->nodes[k].op != OP_DEAD)
			continue;
		g->nodes[k].n_in = 0;
		g->nodes[k].readers = 0;
	}
}

static int build(struct mncr_face_graph *g, const struct json_object *root,
		 const uint8_t *bin, size_t bin_len, unsigned flags, char *err,
		 size_t err_len)
{
	const struct json_object *list =
		mncr_json_value_get(mncr_json_value_get(root, "modelTopology"), "node");
	const struct json_object *manifest = mncr_json_value_get(root, "weightsManifest");
	int n, *state, *order, *order_of, *n_in, (*in_idx)[MAX_INPUTS], m = 0, ret = 0;

	if (!list || !json_object_is_type(list, json_type_array) || !mncr_json_value_len(list) || mncr_json_value_len(list) > MAX_NODES)
		return mncr_face_seterr(err, err_len, -EINVAL, "no modelTopology.node list");
	n = (int)mncr_json_value_len(list);
	state = calloc((size_t)n, sizeof(int));
	order = calloc((size_t)n, sizeof(int));
	order_of = calloc((size_t)n, sizeof(int));
	n_in = calloc((size_t)n, sizeof(int));
	in_idx = calloc((size_t)n, sizeof(*in_idx));
	g->nodes = calloc((size_t)n, sizeof(*g->nodes));
	if (!state || !order || !order_of || !n_in || !in_idx || !g->nodes) {
		ret = mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
		goto out;
	}
	g->n = n;
	for (int i = 0; i < n && !ret; i++) {
		const struct json_object *j = mncr_json_value_at(list, i);
		const struct json_object *ins = mncr_json_value_get(j, "input");
		const char *op = mncr_json_value_str(mncr_json_value_get(j, "op"));
		int known = -1;

		for (size_t k = 0; op && k < sizeof(ops) / sizeof(ops[0]); k++)
			if (!strcmp(op, ops[k].name))
				known = (int)k;
		if (known < 0) {
			ret = mncr_face_seterr(err, err_len, -ENOTSUP, "node %d: op %s not supported",
				     i, op ? op : "(none)");
			break;
		}
		n_in[i] = ins ? (int)mncr_json_value_len(ins) : 0;
		if (n_in[i] != ops[known].n_in) {
			ret = mncr_face_seterr(err, err_len, -ENOTSUP, "node %d (%s): %d inputs", i, op,
				     n_in[i]);
			break;
		}
		for (int k = 0; k < n_in[i]; k++) {
			const char *s = mncr_json_value_str(mncr_json_value_at(ins, (size_t)k));

			in_idx[i][k] = s && s[0] != '^' ? find_node(list, s) : -1;
			if (in_idx[i][k] < 0)
				ret = mncr_face_seterr(err, err_len, -EINVAL, "node %d: input %s unknown",
					     i, s ? s : "?");
		}
	}
	if (ret)
		goto out;
	for (int i = 0; i < n && !ret; i++)
		if (visit(in_idx, n_in, i, state, order, &m))
			ret = mncr_face_seterr(err, err_len, -EINVAL, "the graph has a cycle");
	if (ret)
		goto out;
	for (int k = 0; k < n; k++)
		order_of[order[k]] = k;
	g->input = g->output = -1;
	for (int k = 0; k < n && !ret; k++) {
		int i = order[k];
		const struct json_object *j = mncr_json_value_at(list, i);
		const char *op = mncr_json_value_str(mncr_json_value_get(j, "op"));
		struct node *nd = &g->nodes[k];
		const char *name = mncr_json_value_str(mncr_json_value_get(j, "name"));

		if (!name || !op) {
			ret = mncr_face_seterr(err, err_len, -EINVAL, "node %d: no name or op", i);
			break;
		}
		nd->name = strdup(name);
		if (!nd->name) {
			ret = mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
			break;
		}
		for (size_t q = 0; q < sizeof(ops) / sizeof(ops[0]); q++)
			if (!strcmp(op, ops[q].name))
				nd->op = ops[q].op;
		nd->n_in = n_in[i];
		for (int q = 0; q < n_in[i]; q++) {
			nd->in[q] = order_of[in_idx[i][q]];
			g->nodes[nd->in[q]].readers++;
		}
		if (nd->op == OP_INPUT) {
			if (g->input >= 0)
				ret = mncr_face_seterr(err, err_len, -ENOTSUP, "more than one Placeholder");
			g->input = k;
		}
		if (nd->op == OP_CONV || nd->op == OP_DWCONV)
			ret = conv_attrs(j, nd, err, err_len);
		if (nd->op == OP_SQUEEZE) {
			long v[4];
			int c = attr_ints(j, "squeeze_dims", v, 4);

			if (c != 2 || v[0] != 1 || v[1] != 2)
				ret = mncr_face_seterr(err, err_len, -ENOTSUP,
					     "%s: only squeeze_dims [1, 2]", nd->name);
		}
	}
	if (ret)
		goto out;
	for (int k = 0; k < n; k++) {
		if (g->nodes[k].readers || g->nodes[k].op == OP_CONST)
			continue;
		if (g->output >= 0) {
			ret = mncr_face_seterr(err, err_len, -ENOTSUP, "more than one output (%s, %s)",
				     g->nodes[g->output].name, g->nodes[k].name);
			goto out;
		}
		g->output = k;
	}
	if (g->input < 0 || g->output < 0) {
		ret = mncr_face_seterr(err, err_len, -EINVAL, "no input or no output");
		goto out;
	}
	if (flags & MNCR_FACE_GRAPH_REPAIR_PRELU)
		repair_prelu(g);
	fuse_prelu(g);
	ret = load_weights(g, list, manifest, bin, bin_len, order_of, err, err_len);
	if (ret)
		goto out;
	/* check the kernels and prepare the 1x1 convolutions */
	for (int k = 0; k < n && !ret; k++) {
		struct node *nd = &g->nodes[k];
		const struct val *kv, *bv;
		int kh, kw, cin, cout;

		if (nd->op != OP_CONV && nd->op != OP_DWCONV)
			continue;
		kv = &g->nodes[nd->in[1]].cval;
		bv = &g->nodes[nd->in[2]].cval;
		if (g->nodes[nd->in[1]].op != OP_CONST || g->nodes[nd->in[2]].op != OP_CONST ||
		    kv->rank != 4 || bv->rank != 1) {
			ret = mncr_face_seterr(err, err_len, -ENOTSUP, "%s: kernel and bias must be constants",
				     nd->name);
			break;
		}
		kernel_dims(kv, &kh, &kw, &cin, &cout);
		if ((nd->op == OP_DWCONV && (cout != 1 || bv->t.c != cin)) ||
		    (nd->op == OP_CONV && bv->t.c != cout)) {
			ret = mncr_face_seterr(err, err_len, -ENOTSUP, "%s: kernel/bias shapes", nd->name);
			break;
		}
		if (nd->op == OP_CONV && kh == 1 && kw == 1 && nd->stride == 1) {
			ret = mncr_face_conv_init(&nd->conv, 1, 1, cin, cout, 1, 0,
						  kv->t.data, bv->t.data, NULL, NULL);
			if (ret)
				mncr_face_seterr(err, err_len, ret, "%s: cannot prepare", nd->name);
			nd->fast = 1;
		}
	}
out:
	free(state);
	free(order);
	free(order_of);
	free(n_in);
	free(in_idx);
	return ret;
}

int mncr_face_graph_parse(struct mncr_face_graph **out, const char *json,
			  size_t json_len, const uint8_t *bin, size_t bin_len,
			  unsigned flags, char *err, size_t err_len)
{
	struct mncr_face_graph *g = calloc(1, sizeof(*g));
	struct json_object *root;
	char jerr[128];
	int ret;

	*out = NULL;
	if (!g)
		return mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
	root = mncr_json_value_parse(json, json_len, jerr, sizeof(jerr));
	if (!root) {
		free(g);
		return mncr_face_seterr(err, err_len, errno == ENOMEM ? -ENOMEM : -EINVAL,
			      "model.json: %s", jerr);
	}
	ret = build(g, root, bin, bin_len, flags, err, err_len);
	json_object_put(root);
	if (ret) {
		mncr_face_graph_free(g);
		return ret;
	}
	*out = g;
	return 0;
}

static int read_checked(const char *path, const char *sha, uint8_t **data,
			size_t *len, char *err, size_t err_len)
{
	char hex[65];
	int ret = mncr_face_read_file(path, MNCR_FACE_MAX_FILE, data, len);

	if (ret)
		return mncr_face_seterr(err, err_len, ret, "%s: %s", path, strerror(-ret));
	if (sha && (mncr_face_sha256_hex(*data, *len, hex) || strcmp(hex, sha))) {
		free(*data);
		*data = NULL;
		return mncr_face_seterr(err, err_len, -EBADMSG, "%s: sha256 %s, expected %s", path,
			      hex, sha);
	}
	return 0;
}

int mncr_face_graph_load(struct mncr_face_graph **g, const char *dir,
			 const char *name, const char *json_sha256,
			 const char *bin_sha256, unsigned flags, char *err,
			 size_t err_len)
{
	char path[4096];
	uint8_t *json = NULL, *bin = NULL;
	size_t json_len, bin_len;
	int ret;

	*g = NULL;
	snprintf(path, sizeof(path), "%s/%s.json", dir, name);
	ret = read_checked(path, json_sha256, &json, &json_len, err, err_len);
	if (!ret) {
		snprintf(path, sizeof(path), "%s/%s.bin", dir, name);
		ret = read_checked(path, bin_sha256, &bin, &bin_len, err, err_len);
	}
	if (!ret)
		ret = mncr_face_graph_parse(g, (const char *)json, json_len, bin,
					    bin_len, flags, err, err_len);
	free(json);
	free(bin);
	return ret;
}

void mncr_face_graph_free(struct mncr_face_graph *g)
{
	if (!g)
		return;
	for (int i = 0; g->nodes && i < g->n; i++) {
		free(g->nodes[i].name);
		if (g->nodes[i].fast)
			mncr_face_conv_free(&g->nodes[i].conv);
	}
	free(g->nodes);
	free(g->weights);
	free(g);
}

/* ---- running ---- */

/* Every op writes all of its output: no zeroing. */
static int val_alloc(struct val *v, int rank, int h, int w, int c)
{
	v->rank = rank;
	v->owned = 1;
	v->t.h = h;
	v->t.w = w;
	v->t.c = c;
	v->t.pad = 0;
	v->t.data = malloc((size_t)h * (size_t)w * (size_t)c * sizeof(float));
	return v->t.data ? 0 : -ENOMEM;
}

static void val_free(struct val *v)
{
	if (v->owned)
		free(v->t.data);
	memset(v, 0, sizeof(*v));
}

static size_t val_count(const struct val *v)
{
	return (size_t)v->t.h * (size_t)v->t.w * (size_t)v->t.c;
}

/* TF padding: output size and the padding before the first pixel. */
static int tf_pad(int n, int k, int s, int same, int *before)
{
	int out = same ? (n + s - 1) / s : (n - k) / s + 1;
	int total = (out - 1) * s + k - n;

	*before = same && total > 0 ? total / 2 : 0;
	return out;
}

/*
 * A convolution by direct loops, TF padding: dense (every input channel to
 * every output channel) or depthwise (channel multiplier 1: each channel
 * to itself). Both kernels hold kh x kw taps of cin x cout weights.
 */
__attribute__((optimize("O3")))
static void conv_direct(const struct val *in, const struct val *kv, const float *bias,
			int s, int same, int relu, int depthwise, struct val *out)
{
	int kh, kw, cin, cout, oc, pt, pl, oh, ow;
	const float *w = kv->t.data;

	kernel_dims(kv, &kh, &kw, &cin, &cout);
	oc = depthwise ? cin : cout;
	oh = tf_pad(in->t.h, kh, s, same, &pt);
	ow = tf_pad(in->t.w, kw, s, same, &pl);
	for (int oy = 0; oy < oh; oy++) {
		for (int ox = 0; ox < ow; ox++) {
			float *o = out->t.data + ((size_t)oy * ow + ox) * oc;

			memcpy(o, bias, (size_t)oc * sizeof(float));
			for (int ky = 0; ky < kh; ky++) {
				int iy = oy * s - pt + ky;

				if (iy < 0 || iy >= in->t.h)
					continue;
				for (int kx = 0; kx < kw; kx++) {
					int ix = ox * s - pl + kx;
					const float *ip, *wp;

					if (ix < 0 || ix >= in->t.w)
						continue;
					ip = in->t.data + ((size_t)iy * in->t.w + ix) * cin;
					wp = w + (size_t)(ky * kw + kx) * cin * cout;
					if (depthwise) {
						for (int ch = 0; ch < cin; ch++)
							o[ch] += ip[ch] * wp[ch];
						continue;
					}
					for (int ci = 0; ci < cin; ci++)
						for (int co = 0; co < cout; co++)
							o[co] += ip[ci] * wp[(size_t)ci * cout + co];
				}
			}
			if (relu)
				for (int co = 0; co < oc; co++)
					o[co] = o[co] > 0 ? o[co] : 0;
		}
	}
}

static float unary(enum op op, float x)
{
	switch (op) {
	case OP_RELU:
		return x > 0 ? x : 0;
	case OP_ABS:
		return fabsf(x);
	case OP_SQUARE:
		return x * x;
	default:
		return 1.0f / sqrtf(x);
	}
}

static float binary(enum op op, float a, float b)
{
	switch (op) {
	case OP_ADD:
		return a + b;
	case OP_SUB:
		return a - b;
	case OP_MUL:
		return a * b;
	default:
		return a > b ? a : b;
	}
}

/* One dimension of a broadcast: the output size, or -1. */
static int bdim(int a, int b)
{
	return a == b || b == 1 ? a : a == 1 ? b : -1;
}

/* relu(x) (or x) + a (x - |x|), the ops' own arithmetic in one pass */
__attribute__((optimize("O3")))
static void prelu(const float *x, const float *a, int scalar, size_t px, int c,
		  int relu, float *out)
{
	for (size_t p = 0; p < px; p++) {
		const float *xp = x + p * (size_t)c;
		float *op = out + p * (size_t)c;

		for (int ch = 0; ch < c; ch++) {
			float v = xp[ch], r = relu && v < 0 ? 0 : v;

			op[ch] = r + (v - fabsf(v)) * a[scalar ? 0 : ch];
		}
	}
}

static int run_node(const struct mncr_face_graph *g, const struct node *nd,
		    struct val *vals, int k, char *err, size_t err_len)
{
	struct val *out = &vals[k], *a = nd->n_in ? &vals[nd->in[0]] : NULL;
	int ret;

	switch (nd->op) {
	case OP_CONV:
	case OP_DWCONV: {
		const struct val *kv = &g->nodes[nd->in[1]].cval;
		const float *bias = g->nodes[nd->in[2]].cval.t.data;
		int kh, kw, cin, cout, pt, oh, ow;

		kernel_dims(kv, &kh, &kw, &cin, &cout);
		if (a->rank != 4 || a->t.c != cin || (!nd->same && (a->t.h < kh || a->t.w < kw)))
			return mncr_face_seterr(err, err_len, -ENOTSUP, "%s: input %dx%dx%d", nd->name,
				      a->t.h, a->t.w, a->t.c);
		oh = tf_pad(a->t.h, kh, nd->stride, nd->same, &pt);
		ow = tf_pad(a->t.w, kw, nd->stride, nd->same, &pt);
		if (val_alloc(out, 4, oh, ow, nd->op == OP_CONV ? cout : cin))
			return mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
		if (nd->fast) {
			ret = mncr_face_conv_forward(&nd->conv, &a->t, NULL, nd->relu, &out->t);
			if (ret)
				return mncr_face_seterr(err, err_len, ret, "%s: convolution failed", nd->name);
		} else {
			conv_direct(a, kv, bias, nd->stride, nd->same, nd->relu,
				    nd->op == OP_DWCONV, out);
		}
		return 0;
	}
	case OP_RELU:
	case OP_ABS:
	case OP_SQUARE:
	case OP_RSQRT: {
		size_t n = val_count(a);

		if (val_alloc(out, a->rank, a->t.h, a->t.w, a->t.c))
			return mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
		for (size_t i = 0; i < n; i++)
			out->t.data[i] = unary(nd->op, a->t.data[i]);
		return 0;
	}
	case OP_ADD:
	case OP_SUB:
	case OP_MUL:
	case OP_MAX: {
		const struct val *b = &vals[nd->in[1]];
		int h = bdim(a->t.h, b->t.h), w = bdim(a->t.w, b->t.w), c = bdim(a->t.c, b->t.c);

		if (h < 0 || w < 0 || c < 0)
			return mncr_face_seterr(err, err_len, -ENOTSUP, "%s: shapes %dx%dx%d and %dx%dx%d",
				      nd->name, a->t.h, a->t.w, a->t.c, b->t.h, b->t.w, b->t.c);
		if (val_alloc(out, a->rank > b->rank ? a->rank : b->rank, h, w, c))
			return mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				const float *pa = a->t.data +
					((size_t)(a->t.h > 1 ? y : 0) * a->t.w + (a->t.w > 1 ? x : 0)) * a->t.c;
				const float *pb = b->t.data +
					((size_t)(b->t.h > 1 ? y : 0) * b->t.w + (b->t.w > 1 ? x : 0)) * b->t.c;
				float *po = out->t.data + ((size_t)y * w + x) * c;

				for (int ch = 0; ch < c; ch++)
				{
					float va = pa[a->t.c > 1 ? ch : 0];

					if (nd->relu_a && va < 0)
						va = 0;
					po[ch] = binary(nd->op, va, pb[b->t.c > 1 ? ch : 0]);
				}
			}
		}
		return 0;
	}
	case OP_PRELU: {
		const struct val *al = &vals[nd->in[1]];
		size_t px = (size_t)a->t.h * (size_t)a->t.w;
		int c = a->t.c;

		if (al->t.h != 1 || al->t.w != 1 || (al->t.c != c && al->t.c != 1))
			return mncr_face_seterr(err, err_len, -ENOTSUP, "%s: alpha shape", nd->name);
		if (val_alloc(out, a->rank, a->t.h, a->t.w, c))
			return mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
		prelu(a->t.data, al->t.data, al->t.c == 1, px, c, nd->relu_a, out->t.data);
		return 0;
	}
	case OP_SQUEEZE:
		if (a->rank != 4 || a->t.h != 1 || a->t.w != 1)
			return mncr_face_seterr(err, err_len, -ENOTSUP, "%s: dims 1 and 2 are not 1",
				      nd->name);
		if (val_alloc(out, 2, 1, 1, a->t.c))
			return mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
		memcpy(out->t.data, a->t.data, val_count(a) * sizeof(float));
		return 0;
	case OP_SUM: {
		const struct val *ax = &vals[nd->in[1]];
		float axis = val_count(ax) == 1 ? ax->t.data[0] : -99;
		size_t rows;

		if (a->rank < 1 || (axis != (float)(a->rank - 1) && axis != -1.0f))
			return mncr_face_seterr(err, err_len, -ENOTSUP, "%s: only the last axis", nd->name);
		/* keep_dims or not, batch 1: the shape is h x w x 1 either way */
		rows = (size_t)a->t.h * (size_t)a->t.w;
		if (val_alloc(out, a->rank, a->t.h, a->t.w, 1))
			return mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
		for (size_t r = 0; r < rows; r++) {
			double s = 0;

			for (int ch = 0; ch < a->t.c; ch++)
				s += a->t.data[r * (size_t)a->t.c + (size_t)ch];
			out->t.data[r] = (float)s;
		}
		return 0;
	}
	default:
		return mncr_face_seterr(err, err_len, -EINVAL, "%s: cannot run", nd->name);
	}
}

int mncr_face_graph_run(const struct mncr_face_graph *g, const float *input,
			int h, int w, int c, float *out, size_t out_len,
			size_t *n_out, char *err, size_t err_len)
{
	struct val *vals = calloc((size_t)g->n, sizeof(*vals));
	int *left = calloc((size_t)g->n, sizeof(int));
	int ret = 0;

	if (!vals || !left) {
		free(vals);
		free(left);
		return mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
	}
	if (h < 1 || w < 1 || c < 1 || !input)
		ret = mncr_face_seterr(err, err_len, -EINVAL, "bad input size");
	for (int k = 0; k < g->n && !ret; k++) {
		const struct node *nd = &g->nodes[k];

		left[k] = nd->readers;
		if (nd->op == OP_CONST) {
			vals[k] = nd->cval;
			vals[k].owned = 0;
		} else if (nd->op == OP_DEAD) {
			continue;
		} else if (nd->op == OP_INPUT) {
			vals[k].rank = 4;
			vals[k].t.h = h;
			vals[k].t.w = w;
			vals[k].t.c = c;
			vals[k].t.data = (float *)input;
		} else {
			ret = run_node(g, nd, vals, k, err, err_len);
			for (int q = 0; q < nd->n_in; q++)
				if (--left[nd->in[q]] == 0)
					val_free(&vals[nd->in[q]]);
		}
	}
	if (!ret) {
		size_t n = val_count(&vals[g->output]);

		*n_out = n;
		if (n > out_len)
			ret = mncr_face_seterr(err, err_len, -ENOSPC, "output has %zu values", n);
		else
			memcpy(out, vals[g->output].t.data, n * sizeof(float));
	}
	for (int k = 0; k < g->n; k++)
		val_free(&vals[k]);
	free(vals);
	free(left);
	return ret;
}
