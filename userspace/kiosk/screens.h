/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kiosk's screens, one page of a stack per flow state, and their
 * controls. Only widgets: what a press does is the app's (kiosk.c).
 */
#ifndef MNCR_KIOSK_SCREENS_H
#define MNCR_KIOSK_SCREENS_H

#include <stdbool.h>

#include <gtk/gtk.h>
#include <mncr/mncr.h>

enum kiosk_screen {
	KIOSK_SCR_WAITING,
	KIOSK_SCR_READING,
	KIOSK_SCR_FACE,
	KIOSK_SCR_CHOOSE,
	KIOSK_SCR_PIN,
	KIOSK_SCR_CONSENT,
	KIOSK_SCR_RESULT,
	KIOSK_SCR_STAFF,
	KIOSK_SCR_VISUAL,
	KIOSK_SCR_CLAIM,
	KIOSK_SCR_LAST_TRY,		/* one PIN try left: stopped */
	KIOSK_SCR_COUNT
};

struct kiosk_page {
	GtkWidget *box;
	GtkWidget *title;
	GtkWidget *text;
	GtkWidget *detail;
	GtkWidget *guide;
	GtkWidget *choices;		/* CHOOSE, STAFF, LAST_TRY, CLAIM */
};

struct kiosk_screens {
	GtkWidget *root;
	GtkWidget *stack;
	GtkWidget *cancel;
	struct kiosk_page page[KIOSK_SCR_COUNT];
	GtkWidget *face_preview;
	GtkWidget *face_status;		/* face found, blink, live */
	GtkWidget *pin_dots;
	GtkWidget *pin_key[10];
	GtkWidget *pin_clear;
	GtkWidget *pin_ok;
	GtkWidget *yes;
	GtkWidget *no;
	GtkWidget *card_photo;
	GtkWidget *live_image;
	GtkWidget *operator_id;
	GtkWidget *present;
	GtkWidget *confirm;
	GtkWidget *reject;
	GtkWidget *claim_preview;
};

void kiosk_screens_build(struct kiosk_screens *s);
/* A name for files and logs: "waiting", "pin", ... */
const char *kiosk_screen_name(enum kiosk_screen scr);
/* Shows scr with these texts (NULL or "": that line hidden). */
void kiosk_screens_show(struct kiosk_screens *s, enum kiosk_screen scr,
			const char *text, const char *detail,
			const char *guide);
/*
 * CHOOSE or STAFF: one button per option bit, its bit in the object data
 * "mncr-option"; clicked calls cb(button, data).
 */
void kiosk_screens_choices(struct kiosk_screens *s, enum kiosk_screen scr,
			   unsigned int options, GCallback cb, gpointer data);
/* The button offering opt on scr, or NULL. */
GtkWidget *kiosk_screens_choice(struct kiosk_screens *s,
				enum kiosk_screen scr, unsigned int opt);
/*
 * A picture frame's image (NULL: the placeholder). Its text dump line is
 * "[picture: NAME WxH]" (snapshot.c) so tests see what is shown.
 */
void kiosk_screens_image(GtkWidget *frame, GdkPaintable *image);
/* The face page's line under the preview: found, blink, live (or none). */
void kiosk_screens_face_status(struct kiosk_screens *s, bool face,
			       enum mncr_qualify_liveness l);
/* n dots for n digits entered: the digits themselves are never drawn. */
void kiosk_screens_pin_dots(struct kiosk_screens *s, size_t n);
/* The consent page's title for c. */
void kiosk_screens_consent(struct kiosk_screens *s,
			   enum mncr_qualify_consent c);
/* Every text from pt points (CSS on the display): the one size setting. */
void kiosk_screens_font(int pt);
/* An accessible name for w. */
void kiosk_screens_name(GtkWidget *w, const char *name);

#endif
