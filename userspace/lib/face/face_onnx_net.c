// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ONNX graph execution: steps made from the nodes (a Conv absorbs the Add
 * and PRelu that alone read its result), buffers assigned by liveness,
 * every value channels last with the zero border its readers' padding
 * needs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "face/face_conv.h"
#include "face/face_dwconv.h"
#include "face/face_err.h"
#include "face/face_onnx_net.h"
#include "face/face_tensor.h"

enum step_op { STEP_CONV, STEP_DWCONV, STEP_PRELU, STEP_ADD };

struct step {
	enum step_op op;
	int in, in2, out;	/* value numbers; in2: Add's, the residual */
	const float *slope;	/* PRelu, also a Conv's absorbed one */
	struct mncr_face_conv conv;
	struct mncr_face_dwconv dw;
};

struct mncr_face_onnx_net {
	struct mncr_face_onnx g;
	int n_steps;
	struct step *steps;
	int final;		/* the value the output is read from */
	int n_values, n_slots;
	int *slot, *pad;	/* per value */
	size_t *slot_len;	/* floats per buffer */
};

struct mncr_face_onnx_ws {
	int n_slots;
	float **buf;
	struct mncr_face_tensor *t;	/* per value, data in its buffer */
};

/* How many nodes read value v. */
static int readers(const struct mncr_face_onnx *g, int v)
{
	int n = 0;

	for (int i = 0; i < g->n_nodes; i++)
		n += (g->nodes[i].in[0] == v) + (g->nodes[i].in[1] == v);
	return n;
}

/* The TF.js layout face_conv takes: [ky][kx][ci][co]. */
static int conv_init(struct step *s, const struct mncr_face_onnx_node *n,
		     const struct mncr_face_onnx_shape *in,
		     const struct mncr_face_onnx_shape *out)
{
	const size_t k = (size_t)n->kh * (size_t)n->kw, cin = (size_t)in->c,
		     cout = (size_t)out->c;
	float *f;
	int ret;

	if (n->depthwise) {
		s->op = STEP_DWCONV;
		return mncr_face_dwconv_init(&s->dw, n->kh, n->kw, in->c, n->stride,
					     n->pad, n->w, n->b);
	}
	s->op = STEP_CONV;
	f = malloc(k * cin * cout * sizeof(float));
	if (!f)
		return -ENOMEM;
	for (size_t co = 0; co < cout; co++)
		for (size_t ci = 0; ci < cin; ci++)
			for (size_t i = 0; i < k; i++)
				f[(i * cin + ci) * cout + co] = n->w[(co * cin + ci) * k + i];
	ret = mncr_face_conv_init(&s->conv, n->kh, n->kw, in->c, out->c, n->stride,
				  n->pad, f, n->b, NULL, NULL);
	free(f);
	return ret;
}

/* Steps from nodes, fusing Conv [-> Add] [-> PRelu]. */
static int make_steps(struct mncr_face_onnx_net *net)
{
	const struct mncr_face_onnx *g = &net->g;
	int ret;

	net->steps = calloc((size_t)g->n_nodes, sizeof(*net->steps));
	if (!net->steps)
		return -ENOMEM;
	for (int i = 0; i < g->n_nodes; i++) {
		const struct mncr_face_onnx_node *n = &g->nodes[i];
		struct step *s = &net->steps[net->n_steps];

		s->in = n->in[0];
		s->in2 = -1;
		s->out = n->out;
		switch (n->op) {
		case MNCR_FACE_ONNX_RESHAPE:
			net->final = n->in[0];
			continue;
		case MNCR_FACE_ONNX_PRELU:
			s->op = STEP_PRELU;
			s->slope = n->w;
			break;
		case MNCR_FACE_ONNX_ADD:
			s->op = STEP_ADD;
			s->in2 = n->in[1];
			break;
		case MNCR_FACE_ONNX_CONV:
			ret = conv_init(s, n, &g->shapes[n->in[0]], &g->shapes[n->out]);
			if (ret)
				return ret;
			if (!n->depthwise && i + 1 < g->n_nodes &&
			    g->nodes[i + 1].op == MNCR_FACE_ONNX_ADD &&
			    (g->nodes[i + 1].in[0] == s->out || g->nodes[i + 1].in[1] == s->out) &&
			    s->out != g->output && readers(g, s->out) == 1) {
				const struct mncr_face_onnx_node *a = &g->nodes[++i];

				s->in2 = a->in[0] == s->out ? a->in[1] : a->in[0];
				s->out = a->out;
			}
			if (i + 1 < g->n_nodes && g->nodes[i + 1].op == MNCR_FACE_ONNX_PRELU &&
			    g->nodes[i + 1].in[0] == s->out && s->out != g->output &&
			    readers(g, s->out) == 1) {
				s->slope = g->nodes[++i].w;
				s->out = g->nodes[i].out;
			}
			break;
		}
		net->n_steps++;
	}
	return 0;
}

