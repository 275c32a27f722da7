// SPDX-License-Identifier: LGPL-2.1-or-later
#include "worker.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

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

/*
 * The prompts carry no state; these transcript lines mark the two the
 * screen cannot tell from a question: the face run and the query.
 */
static void transcript(void *ctx, double ms, const char *line)
{
	struct kiosk_worker *w = ctx;

	fprintf(stderr, "[%7.3f] %s\n", ms / 1e3, line);
	if (g_str_has_prefix(line, "card photo: face found"))
		post_kind(w, KIOSK_EV_FACE);
	else if (g_str_has_prefix(line, "eligibility query"))
		post_kind(w, KIOSK_EV_READING);
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
		.attest = attest, .consent = consent,
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
