// SPDX-License-Identifier: LGPL-2.1-or-later
#include "worker.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

/* How long one wait for a card lasts before the stop flag is looked at. */
#define KIOSK_CARD_POLL_MS 500

static void post(struct kiosk_worker *w, struct kiosk_event *ev)
{
	ev->gui = w->gui;
	g_idle_add(w->on_event, ev);
}

static void post_kind(struct kiosk_worker *w, enum kiosk_event_kind kind)
{
	struct kiosk_event *ev = g_new0(struct kiosk_event, 1);

	ev->kind = kind;
	post(w, ev);
}

void kiosk_event_free(struct kiosk_event *ev)
{
	kiosk_prompt_clear(&ev->p);
	if (ev->rgb)
		g_bytes_unref(ev->rgb);
	g_free(ev);
}

static bool card_gone(void *arg)
{
	struct kiosk_worker *w = arg;
	struct mncr_reader_status st = { .size = sizeof(st) };

	if (!w->watch || mncr_reader_get_status(w->watch, &st) < 0)
		return false;
	return !st.card_present;
}

/* ---- the library's callbacks, on this thread ---- */

/* The library's lines, for the log only: the prompts' kinds drive the pages. */
static void transcript(void *ctx, double ms, const char *line)
{
	(void)ctx;
	fprintf(stderr, "[%7.3f] %s\n", ms / 1e3, line);
}

/* A face: wiped when the last texture lets go of it. */
struct pixels {
	size_t n;
	guint8 px[];
};

static void pixels_free(gpointer data)
{
	struct pixels *p = data;

	OPENSSL_cleanse(p->px, p->n);
	g_free(p);
}

/* The box's outline, green, 3 px, clipped to the picture. */
static void draw_box(guint8 *rgb, int w, int h, const struct mncr_qualify_frame *f)
{
	int x0 = MAX(f->face_x, 0), y0 = MAX(f->face_y, 0);
	int x1 = MIN(f->face_x + f->face_w, w) - 1;
	int y1 = MIN(f->face_y + f->face_h, h) - 1;

	for (int y = y0; y <= y1; y++)
		for (int x = x0; x <= x1; x++) {
			guint8 *p = rgb + 3 * ((size_t)y * (size_t)w + (size_t)x);

			if (x - x0 >= 3 && x1 - x >= 3 && y - y0 >= 3 && y1 - y >= 3)
				continue;
			p[0] = 0x20;
			p[1] = 0xe0;
			p[2] = 0x40;
		}
}

/*
 * On the flow's thread, or during 目視確認 the library's live-view thread
 * (libmncr.rst: never the GUI's): the grey picture as RGB with its face
 * box, copied and posted to the main loop (g_idle_add is thread-safe).
 */
static void frame(void *ctx, const struct mncr_qualify_frame *f)
{
	struct kiosk_event *ev;
	struct pixels *p;
	size_t n;

	if (!f->pixels || !f->width || !f->height || f->width > 4096 ||
	    f->height > 4096)
		return;
	n = (size_t)f->width * f->height;
	p = g_malloc(sizeof(*p) + 3 * n);
	p->n = 3 * n;
	for (size_t i = 0; i < n; i++)
		p->px[3 * i] = p->px[3 * i + 1] = p->px[3 * i + 2] = f->pixels[i];
	ev = g_new0(struct kiosk_event, 1);
	ev->kind = KIOSK_EV_FRAME;
	ev->width = (int)f->width;
	ev->height = (int)f->height;
	ev->photo = f->source == MNCR_QUALIFY_SOURCE_CARD_PHOTO;
	ev->face = f->face;
	ev->liveness = (enum mncr_qualify_liveness)f->liveness;
	if (f->face && !ev->photo)
		draw_box(p->px, ev->width, ev->height, f);
	ev->rgb = g_bytes_new_with_free_func(p->px, p->n, pixels_free, p);
	post(ctx, ev);
}

static void show(void *ctx, const struct mncr_qualify_prompt *p)
{
	struct kiosk_event *ev = g_new0(struct kiosk_event, 1);

	ev->kind = KIOSK_EV_SHOW;
	kiosk_prompt_copy(&ev->p, p);
	post(ctx, ev);
}

static int ask(struct kiosk_worker *w, struct kiosk_ask *a,
	       const struct mncr_qualify_prompt *p)
{
	int ret;

	kiosk_prompt_copy(&a->p, p);
	ret = kiosk_asker_wait(&w->asker, a);
	kiosk_prompt_clear(&a->p);
	return ret;
}

static int choose(void *ctx, const struct mncr_qualify_prompt *p,
		  unsigned int *choice)
{
	struct kiosk_worker *w = ctx;
	struct kiosk_ask a = { .kind = KIOSK_ASK_CHOOSE };
	int ret = ask(w, &a, p);

	if (ret == 0)
		*choice = a.choice;
	return ret;
}

