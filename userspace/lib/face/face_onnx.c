// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ONNX load: protobuf-c decodes the ModelProto, then every node is checked
 * against the supported list and its weights copied out, so the decoded
 * message is freed before the model is used.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "face/face_err.h"
#include "face/face_model.h"
#include "face/face_onnx.h"
#include "onnx/onnx.pb-c.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "raw_data is little endian: this loader copies it as it is"
#endif

#define MAX_NODES 4096
#define MAX_SIDE 4096
#define MAX_CH 65536

/* What a parse is working with: the decoded message and value names. */
struct ctx {
	const Onnx__GraphProto *gp;
	struct mncr_face_onnx *g;
	const char **names;	/* value i's name */
	int n_values;
	char *err;
	size_t err_len;
};

static const char *node_name(const Onnx__NodeProto *n, int i, char buf[16])
{
	if (n->name && n->name[0])
		return n->name;
	snprintf(buf, 16, "#%d", i);
	return buf;
}

static const Onnx__TensorProto *initializer(const struct ctx *c, const char *name)
{
	for (size_t i = 0; i < c->gp->n_initializer; i++)
		if (c->gp->initializer[i]->name &&
		    !strcmp(c->gp->initializer[i]->name, name))
			return c->gp->initializer[i];
	return NULL;
}

static int value(const struct ctx *c, const char *name)
{
	for (int i = c->n_values - 1; i >= 0; i--)
		if (!strcmp(c->names[i], name))
			return i;
	return -1;
}

/* Element count of an initialiser with shape dims, or 0 when too large. */
static size_t tensor_count(const Onnx__TensorProto *t)
{
	size_t n = 1;

	for (size_t i = 0; i < t->n_dims; i++) {
		if (t->dims[i] < 0 || t->dims[i] > (1 << 26))
			return 0;
		n *= (size_t)t->dims[i];
		if (n > (1u << 26))
			return 0;
	}
	return n;
}

/*
 * The float32 initialiser name with exactly the shape dims (ndim of them),
 * copied into a new array. Returns 0 or -errno with a message.
 */
static int get_floats(const struct ctx *c, const char *what, const char *node,
		      const char *name, size_t ndim, const int64_t *dims,
		      float **out)
{
	const Onnx__TensorProto *t = initializer(c, name);
	size_t n;

	*out = NULL;
	if (!t)
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"node %s: %s '%s' is not an initialiser",
					node, what, name);
	if (!t->has_data_type || t->data_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT)
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"node %s: %s '%s' has data type %d (float32 only)",
					node, what, name, t->data_type);
	if (t->n_external_data || t->segment ||
	    (t->has_data_location &&
	     t->data_location != ONNX__TENSOR_PROTO__DATA_LOCATION__DEFAULT))
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"node %s: %s '%s' is not stored in the file",
					node, what, name);
	if (t->n_dims != ndim)
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"node %s: %s '%s' has %zu dimensions, expected %zu",
					node, what, name, t->n_dims, ndim);
	for (size_t i = 0; i < ndim; i++)
		if (t->dims[i] != dims[i])
			return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
						"node %s: %s '%s' dimension %zu is %lld, expected %lld",
						node, what, name, i, (long long)t->dims[i],
						(long long)dims[i]);
	n = tensor_count(t);
	if (!n)
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"node %s: %s '%s' is empty or too large",
					node, what, name);
	if (!(t->has_raw_data && t->raw_data.len == n * sizeof(float)) &&
	    t->n_float_data != n)
		return mncr_face_seterr(c->err, c->err_len, -EINVAL,
					"node %s: %s '%s' holds the wrong amount of data",
					node, what, name);
	*out = malloc(n * sizeof(float));
	if (!*out)
		return mncr_face_seterr(c->err, c->err_len, -ENOMEM, "out of memory");
	memcpy(*out, t->n_float_data == n ? (const void *)t->float_data :
		     (const void *)t->raw_data.data, n * sizeof(float));
	return 0;
}

/* An input that must be an activation computed before (or the input). */
static int activation(const struct ctx *c, const char *node, const char *name,
		      int *v)
{
	*v = value(c, name);
	if (*v >= 0)
		return 0;
	if (initializer(c, name))
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"node %s: input '%s' is a constant, an activation expected",
					node, name);
	return mncr_face_seterr(c->err, c->err_len, -EINVAL,
				"node %s: input '%s' is not computed before it",
				node, name);
}

