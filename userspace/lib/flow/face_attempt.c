// SPDX-License-Identifier: LGPL-2.1-or-later
/* One face attempt against the card photo (face_attempt.h). */
#include "flow/face_attempt.h"
#include "camera/camera.h"
#include "card/card_photo.h"
#include "face/face_decision.h"
#include "face/face_liveness.h"
#include "face/match.h"
#include "reader/device.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#define PROGRESS_MS	5000	/* a line at least this often in long steps */
#define LIVENESS_RUNS	3	/* runs of frames before "cannot tell" */
#define MATCH_MAX	16	/* frames scored per attempt, at most */
#define GRAB_MS		10000	/* an attempt's camera read, at most */
#define LIVE_GRAB_MS	250	/* the live view's: live_stop waits no longer */
#define LIVE_QUIET_MS	10000	/* the live view ends after this long without a frame */
#define LIVE_NAP_MS	10	/* its sleep between frames, a slice at a time */

struct mncr_face_attempt {
	struct mncr_face_attempt_opts o;
	struct mncr_face_attempt_status st;
	struct mncr_face_pipeline *own_pipe;	/* loaded here, freed here */
	const struct mncr_face_pipeline *pipe;
	struct mncr_face_pipeline_ws *ws;
	int8_t ref[MNCR_FACE_TEMPLATE_MAX];
	size_t dim;				/* the pipeline's templates' */
	struct mncr_camera *camera;
	char camera_node[64];
	/* the card photo, decoded once (wiped at free); its read's result */
	struct mncr_face_image photo;
	bool photo_read;
	int photo_ret;
	char photo_err[160];
	struct timespec last_view;	/* opts.frame's rate */
	/* 目視確認's live view (live_start/live_stop) */
	pthread_t live;
	bool live_on;
	atomic_bool live_stop;
	int live_ret;			/* why the thread ended, at stop */
	unsigned int live_frames;	/* frames it showed */
	char live_why[160];
};

static double ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) * 1e3 +
	       (double)(now.tv_nsec - t->tv_nsec) / 1e6;
}

static void say(struct mncr_face_attempt *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct mncr_face_attempt *a, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!a->o.say)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	a->o.say(a->o.ctx, line);
}

static int card_present(struct mncr_face_attempt *a)
{
	return a->o.card_present ? a->o.card_present(a->o.ctx) : 0;
}

static void wipe_image(struct mncr_face_image *img)
{
	if (img->px)
		OPENSSL_cleanse(img->px, (size_t)img->w * (size_t)img->h);
	mncr_face_image_free(img);
}

int mncr_face_attempt_new(const struct mncr_face_attempt_opts *o,
			  struct mncr_face_attempt **out)
{
	struct mncr_face_attempt *a = calloc(1, sizeof(*a));

	if (!a)
		return -ENOMEM;
	a->o = *o;
	if (!a->o.face_frames)
		a->o.face_frames = 3;
	a->pipe = o->pipe;
	a->st.threshold = mncr_face_threshold(o->pipe ? mncr_face_pipeline_network(o->pipe) :
					      o->network, 1e-3);
	a->st.card_verdict = -1;
	*out = a;
	return 0;
}

void mncr_face_attempt_free(struct mncr_face_attempt *a)
{
	if (!a)
		return;
	mncr_face_attempt_live_stop(a);
	if (a->camera)
		mncr_camera_close(a->camera);
	mncr_face_pipeline_ws_free(a->ws);
	mncr_face_pipeline_free(a->own_pipe);
	OPENSSL_cleanse(a->ref, sizeof(a->ref));
	wipe_image(&a->photo);
	free(a);
}

const struct mncr_face_attempt_status *
mncr_face_attempt_status(const struct mncr_face_attempt *a)
{
	return &a->st;
}