static int pin_entry(void *ctx, const struct mncr_qualify_prompt *p,
		     char *buf, size_t cap, size_t *len)
{
	struct kiosk_ask a = {
		.kind = KIOSK_ASK_PIN, .pin = buf, .pin_cap = cap,
	};
	int ret = ask(ctx, &a, p);

	*len = ret == 0 ? a.pin_len : 0;
	return ret;
}

static int attest(void *ctx, const struct mncr_qualify_prompt *p,
		  struct mncr_qualify_attestation *at)
{
	struct kiosk_ask a = { .kind = KIOSK_ASK_ATTEST, .attest = at };

	return ask(ctx, &a, p);
}

static int consent(void *ctx, const struct mncr_qualify_prompt *p,
		   enum mncr_qualify_consent c, bool *yes)
{
	struct kiosk_ask a = { .kind = KIOSK_ASK_CONSENT, .consent = c };
	int ret = ask(ctx, &a, p);

	if (ret == 0)
		*yes = a.yes;
	return ret;
}

/* ---- the thread ---- */

static void ended(struct kiosk_worker *w, const struct mncr_qualify_outcome *o,
		  int ret)
{
	struct kiosk_event *ev = g_new0(struct kiosk_event, 1);

	if (!o->started) {
		ev->kind = KIOSK_EV_FAILED;
		snprintf(ev->why, sizeof(ev->why), "%s", g_strerror(-ret));
	} else {
		ev->kind = KIOSK_EV_ENDED;
		g_strlcpy(ev->result, o->result_name, sizeof(ev->result));
		g_strlcpy(ev->method, o->method_name, sizeof(ev->method));
		g_strlcpy(ev->share, o->share, sizeof(ev->share));
		ev->claim_written = o->claim_written;
		g_strlcpy(ev->claim_pdf, o->claim_pdf, sizeof(ev->claim_pdf));
		fprintf(stderr, "outcome: %s method %s session %s\n",
			o->result_name, o->method_name, o->session);
	}
	post(w, ev);
}

static gpointer run(gpointer data)
{
	struct kiosk_worker *w = data;

	while (!g_atomic_int_get(&w->stop)) {
		struct mncr_qualify_outcome out = { .size = sizeof(out) };
		int ret = mncr_reader_wait_card(w->dev, KIOSK_CARD_POLL_MS);

		if (ret == -ETIMEDOUT)
			continue;
		if (ret < 0) {
			struct kiosk_event *ev = g_new0(struct kiosk_event, 1);

			ev->kind = KIOSK_EV_FAILED;
			snprintf(ev->why, sizeof(ev->why), "reader: %s",
				 g_strerror(-ret));
			post(w, ev);
			break;
		}
		post_kind(w, KIOSK_EV_CARD);
		ret = mncr_qualify_run(w->q, w->dev, &out);
		ended(w, &out, ret);
		/*
		 * A session that did not start, or a cancel during the wait
		 * for removal, leaves the card in: never run it twice.
		 */
		while (!g_atomic_int_get(&w->stop) &&
		       mncr_reader_wait_removal(w->dev, KIOSK_CARD_POLL_MS) ==
		       -ETIMEDOUT)
			;
	}
	return NULL;
}

int kiosk_worker_start(struct kiosk_worker *w, char *why, size_t why_len)
{
	struct mncr_qualify_ui ui = {
		.size = sizeof(ui), .ctx = w, .transcript = transcript,
		.show = show, .choose = choose, .pin_entry = pin_entry,
		.attest = attest, .consent = consent, .frame = frame,
	};
	int ret;

	g_mutex_init(&w->asker.lock);
	g_cond_init(&w->asker.cond);
	w->asker.gone = card_gone;
	w->asker.gone_arg = w;
	ret = mncr_qualify_new(&w->cfg, &ui, &w->q, why, why_len);
	if (ret < 0)
		return ret;
	ret = mncr_reader_open(w->reader, true, &w->dev);
	if (ret < 0) {
		snprintf(why, why_len, "reader: %s", g_strerror(-ret));
		mncr_qualify_free(w->q);
		w->q = NULL;
		return ret;
	}
	if (mncr_reader_open(w->reader, false, &w->watch) < 0)
		w->watch = NULL;	/* then removal ends only the run */
	w->thread = g_thread_new("mncr-flow", run, w);
	return 0;
}

void kiosk_worker_cancel(struct kiosk_worker *w)
{
	if (w->q)
		mncr_qualify_cancel(w->q);
	kiosk_asker_cancel(&w->asker);
}

void kiosk_worker_stop(struct kiosk_worker *w)
{
	if (w->thread) {
		g_atomic_int_set(&w->stop, 1);
		kiosk_worker_cancel(w);
		g_thread_join(w->thread);
		w->thread = NULL;
	}
	mncr_reader_close(w->watch);
	mncr_reader_close(w->dev);
	mncr_qualify_free(w->q);
	w->watch = w->dev = NULL;
	w->q = NULL;
}