static int ints_all(const Onnx__AttributeProto *a, size_t n, int64_t lo,
		    int64_t hi)
{
	if (a->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS || a->n_ints != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (a->ints[i] < lo || a->ints[i] > hi || a->ints[i] != a->ints[0])
			return 0;
	return 1;
}

static int parse_conv(struct ctx *c, const Onnx__NodeProto *np,
		      struct mncr_face_onnx_node *n, const char *nm,
		      struct mncr_face_onnx_shape *out)
{
	const struct mncr_face_onnx_shape *in;
	const Onnx__TensorProto *wt;
	int64_t group = 1, kshape[2] = { -1, -1 }, dims[4];
	int ret;

	if (np->n_input != 2 && np->n_input != 3)
		return mncr_face_seterr(c->err, c->err_len, -EINVAL,
					"node %s (Conv): %zu inputs", nm, np->n_input);
	ret = activation(c, nm, np->input[0], &n->in[0]);
	if (ret)
		return ret;
	in = &c->g->shapes[n->in[0]];
	n->stride = 1;
	for (size_t i = 0; i < np->n_attribute; i++) {
		const Onnx__AttributeProto *a = np->attribute[i];
		const char *an = a->name ? a->name : "";

		if (!strcmp(an, "kernel_shape") &&
		    a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS &&
		    a->n_ints == 2) {
			kshape[0] = a->ints[0];
			kshape[1] = a->ints[1];
		} else if (!strcmp(an, "strides") && ints_all(a, 2, 1, 8)) {
			n->stride = (int)a->ints[0];
		} else if (!strcmp(an, "pads") && ints_all(a, 4, 0, 64)) {
			n->pad = (int)a->ints[0];
		} else if (!strcmp(an, "dilations") && ints_all(a, 2, 1, 1)) {
			continue;
		} else if (!strcmp(an, "group") &&
			   a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT) {
			group = a->i;
		} else if (!strcmp(an, "auto_pad") &&
			   a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING &&
			   a->s.len == 6 && !memcmp(a->s.data, "NOTSET", 6)) {
			continue;
		} else {
			return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
						"node %s (Conv): attribute '%s' or its value not supported",
						nm, an);
		}
	}
	wt = initializer(c, np->input[1]);
	if (!wt || wt->n_dims != 4)
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"node %s (Conv): weight '%s' is not a 4-D initialiser",
					nm, np->input[1]);
	if (group == in->c && wt->dims[0] == in->c && wt->dims[1] == 1 && in->c > 1)
		n->depthwise = 1;
	else if (group != 1)
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"node %s (Conv): group %lld (only 1 or depthwise)",
					nm, (long long)group);
	if (wt->dims[0] < 1 || wt->dims[0] > MAX_CH || wt->dims[2] < 1 ||
	    wt->dims[2] > 64 || wt->dims[3] < 1 || wt->dims[3] > 64)
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"node %s (Conv): weight shape not supported", nm);
	if ((kshape[0] >= 0 && kshape[0] != wt->dims[2]) ||
	    (kshape[1] >= 0 && kshape[1] != wt->dims[3]))
		return mncr_face_seterr(c->err, c->err_len, -EINVAL,
					"node %s (Conv): kernel_shape is not the weight's", nm);
	n->kh = (int)wt->dims[2];
	n->kw = (int)wt->dims[3];
	if (n->pad >= n->kh || n->pad >= n->kw)
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"node %s (Conv): padding %d not below the kernel size",
					nm, n->pad);
	dims[0] = wt->dims[0];
	dims[1] = n->depthwise ? 1 : in->c;
	dims[2] = n->kh;
	dims[3] = n->kw;
	ret = get_floats(c, "weight", nm, np->input[1], 4, dims, &n->w);
	if (!ret && np->n_input == 3 && np->input[2][0])
		ret = get_floats(c, "bias", nm, np->input[2], 1, dims, &n->b);
	if (ret)
		return ret;
	out->c = (int)dims[0];
	out->h = (in->h + 2 * n->pad - n->kh) / n->stride + 1;
	out->w = (in->w + 2 * n->pad - n->kw) / n->stride + 1;
	if (in->h + 2 * n->pad < n->kh || in->w + 2 * n->pad < n->kw)
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"node %s (Conv): input %dx%d smaller than the kernel",
					nm, in->h, in->w);
	return 0;
}