/* Border widths, then buffers: a value takes one whose value is dead. */
static int assign_buffers(struct mncr_face_onnx_net *net)
{
	const struct mncr_face_onnx *g = &net->g;
	int *last, *holder;

	net->n_values = g->n_nodes + 1;
	net->slot = malloc((size_t)net->n_values * sizeof(int));
	net->pad = calloc((size_t)net->n_values, sizeof(int));
	net->slot_len = calloc((size_t)net->n_values, sizeof(size_t));
	last = malloc((size_t)net->n_values * sizeof(int));
	holder = malloc((size_t)net->n_values * sizeof(int));
	if (!net->slot || !net->pad || !net->slot_len || !last || !holder) {
		free(last);
		free(holder);
		return -ENOMEM;
	}
	for (int v = 0; v < net->n_values; v++) {
		net->slot[v] = -1;
		last[v] = -1;
	}
	for (int i = 0; i < net->n_steps; i++) {
		const struct step *s = &net->steps[i];
		int p = s->op == STEP_CONV ? s->conv.pad : s->op == STEP_DWCONV ? s->dw.pad : 0;

		if (p > net->pad[s->in])
			net->pad[s->in] = p;
		last[s->in] = i;
		if (s->in2 >= 0)
			last[s->in2] = i;
	}
	last[net->final] = net->n_steps;	/* read after the last step */
	net->slot[0] = 0;
	holder[0] = 0;
	net->n_slots = 1;
	for (int i = 0; i < net->n_steps; i++) {
		int v = net->steps[i].out, b = 0;

		while (b < net->n_slots && last[holder[b]] >= i)
			b++;
		if (b == net->n_slots)
			net->n_slots++;
		holder[b] = v;
		net->slot[v] = b;
	}
	for (int v = 0; v < net->n_values; v++) {
		const struct mncr_face_onnx_shape *sh = &g->shapes[v];
		size_t len = (size_t)(sh->h + 2 * net->pad[v]) *
			     (size_t)(sh->w + 2 * net->pad[v]) * (size_t)sh->c;

		if (net->slot[v] >= 0 && len > net->slot_len[net->slot[v]])
			net->slot_len[net->slot[v]] = len;
	}
	free(last);
	free(holder);
	return 0;
}

void mncr_face_onnx_net_free(struct mncr_face_onnx_net *net)
{
	if (!net)
		return;
	for (int i = 0; net->steps && i < net->n_steps; i++) {
		mncr_face_conv_free(&net->steps[i].conv);
		mncr_face_dwconv_free(&net->steps[i].dw);
	}
	free(net->steps);
	free(net->slot);
	free(net->pad);
	free(net->slot_len);
	mncr_face_onnx_free(&net->g);
	free(net);
}

int mncr_face_onnx_net_new(struct mncr_face_onnx_net **out,
			   struct mncr_face_onnx *g, char *err, size_t err_len)
{
	struct mncr_face_onnx_net *net = calloc(1, sizeof(*net));
	int ret;

	*out = NULL;
	if (!net) {
		mncr_face_onnx_free(g);
		return mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
	}
	net->g = *g;
	memset(g, 0, sizeof(*g));
	if (!net->g.n_nodes) {
		mncr_face_onnx_net_free(net);
		return mncr_face_seterr(err, err_len, -EINVAL, "empty graph");
	}
	net->final = net->g.output;
	ret = make_steps(net);
	ret = ret ? ret : assign_buffers(net);
	if (ret) {
		mncr_face_onnx_net_free(net);
		return mncr_face_seterr(err, err_len, ret, "preparing the layers failed");
	}
	*out = net;
	return 0;
}

int mncr_face_onnx_net_set_impl(struct mncr_face_onnx_net *net, int impl)
{
	if (!net || mncr_face_conv_impl_resolve(impl) < 0)
		return -ENOTSUP;
	for (int i = 0; i < net->n_steps; i++) {
		net->steps[i].conv.impl = impl;
		net->steps[i].dw.impl = impl;
	}
	return 0;
}

const struct mncr_face_onnx *mncr_face_onnx_net_graph(const struct mncr_face_onnx_net *net)
{
	return net ? &net->g : NULL;
}

void mncr_face_onnx_ws_free(struct mncr_face_onnx_ws *ws)
{
	if (!ws)
		return;
	for (int b = 0; ws->buf && b < ws->n_slots; b++)
		free(ws->buf[b]);
	free(ws->buf);
	free(ws->t);
	free(ws);
}

struct mncr_face_onnx_ws *mncr_face_onnx_ws_new(const struct mncr_face_onnx_net *net)
{
	struct mncr_face_onnx_ws *ws;

