// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mncr qualify's face attempt: the card photo (券面AP, opened with
 * 照合番号B from the card front) is the reference; live frames come from
 * the reader's camera (camera.h) or, for tests without one, from picture
 * files (--frame). Each frame goes through the face pipeline; the
 * templates are scored by the reader's match ioctl (the library's
 * reference scorer when the device has no engine) and the best frame
 * decides at the FMR 1e-3 threshold (face_decision.h).
 *
 * The photo and the frames stay in memory only and are wiped; nothing
 * about them goes to the audit log but the attempt's result.
 */
#include "qualify.h"
#include "card_collation.h"
#include "card_ids.h"
#include "card_visual_ap.h"
#include "device.h"
#include "face_decision.h"
#include "face_image.h"
#include "match.h"

#if __has_include("camera.h")
#include "camera.h"
#define HAVE_CAMERA 1
#else
#define HAVE_CAMERA 0
#endif

#if __has_include("face_liveness.h")
#include "face_liveness.h"
#define HAVE_LIVENESS 1
#else
#define HAVE_LIVENESS 0
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

bool qualify_face_has_camera(void)
{
	return HAVE_CAMERA;
}

int qualify_camera_probe(const char *mncr_node, char *node, size_t len,
			 char *why, size_t whylen)
{
#if HAVE_CAMERA
	struct mncr_camera *cam = NULL;
	struct mncr_face_image img = { 0 };
	struct timespec t0;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = mncr_camera_find(mncr_node, node, len, why, whylen);
	if (ret == 0)
		ret = mncr_camera_open(node, 0, 0, &cam, why, whylen);
	if (ret == 0)
		ret = mncr_camera_grab(cam, &img, 15000, why, whylen);
	if (ret == 0)
		snprintf(why, whylen, "one %dx%d frame in %.0f ms", img.w, img.h,
			 qualify_ms_since(&t0));
	mncr_face_image_free(&img);
	if (cam)
		mncr_camera_close(cam);
	return ret;
#else
	(void)mncr_node;
	(void)node;
	(void)len;
	snprintf(why, whylen, "no camera capture in this build");
	return -ENOTSUP;
#endif
}

static int load_models(struct qualify *q)
{
	char err[256] = "";
	struct timespec t0;
	int ret;

	if (q->pipe)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	qualify_say(q, "loading the face models from %s ...", q->o->models);
	ret = mncr_face_pipeline_load(&q->pipe, q->o->models, err, sizeof(err));
	if (ret < 0) {
		qualify_say(q, "face models: %s", err);
		return ret;
	}
	q->ws = mncr_face_pipeline_ws_new();
	if (!q->ws)
		return -ENOMEM;
	q->threshold = MNCR_FACE_THRESHOLD_FMR_1E3;
	qualify_say(q, "face models loaded and checked (%.0f ms)",
		    qualify_ms_since(&t0));
	return 0;
}

static void wipe_image(struct mncr_face_image *img)
{
	if (img->px)
		OPENSSL_cleanse(img->px, (size_t)img->w * (size_t)img->h);
	mncr_face_image_free(img);
}

/* The card photo's template, once per session. */
static void card_reference(struct qualify *q)
{
	struct mncr_card_front front;
	struct mncr_visual_front vf = { 0 };
	struct mncr_face_image img = { 0 };
	struct mncr_face_result *res = NULL;
	char err[160] = "";
	int tries = -1, ret;

	if (q->ref_tried)
		return;
	q->ref_tried = true;
	qualify_say(q, "reading the card photo (券面AP, 照合番号B from the card front) ...");
	ret = mncr_device_card_front(q->fd, &front);
	if (ret == 0)
		ret = mncr_visual_ap_select(&q->io);
	if (ret == 0)
		ret = mncr_card_verify_front(&q->io, &mncr_card_key_visual_b,
					     &front, 0, &tries);
	OPENSSL_cleanse(&front, sizeof(front));
	if (ret == 0)
		ret = mncr_visual_ap_read(&q->io, &vf);
	if (ret == 0)
		ret = mncr_face_image_decode(vf.photo, vf.photo_len, &img, err,
					     sizeof(err));
	mncr_visual_front_clear(&vf);
	res = ret == 0 ? calloc(1, sizeof(*res)) : NULL;
	if (ret == 0 && !res)
		ret = -ENOMEM;
	if (ret == 0)
		ret = mncr_face_pipeline_run(q->pipe, q->ws, &img, NULL, res);
	if (ret == 0 && res->status != MNCR_FACE_OK &&
	    res->status != MNCR_FACE_QUALITY) {
		snprintf(err, sizeof(err), "%s", res->reason);
		ret = -ENODATA;
	}
	if (ret == 0) {
		memcpy(q->ref, res->templ, sizeof(q->ref));
		q->ref_ok = true;
		qualify_say(q, "card photo: face found, template made");
	} else {
		qualify_say(q, "card photo: not usable (%s)",
			    err[0] ? err : strerror(-ret));
	}
	if (res)
		OPENSSL_cleanse(res, sizeof(*res));
	free(res);
	wipe_image(&img);
}

