// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The face attempt's decisions with a scripted frame source and the
 * library's scorer (no reader node): an unusable card photo takes no
 * frame, frames without a face give NO_FACE, a printed photo of the holder
 * (the same still picture in every frame) matches but fails liveness, the
 * camera's errors end the run or the attempt, a removed card ends it, and
 * the first frame of an attempt is asked fresh; the card photo is read from
 * the card emulator with the caller's card front; 目視確認's live view
 * sends frames from its own thread until stopped, none after, none without
 * a watcher, and a failing source ends it quietly. Needs the models
 * ($MNCR_MODELS, default build/models) and tests/faces/eileen_collins.png;
 * those tests skip without them (the live view's need neither).
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "face/face_decision.h"
#include "face/face_jp2.h"
#include "flow/face_attempt.h"
#include "test_card_fixture.h"

#define HOLDER "tests/faces/eileen_collins.png"

static const char *models_dir(void)
{
	const char *d = getenv("MNCR_MODELS");

	return d && *d ? d : "build/models";
}

static struct mncr_face_pipeline *pl, *pl512;	/* resnet, mfn512 */
static struct mncr_face_image holder, blank;

struct script {
	const struct mncr_face_image *frame;	/* copied into every grab */
	struct fx *card;		/* the card front's, for card_front */
	unsigned int fronts;		/* card_front calls */
	int fail;			/* -errno from the first grab on, or 0 */
	atomic_uint grabs;		/* also from the live view's thread */
	unsigned int fresh, first_fresh_at;
	bool card_out;
	char transcript[8192];
	/* what the watcher (opts.frame) was given */
	unsigned int views, boxes, judged, photos, live_after_photo;
	unsigned int last_attempt;
	int photo_w, photo_h;
};

static int grab(void *ctx, unsigned int n, bool fresh,
		struct mncr_face_image *img, char *why, size_t len)
{
	struct script *s = ctx;

	(void)n;
	if (fresh && !s->fresh++)
		s->first_fresh_at = s->grabs;
	s->grabs++;
	if (s->fail) {
		snprintf(why, len, "scripted failure");
		return s->fail;
	}
	if (mncr_face_image_alloc(img, s->frame->w, s->frame->h))
		return -ENOMEM;
	memcpy(img->px, s->frame->px, (size_t)img->w * (size_t)img->h);
	return 0;
}

static int card_present(void *ctx)
{
	return ((struct script *)ctx)->card_out ? -ENOMEDIUM : 0;
}

static int card_front(void *ctx, struct mncr_card_front *front)
{
	struct script *s = ctx;

	s->fronts++;
	fx_front(s->card, front);
	return 0;
}

static void say(void *ctx, const char *line)
{
	struct script *s = ctx;
	size_t used = strlen(s->transcript);

	snprintf(s->transcript + used, sizeof(s->transcript) - used, "%s\n", line);
}

static void watch(void *ctx, const struct mncr_face_view *v)
{
	struct script *s = ctx;

	s->views++;
	assert_non_null(v->img->px);
	if (v->photo) {
		s->photos++;
		s->photo_w = v->img->w;
		s->photo_h = v->img->h;
		assert_null(v->box);
		return;
	}
	if (s->photos)
		s->live_after_photo++;
	if (v->box) {
		s->boxes++;
		/* The box lies in the frame. */
		assert_true(v->box->x >= -v->box->w && v->box->w > 0 &&
			    v->box->x + v->box->w <= 2.0f * (float)v->img->w);
	}
	if (v->liveness >= 0)
		s->judged++;
	s->last_attempt = v->attempt;
}

static struct mncr_face_frames frames = { .grab = grab };

static struct mncr_face_attempt *attempt_for(struct script *s)
{
	struct mncr_face_attempt_opts o = {
		.models = models_dir(),
		.pipe = pl,
		.face_frames = 2,
		.liveness_frames = 3,
		.fd = -1,
		.frames = &frames,
		.card_present = card_present,
		.say = say,
		.ctx = s,
	};
	struct mncr_face_attempt *a = NULL;

	frames.ctx = s;
	assert_int_equal(mncr_face_attempt_new(&o, &a), 0);
	return a;
}

static int setup(void **state)
{
	char err[256];

	(void)state;
	if (mncr_face_pipeline_load_network(&pl, models_dir(), MNCR_FACE_NET_RESNET,
					    err, sizeof(err)))
		print_message("models not loaded (%s): tests skip\n", err);
	if (mncr_face_pipeline_load_network(&pl512, models_dir(), MNCR_FACE_NET_MFN512,
					    err, sizeof(err)))
		print_message("mfn512 not loaded (%s): its test skips\n", err);
	if (mncr_face_image_load(HOLDER, &holder, err, sizeof(err)))
		print_message("%s: %s: tests skip\n", HOLDER, err);
	if (mncr_face_image_alloc(&blank, 320, 240))
		return -1;
	memset(blank.px, 128, (size_t)blank.w * (size_t)blank.h);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mncr_face_pipeline_free(pl);
	mncr_face_pipeline_free(pl512);
	mncr_face_image_free(&holder);
	mncr_face_image_free(&blank);
	return 0;
}

#define NEED_MODELS()							\
	do {								\
		if (!pl || !holder.px) {				\
			print_message("skipped: no models or no %s\n", HOLDER); \
			skip();						\
		}							\
	} while (0)

/* A reference from the holder's photo, checked usable. */
static struct mncr_face_attempt *holder_attempt(struct script *s)
{
	struct mncr_face_attempt *a = attempt_for(s);

	assert_int_equal(mncr_face_attempt_set_reference(a, &holder), 0);
	assert_true(mncr_face_attempt_status(a)->photo_tried);
	assert_true(mncr_face_attempt_status(a)->photo_usable);
	return a;
}

static void test_photo_unusable_takes_no_frame(void **state)
{
	struct script s = { .frame = &holder };
	enum mncr_flow_face_result res = MNCR_FLOW_FACE_MATCH;
	struct mncr_face_attempt *a;

	(void)state;
	NEED_MODELS();
	a = attempt_for(&s);
	assert_int_equal(mncr_face_attempt_set_reference(a, &blank), 0);
	assert_true(mncr_face_attempt_status(a)->photo_tried);
	assert_false(mncr_face_attempt_status(a)->photo_usable);
	assert_true(mncr_face_attempt_status(a)->photo_why[0]);
	assert_int_equal(mncr_face_attempt_run(a, 1, &res), 0);
	assert_int_equal(res, MNCR_FLOW_FACE_PHOTO_UNUSABLE);
	assert_int_equal(s.grabs, 0);
	assert_non_null(strstr(s.transcript, "no face attempt: the card photo is not usable"));
	mncr_face_attempt_free(a);
}

static void test_no_face_in_frames(void **state)
{
	struct script s = { .frame = &blank };
	enum mncr_flow_face_result res = MNCR_FLOW_FACE_MATCH;
	struct mncr_face_attempt *a;

	(void)state;
	NEED_MODELS();
	a = holder_attempt(&s);
	assert_int_equal(mncr_face_attempt_run(a, 1, &res), 0);
	assert_int_equal(res, MNCR_FLOW_FACE_NO_FACE);
	/* One run, its first frame fresh (a camera drops a stale one). */
	assert_int_equal(s.grabs, 3);
	assert_int_equal(s.fresh, 1);
	assert_int_equal(s.first_fresh_at, 0);
	assert_non_null(strstr(s.transcript, "face attempt 1: no usable face in 2 frames"));
	mncr_face_attempt_free(a);
}

/* A still picture of the holder matches the card photo but is not live. */
static void test_printed_photo_matches_but_fails_liveness(void **state)
{
	struct script s = { .frame = &holder };
	enum mncr_flow_face_result res = MNCR_FLOW_FACE_MATCH;
	struct mncr_face_attempt *a;
	const struct mncr_face_attempt_status *st;

	(void)state;
	NEED_MODELS();
	a = holder_attempt(&s);
	assert_int_equal(mncr_face_attempt_run(a, 2, &res), 0);
	st = mncr_face_attempt_status(a);
	assert_true(st->last_score >= st->threshold);
	assert_non_null(strstr(s.transcript, "face attempt 2: 2/2 frames with a face"));
	assert_non_null(strstr(s.transcript, "match"));
	assert_int_equal(res, MNCR_FLOW_FACE_LIVENESS_FAIL);
	assert_non_null(strstr(s.transcript, "face attempt 2: liveness check failed"));
	assert_null(strstr(s.transcript, ": live ("));
	/*
	 * The still picture never blinks: three runs of 3 frames, then "no
	 * blink"; only the attempt's first frame is fresh.
	 */
	assert_int_equal(s.grabs, 9);
	assert_non_null(strstr(s.transcript, "no blink or head turn seen"));
	assert_int_equal(s.fresh, 1);
	mncr_face_attempt_free(a);
}

static void test_camera_error_ends_attempt(void **state)
{
	struct script s = { .frame = &holder, .fail = -EIO };
	enum mncr_flow_face_result res = MNCR_FLOW_FACE_MATCH;
	struct mncr_face_attempt *a;

	(void)state;
	NEED_MODELS();
	a = holder_attempt(&s);
	assert_int_equal(mncr_face_attempt_run(a, 1, &res), -EIO);
	assert_int_equal(s.grabs, 1);
	assert_non_null(strstr(s.transcript, "camera: scripted failure"));
	mncr_face_attempt_free(a);
}

/* A camera that gives nothing in time: no face, not an error. */
static void test_camera_timeout_is_no_face(void **state)
{
	struct script s = { .frame = &holder, .fail = -ETIMEDOUT };
	enum mncr_flow_face_result res = MNCR_FLOW_FACE_MATCH;
	struct mncr_face_attempt *a;

	(void)state;
	NEED_MODELS();
	a = holder_attempt(&s);
	assert_int_equal(mncr_face_attempt_run(a, 1, &res), 0);
	assert_int_equal(res, MNCR_FLOW_FACE_NO_FACE);
	assert_non_null(strstr(s.transcript, "face attempt 1: no usable face in 0 frames"));
	mncr_face_attempt_free(a);
}

static void test_card_removed_ends_attempt(void **state)
{
	struct script s = { .frame = &holder, .card_out = true };
	enum mncr_flow_face_result res = MNCR_FLOW_FACE_MATCH;
	struct mncr_face_attempt *a;

	(void)state;
	NEED_MODELS();
	a = holder_attempt(&s);
	assert_int_equal(mncr_face_attempt_run(a, 1, &res), -ENOMEDIUM);
	assert_int_equal(s.grabs, 0);
	mncr_face_attempt_free(a);
}

/*
 * The card photo from the chip: the emulated card holds the holder's
 * picture as JPEG 2000 (as the simulator makes it), 照合番号B comes from
 * the caller's card front, and the photo is read once per session.
 */
/* A started PIN-less emulated card whose chip photo is the holder's. */
static void holder_card(struct script *s, void **fxs, uint8_t **jp2)
{
	struct mncr_face_image crop = { 0 };
	size_t jp2_len = 0;

	assert_int_equal(fx_setup(fxs), 0);
	s->card = *fxs;
	assert_int_equal(mncr_face_passport_crop(&holder, 150, 180, &crop), 0);
	assert_int_equal(mncr_face_jp2_encode(&crop, 8, jp2, &jp2_len), 0);
	mncr_face_image_free(&crop);
	assert_int_equal(fx_profile(s->card, "pinless"), 0);
	s->card->profile.photo = *jp2;
	s->card->profile.photo_len = jp2_len;
	assert_int_equal(fx_start(s->card), 0);
}

static void test_card_photo_with_callers_front(void **state)
{
	struct script s = { .frame = &holder };
	struct mncr_face_attempt_opts o = {
		.pipe = pl, .face_frames = 2, .liveness_frames = 3, .fd = -1,
		.frames = &frames, .card_front = card_front,
		.card_present = card_present, .say = say, .ctx = &s,
	};
	enum mncr_flow_face_result res = MNCR_FLOW_FACE_MATCH;
	struct mncr_face_attempt *a = NULL;
	void *fxs = NULL;
	unsigned int commands;
	uint8_t *jp2 = NULL;

	(void)state;
	NEED_MODELS();
	holder_card(&s, &fxs, &jp2);
	o.io = &s.card->io;
	frames.ctx = &s;
	assert_int_equal(mncr_face_attempt_new(&o, &a), 0);

	assert_int_equal(mncr_face_attempt_run(a, 1, &res), 0);
	assert_int_equal(s.fronts, 1);
	assert_true(s.card->commands > 0);
	assert_true(mncr_face_attempt_status(a)->photo_usable);
	assert_non_null(strstr(s.transcript, "card photo: face found, template made"));
	/* The still holder matches the chip's photo; it does not blink. */
	assert_int_equal(res, MNCR_FLOW_FACE_LIVENESS_FAIL);
	commands = s.card->commands;
	assert_int_equal(mncr_face_attempt_run(a, 2, &res), 0);
	assert_int_equal(s.fronts, 1);
	assert_int_equal(s.card->commands, commands);
	mncr_face_attempt_free(a);

	/* Without the hook the front comes from the node: there is none. */
	memset(s.transcript, 0, sizeof(s.transcript));
	o.card_front = NULL;
	assert_int_equal(mncr_face_attempt_new(&o, &a), 0);
	assert_int_equal(mncr_face_attempt_run(a, 1, &res), 0);
	assert_int_equal(res, MNCR_FLOW_FACE_PHOTO_UNUSABLE);
	assert_int_equal(s.card->commands, commands);
	mncr_face_attempt_free(a);

	fx_teardown(&fxs);
	free(jp2);
}

/*
 * The holder in front of the camera, the holder's photo on a card whose
 * 券面 signature does not cover it (forged-photo): the card is checked
 * before the photo is used, no frame is taken and nothing is matched. The
 * same photo on a genuine card is matched (and fails only liveness).
 */
static void test_forged_card_is_never_matched(void **state)
{
	static const uint8_t ca_id[MNCR_CVC_KEY_ID_LEN] = {
		'9', '0', '0', '0', '0', '2', '3', 0x08, 0x05, '0', '0', '1', 0, 0, 0, 0
	};
	struct script s = { .frame = &holder };
	struct mncr_card_emul_cv cv = { 0 };
	struct mncr_cvca_set *ca;
	struct mncr_face_attempt_opts o = {
		.pipe = pl, .face_frames = 2, .liveness_frames = 3, .fd = -1,
		.frames = &frames, .card_front = card_front,
		.card_present = card_present, .say = say, .ctx = &s,
	};
	static const char *const presets[] = { "forged-photo", "pin" };
	struct mncr_face_image crop = { 0 };
	void *fxs = NULL;
	uint8_t *jp2 = NULL;
	size_t jp2_len = 0;

	(void)state;
	NEED_MODELS();
	/* After the skip: a skipped test allocates nothing (ASan's leak check). */
	ca = mncr_cvca_new();
	o.ca = ca;
	assert_int_equal(fx_setup(&fxs), 0);
	s.card = fxs;
	cv.ca_key = EVP_RSA_gen(2048);
	cv.ap_key = EVP_RSA_gen(2048);
	memcpy(cv.ca_id, ca_id, sizeof(ca_id));
	assert_int_equal(mncr_cvca_add(ca, ca_id, cv.ca_key), 0);
	assert_int_equal(mncr_face_passport_crop(&holder, 150, 180, &crop), 0);
	assert_int_equal(mncr_face_jp2_encode(&crop, 8, &jp2, &jp2_len), 0);
	for (size_t i = 0; i < 2; i++) {
		enum mncr_flow_face_result res = MNCR_FLOW_FACE_MATCH;
		struct mncr_face_attempt *a = NULL;

		assert_int_equal(fx_profile(s.card, presets[i]), 0);
		s.card->profile.photo = jp2;
		s.card->profile.photo_len = jp2_len;
		s.card->profile.cv = &cv;
		s.card->profile.face_key = s.card->key;
		assert_int_equal(fx_start(s.card), 0);
		o.io = &s.card->io;
		frames.ctx = &s;
		s.grabs = 0;
		assert_int_equal(mncr_face_attempt_new(&o, &a), 0);
		assert_int_equal(mncr_face_attempt_run(a, 1, &res), 0);
		if (i == 0) {
			assert_int_equal(res, MNCR_FLOW_FACE_CARD_UNVERIFIED);
			assert_int_equal(s.grabs, 0);
			assert_int_equal(mncr_face_attempt_status(a)->card_verdict,
					 MNCR_CARD_FORGED);
			assert_false(mncr_face_attempt_status(a)->photo_usable);
			/* Asked again: still nothing matched. */
			assert_int_equal(mncr_face_attempt_run(a, 2, &res), 0);
			assert_int_equal(res, MNCR_FLOW_FACE_CARD_UNVERIFIED);
			assert_int_equal(s.grabs, 0);
		} else {
			assert_int_equal(mncr_face_attempt_status(a)->card_verdict,
					 MNCR_CARD_AUTHENTIC);
			assert_int_equal(res, MNCR_FLOW_FACE_LIVENESS_FAIL);
			assert_true(s.grabs > 0);
		}
		mncr_face_attempt_free(a);
	}
	mncr_cvca_free(ca);
	EVP_PKEY_free(cv.ca_key);
	EVP_PKEY_free(cv.ap_key);
	fx_teardown(&fxs);
	mncr_face_image_free(&crop);
	free(jp2);
}

/* Models that are not there: the attempt fails and says why. */
/*
 * The watcher gets the frames as they are taken and judged: a face box
 * from the match, the liveness state from its run, the attempt number;
 * frame_ms limits the rate (one a minute: a single frame per attempt).
 */
static void test_frames_to_the_watcher(void **state)
{
	struct script s = { .frame = &holder };
	struct mncr_face_attempt_opts o = {
		.pipe = pl, .face_frames = 2, .liveness_frames = 3, .fd = -1,
		.frames = &frames, .card_present = card_present, .say = say,
		.frame = watch, .frame_ms = 1, .ctx = &s,
	};
	enum mncr_flow_face_result res = MNCR_FLOW_FACE_MATCH;
	struct mncr_face_attempt *a = NULL;

	(void)state;
	NEED_MODELS();
	frames.ctx = &s;
	assert_int_equal(mncr_face_attempt_new(&o, &a), 0);
	assert_int_equal(mncr_face_attempt_set_reference(a, &holder), 0);
	assert_int_equal(mncr_face_attempt_run(a, 2, &res), 0);
	assert_int_equal(res, MNCR_FLOW_FACE_LIVENESS_FAIL);
	assert_true(s.views >= 3);
	assert_true(s.boxes >= 1);
	assert_true(s.judged >= 1);
	assert_int_equal(s.last_attempt, 2);
	assert_int_equal(s.photos, 0);
	mncr_face_attempt_free(a);

	memset(&s, 0, sizeof(s));
	s.frame = &holder;
	o.frame_ms = 60000;
	assert_int_equal(mncr_face_attempt_new(&o, &a), 0);
	assert_int_equal(mncr_face_attempt_set_reference(a, &holder), 0);
	assert_int_equal(mncr_face_attempt_run(a, 1, &res), 0);
	assert_int_equal(s.grabs, 9);
	assert_int_equal(s.views, 1);
	mncr_face_attempt_free(a);
}

/*
 * For 目視確認 the chip's photo (decoded, its size) goes to the watcher,
 * then one live frame; read from the card once, also for a later attempt.
 * A card whose front cannot be read shows no photo.
 */
static void test_card_photo_shown(void **state)
{
	struct script s = { .frame = &holder };
	struct mncr_face_attempt_opts o = {
		.pipe = pl, .face_frames = 2, .liveness_frames = 3, .fd = -1,
		.frames = &frames, .card_front = card_front,
		.card_present = card_present, .say = say, .frame = watch,
		.ctx = &s,
	};
	enum mncr_flow_face_result res = MNCR_FLOW_FACE_MATCH;
	struct mncr_face_attempt *a = NULL;
	void *fxs = NULL;
	unsigned int commands;
	uint8_t *jp2 = NULL;

	(void)state;
	NEED_MODELS();
	holder_card(&s, &fxs, &jp2);
	o.io = &s.card->io;
	frames.ctx = &s;
	assert_int_equal(mncr_face_attempt_new(&o, &a), 0);

	assert_int_equal(mncr_face_attempt_show_photo(a, true), 0);
	assert_int_equal(s.photos, 1);
	assert_int_equal(s.photo_w, 150);
	assert_int_equal(s.photo_h, 180);
	assert_int_equal(s.live_after_photo, 1);
	assert_int_equal(s.fronts, 1);
	commands = s.card->commands;
	assert_int_equal(mncr_face_attempt_show_photo(a, false), 0);
	assert_int_equal(s.photos, 2);
	assert_int_equal(s.live_after_photo, 1);
	assert_int_equal(mncr_face_attempt_run(a, 1, &res), 0);
	assert_true(mncr_face_attempt_status(a)->photo_usable);
	assert_int_equal(s.card->commands, commands);
	assert_int_equal(s.fronts, 1);
	mncr_face_attempt_free(a);

	/* No front: nothing read, no photo; the live frame still comes. */
	memset(&s, 0, sizeof(s));
	s.frame = &holder;
	s.card = fxs;
	o.card_front = NULL;
	assert_int_equal(mncr_face_attempt_new(&o, &a), 0);
	assert_int_equal(mncr_face_attempt_show_photo(a, true), 0);
	assert_int_equal(s.photos, 0);
	assert_int_equal(s.views, 1);
	assert_non_null(strstr(s.transcript, "card photo: not shown"));
	assert_int_equal(mncr_face_attempt_show_photo(a, false), -ENODATA);
	mncr_face_attempt_free(a);

	fx_teardown(&fxs);
	free(jp2);
}

static void test_no_models(void **state)
{
	struct script s = { .frame = &holder };
	struct mncr_face_attempt_opts o = {
		.models = "/nonexistent/mncr-models",
		.fd = -1,
		.frames = &frames,
		.say = say,
		.ctx = &s,
	};
	enum mncr_flow_face_result res = MNCR_FLOW_FACE_MATCH;
	struct mncr_face_attempt *a = NULL;

	(void)state;
	frames.ctx = &s;
	assert_int_equal(mncr_face_attempt_new(&o, &a), 0);
	assert_true(mncr_face_attempt_run(a, 1, &res) < 0);
	assert_int_equal(res, MNCR_FLOW_FACE_MATCH);	/* untouched */
	assert_int_equal(s.grabs, 0);
	assert_non_null(strstr(s.transcript, "loading the face models from /nonexistent/mncr-models"));
	assert_non_null(strstr(s.transcript, "face models: "));
	assert_false(mncr_face_attempt_status(a)->photo_tried);
	mncr_face_attempt_free(a);
}

/* The threshold is the chosen network's, before and after its models load. */
static void test_threshold_of_network(void **state)
{
	struct script s = { .frame = &holder };
	struct mncr_face_attempt_opts o = {
		.models = "/nonexistent/mncr-models",
		.network = MNCR_FACE_NET_MFN512,
		.face_frames = 2,
		.liveness_frames = 3,
		.fd = -1,
		.frames = &frames,
		.say = say,
		.ctx = &s,
	};
	enum mncr_flow_face_result res = MNCR_FLOW_FACE_MATCH;
	const struct mncr_face_attempt_status *st;
	struct mncr_face_attempt *a = NULL;

	(void)state;
	frames.ctx = &s;
	assert_int_equal(mncr_face_attempt_new(&o, &a), 0);
	assert_int_equal(mncr_face_attempt_status(a)->threshold,
			 MNCR_FACE_MFN512_THRESHOLD_FMR_1E3);
	mncr_face_attempt_free(a);
	o.network = MNCR_FACE_NET_RESNET;
	assert_int_equal(mncr_face_attempt_new(&o, &a), 0);
	assert_int_equal(mncr_face_attempt_status(a)->threshold,
			 MNCR_FACE_THRESHOLD_FMR_1E3);
	assert_true(mncr_face_attempt_run(a, 1, &res) < 0);
	assert_non_null(strstr(s.transcript, "(network resnet)"));
	mncr_face_attempt_free(a);
	NEED_MODELS();
	if (!pl512)
		skip();
	/* loaded models: theirs, whatever network says; 512-d templates match */
	o.pipe = pl512;
	o.card_present = card_present;
	assert_int_equal(mncr_face_attempt_new(&o, &a), 0);
	assert_int_equal(mncr_face_attempt_set_reference(a, &holder), 0);
	st = mncr_face_attempt_status(a);
	assert_true(st->photo_usable);
	assert_int_equal(st->threshold, MNCR_FACE_MFN512_THRESHOLD_FMR_1E3);
	assert_int_equal(mncr_face_attempt_run(a, 1, &res), 0);
	print_message("mfn512: holder vs her photo: score %d, threshold %d\n",
		      st->last_score, st->threshold);
	assert_true(st->last_score >= st->threshold);
	assert_int_equal(res, MNCR_FLOW_FACE_LIVENESS_FAIL);	/* a still picture */
	mncr_face_attempt_free(a);
}

/*
 * The live view's watcher, on the live view's thread: counts under the
 * lock (no cmocka assert off the test's thread). script first: say() and
 * grab() take the same context.
 */
struct live {
	struct script s;
	pthread_t caller;		/* the test's thread */
	pthread_mutex_t lock;
	pthread_cond_t more;
	unsigned int frames, on_caller, odd;	/* odd: photo, box, attempt */
};

static void live_watch(void *ctx, const struct mncr_face_view *v)
{
	struct live *l = ctx;

	pthread_mutex_lock(&l->lock);
	l->frames++;
	if (pthread_equal(pthread_self(), l->caller))
		l->on_caller++;
	if (v->photo || v->box || v->attempt || v->liveness != -1 || !v->img->px)
		l->odd++;
	pthread_cond_signal(&l->more);
	pthread_mutex_unlock(&l->lock);
}

static unsigned int live_frames(struct live *l)
{
	unsigned int n;

	pthread_mutex_lock(&l->lock);
	n = l->frames;
	pthread_mutex_unlock(&l->lock);
	return n;
}

/* The staff's attest as the test plays it: waits for n frames, 10 s at most. */
static bool attest_sees(struct live *l, unsigned int n)
{
	struct timespec until;
	bool seen;
	int ret = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&l->lock);
	while (l->frames < n && ret == 0)
		ret = pthread_cond_timedwait(&l->more, &l->lock, &until);
	seen = l->frames >= n;
	pthread_mutex_unlock(&l->lock);
	return seen;
}

