// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "face/face_conv.h"
#include "face/face_err.h"
#include "face/face_embed.h"
#include "face/face_tensor.h"

#define N_BLOCKS 14
#define N_LEVELS 5
#define FEATURES 256

static const float mean_rgb[3] = { 122.782f, 117.001f, 104.298f };
static const float input_scale = 1.0f / 256.0f;

/* The residual blocks in order; level is the resolution they work at. */
static const struct {
	const char *name;
	int cin, cout, down, level;
} blocks[N_BLOCKS] = {
	{ "conv32_1", 32, 32, 0, 0 },
	{ "conv32_2", 32, 32, 0, 0 },
	{ "conv32_3", 32, 32, 0, 0 },
	{ "conv64_down", 32, 64, 1, 1 },
	{ "conv64_1", 64, 64, 0, 1 },
	{ "conv64_2", 64, 64, 0, 1 },
	{ "conv64_3", 64, 64, 0, 1 },
	{ "conv128_down", 64, 128, 1, 2 },
	{ "conv128_1", 128, 128, 0, 2 },
	{ "conv128_2", 128, 128, 0, 2 },
	{ "conv256_down", 128, 256, 1, 3 },
	{ "conv256_1", 256, 256, 0, 3 },
	{ "conv256_2", 256, 256, 0, 3 },
	{ "conv256_down_out", 256, 256, 1, 4 },
};

/*
 * Sizes: 150 -> conv 7x7/2 valid 72 -> pool 3x3/2 35; a down block's
 * conv 3x3/2 valid gives 17, 8, 3, 1 and its 2x2 pool 17, 8, 4, 2, the
 * larger being the level's size.
 */
static const struct {
	int side, channels, down_side;
} levels[N_LEVELS] = {
	{ 35, 32, 0 }, { 17, 64, 17 }, { 8, 128, 8 }, { 4, 256, 3 }, { 2, 256, 1 },
};

struct mncr_face_net {
	struct mncr_face_conv conv0;
	struct mncr_face_conv conv[N_BLOCKS][2];
	float fc[FEATURES * MNCR_FACE_EMBED_DIM];
};

struct mncr_face_embed_ws {
	struct mncr_face_tensor in, c1;
	struct mncr_face_tensor a[N_LEVELS], b[N_LEVELS];
	struct mncr_face_tensor d[N_LEVELS], e[N_LEVELS];	/* down blocks */
	float mean[FEATURES];
};

void mncr_face_net_free(struct mncr_face_net *net)
{
	if (!net)
		return;
	mncr_face_conv_free(&net->conv0);
	for (int i = 0; i < N_BLOCKS; i++) {
		mncr_face_conv_free(&net->conv[i][0]);
		mncr_face_conv_free(&net->conv[i][1]);
	}
	free(net);
}

/* prefix/conv/filters, prefix/conv/bias, prefix/scale/{weights,biases} */
static int load_conv(struct mncr_face_conv *conv,
		     const struct mncr_face_weights *w, const char *prefix,
		     int k, int cin, int cout, int stride, int pad,
		     char *err, size_t err_len)
{
	const size_t fdims[4] = { (size_t)k, (size_t)k, (size_t)cin, (size_t)cout };
	const size_t vdims[1] = { (size_t)cout };
	const char *suffix[4] = { "conv/filters", "conv/bias", "scale/weights",
				  "scale/biases" };
	const float *t[4];
	char name[96];
	int ret;

	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "%s/%s", prefix, suffix[i]);
		t[i] = mncr_face_weights_get(w, name, i ? 1 : 4, i ? vdims : fdims,
					     err, err_len);
		if (!t[i])
			return -EINVAL;
	}
	ret = mncr_face_conv_init(conv, k, k, cin, cout, stride, pad, t[0], t[1],
				  t[2], t[3]);
	if (ret)
		return mncr_face_seterr(err, err_len, ret, "%s: %s", prefix, strerror(-ret));
	return 0;
}