	if (!net)
		return NULL;
	ws = calloc(1, sizeof(*ws));
	if (!ws)
		return NULL;
	ws->n_slots = net->n_slots;
	ws->buf = calloc((size_t)net->n_slots, sizeof(*ws->buf));
	ws->t = calloc((size_t)net->n_values, sizeof(*ws->t));
	if (!ws->buf || !ws->t) {
		mncr_face_onnx_ws_free(ws);
		return NULL;
	}
	for (int b = 0; b < net->n_slots; b++) {
		ws->buf[b] = calloc(net->slot_len[b] ? net->slot_len[b] : 1, sizeof(float));
		if (!ws->buf[b]) {
			mncr_face_onnx_ws_free(ws);
			return NULL;
		}
	}
	for (int v = 0; v < net->n_values; v++) {
		const struct mncr_face_onnx_shape *sh = &net->g.shapes[v];

		if (net->slot[v] < 0)
			continue;
		ws->t[v] = (struct mncr_face_tensor){
			sh->h, sh->w, sh->c, net->pad[v], ws->buf[net->slot[v]]
		};
	}
	return ws;
}

/* The buffer held other values: clear the border this one reads as 0. */
static void zero_border(const struct mncr_face_tensor *t)
{
	const size_t row = mncr_face_tensor_row(t), side = (size_t)t->pad * (size_t)t->c;

	if (!t->pad)
		return;
	memset(t->data, 0, row * (size_t)t->pad * sizeof(float));
	memset(mncr_face_tensor_px(t, t->h, -t->pad), 0, row * (size_t)t->pad * sizeof(float));
	for (int y = 0; y < t->h; y++) {
		memset(mncr_face_tensor_px(t, y, -t->pad), 0, side * sizeof(float));
		memset(mncr_face_tensor_px(t, y, t->w), 0, side * sizeof(float));
	}
}

/* Element-wise PRelu (b NULL) or Add of a and b into o, pixel by pixel. */
static void elementwise(const struct mncr_face_tensor *a,
			const struct mncr_face_tensor *b, const float *slope,
			const struct mncr_face_tensor *o)
{
	for (int y = 0; y < o->h; y++) {
		for (int x = 0; x < o->w; x++) {
			const float *pa = mncr_face_tensor_px(a, y, x);
			const float *pb = b ? mncr_face_tensor_px(b, y, x) : NULL;
			float *po = mncr_face_tensor_px(o, y, x);

			for (int c = 0; c < o->c; c++) {
				float v = pb ? pa[c] + pb[c] : pa[c];

				po[c] = slope && v < 0 ? v * slope[c] : v;
			}
		}
	}
}

static int run_step(const struct step *s, const struct mncr_face_onnx_ws *ws)
{
	const struct mncr_face_tensor *in = &ws->t[s->in];
	const struct mncr_face_tensor *out = &ws->t[s->out];
	struct mncr_face_tensor o = *out;

	zero_border(out);
	switch (s->op) {
	case STEP_CONV:
		return mncr_face_conv_forward_act(&s->conv, in,
						  s->in2 >= 0 ? &ws->t[s->in2] : NULL,
						  0, s->slope, &o);
	case STEP_DWCONV:
		return mncr_face_dwconv_forward(&s->dw, in, s->slope, &o);
	case STEP_PRELU:
		elementwise(in, NULL, s->slope, out);
		return 0;
	case STEP_ADD:
		elementwise(in, &ws->t[s->in2], NULL, out);
		return 0;
	}
	return -EINVAL;
}

int mncr_face_onnx_net_run(const struct mncr_face_onnx_net *net,
			   struct mncr_face_onnx_ws *ws, const float *input,
			   float *out)
{
	const struct mncr_face_tensor *t;
	int ret;

	if (!net || !ws || !input || !out || ws->n_slots != net->n_slots)
		return -EINVAL;
	t = &ws->t[0];
	zero_border(t);
	for (int c = 0; c < t->c; c++)
		for (int y = 0; y < t->h; y++)
			for (int x = 0; x < t->w; x++)
				mncr_face_tensor_px(t, y, x)[c] =
					input[((size_t)c * (size_t)t->h + (size_t)y) * (size_t)t->w +
					      (size_t)x];
	for (int i = 0; i < net->n_steps; i++) {
		ret = run_step(&net->steps[i], ws);
		if (ret)
			return ret;
	}
	t = &ws->t[net->final];
	for (int c = 0; c < t->c; c++)
		for (int y = 0; y < t->h; y++)
			for (int x = 0; x < t->w; x++)
				out[((size_t)c * (size_t)t->h + (size_t)y) * (size_t)t->w +
				    (size_t)x] = mncr_face_tensor_px(t, y, x)[c];
	return 0;
}