/* Waits (10 s at most) until the source was asked n times. */
static bool grabbed(struct live *l, unsigned int n)
{
	for (int i = 0; i < 1000 && l->s.grabs < n; i++)
		nanosleep(&(struct timespec){ 0, 10000000L }, NULL);
	return l->s.grabs >= n;
}

static void sleep_ms(long ms)
{
	nanosleep(&(struct timespec){ ms / 1000, (ms % 1000) * 1000000L }, NULL);
}

static struct mncr_face_attempt *live_attempt(struct live *l, bool watcher)
{
	struct mncr_face_attempt_opts o = {
		.face_frames = 2, .liveness_frames = 3, .fd = -1,
		.frames = &frames, .card_present = card_present, .say = say,
		.frame = watcher ? live_watch : NULL, .frame_ms = 5, .ctx = l,
	};
	struct mncr_face_attempt *a = NULL;

	l->s.frame = &blank;
	l->caller = pthread_self();
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->more, NULL);
	frames.ctx = &l->s;
	assert_int_equal(mncr_face_attempt_new(&o, &a), 0);
	return a;
}

static void live_done(struct live *l, struct mncr_face_attempt *a)
{
	mncr_face_attempt_free(a);
	pthread_cond_destroy(&l->more);
	pthread_mutex_destroy(&l->lock);
}