int mncr_face_net_from_weights(struct mncr_face_net **out,
			       const struct mncr_face_weights *w,
			       char *err, size_t err_len)
{
	const size_t fc_dims[2] = { FEATURES, MNCR_FACE_EMBED_DIM };
	struct mncr_face_net *net;
	const float *fc;
	int ret;

	*out = NULL;
	net = calloc(1, sizeof(*net));
	if (!net)
		return mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
	ret = load_conv(&net->conv0, w, "conv32_down", 7, 3, 32, 2, 0, err,
			err_len);
	for (int i = 0; !ret && i < N_BLOCKS; i++) {
		char prefix[64];

		snprintf(prefix, sizeof(prefix), "%s/conv1", blocks[i].name);
		ret = load_conv(&net->conv[i][0], w, prefix, 3, blocks[i].cin,
				blocks[i].cout, blocks[i].down ? 2 : 1,
				blocks[i].down ? 0 : 1, err, err_len);
		if (ret)
			break;
		snprintf(prefix, sizeof(prefix), "%s/conv2", blocks[i].name);
		ret = load_conv(&net->conv[i][1], w, prefix, 3, blocks[i].cout,
				blocks[i].cout, 1, 1, err, err_len);
	}
	if (!ret) {
		fc = mncr_face_weights_get(w, "fc", 2, fc_dims, err, err_len);
		if (fc)
			memcpy(net->fc, fc, sizeof(net->fc));
		else
			ret = -EINVAL;
	}
	if (ret) {
		mncr_face_net_free(net);
		return ret;
	}
	*out = net;
	return 0;
}

int mncr_face_net_load(struct mncr_face_net **net, const char *dir,
		       char *err, size_t err_len)
{
	static const struct mncr_face_checksum sums[] = {
		{ MNCR_FACE_EMBED_MANIFEST, MNCR_FACE_EMBED_MANIFEST_SHA256 },
		{ MNCR_FACE_EMBED_BIN, MNCR_FACE_EMBED_BIN_SHA256 },
	};
	struct mncr_face_weights w;
	int ret;

	*net = NULL;
	ret = mncr_face_weights_load_in(&w, dir, MNCR_FACE_EMBED_MANIFEST, sums, 2, err, err_len);
	if (ret)
		return ret;
	ret = mncr_face_net_from_weights(net, &w, err, err_len);
	mncr_face_weights_free(&w);
	return ret;
}

int mncr_face_net_set_impl(struct mncr_face_net *net, int impl)
{
	if (!net || !mncr_face_conv_impl_available(impl))
		return -ENOTSUP;
	net->conv0.impl = impl;
	for (int i = 0; i < N_BLOCKS; i++) {
		net->conv[i][0].impl = impl;
		net->conv[i][1].impl = impl;
	}
	return 0;
}

void mncr_face_embed_ws_free(struct mncr_face_embed_ws *ws)
{
	if (!ws)
		return;
	mncr_face_tensor_free(&ws->in);
	mncr_face_tensor_free(&ws->c1);
	for (int l = 0; l < N_LEVELS; l++) {
		mncr_face_tensor_free(&ws->a[l]);
		mncr_face_tensor_free(&ws->b[l]);
		mncr_face_tensor_free(&ws->d[l]);
		mncr_face_tensor_free(&ws->e[l]);
	}
	free(ws);
}

struct mncr_face_embed_ws *mncr_face_embed_ws_new(void)
{
	struct mncr_face_embed_ws *ws = calloc(1, sizeof(*ws));
	int ret;

