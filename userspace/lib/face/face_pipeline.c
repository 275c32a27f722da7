// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "face/face_conv.h"
#include "face/face_err.h"
#include "face/face_mfn.h"
#include "face/face_mfn512.h"
#include "face/face_pipeline.h"
#include "face/face_quantize.h"

#define MAX_BOXES 32

struct mncr_face_pipeline {
	struct mncr_face_detector *det;
	struct mncr_face_landmarker *lm;
	enum mncr_face_network network;
	struct mncr_face_net *net;		/* resnet */
	struct mncr_face_mfn512 *mfn512;	/* mfn512 */
};

struct mncr_face_pipeline_ws {
	/* one detector workspace per input size, made when first used */
	struct mncr_face_detect_ws *det[MNCR_FACE_PIPELINE_SIZES];
	struct mncr_face_landmark_ws *lm;
	struct mncr_face_embed_ws *embed;
	/* the 512-d network's, made for mfn512_of when first used */
	struct mncr_face_mfn512_ws *mfn512;
	const struct mncr_face_mfn512 *mfn512_of;
	uint8_t chip112[MNCR_FACE_MFN512_SIZE * MNCR_FACE_MFN512_SIZE];
};

static int reason(struct mncr_face_result *res, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The chip's embedding; with mirror, the mean of the chip's and its mirror
 * image's (the mean keeps dlib's distance scale: 0.6 still means the same).
 */
static int embed_resnet(const struct mncr_face_pipeline *p,
		      struct mncr_face_pipeline_ws *ws, const uint8_t *chip,
		      int mirror, float e[MNCR_FACE_EMBED_DIM])
{
	uint8_t flip[MNCR_FACE_CHIP_SIZE * MNCR_FACE_CHIP_SIZE];
	float m[MNCR_FACE_EMBED_DIM];
	int ret;

	ret = mncr_face_embed(p->net, ws->embed, chip, 1, MNCR_FACE_CHIP_SIZE, e);
	if (ret || !mirror)
		return ret;
	for (int y = 0; y < MNCR_FACE_CHIP_SIZE; y++)
		for (int x = 0; x < MNCR_FACE_CHIP_SIZE; x++)
			flip[y * MNCR_FACE_CHIP_SIZE + x] =
				chip[y * MNCR_FACE_CHIP_SIZE + MNCR_FACE_CHIP_SIZE - 1 - x];
	ret = mncr_face_embed(p->net, ws->embed, flip, 1, MNCR_FACE_CHIP_SIZE, m);
	for (int i = 0; !ret && i < MNCR_FACE_EMBED_DIM; i++)
		e[i] = (e[i] + m[i]) / 2;
	return ret;
}

static int reason(struct mncr_face_result *res, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
	va_end(ap);
	return ret;
}

void mncr_face_pipeline_opts_default(struct mncr_face_pipeline_opts *o)
{
	memset(o, 0, sizeof(*o));
	/*
	 * 192 first: on faces that fill a third or more of the frame (the
	 * reader's camera, card photos, LFW) it finds more than 416, face-api's
	 * default, at a fifth of the cost; 320 catches smaller faces.
	 */
	o->sizes[0] = 192;
	o->sizes[1] = 320;
	o->min_score = 0.3f;
	o->max_iou = 0.4f;
	mncr_face_quality_limits_default(&o->limits);
	o->check_quality = 1;
	o->embed = 1;
	o->mirror = 1;
}

void mncr_face_pipeline_free(struct mncr_face_pipeline *p)
{
	if (!p)
		return;
	mncr_face_detector_free(p->det);
	mncr_face_landmarker_free(p->lm);
	mncr_face_net_free(p->net);
	mncr_face_mfn512_free(p->mfn512);
	free(p);
}

/* The embedding network n into p. */
static int load_network(struct mncr_face_pipeline *p, const char *dir,
			enum mncr_face_network n, char *err, size_t err_len)
{
	int ret;

	p->network = n;
	if (n == MNCR_FACE_NET_MFN512) {
		enum mncr_face_conv_impl impl = mncr_face_conv_fastest();

		/*
		 * The probe is ResNet-sized: on this network the widest
		 * vectors win (AVX-512 1.7 times AVX2 on an AMD EPYC) even
		 * where the probe picks AVX2; only an emulated CPU, where it
		 * picks 16-byte vectors, keeps its choice.
		 */
		ret = mncr_face_mfn512_load(&p->mfn512, dir, err, err_len);
		return ret ? ret : mncr_face_mfn512_set_impl(p->mfn512,
				impl == MNCR_FACE_CONV_GENERIC ? impl : MNCR_FACE_CONV_AUTO);
	}
	ret = mncr_face_net_load(&p->net, dir, err, err_len);
	return ret ? ret : mncr_face_net_set_impl(p->net, mncr_face_conv_fastest());
}