/*
 * While the staff's attest waits, live frames keep coming, from a thread
 * that is not the caller's, as plain camera frames; once stopped, none
 * (neither frames nor reads), and the transcript counts them.
 */
static void test_live_view_while_attest_waits(void **state)
{
	struct live l = { 0 };
	struct mncr_face_attempt *a = live_attempt(&l, true);
	unsigned int seen, grabs;
	char line[64];

	(void)state;
	assert_int_equal(mncr_face_attempt_live_start(a), 0);
	assert_int_equal(mncr_face_attempt_live_start(a), -EALREADY);
	assert_true(attest_sees(&l, 3));
	mncr_face_attempt_live_stop(a);
	seen = live_frames(&l);
	grabs = l.s.grabs;
	assert_true(seen >= 3);
	assert_int_equal(l.on_caller, 0);
	assert_int_equal(l.odd, 0);
	snprintf(line, sizeof(line), "live view: %u frames\n", seen);
	assert_non_null(strstr(l.s.transcript, line));
	/* Stopped: twenty frame_ms later, nothing more. */
	sleep_ms(100);
	assert_int_equal(live_frames(&l), seen);
	assert_int_equal(l.s.grabs, grabs);
	mncr_face_attempt_live_stop(a);		/* again: nothing */
	/* A second 目視確認 in the session starts it again. */
	assert_int_equal(mncr_face_attempt_live_start(a), 0);
	assert_true(attest_sees(&l, seen + 3));
	mncr_face_attempt_live_stop(a);
	live_done(&l, a);
}

