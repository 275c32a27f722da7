// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mncr qualify's face attempt: the card photo (券面AP, opened with
 * 照合番号B from the card front) is the reference; live frames come from
 * the reader's camera (camera.h) or, for tests without one, from picture
 * files (--frame).
 *
 * An attempt takes a run of consecutive frames (--liveness-frames, 2 s at
 * 15 fps), so that a blink in it is seen. A few of them, spread over the
 * run, go through the whole pipeline; their templates are scored by the
 * reader's match ioctl (the library's reference scorer when the device has
 * no engine) and the best decides at the FMR 1e-3 threshold
 * (face_decision.h). Only a match needs the liveness check: the run's
 * frames, in order, feed the liveness accumulator (face_liveness.h; the
 * landmarks only, no embedding) until it says live or spoof, with up to
 * two more runs when it cannot tell yet. Anything but "live" fails the
 * attempt: a printed photo of the holder matches the card photo.
 *
 * The photo and the frames stay in memory only and are wiped; nothing
 * about them goes to the audit log but the attempt's result.
 */
#include "qualify.h"
#include "card/card_collation.h"
#include "card/card_ids.h"
#include "card/card_visual_ap.h"
#include "reader/device.h"
#include "face/face_decision.h"
#include "face/face_image.h"
#include "face/match.h"

#include "camera/camera.h"

#include "face/face_liveness.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