int mncr_face_pipeline_load(struct mncr_face_pipeline **out, const char *dir,
			    char *err, size_t err_len)
{
	return mncr_face_pipeline_load_network(out, dir, MNCR_FACE_NET_DEFAULT,
					       err, err_len);
}

int mncr_face_pipeline_load_network(struct mncr_face_pipeline **out, const char *dir,
				    enum mncr_face_network n, char *err,
				    size_t err_len)
{
	struct mncr_face_pipeline *p;
	int ret;

	*out = NULL;
	if (!mncr_face_network_dim(n))
		return mncr_face_seterr(err, err_len, -EINVAL, "no embedding network %d",
					(int)n);
	p = calloc(1, sizeof(*p));
	if (!p)
		return mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
	ret = mncr_face_detector_load(&p->det, dir, err, err_len);
	ret = ret ? ret : mncr_face_landmarker_load(&p->lm, dir, err, err_len);
	ret = ret ? ret : load_network(p, dir, n, err, err_len);
	if (ret) {
		mncr_face_pipeline_free(p);
		return ret;
	}
	*out = p;
	return 0;
}

void mncr_face_pipeline_ws_free(struct mncr_face_pipeline_ws *ws)
{
	if (!ws)
		return;
	for (int i = 0; i < MNCR_FACE_PIPELINE_SIZES; i++)
		mncr_face_detect_ws_free(ws->det[i]);
	mncr_face_landmark_ws_free(ws->lm);
	mncr_face_embed_ws_free(ws->embed);
	mncr_face_mfn512_ws_free(ws->mfn512);
	free(ws);
}

struct mncr_face_pipeline_ws *mncr_face_pipeline_ws_new(void)
{
	struct mncr_face_pipeline_ws *ws = calloc(1, sizeof(*ws));

	if (!ws)
		return NULL;
	ws->lm = mncr_face_landmark_ws_new();
	ws->embed = mncr_face_embed_ws_new();
	if (!ws->lm || !ws->embed) {
		mncr_face_pipeline_ws_free(ws);
		return NULL;
	}
	return ws;
}

enum mncr_face_network mncr_face_pipeline_network(const struct mncr_face_pipeline *p)
{
	return p ? p->network : MNCR_FACE_NET_DEFAULT;
}

size_t mncr_face_pipeline_dim(const struct mncr_face_pipeline *p)
{
	return p ? mncr_face_network_dim(p->network) : 0;
}

const struct mncr_face_detector *mncr_face_pipeline_detector(const struct mncr_face_pipeline *p)
{
	return p ? p->det : NULL;
}

const struct mncr_face_landmarker *mncr_face_pipeline_landmarker(const struct mncr_face_pipeline *p)
{
	return p ? p->lm : NULL;
}

const struct mncr_face_net *mncr_face_pipeline_net(const struct mncr_face_pipeline *p)
{
	return p ? p->net : NULL;
}

static int valid_image(const struct mncr_face_image *img)
{
	return img && img->px && img->w > 0 && img->h > 0;
}

/* The 512-d network on the ArcFace chip of res->pts. */
static int embed_mfn512(const struct mncr_face_pipeline *p,
			struct mncr_face_pipeline_ws *ws,
			const struct mncr_face_image *img,
			struct mncr_face_result *res)
{
	struct mncr_face_image chip = {
		MNCR_FACE_MFN512_SIZE, MNCR_FACE_MFN512_SIZE, ws->chip112
	};
	int ret;

	if (ws->mfn512_of != p->mfn512) {
		mncr_face_mfn512_ws_free(ws->mfn512);
		ws->mfn512 = mncr_face_mfn512_ws_new(p->mfn512);
		ws->mfn512_of = ws->mfn512 ? p->mfn512 : NULL;
		if (!ws->mfn512)
			return -ENOMEM;
	}
	ret = mncr_face_mfn_align(img, res->pts, &chip);
	return ret ? ret : mncr_face_mfn512_embed(p->mfn512, ws->mfn512, chip.px,
						  MNCR_FACE_MFN512_SIZE, res->embedding);
}

/* Everything after detection; res->box is the face. */
static int after_detection(const struct mncr_face_pipeline *p,
			   struct mncr_face_pipeline_ws *ws,
			   const struct mncr_face_image *img,
			   const struct mncr_face_pipeline_opts *o,
			   struct mncr_face_result *res)
{
	const struct mncr_face_box *box = &res->box;
	struct mncr_face_image chip = {
		MNCR_FACE_CHIP_SIZE, MNCR_FACE_CHIP_SIZE, res->chip
	};
	int ret;