static int load_models(struct mncr_face_attempt *a)
{
	char err[256] = "";
	struct timespec t0;
	int ret;

	if (!a->pipe) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		say(a, "loading the face models from %s (network %s) ...",
		    a->o.models, mncr_face_network_name(a->o.network));
		ret = mncr_face_pipeline_load_network(&a->own_pipe, a->o.models,
						      a->o.network, err, sizeof(err));
		if (ret < 0) {
			say(a, "face models: %s", err);
			return ret;
		}
		a->pipe = a->own_pipe;
		say(a, "face models loaded and checked (%.0f ms)", ms_since(&t0));
	}
	a->dim = mncr_face_pipeline_dim(a->pipe);
	a->st.threshold = mncr_face_threshold(mncr_face_pipeline_network(a->pipe), 1e-3);
	if (!a->ws)
		a->ws = mncr_face_pipeline_ws_new();
	return a->ws ? 0 : -ENOMEM;
}

/* The shortest time between two live frames to the watcher. */
static unsigned int frame_gap(const struct mncr_face_attempt *a)
{
	return a->o.frame_ms ? a->o.frame_ms : 100;
}

/*
 * A live frame to the watcher, unless one went less than frame_ms ago;
 * true when it went.
 */
static bool view(struct mncr_face_attempt *a, const struct mncr_face_image *img,
		 const struct mncr_face_result *res, int liveness,
		 unsigned int attempt)
{
	unsigned int gap = frame_gap(a);
	bool face = res && (res->status == MNCR_FACE_OK ||
			    res->status == MNCR_FACE_QUALITY);
	struct mncr_face_view v = {
		.img = img, .box = face ? &res->box : NULL,
		.liveness = liveness, .attempt = attempt,
	};

	if (!a->o.frame || !img->px)
		return false;
	if ((a->last_view.tv_sec || a->last_view.tv_nsec) &&
	    ms_since(&a->last_view) < gap)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &a->last_view);
	a->o.frame(a->o.ctx, &v);
	return true;
}

/* The reference template from a decoded photo; err says why not. */
static int photo_template(struct mncr_face_attempt *a,
			  const struct mncr_face_image *img, char *err,
			  size_t len)
{
	struct mncr_face_result *res = calloc(1, sizeof(*res));
	int ret = res ? 0 : -ENOMEM;

	if (ret == 0)
		ret = mncr_face_pipeline_run(a->pipe, a->ws, img, NULL, res);
	if (ret == 0 && res->status != MNCR_FACE_OK &&
	    res->status != MNCR_FACE_QUALITY) {
		snprintf(err, len, "%s", res->reason);
		ret = -ENODATA;
	}
	if (ret == 0)
		memcpy(a->ref, res->templ, a->dim);
	if (res)
		OPENSSL_cleanse(res, sizeof(*res));
	free(res);
	return ret;
}

static void reference_done(struct mncr_face_attempt *a, int ret,
			   const char *err)
{
	a->st.photo_tried = true;
	a->st.photo_usable = ret == 0;
	if (ret == 0) {
		say(a, "card photo: face found, template made");
		return;
	}
	snprintf(a->st.photo_why, sizeof(a->st.photo_why), "%s",
		 err[0] ? err : strerror(-ret));
	say(a, "card photo: not usable (%s)", a->st.photo_why);
}

int mncr_face_attempt_set_reference(struct mncr_face_attempt *a,
				    const struct mncr_face_image *photo)
{
	char err[160] = "";
	int ret = load_models(a);

	if (ret < 0)
		return ret;
	reference_done(a, photo_template(a, photo, err, sizeof(err)), err);
	return 0;
}

/* The card's verdict lets its photo be used (policy for unavailable). */
static bool card_trusted(const struct mncr_face_attempt *a)
{
	return a->st.card_verdict < 0 || a->st.card_verdict == MNCR_CARD_AUTHENTIC ||
	       (a->st.card_verdict == MNCR_CARD_UNAVAILABLE && a->o.allow_unavailable);
}