static int parse_prelu(struct ctx *c, const Onnx__NodeProto *np,
		       struct mncr_face_onnx_node *n, const char *nm,
		       struct mncr_face_onnx_shape *out)
{
	const Onnx__TensorProto *t;
	int64_t dims[3];
	float *one;
	int ret;

	if (np->n_input != 2 || np->n_attribute)
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"node %s (PRelu): 2 inputs and no attribute expected", nm);
	ret = activation(c, nm, np->input[0], &n->in[0]);
	if (ret)
		return ret;
	*out = c->g->shapes[n->in[0]];
	t = initializer(c, np->input[1]);
	dims[0] = out->c;
	dims[1] = dims[2] = 1;
	if (t && t->n_dims == 1 && t->dims[0] == 1 && out->c > 1) {
		ret = get_floats(c, "slope", nm, np->input[1], 1, dims + 1, &one);
		if (ret)
			return ret;
		n->w = malloc((size_t)out->c * sizeof(float));
		for (int i = 0; n->w && i < out->c; i++)
			n->w[i] = one[0];
		free(one);
		return n->w ? 0 : mncr_face_seterr(c->err, c->err_len, -ENOMEM,
						   "out of memory");
	}
	return get_floats(c, "slope", nm, np->input[1], t && t->n_dims == 1 ? 1 : 3,
			  dims, &n->w);
}

static int parse_add(struct ctx *c, const Onnx__NodeProto *np,
		     struct mncr_face_onnx_node *n, const char *nm,
		     struct mncr_face_onnx_shape *out)
{
	const struct mncr_face_onnx_shape *a, *b;
	int ret;

	if (np->n_input != 2 || np->n_attribute)
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"node %s (Add): 2 inputs and no attribute expected", nm);
	ret = activation(c, nm, np->input[0], &n->in[0]);
	ret = ret ? ret : activation(c, nm, np->input[1], &n->in[1]);
	if (ret)
		return ret;
	a = &c->g->shapes[n->in[0]];
	b = &c->g->shapes[n->in[1]];
	if (a->c != b->c || a->h != b->h || a->w != b->w)
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"node %s (Add): shapes differ (no broadcasting)", nm);
	*out = *a;
	return 0;
}

static int parse_reshape(struct ctx *c, const Onnx__NodeProto *np,
			 struct mncr_face_onnx_node *n, const char *nm,
			 struct mncr_face_onnx_shape *out)
{
	const struct mncr_face_onnx_shape *in;
	const Onnx__TensorProto *t;
	const int64_t *s;
	int64_t total;
	int ret;

	if (np->n_input != 2 || np->n_attribute)
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"node %s (Reshape): 2 inputs and no attribute expected", nm);
	ret = activation(c, nm, np->input[0], &n->in[0]);
	if (ret)
		return ret;
	in = &c->g->shapes[n->in[0]];
	total = (int64_t)in->c * in->h * in->w;
	t = initializer(c, np->input[1]);
	if (!t || t->data_type != ONNX__TENSOR_PROTO__DATA_TYPE__INT64 ||
	    t->n_dims != 1 || t->dims[0] != 2)
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"node %s (Reshape): shape must be an int64 initialiser of 2",
					nm);
	if (t->n_int64_data == 2)
		s = t->int64_data;
	else if (t->has_raw_data && t->raw_data.len == 2 * sizeof(int64_t))
		s = (const int64_t *)(const void *)t->raw_data.data;
	else
		return mncr_face_seterr(c->err, c->err_len, -EINVAL,
					"node %s (Reshape): shape holds the wrong amount of data", nm);
	if (s[0] != 1 || (s[1] != -1 && s[1] != total))
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"node %s (Reshape): only to [1, -1] or [1, %lld]",
					nm, (long long)total);
	out->c = (int)total;
	out->h = out->w = 1;
	return 0;
}

