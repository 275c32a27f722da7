/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The app: one window of screens, the flow's worker behind it, and the
 * test driver (scripted answers, a screenshot per screen, or every
 * screen drawn with fixed texts and no reader).
 */
#ifndef MNCR_KIOSK_KIOSK_H
#define MNCR_KIOSK_KIOSK_H

#include <stdbool.h>

#include <gtk/gtk.h>

#include "screens.h"
#include "script.h"
#include "worker.h"

struct kiosk_options {
	bool window;			/* a desktop window, not full screen */
	int font_pt;			/* the one text size [20] */
	const char *script;		/* --script FILE */
	const char *shot_dir;		/* --screenshot-dir DIR */
	const char *render_dir;		/* --render-states DIR: no reader */
	int result_seconds;		/* the result kept after removal [5] */
};

struct kiosk {
	struct kiosk_options opt;
	const char **frames;		/* --frame pictures, for cfg.frames */
	GtkApplication *app;
	GtkWidget *win;
	struct kiosk_screens s;
	struct kiosk_worker w;
	struct kiosk_script script;
	enum kiosk_screen cur;
	unsigned long ask_id;		/* the question on screen, 0: none */
	bool ask_recorded;		/* its page recorded: the script may answer */
	enum kiosk_ask_kind ask_kind;
	unsigned int choice;		/* the answer being given */
	bool yes;
	bool dirty;			/* changed since the last record */
	bool record_queued;
	bool quit_after;		/* the script's run is over */
	bool result_drawn;		/* the result page, since shown */
	bool held;			/* card out, the result kept */
	guint hold;			/* its timer, 0: over */
	guint script_wait;		/* a script's "wait N", 0: none */
	unsigned int tries;		/* the pending record's */
	char pin[16];			/* the keypad's digits; wiped */
	size_t pin_n;
	unsigned int shots;
	int render_step;
	int status;			/* the exit status */
};

/* Builds the window and starts the worker or the state renderer. */
void kiosk_activate(struct kiosk *k);
/* Stops the worker, wipes what is left. */
void kiosk_shutdown(struct kiosk *k);

#endif
