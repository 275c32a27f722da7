/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The face pipeline: a greyscale image (camera frame or card photo) in, the
 * largest face's embedding and int8 template out, or the reason there is
 * none. Steps: detection (tiny face detector; the next input size is tried
 * when one finds nothing), the largest box, 68 landmarks, alignment to
 * dlib's 150x150 chip, quality gates, the embedding of the network chosen
 * at load (the ResNet on that chip, or the 512-d MobileFaceNet on the
 * ArcFace 112x112 chip of the same landmarks), quantisation.
 */
#ifndef MNCR_FACE_PIPELINE_H
#define MNCR_FACE_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "face/face_align.h"
#include "face/face_detect.h"
#include "face/face_embed.h"
#include "face/face_image.h"
#include "face/face_landmarks.h"
#include "face/face_network.h"
#include "face/face_quality.h"

#define MNCR_FACE_PIPELINE_SIZES 4	/* detector input sizes tried, at most */

struct mncr_face_pipeline_opts {
	/* detector input sizes in order, 0-terminated; default 192, 320 */
	int sizes[MNCR_FACE_PIPELINE_SIZES];
	float min_score;	/* detector, default 0.3 */
	float max_iou;		/* detector NMS, default 0.4 */
	struct mncr_face_quality_limits limits;
	int check_quality;	/* default 1: failed gates make QUALITY */
	/* default 1; 0 stops before the embedding (liveness needs every
	 * frame's landmarks, matching a few frames' templates): OK and
	 * QUALITY then leave embedding and templ zero, res->embedded 0 */
	int embed;
	/*
	 * default 1: the ResNet's embedding is the mean of the chip's and its
	 * mirror image's (a second pass, 4 ms; FNMR at FMR 1e-4 on LFW 19.6%
	 * -> 15.2%). The 512-d network embeds the chip alone, as its
	 * thresholds were measured (the mirror buys it nothing on LFW).
	 */
	int mirror;
};

enum mncr_face_status {
	MNCR_FACE_OK,		/* embedding and template valid */
	MNCR_FACE_NO_FACE,	/* nothing found at any size */
	MNCR_FACE_QUALITY,	/* gates failed (see fails); embedding valid */
	MNCR_FACE_BAD_LANDMARKS,	/* no usable alignment */
};

struct mncr_face_result {
	enum mncr_face_status status;
	unsigned fails;		/* enum mncr_face_quality_fail bits */
	int n_faces;		/* boxes found at the size that found any */
	int input_size;		/* that size */
	struct mncr_face_box box;	/* the largest */
	struct mncr_face_point pts[MNCR_FACE_LANDMARKS];
	struct mncr_face_quality quality;
	uint8_t chip[MNCR_FACE_CHIP_SIZE * MNCR_FACE_CHIP_SIZE];
	enum mncr_face_network network;	/* the pipeline's */
	int dim;		/* of embedding and templ: 128 or 512 */
	float embedding[MNCR_FACE_TEMPLATE_MAX];
	int8_t templ[MNCR_FACE_TEMPLATE_MAX];
	int embedded;		/* embedding and templ were computed */
	char reason[128];	/* "" when OK */
};

/* The three models, read-only once loaded (threads may share them). */
struct mncr_face_pipeline;
/* Scratch of one run: one per thread. */
struct mncr_face_pipeline_ws;

void mncr_face_pipeline_opts_default(struct mncr_face_pipeline_opts *o);

/*
 * Loads the detector, landmark and recognition models from dir (their
 * checksums verified), the embedding network n's only. Returns 0 or
 * -errno with a message in err (-EINVAL: no such network).
 */
int mncr_face_pipeline_load_network(struct mncr_face_pipeline **p, const char *dir,
				    enum mncr_face_network n, char *err,
				    size_t err_len);
/* The same with MNCR_FACE_NET_DEFAULT. */
int mncr_face_pipeline_load(struct mncr_face_pipeline **p, const char *dir,
			    char *err, size_t err_len);
void mncr_face_pipeline_free(struct mncr_face_pipeline *p);

/* NULL when out of memory. */
struct mncr_face_pipeline_ws *mncr_face_pipeline_ws_new(void);
void mncr_face_pipeline_ws_free(struct mncr_face_pipeline_ws *ws);

/*
 * Runs the pipeline on img (o NULL: defaults). Returns 0 with res->status
 * telling the outcome and res->reason a message when not OK, or -errno
 * (-EINVAL bad arguments or options, -ENOMEM) with res->reason set.
 */
int mncr_face_pipeline_run(const struct mncr_face_pipeline *p,
			   struct mncr_face_pipeline_ws *ws,
			   const struct mncr_face_image *img,
			   const struct mncr_face_pipeline_opts *o,
			   struct mncr_face_result *res);

/*
 * The steps after detection for a given box (the caller's detector, or a
 * fixed box): landmarks, alignment, quality, embedding.
 */
int mncr_face_pipeline_run_box(const struct mncr_face_pipeline *p,
			       struct mncr_face_pipeline_ws *ws,
			       const struct mncr_face_image *img,
			       const struct mncr_face_box *box,
			       const struct mncr_face_pipeline_opts *o,
			       struct mncr_face_result *res);

/* The embedding network loaded, and its template dimension. */
enum mncr_face_network mncr_face_pipeline_network(const struct mncr_face_pipeline *p);
size_t mncr_face_pipeline_dim(const struct mncr_face_pipeline *p);

/* The models, for callers that run single steps (net: NULL unless resnet). */
const struct mncr_face_detector *mncr_face_pipeline_detector(const struct mncr_face_pipeline *p);
const struct mncr_face_landmarker *mncr_face_pipeline_landmarker(const struct mncr_face_pipeline *p);
const struct mncr_face_net *mncr_face_pipeline_net(const struct mncr_face_pipeline *p);

#endif