/* The card photo into a->photo, read and checked once per session. */
static int read_photo(struct mncr_face_attempt *a)
{
	struct mncr_card_front front;
	struct mncr_visual_front vf = { 0 };
	char *err = a->photo_err;
	size_t len = sizeof(a->photo_err);
	int ret;

	if (a->photo_read)
		return a->photo_ret;
	a->photo_read = true;
	say(a, "reading the card photo (券面AP, 照合番号B from the card front) ...");
	if (!a->o.io)
		ret = -ENODEV;
	else if (a->o.card_front)
		ret = a->o.card_front(a->o.ctx, &front);
	else
		ret = mncr_device_card_front(a->o.fd, &front);
	if (ret == 0 && a->o.ca) {
		enum mncr_card_auth_verdict v = MNCR_CARD_UNAVAILABLE;

		ret = mncr_card_photo_read_checked(a->o.io, &front, a->o.ca, &vf,
						   NULL, NULL, &v,
						   a->st.card_why,
						   sizeof(a->st.card_why));
		if (ret == 0) {
			a->st.card_verdict = (int)v;
			say(a, "card authenticity: %s (%s)",
			    mncr_card_auth_verdict_name(v), a->st.card_why);
		}
		/* Not the holder's photo until proven: not even decoded. */
		if (ret == 0 && !card_trusted(a)) {
			snprintf(err, len, "the card could not be verified");
			ret = -EPERM;
		}
	} else if (ret == 0) {
		ret = mncr_card_photo_read(a->o.io, &front, &vf, NULL, NULL);
	}
	OPENSSL_cleanse(&front, sizeof(front));
	if (ret == 0)
		ret = mncr_face_image_decode(vf.photo, vf.photo_len, &a->photo,
					     err, len);
	mncr_visual_front_clear(&vf);
	a->photo_ret = ret;
	return ret;
}

/* The card photo's template, once per session. */
static void card_reference(struct mncr_face_attempt *a)
{
	char err[160] = "";
	int ret;

	if (a->st.photo_tried)
		return;
	ret = read_photo(a);
	if (ret < 0)
		snprintf(err, sizeof(err), "%s", a->photo_err);
	else
		ret = photo_template(a, &a->photo, err, sizeof(err));
	reference_done(a, ret, err);
}

/* One frame from the reader's camera, opened on first use. */
static int camera_grab(struct mncr_face_attempt *a, bool fresh,
		       struct mncr_face_image *img, int timeout_ms, char *err,
		       size_t len)
{
	int ret;

	if (!a->camera) {
		if (!a->camera_node[0]) {
			ret = mncr_camera_find(a->o.reader_node, a->camera_node,
					       sizeof(a->camera_node), err, len);
			if (ret < 0)
				return ret;
		}
		ret = mncr_camera_open(a->camera_node, 0, 0, &a->camera, err,
				       len);
		if (ret < 0)
			return ret;
	}
	/*
	 * An attempt's first frame may have waited in the camera (or the USB
	 * pipe) since before the attempt: someone else's face. Drop it.
	 */
	if (fresh) {
		ret = mncr_camera_grab(a->camera, img, timeout_ms, err, len);
		if (ret < 0)
			return ret;
		wipe_image(img);
	}
	return mncr_camera_grab(a->camera, img, timeout_ms, err, len);
}

/*
 * One live frame into img: the caller's source, the camera (waiting up to
 * timeout_ms) or a picture. Says nothing: err says why not.
 */
static int take_frame(struct mncr_face_attempt *a, unsigned int n, bool fresh,
		      struct mncr_face_image *img, int timeout_ms, char *err,
		      size_t len)
{
	if (a->o.frames)
		return a->o.frames->grab(a->o.frames->ctx, n, fresh, img, err,
					 len);
	if (a->o.n_pictures == 0)
		return camera_grab(a, fresh, img, timeout_ms, err, len);
	return mncr_face_image_load(a->o.pictures[n % a->o.n_pictures], img,
				    err, len);
}

/* take_frame() for an attempt: a failure goes to the transcript. */
static int grab(struct mncr_face_attempt *a, unsigned int n, bool fresh,
		struct mncr_face_image *img)
{
	char err[160] = "";
	int ret = take_frame(a, n, fresh, img, GRAB_MS, err, sizeof(err));

	if (ret < 0)
		say(a, "camera: %s", err[0] ? err : strerror(-ret));
	return ret;
}

/* The reader's match ioctl; the library's scorer (same numbers) without one. */
static void score(struct mncr_face_attempt *a, const int8_t *probes, size_t n,
		  int32_t *scores)
{
	uint32_t flags = 0;

	if (a->o.fd >= 0 &&
	    mncr_device_match(a->o.fd, probes, n, a->ref, 1,
			      a->dim, scores, &flags) == 0)
		return;
	mncr_match_score_ref(probes, n, a->ref, 1, a->dim, scores);
}

