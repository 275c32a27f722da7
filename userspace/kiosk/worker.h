/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The flow's thread: waits for a card, runs mncr_qualify_run() on it and
 * hands every prompt and question to the GTK main loop (libmncr.rst,
 * "Threading": the run blocks; its callbacks run on this thread).
 */
#ifndef MNCR_KIOSK_WORKER_H
#define MNCR_KIOSK_WORKER_H

#include <stdbool.h>

#include <glib.h>
#include <mncr/mncr.h>

#include "ask.h"

enum kiosk_event_kind {
	KIOSK_EV_WAITING,		/* no card */
	KIOSK_EV_CARD,			/* a card was set */
	KIOSK_EV_SHOW,			/* a prompt without a question */
	KIOSK_EV_FRAME,			/* a picture: camera or card photo */
	KIOSK_EV_ENDED,			/* the card is out; the outcome */
	KIOSK_EV_FAILED,		/* no reader, or no session */
};

/* Posted to the main loop; the handler frees it (kiosk_event_free). */
struct kiosk_event {
	enum kiosk_event_kind kind;
	void *gui;
	struct kiosk_prompt p;		/* SHOW */
	/* FRAME: RGB, 3 bytes a pixel, wiped when freed; the face boxed */
	GBytes *rgb;
	int width, height;
	bool photo;			/* the card photo, else the camera */
	bool face;
	enum mncr_qualify_liveness liveness;
	char result[32];		/* ENDED: the outcome's names */
	char method[16];
	char share[4];
	bool claim_written;
	char claim_pdf[512];
	char why[160];			/* FAILED */
};

struct kiosk_worker {
	struct mncr_qualify_config cfg;	/* filled by the caller */
	const char *reader;		/* selector, NULL: the only one */
	GSourceFunc on_event;		/* main loop: gets a kiosk_event */
	void *gui;
	struct kiosk_asker asker;	/* present/present_arg by the caller */
	/* Private. */
	struct mncr_qualify *q;
	struct mncr_device *dev;
	struct mncr_device *watch;	/* read-only: is the card still in */
	GThread *thread;
	gint stop;
};

/* Creates the qualification object and starts the thread; why on error. */
int kiosk_worker_start(struct kiosk_worker *w, char *why, size_t why_len);
/* The cancel button: the run stops at its next step, a question ends. */
void kiosk_worker_cancel(struct kiosk_worker *w);
/* Ends the thread (cancelling any run) and frees everything. */
void kiosk_worker_stop(struct kiosk_worker *w);

void kiosk_event_free(struct kiosk_event *ev);

#endif