/* One live frame into img: the camera, else the --frame pictures. */
static int grab(struct qualify *q, unsigned int n, bool fresh,
		struct mncr_face_image *img)
{
	char err[160] = "";
	int ret;

#if HAVE_CAMERA
	if (q->o->n_frames == 0) {
		if (!q->camera) {
			struct mncr_camera *cam = NULL;

			if (!q->camera_node[0]) {
				ret = mncr_camera_find(q->reader.node, q->camera_node,
						       sizeof(q->camera_node),
						       err, sizeof(err));
				if (ret < 0)
					goto fail;
			}
			ret = mncr_camera_open(q->camera_node, 0, 0, &cam,
					       err, sizeof(err));
			if (ret < 0)
				goto fail;
			q->camera = cam;
		}
		/*
		 * An attempt's first frame may have waited in the camera (or the
		 * USB pipe) since before the attempt: someone else's face. Drop it.
		 */
		if (fresh) {
			ret = mncr_camera_grab(q->camera, img, 10000, err, sizeof(err));
			if (ret < 0)
				goto fail;
			wipe_image(img);
		}
		ret = mncr_camera_grab(q->camera, img, 10000, err, sizeof(err));
		if (ret < 0)
			goto fail;
		return 0;
	}
#endif
	if (q->o->n_frames == 0) {
		snprintf(err, sizeof(err), "no camera in this build and no --frame pictures");
		ret = -ENODEV;
		goto fail;
	}
	ret = mncr_face_image_load(q->o->frames[n % q->o->n_frames], img, err,
				   sizeof(err));
	if (ret < 0)
		goto fail;
	return 0;
fail:
	qualify_say(q, "camera: %s", err[0] ? err : strerror(-ret));
	return ret;
}

/*
 * Liveness (face_liveness.h): every frame of the session feeds one
 * accumulator; a SPOOF decision (a rigid, blinkless face: a photo held
 * up) fails the attempt whatever the match says.
 */
static void liveness_feed(struct qualify *q, const struct mncr_face_result *r,
			  const struct mncr_face_image *img)
{
#if HAVE_LIVENESS
	bool face = r->status == MNCR_FACE_OK || r->status == MNCR_FACE_QUALITY;

	if (!q->liveness)
		q->liveness = mncr_face_liveness_new(NULL);
	if (q->liveness)
		mncr_face_liveness_feed(q->liveness, face ? r->pts : NULL,
					face ? img : NULL, NULL);
#else
	(void)q;
	(void)r;
	(void)img;
#endif
}

static bool liveness_spoof(const struct qualify *q)
{
#if HAVE_LIVENESS
	return q->liveness &&
	       mncr_face_liveness_state(q->liveness) == MNCR_FACE_LIVENESS_SPOOF;
#else
	(void)q;
	return false;
#endif
}

static const char *liveness_state(const struct qualify *q)
{
#if HAVE_LIVENESS
	return q->liveness ?
	       mncr_face_liveness_state_name(mncr_face_liveness_state(q->liveness)) : "";
#else
	(void)q;
	return "";
#endif
}

static const char *liveness_reason(const struct qualify *q)
{
#if HAVE_LIVENESS
	return q->liveness ? mncr_face_liveness_reason(q->liveness) : "";
#else
	(void)q;
	return "";
#endif
}

static int score(struct qualify *q, const int8_t *probes, size_t n,
		 int32_t *scores)
{
	uint32_t flags = 0;

	if (mncr_device_match(q->fd, probes, n, q->ref, 1, MNCR_FACE_EMBED_DIM,
			      scores, &flags) == 0)
		return 0;
	mncr_match_score_ref(probes, n, q->ref, 1, MNCR_FACE_EMBED_DIM, scores);
	return 0;
}