/* No watcher (ui.frame not given): nothing starts, nothing is read. */
static void test_live_view_needs_a_watcher(void **state)
{
	struct live l = { 0 };
	struct mncr_face_attempt *a = live_attempt(&l, false);

	(void)state;
	assert_int_equal(mncr_face_attempt_live_start(a), -ENODATA);
	sleep_ms(100);
	mncr_face_attempt_live_stop(a);
	assert_int_equal(l.s.grabs, 0);
	assert_null(strstr(l.s.transcript, "live view"));
	live_done(&l, a);
	mncr_face_attempt_live_stop(NULL);
}

/*
 * A camera that goes away ends the live view by itself, quietly (stop
 * says why); one that times out is asked again until stopped.
 */
static void test_live_view_camera_fails(void **state)
{
	struct live l = { 0 };
	struct mncr_face_attempt *a = live_attempt(&l, true);

	(void)state;
	l.s.fail = -ENODEV;
	assert_int_equal(mncr_face_attempt_live_start(a), 0);
	assert_true(grabbed(&l, 1));
	mncr_face_attempt_live_stop(a);
	assert_int_equal(l.s.grabs, 1);
	assert_int_equal(live_frames(&l), 0);
	assert_non_null(strstr(l.s.transcript,
			       "live view: 0 frames, then the camera stopped (scripted failure)"));

	l.s.transcript[0] = '\0';
	l.s.grabs = 0;
	l.s.fail = -ETIMEDOUT;
	assert_int_equal(mncr_face_attempt_live_start(a), 0);
	assert_true(grabbed(&l, 3));
	mncr_face_attempt_live_stop(a);
	assert_int_equal(live_frames(&l), 0);
	assert_non_null(strstr(l.s.transcript, "live view: 0 frames\n"));
	live_done(&l, a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_photo_unusable_takes_no_frame),
		cmocka_unit_test(test_no_face_in_frames),
		cmocka_unit_test(test_printed_photo_matches_but_fails_liveness),
		cmocka_unit_test(test_camera_error_ends_attempt),
		cmocka_unit_test(test_camera_timeout_is_no_face),
		cmocka_unit_test(test_card_removed_ends_attempt),
		cmocka_unit_test(test_card_photo_with_callers_front),
		cmocka_unit_test(test_forged_card_is_never_matched),
		cmocka_unit_test(test_frames_to_the_watcher),
		cmocka_unit_test(test_card_photo_shown),
		cmocka_unit_test(test_no_models),
		cmocka_unit_test(test_threshold_of_network),
		cmocka_unit_test(test_live_view_while_attest_waits),
		cmocka_unit_test(test_live_view_needs_a_watcher),
		cmocka_unit_test(test_live_view_camera_fails),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