/* One attempt's consecutive camera frames. */
struct run {
	struct mncr_face_image *img;
	unsigned int n, cap;
	double fps;		/* the rate they came at */
	unsigned int attempt;
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
 * frames). base numbers the frames over the session.
 */
static int run_capture(struct mncr_face_attempt *a, struct run *r,
		       unsigned int base, bool fresh)
{
	struct timespec t0;
	int ret = 0;

	run_wipe(r);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (r->n < r->cap) {
		ret = grab(a, base + r->n, fresh && r->n == 0, &r->img[r->n]);
		if (ret < 0)
			break;
		view(a, &r->img[r->n], NULL, -1, r->attempt);
		r->n++;
	}
	r->fps = r->n * 1000.0 / (ms_since(&t0) + 1e-3);
	/* A camera that stops mid-run leaves what it gave. */
	return r->n ? 0 : ret;
}

/* Match: up to k frames spread over the run, full pipeline, best score. */
static int run_match(struct mncr_face_attempt *a, const struct run *r,
		     unsigned int k, struct mncr_face_result *res,
		     unsigned int *faces, struct mncr_face_decision *d)
{
	int8_t probes[MATCH_MAX * MNCR_FACE_TEMPLATE_MAX];
	int32_t scores[MATCH_MAX];
	size_t n = 0;
	int ret = 0;

	*faces = 0;
	memset(d, 0, sizeof(*d));
	if (k > r->n)
		k = r->n;
	if (k > MATCH_MAX)
		k = MATCH_MAX;
	for (unsigned int i = 0; i < k; i++) {
		unsigned int at = (unsigned int)(((2 * i + 1) * r->n) / (2 * k));

		ret = mncr_face_pipeline_run(a->pipe, a->ws, &r->img[at], NULL, res);
		if (ret < 0)
			break;
		view(a, &r->img[at], res, -1, r->attempt);
		if (res->status == MNCR_FACE_OK)
			memcpy(probes + n++ * a->dim, res->templ, a->dim);
	}
	*faces = (unsigned int)n;
	if (ret == 0 && n > 0) {
		score(a, probes, n, scores);
		mncr_face_decide_scores(scores, n, a->st.threshold, d);
	}
	OPENSSL_cleanse(probes, sizeof(probes));
	return ret;
}

/* Liveness over the run's frames in order until it decides. */
static int run_liveness(struct mncr_face_attempt *a,
			struct mncr_face_liveness *l, const struct run *r,
			struct mncr_face_result *res, unsigned int *judged)
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
		int ret = mncr_face_pipeline_run(a->pipe, a->ws, &r->img[i], &o, res);

		if (ret < 0)
			return ret;
		++*judged;
		face = res->status == MNCR_FACE_OK || res->status == MNCR_FACE_QUALITY;
		state = mncr_face_liveness_feed(l, face ? res->pts : NULL,
						face ? &r->img[i] : NULL, NULL);
		if (state < 0)
			return state;
		view(a, &r->img[i], res, state, r->attempt);
		if (state != MNCR_FACE_LIVENESS_PENDING)
			break;
		/* Slow machines take seconds a frame: show it is working. */
		if (ms_since(&t0) >= next_say) {
			say(a, "liveness: %u of %u frames looked at ...", *judged, r->n);
			next_say += PROGRESS_MS;
		}
	}
	return state;
}

/*
 * Judges a matching face: live, spoof or undecided after LIVENESS_RUNS
 * runs. The first run is the one that matched; later ones are new frames.
 * The reason lands in the status.
 */