int qualify_hook_face(void *ctx, unsigned int attempt,
		      enum mncr_flow_face_result *res)
{
	struct qualify *q = ctx;
	unsigned int k = q->o->face_frames ? q->o->face_frames : 3;
	int8_t *probes = NULL;
	int32_t scores[16];
	struct mncr_face_result *r = NULL;
	struct mncr_face_decision d;
	size_t n = 0;
	int ret;

	if (k > 16)
		k = 16;
	if (q->o->patient_absent) {
		qualify_say(q, "face attempt %u: the patient is absent, nobody at the camera", attempt);
		*res = MNCR_FLOW_FACE_NO_FACE;
		return qualify_card_present(q);
	}
	ret = load_models(q);
	if (ret < 0)
		return ret;
	card_reference(q);
	if (qualify_card_present(q) < 0)
		return -ENOMEDIUM;
	probes = calloc(k, MNCR_FACE_EMBED_DIM);
	r = calloc(1, sizeof(*r));
	if (!probes || !r) {
		ret = -ENOMEM;
		goto out;
	}
	for (unsigned int i = 0; i < k; i++) {
		struct mncr_face_image img = { 0 };

		ret = grab(q, (attempt - 1) * k + i, i == 0, &img);
		if (ret < 0)
			break;
		ret = mncr_face_pipeline_run(q->pipe, q->ws, &img, NULL, r);
		if (ret == 0)
			liveness_feed(q, r, &img);
		wipe_image(&img);
		if (ret < 0)
			break;
		if (r->status == MNCR_FACE_OK)
			memcpy(probes + n++ * MNCR_FACE_EMBED_DIM, r->templ,
			       MNCR_FACE_EMBED_DIM);
	}
	if (ret < 0 && ret != -ENODEV && ret != -ETIMEDOUT && ret != -EAGAIN)
		goto out;
	ret = 0;
	if (n == 0) {
		*res = MNCR_FLOW_FACE_NO_FACE;
		qualify_say(q, "face attempt %u: no usable face in %u frames", attempt, k);
		goto out;
	}
	if (liveness_spoof(q)) {
		*res = MNCR_FLOW_FACE_LIVENESS_FAIL;
		qualify_say(q, "face attempt %u: liveness check failed (%s)", attempt,
			    liveness_reason(q));
		goto out;
	}
	if (!q->ref_ok) {
		*res = MNCR_FLOW_FACE_NO_MATCH;
		qualify_say(q, "face attempt %u: nothing to compare with (card photo unusable)", attempt);
		goto out;
	}
	score(q, probes, n, scores);
	mncr_face_decide_scores(scores, n, q->threshold, &d);
	q->last_score = d.best_score;
	*res = d.accept ? MNCR_FLOW_FACE_MATCH : MNCR_FLOW_FACE_NO_MATCH;
	qualify_say(q, "face attempt %u: %zu/%u frames with a face, best score %d (threshold %d): %s%s%s",
		    attempt, n, k, d.best_score, q->threshold,
		    d.accept ? "match" : "no match",
		    HAVE_LIVENESS ? ", liveness " : "", liveness_state(q));
	if (d.accept) {
		clock_gettime(CLOCK_MONOTONIC, &q->t_verified);
		q->apdu_bytes_verified = q->apdu_bytes;
	}
out:
	if (probes)
		OPENSSL_cleanse(probes, (size_t)k * MNCR_FACE_EMBED_DIM);
	if (r)
		OPENSSL_cleanse(r, sizeof(*r));
	free(probes);
	free(r);
	if (ret == 0 && qualify_card_present(q) < 0)
		return -ENOMEDIUM;
	return ret;
}

void qualify_face_free(struct qualify *q)
{
#if HAVE_CAMERA
	if (q->camera)
		mncr_camera_close(q->camera);
#endif
	q->camera = NULL;
#if HAVE_LIVENESS
	mncr_face_liveness_free(q->liveness);
#endif
	q->liveness = NULL;
	mncr_face_pipeline_ws_free(q->ws);
	mncr_face_pipeline_free(q->pipe);
	q->ws = NULL;
	q->pipe = NULL;
	OPENSSL_cleanse(q->ref, sizeof(q->ref));
}