	ret = mncr_face_landmarks(p->lm, ws->lm, img, box, res->pts);
	if (ret == -EINVAL) {
		res->status = MNCR_FACE_BAD_LANDMARKS;
		return reason(res, 0, "face box too small or outside the image");
	}
	if (ret)
		return reason(res, ret, "landmarks: %s", strerror(-ret));
	ret = mncr_face_align(img, res->pts, &chip);
	if (ret) {
		res->status = MNCR_FACE_BAD_LANDMARKS;
		return reason(res, 0, "landmarks give no alignment");
	}
	ret = mncr_face_quality_measure(res->pts, &chip, &res->quality);
	if (ret) {
		res->status = MNCR_FACE_BAD_LANDMARKS;
		return reason(res, 0, "landmarks not finite");
	}
	res->fails = mncr_face_quality_check(&res->quality, &o->limits);
	if (o->embed) {
		ret = p->network == MNCR_FACE_NET_MFN512 ?
			embed_mfn512(p, ws, img, res) :
			embed_resnet(p, ws, res->chip, o->mirror, res->embedding);
		if (ret)
			return reason(res, ret, "embedding: %s", strerror(-ret));
		if (mncr_face_quantize(res->embedding, (size_t)res->dim, res->templ)) {
			res->status = MNCR_FACE_BAD_LANDMARKS;
			return reason(res, 0, "embedding not usable (zero or not finite)");
		}
		res->embedded = 1;
	}
	if (o->check_quality && res->fails) {
		char why[96];

		res->status = MNCR_FACE_QUALITY;
		return reason(res, 0, "quality: %s",
			      mncr_face_quality_describe(res->fails, why, sizeof(why)));
	}
	res->status = MNCR_FACE_OK;
	res->reason[0] = 0;
	return 0;
}

int mncr_face_pipeline_run_box(const struct mncr_face_pipeline *p,
			       struct mncr_face_pipeline_ws *ws,
			       const struct mncr_face_image *img,
			       const struct mncr_face_box *box,
			       const struct mncr_face_pipeline_opts *o,
			       struct mncr_face_result *res)
{
	struct mncr_face_pipeline_opts def;

	if (!res)
		return -EINVAL;
	memset(res, 0, sizeof(*res));
	res->status = MNCR_FACE_BAD_LANDMARKS;
	if (!o) {
		mncr_face_pipeline_opts_default(&def);
		o = &def;
	}
	if (!p || !ws || !valid_image(img) || !box)
		return reason(res, -EINVAL, "invalid arguments");
	res->network = p->network;
	res->dim = (int)mncr_face_pipeline_dim(p);
	res->box = *box;
	res->n_faces = 1;
	return after_detection(p, ws, img, o, res);
}

static int valid_opts(const struct mncr_face_pipeline_opts *o)
{
	if (!o->sizes[0] || !(o->min_score > 0 && o->min_score < 1) ||
	    !(o->max_iou >= 0 && o->max_iou <= 1))
		return 0;
	for (int i = 0; i < MNCR_FACE_PIPELINE_SIZES && o->sizes[i]; i++) {
		int s = o->sizes[i];

		if (s < MNCR_FACE_DETECT_MIN_INPUT || s > MNCR_FACE_DETECT_MAX_INPUT ||
		    s % MNCR_FACE_DETECT_CELL)
			return 0;
	}
	return 1;
}

int mncr_face_pipeline_run(const struct mncr_face_pipeline *p,
			   struct mncr_face_pipeline_ws *ws,
			   const struct mncr_face_image *img,
			   const struct mncr_face_pipeline_opts *o,
			   struct mncr_face_result *res)
{
	struct mncr_face_pipeline_opts def;
	struct mncr_face_box boxes[MAX_BOXES];
	int n = 0, ret, best;

	if (!res)
		return -EINVAL;
	memset(res, 0, sizeof(*res));
	res->status = MNCR_FACE_NO_FACE;
	if (!o) {
		mncr_face_pipeline_opts_default(&def);
		o = &def;
	}
	if (!p || !ws || !valid_image(img))
		return reason(res, -EINVAL, "invalid arguments");
	if (!valid_opts(o))
		return reason(res, -EINVAL, "invalid options");
	res->network = p->network;
	res->dim = (int)mncr_face_pipeline_dim(p);
	for (int i = 0; i < MNCR_FACE_PIPELINE_SIZES && o->sizes[i] && !n; i++) {
		struct mncr_face_detect_opts d = {
			o->sizes[i], o->min_score, o->max_iou
		};

		if (ws->det[i] && mncr_face_detect_input_size(ws->det[i]) != d.input_size) {
			mncr_face_detect_ws_free(ws->det[i]);
			ws->det[i] = NULL;
		}
		if (!ws->det[i]) {
			ws->det[i] = mncr_face_detect_ws_new(d.input_size);
			if (!ws->det[i])
				return reason(res, -ENOMEM, "out of memory");
		}
		ret = mncr_face_detect(p->det, ws->det[i], img, &d, boxes, MAX_BOXES, &n);
		if (ret)
			return reason(res, ret, "detection: %s", strerror(-ret));
		res->input_size = d.input_size;
	}
	res->n_faces = n;
	if (!n)
		return reason(res, 0, "no face found");
	best = mncr_face_box_largest(boxes, n);
	res->box = boxes[best];
	res->status = MNCR_FACE_BAD_LANDMARKS;
	return after_detection(p, ws, img, o, res);
}