int qualify_camera_probe(const char *mncr_node, char *node, size_t len,
			 char *why, size_t whylen)
{
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
		snprintf(q->ref_why, sizeof(q->ref_why), "%s",
			 err[0] ? err : strerror(-ret));
		qualify_say(q, "card photo: not usable (%s)", q->ref_why);
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

/* The reader's match ioctl; the library's scorer (same numbers) without one. */
static void score(struct qualify *q, const int8_t *probes, size_t n,
		  int32_t *scores)
{
	uint32_t flags = 0;

	if (mncr_device_match(q->fd, probes, n, q->ref, 1, MNCR_FACE_EMBED_DIM,
			      scores, &flags) == 0)
		return;
	mncr_match_score_ref(probes, n, q->ref, 1, MNCR_FACE_EMBED_DIM, scores);
}

/* One attempt's consecutive camera frames. */
struct run {
	struct mncr_face_image *img;
	unsigned int n, cap;
	double fps;		/* the rate they came at */
};

static void run_wipe(struct run *r)
{
	for (unsigned int i = 0; i < r->n; i++)
		wipe_image(&r->img[i]);
	r->n = 0;
}

/*
 * Fills r with cap frames taken back to back (judged afterwards: under
 * load the pipeline is slower than the camera, and a blink lasts a few
 * frames). base numbers the --frame pictures.
 */
static int run_capture(struct qualify *q, struct run *r, unsigned int base,
		       bool fresh)
{
	struct timespec t0;
	int ret = 0;

	run_wipe(r);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (r->n < r->cap) {
		ret = grab(q, base + r->n, fresh && r->n == 0, &r->img[r->n]);
		if (ret < 0)
			break;
		r->n++;
	}
	r->fps = r->n * 1000.0 / (qualify_ms_since(&t0) + 1e-3);
	/* A camera that stops mid-run leaves what it gave. */
	return r->n ? 0 : ret;
}

/* Match: up to k frames spread over the run, full pipeline, best score. */
static int run_match(struct qualify *q, const struct run *r, unsigned int k,
		     struct mncr_face_result *res, unsigned int *faces,
		     struct mncr_face_decision *d)
{
	int8_t probes[16 * MNCR_FACE_EMBED_DIM];
	int32_t scores[16];
	size_t n = 0;
	int ret = 0;

	*faces = 0;
	memset(d, 0, sizeof(*d));
	if (k > r->n)
		k = r->n;
	if (k > 16)
		k = 16;
	for (unsigned int i = 0; i < k; i++) {
		unsigned int at = (unsigned int)(((2 * i + 1) * r->n) / (2 * k));

		ret = mncr_face_pipeline_run(q->pipe, q->ws, &r->img[at], NULL, res);
		if (ret < 0)
			break;
		if (res->status == MNCR_FACE_OK)
			memcpy(probes + n++ * MNCR_FACE_EMBED_DIM, res->templ,
			       MNCR_FACE_EMBED_DIM);
	}
	*faces = (unsigned int)n;
	if (ret == 0 && n > 0) {
		score(q, probes, n, scores);
		mncr_face_decide_scores(scores, n, q->threshold, d);
	}
	OPENSSL_cleanse(probes, sizeof(probes));
	return ret;
}

#define PROGRESS_MS	5000	/* a line at least this often in long steps */

/* Liveness over the run's frames in order until it decides. */
static int run_liveness(struct qualify *q, struct mncr_face_liveness *l,
			const struct run *r, struct mncr_face_result *res,
			unsigned int *judged)
{
	struct mncr_face_pipeline_opts o;
	int state = MNCR_FACE_LIVENESS_PENDING;
	double next_say = PROGRESS_MS;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	mncr_face_pipeline_opts_default(&o);
	o.embed = 0;
	*judged = 0;
	for (unsigned int i = 0; i < r->n; i++) {
		bool face;
		int ret = mncr_face_pipeline_run(q->pipe, q->ws, &r->img[i], &o, res);

		if (ret < 0)
			return ret;
		++*judged;
		face = res->status == MNCR_FACE_OK || res->status == MNCR_FACE_QUALITY;
		state = mncr_face_liveness_feed(l, face ? res->pts : NULL,
						face ? &r->img[i] : NULL, NULL);
		if (state < 0)
			return state;
		if (state != MNCR_FACE_LIVENESS_PENDING)
			break;
		/* Slow machines take seconds a frame: show it is working. */
		if (qualify_ms_since(&t0) >= next_say) {
			qualify_say(q, "liveness: %u of %u frames looked at ...", *judged, r->n);
			next_say += PROGRESS_MS;
		}
	}
	return state;
}

#define LIVENESS_RUNS	3	/* runs of frames before "cannot tell" */

/*
 * Judges a matching face: live, spoof or undecided after LIVENESS_RUNS
 * runs. The first run is the one that matched; later ones are new frames.
 */
static int judge_liveness(struct qualify *q, struct run *r, unsigned int base,
			  struct mncr_face_result *res, const char **why)
{
	struct mncr_face_liveness *l = mncr_face_liveness_new(NULL);
	int state = -ENOMEM;

	*why = "out of memory";
	if (!l)
		return state;
	for (unsigned int k = 0; k < LIVENESS_RUNS; k++) {
		unsigned int judged = 0;

		if (k > 0) {
			qualify_say(q, "liveness: not decided yet, %u more frames (look at the camera and blink)",
				    r->cap);
			state = run_capture(q, r, base + k * r->cap, false);
			if (state < 0)
				break;
		}
		state = run_liveness(q, l, r, res, &judged);
		/* A blink lasts 0.1 to 0.3 s: a few frames at 15 fps, none at 3. */
		qualify_say(q, "liveness: %u frames at %.1f fps, %u judged: %s%s",
			    r->n, r->fps, judged,
			    state < 0 ? strerror(-state) :
			    mncr_face_liveness_state_name(state),
			    state == MNCR_FACE_LIVENESS_PENDING && r->fps < 8 ?
			    " (the camera is too slow to see a blink)" : "");
		if (state != MNCR_FACE_LIVENESS_PENDING)
			break;
	}
	*why = mncr_face_liveness_reason(l);
	/* The reason is the accumulator's; keep it past the free. */
	snprintf(q->liveness_why, sizeof(q->liveness_why), "%s", *why);
	*why = q->liveness_why;
	mncr_face_liveness_free(l);
	return state;
}

int qualify_hook_face(void *ctx, unsigned int attempt,
		      enum mncr_flow_face_result *res)
{
	struct qualify *q = ctx;
	unsigned int k = q->o->face_frames ? q->o->face_frames : 3;
	unsigned int len = q->o->liveness_frames, base, faces = 0;
	struct run run = { 0 };
	struct mncr_face_result *r = NULL;
	struct mncr_face_decision d;
	const char *why = "";
	int ret, live;

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
	/* Nothing to compare a face with: no attempt, straight to the choices. */
	if (!q->ref_ok) {
		*res = MNCR_FLOW_FACE_PHOTO_UNUSABLE;
		qualify_say(q, "no face attempt: the card photo is not usable (%s)",
			    q->ref_why);
		return 0;
	}
	if (len < k)
		len = k;
	base = (attempt - 1) * len * (LIVENESS_RUNS + 1);
	run.img = calloc(len, sizeof(*run.img));
	run.cap = len;
	r = calloc(1, sizeof(*r));
	if (!run.img || !r) {
		ret = -ENOMEM;
		goto out;
	}
	ret = run_capture(q, &run, base, true);
	if (ret < 0 && ret != -ENODEV && ret != -ETIMEDOUT && ret != -EAGAIN)
		goto out;
	ret = run.n ? run_match(q, &run, k, r, &faces, &d) : 0;
	if (ret < 0)
		goto out;
	if (faces == 0) {
		*res = MNCR_FLOW_FACE_NO_FACE;
		qualify_say(q, "face attempt %u: no usable face in %u frames", attempt,
			    run.n < k ? run.n : k);
		goto out;
	}
	q->last_score = d.best_score;
	qualify_say(q, "face attempt %u: %u/%u frames with a face, best score %d (threshold %d): %s",
		    attempt, faces, run.n < k ? run.n : k, d.best_score,
		    q->threshold, d.accept ? "match" : "no match");
	if (!d.accept) {
		*res = MNCR_FLOW_FACE_NO_MATCH;
		goto out;
	}
	live = judge_liveness(q, &run, base + len, r, &why);
	if (live < 0 && live != -ENODEV && live != -ETIMEDOUT && live != -EAGAIN) {
		ret = live;
		goto out;
	}
	if (live != MNCR_FACE_LIVENESS_LIVE) {
		*res = MNCR_FLOW_FACE_LIVENESS_FAIL;
		qualify_say(q, "face attempt %u: liveness check failed (%s)", attempt,
			    live == MNCR_FACE_LIVENESS_SPOOF ? why :
			    live < 0 ? "the camera stopped" : "no blink or head turn seen");
		goto out;
	}
	qualify_say(q, "face attempt %u: live (%s)", attempt, why);
	*res = MNCR_FLOW_FACE_MATCH;
	clock_gettime(CLOCK_MONOTONIC, &q->t_verified);
	q->apdu_bytes_verified = q->apdu_bytes;
out:
	run_wipe(&run);
	free(run.img);
	if (r)
		OPENSSL_cleanse(r, sizeof(*r));
	free(r);
	if (ret == 0 && qualify_card_present(q) < 0)
		return -ENOMEDIUM;
	return ret;
}

void qualify_face_free(struct qualify *q)
{
	if (q->camera)
		mncr_camera_close(q->camera);
	q->camera = NULL;
	mncr_face_pipeline_ws_free(q->ws);
	mncr_face_pipeline_free(q->pipe);
	q->ws = NULL;
	q->pipe = NULL;
	OPENSSL_cleanse(q->ref, sizeof(q->ref));
}