static int judge_liveness(struct mncr_face_attempt *a, struct run *r,
			  unsigned int base, struct mncr_face_result *res)
{
	struct mncr_face_liveness *l = mncr_face_liveness_new(NULL);
	int state = -ENOMEM;

	snprintf(a->st.liveness_why, sizeof(a->st.liveness_why), "out of memory");
	if (!l)
		return state;
	for (unsigned int k = 0; k < LIVENESS_RUNS; k++) {
		unsigned int judged = 0;

		if (k > 0) {
			say(a, "liveness: not decided yet, %u more frames (look at the camera and blink)",
			    r->cap);
			state = run_capture(a, r, base + k * r->cap, false);
			if (state < 0)
				break;
		}
		state = run_liveness(a, l, r, res, &judged);
		/* A blink lasts 0.1 to 0.3 s: a few frames at 15 fps, none at 3. */
		say(a, "liveness: %u frames at %.1f fps, %u judged: %s%s",
		    r->n, r->fps, judged,
		    state < 0 ? strerror(-state) :
		    mncr_face_liveness_state_name(state),
		    state == MNCR_FACE_LIVENESS_PENDING && r->fps < 8 ?
		    " (the camera is too slow to see a blink)" : "");
		if (state != MNCR_FACE_LIVENESS_PENDING)
			break;
	}
	/* The reason is the accumulator's; keep it past the free. */
	snprintf(a->st.liveness_why, sizeof(a->st.liveness_why), "%s",
		 mncr_face_liveness_reason(l));
	mncr_face_liveness_free(l);
	return state;
}

/* The camera errors that end a run, not the attempt. */
static bool camera_gave_out(int ret)
{
	return ret == -ENODEV || ret == -ETIMEDOUT || ret == -EAGAIN;
}

int mncr_face_attempt_run(struct mncr_face_attempt *a, unsigned int attempt,
			  enum mncr_flow_face_result *res)
{
	unsigned int k = a->o.face_frames;
	unsigned int len = a->o.liveness_frames, base, faces = 0;
	struct run run = { 0 };
	struct mncr_face_result *r = NULL;
	struct mncr_face_decision d;
	int ret, live;

	ret = load_models(a);
	if (ret < 0)
		return ret;
	card_reference(a);
	ret = card_present(a);
	if (ret < 0)
		return ret;
	/* A photo not proven the holder's is never matched. */
	if (!card_trusted(a)) {
		*res = MNCR_FLOW_FACE_CARD_UNVERIFIED;
		say(a, "no face attempt: the card could not be verified (%s)",
		    mncr_card_auth_verdict_name(a->st.card_verdict));
		return 0;
	}
	/* Nothing to compare a face with: no attempt, straight to the choices. */
	if (!a->st.photo_usable) {
		*res = MNCR_FLOW_FACE_PHOTO_UNUSABLE;
		say(a, "no face attempt: the card photo is not usable (%s)",
		    a->st.photo_why);
		return 0;
	}
	if (len < k)
		len = k;
	base = (attempt - 1) * len * (LIVENESS_RUNS + 1);
	run.img = calloc(len, sizeof(*run.img));
	run.cap = len;
	run.attempt = attempt;
	r = calloc(1, sizeof(*r));
	if (!run.img || !r) {
		ret = -ENOMEM;
		goto out;
	}
	ret = run_capture(a, &run, base, true);
	if (ret < 0 && !camera_gave_out(ret))
		goto out;
	ret = run.n ? run_match(a, &run, k, r, &faces, &d) : 0;
	if (ret < 0)
		goto out;
	if (faces == 0) {
		*res = MNCR_FLOW_FACE_NO_FACE;
		say(a, "face attempt %u: no usable face in %u frames", attempt,
		    run.n < k ? run.n : k);
		goto out;
	}
	a->st.last_score = d.best_score;
	say(a, "face attempt %u: %u/%u frames with a face, best score %d (threshold %d): %s",
	    attempt, faces, run.n < k ? run.n : k, d.best_score,
	    a->st.threshold, d.accept ? "match" : "no match");
	if (!d.accept) {
		*res = MNCR_FLOW_FACE_NO_MATCH;
		goto out;
	}
	live = judge_liveness(a, &run, base + len, r);
	if (live < 0 && !camera_gave_out(live)) {
		ret = live;
		goto out;
	}
	if (live != MNCR_FACE_LIVENESS_LIVE) {
		*res = MNCR_FLOW_FACE_LIVENESS_FAIL;
		say(a, "face attempt %u: liveness check failed (%s)", attempt,
		    live == MNCR_FACE_LIVENESS_SPOOF ? a->st.liveness_why :
		    live < 0 ? "the camera stopped" : "no blink or head turn seen");
		goto out;
	}
	say(a, "face attempt %u: live (%s)", attempt, a->st.liveness_why);
	*res = MNCR_FLOW_FACE_MATCH;
out:
	run_wipe(&run);
	free(run.img);
	if (r)
		OPENSSL_cleanse(r, sizeof(*r));
	free(r);
	if (ret == 0)
		ret = card_present(a);
	return ret;
}