static int parse_input(struct ctx *c)
{
	const Onnx__ValueInfoProto *vi = NULL;
	const Onnx__TypeProto__Tensor *tt;
	int64_t d[4];

	for (size_t i = 0; i < c->gp->n_input; i++) {
		if (initializer(c, c->gp->input[i]->name))
			continue;	/* older exporters list the weights too */
		if (vi)
			return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
						"more than one graph input");
		vi = c->gp->input[i];
	}
	if (!vi || !vi->name)
		return mncr_face_seterr(c->err, c->err_len, -EINVAL, "no graph input");
	if (!vi->type || vi->type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE)
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"input '%s': not a tensor", vi->name);
	tt = vi->type->tensor_type;
	if (!tt->has_elem_type || tt->elem_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT)
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"input '%s': data type %d (float32 only)",
					vi->name, tt->elem_type);
	if (!tt->shape || tt->shape->n_dim != 4)
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"input '%s': not of rank 4 (NCHW)", vi->name);
	for (int i = 0; i < 4; i++) {
		const Onnx__TensorShapeProto__Dimension *dim = tt->shape->dim[i];

		/* a named batch dimension runs as 1 */
		if (i == 0 && dim->value_case ==
		    ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM)
			d[i] = 1;
		else if (dim->value_case ==
			 ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE)
			d[i] = dim->dim_value;
		else
			d[i] = -1;
	}
	if (d[0] != 1 || d[1] < 1 || d[1] > MAX_CH || d[2] < 1 || d[2] > MAX_SIDE ||
	    d[3] < 1 || d[3] > MAX_SIDE)
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"input '%s': shape not [1, C, H, W] with fixed sizes",
					vi->name);
	c->g->shapes[0] = (struct mncr_face_onnx_shape){
		(int)d[1], (int)d[2], (int)d[3]
	};
	c->names[0] = vi->name;
	c->n_values = 1;
	return 0;
}

static int parse_opset(const Onnx__ModelProto *m, char *err, size_t err_len)
{
	int64_t v = -1;

	for (size_t i = 0; i < m->n_opset_import; i++) {
		const Onnx__OperatorSetIdProto *o = m->opset_import[i];

		if (!o->domain || !o->domain[0] || !strcmp(o->domain, "ai.onnx"))
			v = o->version;
	}
	if (v < 7 || v > 17)
		return mncr_face_seterr(err, err_len, -ENOTSUP,
					"opset %lld of the default domain (7 to 17 supported)",
					(long long)v);
	return 0;
}

static int parse_node(struct ctx *c, int i)
{
	const Onnx__NodeProto *np = c->gp->node[i];
	struct mncr_face_onnx_node *n = &c->g->nodes[i];
	struct mncr_face_onnx_shape *out = &c->g->shapes[i + 1];
	const char *op = np->op_type ? np->op_type : "";
	char buf[16];
	const char *nm = node_name(np, i, buf);
	int ret;

	snprintf(n->name, sizeof(n->name), "%s", nm);
	n->in[0] = n->in[1] = -1;
	n->out = i + 1;
	if (np->domain && np->domain[0] && strcmp(np->domain, "ai.onnx"))
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"node %s: domain '%s' not supported", nm, np->domain);
	if (np->n_output != 1 || !np->output[0][0])
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"node %s (%s): %zu outputs (1 supported)",
					nm, op, np->n_output);
	if (value(c, np->output[0]) >= 0 || initializer(c, np->output[0]))
		return mncr_face_seterr(c->err, c->err_len, -EINVAL,
					"node %s: output '%s' written twice", nm, np->output[0]);
	if (!strcmp(op, "Conv")) {
		n->op = MNCR_FACE_ONNX_CONV;
		ret = parse_conv(c, np, n, nm, out);
	} else if (!strcmp(op, "PRelu")) {
		n->op = MNCR_FACE_ONNX_PRELU;
		ret = parse_prelu(c, np, n, nm, out);
	} else if (!strcmp(op, "Add")) {
		n->op = MNCR_FACE_ONNX_ADD;
		ret = parse_add(c, np, n, nm, out);
	} else if (!strcmp(op, "Reshape")) {
		n->op = MNCR_FACE_ONNX_RESHAPE;
		ret = parse_reshape(c, np, n, nm, out);
	} else {
		ret = mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
				       "node %s: op '%s' not supported", nm, op);
	}
	if (ret)
		return ret;
	c->names[c->n_values++] = np->output[0];
	return 0;
}