	if (!ws)
		return NULL;
	ret = mncr_face_tensor_alloc(&ws->in, MNCR_FACE_EMBED_SIZE,
				     MNCR_FACE_EMBED_SIZE, 3, 0);
	ret = ret ? ret : mncr_face_tensor_alloc(&ws->c1, 72, 72, 32, 0);
	for (int l = 0; !ret && l < N_LEVELS; l++) {
		int s = levels[l].side, c = levels[l].channels;

		ret = mncr_face_tensor_alloc(&ws->a[l], s, s, c, 1);
		ret = ret ? ret : mncr_face_tensor_alloc(&ws->b[l], s, s, c, 1);
		if (!ret && levels[l].down_side) {
			s = levels[l].down_side;
			ret = mncr_face_tensor_alloc(&ws->d[l], s, s, c, 1);
			ret = ret ? ret : mncr_face_tensor_alloc(&ws->e[l], s, s, c, 0);
		}
	}
	if (ret) {
		mncr_face_embed_ws_free(ws);
		return NULL;
	}
	return ws;
}

static int forward(const struct mncr_face_net *net,
		   struct mncr_face_embed_ws *ws, float *out)
{
	int ret, l = 0;

	ret = mncr_face_conv_forward(&net->conv0, &ws->in, NULL, 1, &ws->c1);
	ret = ret ? ret : mncr_face_maxpool(&ws->c1, &ws->a[0], 3, 2);
	for (int i = 0; !ret && i < N_BLOCKS; i++) {
		if (blocks[i].down) {
			l = blocks[i].level;
			ret = mncr_face_conv_forward(&net->conv[i][0], &ws->a[l - 1],
						     NULL, 1, &ws->d[l]);
			ret = ret ? ret :
			      mncr_face_conv_forward(&net->conv[i][1], &ws->d[l],
						     NULL, 0, &ws->e[l]);
			ret = ret ? ret : mncr_face_shortcut_down(&ws->a[l - 1],
								  &ws->e[l], &ws->a[l]);
		} else {
			ret = mncr_face_conv_forward(&net->conv[i][0], &ws->a[l],
						     NULL, 1, &ws->b[l]);
			ret = ret ? ret :
			      mncr_face_conv_forward(&net->conv[i][1], &ws->b[l],
						     &ws->a[l], 1, &ws->a[l]);
		}
	}
	if (ret)
		return ret;
	mncr_face_global_mean(&ws->a[N_LEVELS - 1], ws->mean);
	mncr_face_fc(ws->mean, FEATURES, net->fc, MNCR_FACE_EMBED_DIM, out);
	return 0;
}

int mncr_face_embed(const struct mncr_face_net *net,
		    struct mncr_face_embed_ws *ws, const uint8_t *pixels,
		    int channels, size_t stride,
		    float out[MNCR_FACE_EMBED_DIM])
{
	struct mncr_face_embed_ws *own = NULL;
	int ret;

	if (!net || !pixels || !out || (channels != 1 && channels != 3) ||
	    stride < (size_t)channels * MNCR_FACE_EMBED_SIZE)
		return -EINVAL;
	if (!ws) {
		own = ws = mncr_face_embed_ws_new();
		if (!ws)
			return -ENOMEM;
	}
	for (int y = 0; y < MNCR_FACE_EMBED_SIZE; y++) {
		const uint8_t *src = pixels + (size_t)y * stride;

		for (int x = 0; x < MNCR_FACE_EMBED_SIZE; x++) {
			float *d = mncr_face_tensor_px(&ws->in, y, x);

			for (int ch = 0; ch < 3; ch++) {
				uint8_t v = channels == 3 ? src[3 * x + ch] : src[x];

				d[ch] = ((float)v - mean_rgb[ch]) * input_scale;
			}
		}
	}
	ret = forward(net, ws, out);
	mncr_face_embed_ws_free(own);
	return ret;
}

float mncr_face_distance(const float *a, const float *b, size_t dim)
{
	double s = 0;

	for (size_t i = 0; i < dim; i++)
		s += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
	return (float)sqrt(s);
}

float mncr_face_cosine(const float *a, const float *b, size_t dim)
{
	double ab = 0, aa = 0, bb = 0;

	for (size_t i = 0; i < dim; i++) {
		ab += (double)a[i] * b[i];
		aa += (double)a[i] * a[i];
		bb += (double)b[i] * b[i];
	}
	if (aa == 0 || bb == 0)
		return 0.0f;
	return (float)(ab / sqrt(aa * bb));
}