int mncr_face_attempt_show_photo(struct mncr_face_attempt *a, bool live)
{
	struct mncr_face_view v = { .photo = true, .liveness = -1 };
	struct mncr_face_image img = { 0 };
	int ret = read_photo(a), shown = -ENODATA;

	if (ret == 0 && a->o.frame) {
		v.img = &a->photo;
		a->o.frame(a->o.ctx, &v);
		shown = 0;
	} else if (ret < 0) {
		say(a, "card photo: not shown (%s)",
		    a->photo_err[0] ? a->photo_err : strerror(-ret));
	}
	ret = card_present(a);
	if (ret < 0 || !live)
		return ret < 0 ? ret : shown;
	if (grab(a, 0, true, &img) == 0) {
		v = (struct mncr_face_view){ .img = &img, .liveness = -1 };
		if (a->o.frame)
			a->o.frame(a->o.ctx, &v);
		shown = 0;
	}
	wipe_image(&img);
	return shown;
}

static bool live_stopped(struct mncr_face_attempt *a)
{
	return atomic_load(&a->live_stop);
}

/* Until frame_ms after the last frame shown, in naps; false once stopped. */
static bool live_nap(struct mncr_face_attempt *a)
{
	while (!live_stopped(a)) {
		double left = frame_gap(a) - ms_since(&a->last_view);
		struct timespec ts = { 0, LIVE_NAP_MS * 1000000L };

		if (left <= 0)
			return true;
		if (left < LIVE_NAP_MS)
			ts.tv_nsec = (long)(left * 1e6);
		nanosleep(&ts, NULL);
	}
	return false;
}

/* The retries a live view makes: a camera without a frame yet. */
static bool live_retry(int ret)
{
	return ret == -ETIMEDOUT || ret == -EAGAIN;
}

/*
 * The live view's thread: frames to the watcher, one each frame_ms, until
 * stopped or the source fails (quiet: why is said at live_stop). The
 * reader's camera paces the reads (frames left in it would go stale);
 * other sources answer at once and are read once a frame_ms.
 */
static void *live_run(void *arg)
{
	struct mncr_face_attempt *a = arg;
	bool camera = !a->o.frames && a->o.n_pictures == 0;
	struct timespec last;	/* the last frame taken */

	clock_gettime(CLOCK_MONOTONIC, &last);
	for (unsigned int n = 1; !live_stopped(a); n++) {
		struct mncr_face_image img = { 0 };
		int ret;

		if (!camera && !live_nap(a))
			break;
		ret = take_frame(a, n, false, &img, LIVE_GRAB_MS, a->live_why,
				 sizeof(a->live_why));
		if (ret == 0) {
			clock_gettime(CLOCK_MONOTONIC, &last);
			if (!live_stopped(a) && view(a, &img, NULL, -1, 0))
				a->live_frames++;
		}
		wipe_image(&img);
		if (ret < 0 && !(live_retry(ret) && ms_since(&last) < LIVE_QUIET_MS)) {
			a->live_ret = ret;
			break;
		}
	}
	return NULL;
}

int mncr_face_attempt_live_start(struct mncr_face_attempt *a)
{
	int ret;

	if (a->live_on)
		return -EALREADY;
	if (!a->o.frame)
		return -ENODATA;
	atomic_store(&a->live_stop, false);
	a->live_ret = 0;
	a->live_frames = 0;
	a->live_why[0] = '\0';
	ret = pthread_create(&a->live, NULL, live_run, a);
	if (ret) {
		say(a, "live view: not started (%s)", strerror(ret));
		return -ret;
	}
	a->live_on = true;
	return 0;
}

void mncr_face_attempt_live_stop(struct mncr_face_attempt *a)
{
	if (!a || !a->live_on)
		return;
	atomic_store(&a->live_stop, true);
	pthread_join(a->live, NULL);
	a->live_on = false;
	if (a->live_ret < 0)
		say(a, "live view: %u frames, then the camera stopped (%s)",
		    a->live_frames, a->live_why[0] ? a->live_why :
		    strerror(-a->live_ret));
	else
		say(a, "live view: %u frames", a->live_frames);
}