/* The output is read by no node; a Reshape's is read by none but it. */
static int parse_output(struct ctx *c)
{
	struct mncr_face_onnx *g = c->g;

	if (c->gp->n_output != 1 || !c->gp->output[0]->name)
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"%zu graph outputs (1 supported)", c->gp->n_output);
	g->output = value(c, c->gp->output[0]->name);
	if (g->output < 1)
		return mncr_face_seterr(c->err, c->err_len, -EINVAL,
					"output '%s' is computed by no node",
					c->gp->output[0]->name);
	for (int i = 0; i < g->n_nodes; i++) {
		const struct mncr_face_onnx_node *n = &g->nodes[i];

		for (int k = 0; k < 2; k++)
			if (n->in[k] >= 1 &&
			    (n->in[k] == g->output ||
			     g->nodes[n->in[k] - 1].op == MNCR_FACE_ONNX_RESHAPE))
				return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
							"node %s: reads the output or a Reshape",
							n->name);
	}
	for (int i = 0; i < g->n_nodes; i++)
		if (g->nodes[i].op == MNCR_FACE_ONNX_RESHAPE && i + 1 != g->output)
			return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
						"node %s: Reshape only as the output",
						g->nodes[i].name);
	g->out_len = (size_t)g->shapes[g->output].c * (size_t)g->shapes[g->output].h *
		     (size_t)g->shapes[g->output].w;
	return 0;
}

static int parse_graph(struct ctx *c)
{
	struct mncr_face_onnx *g = c->g;
	int ret;

	if (c->gp->n_node < 1 || c->gp->n_node > MAX_NODES)
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"%zu nodes (1 to %d supported)", c->gp->n_node, MAX_NODES);
	if (c->gp->n_sparse_initializer)
		return mncr_face_seterr(c->err, c->err_len, -ENOTSUP,
					"sparse initialisers not supported");
	g->n_nodes = (int)c->gp->n_node;
	g->nodes = calloc((size_t)g->n_nodes, sizeof(*g->nodes));
	g->shapes = calloc((size_t)g->n_nodes + 1, sizeof(*g->shapes));
	c->names = calloc((size_t)g->n_nodes + 1, sizeof(*c->names));
	if (!g->nodes || !g->shapes || !c->names)
		return mncr_face_seterr(c->err, c->err_len, -ENOMEM, "out of memory");
	ret = parse_input(c);
	for (int i = 0; !ret && i < g->n_nodes; i++)
		ret = parse_node(c, i);
	return ret ? ret : parse_output(c);
}

int mncr_face_onnx_parse(struct mncr_face_onnx *g, const uint8_t *data,
			 size_t len, char *err, size_t err_len)
{
	Onnx__ModelProto *m;
	struct ctx c = { .g = g, .err = err, .err_len = err_len };
	int ret;

	memset(g, 0, sizeof(*g));
	if (!data)
		return mncr_face_seterr(err, err_len, -EINVAL, "no data");
	m = onnx__model_proto__unpack(NULL, len, data);
	if (!m)
		return mncr_face_seterr(err, err_len, -EINVAL,
					"not an ONNX model (protobuf decoding failed)");
	ret = parse_opset(m, err, err_len);
	if (!ret && !m->graph)
		ret = mncr_face_seterr(err, err_len, -EINVAL, "model has no graph");
	if (!ret) {
		c.gp = m->graph;
		ret = parse_graph(&c);
	}
	free(c.names);
	onnx__model_proto__free_unpacked(m, NULL);
	if (ret)
		mncr_face_onnx_free(g);
	return ret;
}

int mncr_face_onnx_load(struct mncr_face_onnx *g, const char *path,
			const char *sha256, char *err, size_t err_len)
{
	uint8_t *data;
	size_t len;
	char hex[65];
	int ret;

	memset(g, 0, sizeof(*g));
	ret = mncr_face_read_file(path, MNCR_FACE_MAX_FILE, &data, &len);
	if (ret)
		return mncr_face_seterr(err, err_len, ret, "%s: %s", path, strerror(-ret));
	if (sha256) {
		ret = mncr_face_sha256_hex(data, len, hex);
		if (!ret && strcmp(hex, sha256))
			ret = mncr_face_seterr(err, err_len, -EBADMSG,
					       "%s: sha256 %s, expected %s", path, hex, sha256);
		else if (ret)
			ret = mncr_face_seterr(err, err_len, ret, "%s: sha256 failed", path);
	}
	if (!ret)
		ret = mncr_face_onnx_parse(g, data, len, err, err_len);
	free(data);
	return ret;
}

void mncr_face_onnx_free(struct mncr_face_onnx *g)
{
	if (!g)
		return;
	for (int i = 0; g->nodes && i < g->n_nodes; i++) {
		free(g->nodes[i].w);
		free(g->nodes[i].b);
	}
	free(g->nodes);
	free(g->shapes);
	memset(g, 0, sizeof(*g));
}
