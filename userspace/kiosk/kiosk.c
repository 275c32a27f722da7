// SPDX-License-Identifier: LGPL-2.1-or-later
#include "kiosk.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "pdf_preview.h"
#include "snapshot.h"
#include "states.h"
#include "text.h"

static void wipe_pin(struct kiosk *k)
{
	OPENSSL_cleanse(k->pin, sizeof(k->pin));
	k->pin_n = 0;
	if (k->s.pin_dots)
		kiosk_screens_pin_dots(&k->s, 0);
}

/* Screens are recorded once drawn: the frame clock says when. */
static void show(struct kiosk *k, enum kiosk_screen scr, const char *text,
		 const char *detail, const char *guide)
{
	k->cur = scr;
	k->result_drawn = false;
	kiosk_screens_show(&k->s, scr, text, detail, guide);
	gtk_widget_queue_draw(k->win);
	k->dirty = true;
}

/* ---- answers: the buttons, and the script pressing them ---- */

static void answer(struct kiosk *k, void (*fill)(struct kiosk_ask *, void *),
		   int ret)
{
	if (!k->ask_id)
		return;
	kiosk_asker_answer(&k->w.asker, k->ask_id, fill, k, ret);
	k->ask_id = 0;
}

static void fill_choice(struct kiosk_ask *a, void *arg)
{
	a->choice = ((struct kiosk *)arg)->choice;
}

static void on_choice(GtkButton *b, gpointer data)
{
	struct kiosk *k = data;

	k->choice = GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(b),
						       "mncr-option"));
	answer(k, fill_choice, 0);
}

static void on_key(GtkButton *b, gpointer data)
{
	struct kiosk *k = data;
	const char *d = gtk_button_get_label(b);

	if (k->pin_n < sizeof(k->pin) - 1 && d && g_ascii_isdigit(d[0]))
		k->pin[k->pin_n++] = d[0];
	kiosk_screens_pin_dots(&k->s, k->pin_n);
}

static void on_pin_clear(GtkButton *b, gpointer data)
{
	(void)b;
	wipe_pin(data);
}

static void fill_pin(struct kiosk_ask *a, void *arg)
{
	struct kiosk *k = arg;
	size_t n = k->pin_n < a->pin_cap ? k->pin_n : a->pin_cap;

	memcpy(a->pin, k->pin, n);
	a->pin_len = n;
}

static void on_pin_ok(GtkButton *b, gpointer data)
{
	struct kiosk *k = data;

	(void)b;
	if (k->ask_kind == KIOSK_ASK_PIN)
		answer(k, fill_pin, 0);
	wipe_pin(k);
}

static void fill_yes(struct kiosk_ask *a, void *arg)
{
	a->yes = ((struct kiosk *)arg)->yes;
}

static void on_yes_no(GtkButton *b, gpointer data)
{
	struct kiosk *k = data;

	k->yes = GTK_WIDGET(b) == k->s.yes;
	answer(k, fill_yes, 0);
}

static void fill_attest(struct kiosk_ask *a, void *arg)
{
	struct kiosk *k = arg;
	const char *id = gtk_editable_get_text(GTK_EDITABLE(k->s.operator_id));

	if (mncr_qualify_operator_valid(id))
		g_strlcpy(a->attest->operator_id, id,
			  sizeof(a->attest->operator_id));
	a->attest->patient_present =
		gtk_check_button_get_active(GTK_CHECK_BUTTON(k->s.present));
	a->attest->confirmed = k->yes;
}

static void on_attest(GtkButton *b, gpointer data)
{
	struct kiosk *k = data;
	const char *id = gtk_editable_get_text(GTK_EDITABLE(k->s.operator_id));

	k->yes = GTK_WIDGET(b) == k->s.confirm;
	/* The audit log names who looked: no id, no attestation. */
	if (k->yes && !mncr_qualify_operator_valid(id)) {
		gtk_widget_grab_focus(k->s.operator_id);
		return;
	}
	answer(k, fill_attest, 0);
}

static void on_cancel(GtkButton *b, gpointer data)
{
	struct kiosk *k = data;

	(void)b;
	wipe_pin(k);
	k->ask_id = 0;
	kiosk_worker_cancel(&k->w);
}

static void press(GtkWidget *b)
{
	if (b)
		g_signal_emit_by_name(b, "clicked");
}

static void drive(struct kiosk *k);

static gboolean wait_over(gpointer data)
{
	struct kiosk *k = data;

	k->script_wait = 0;
	if (k->ask_id && k->ask_recorded)
		drive(k);
	return G_SOURCE_REMOVE;
}

/* The script's next line, as the person would press it. */
static void drive(struct kiosk *k)
{
	const char *line = kiosk_script_next(&k->script);
	enum kiosk_screen scr = k->cur;

	if (!line)
		return;	/* nobody answers: a test's time limit ends it */
	/* "wait N": the person looks at the screen N seconds first. */
	if (g_str_has_prefix(line, "wait ")) {
		guint64 s = g_ascii_strtoull(line + 5, NULL, 10);

		k->script_wait = g_timeout_add_seconds(s < 600 ? (guint)s : 600,
						       wait_over, k);
		return;
	}
	if (!strcmp(line, "cancel")) {
		press(k->s.cancel);
		return;
	}
	switch (k->ask_kind) {
	case KIOSK_ASK_CHOOSE:
		for (unsigned int b = 1; b & MNCR_QUALIFY_OPT_ALL; b <<= 1)
			if (!strcmp(line, mncr_qualify_option_name(b))) {
				press(kiosk_screens_choice(&k->s, scr, b));
				return;
			}
		fprintf(stderr, "mncr-kiosk: script: '%s' is not offered\n",
			line);
		press(k->s.cancel);
		break;
	case KIOSK_ASK_PIN:
		for (const char *c = line; *c; c++)
			if (g_ascii_isdigit(*c))
				press(k->s.pin_key[*c - '0']);
		press(k->s.pin_ok);
		break;
	case KIOSK_ASK_CONSENT:
		press(!strcmp(line, "yes") ? k->s.yes : k->s.no);
		break;
	case KIOSK_ASK_ATTEST:
		press(!strcmp(line, "yes") ? k->s.confirm : k->s.reject);
		break;
	}
}

/* ---- the result page's hold after the card is out ---- */

/* A new card or a failure ends the hold at once. */
static void end_hold(struct kiosk *k)
{
	if (k->hold)
		g_source_remove(k->hold);
	k->hold = 0;
	k->held = false;
}

static void leave_result(struct kiosk *k)
{
	end_hold(k);
	show(k, KIOSK_SCR_WAITING, NULL, NULL, NULL);
}

static gboolean hold_over(gpointer data)
{
	struct kiosk *k = data;

	k->hold = 0;
	if (k->result_drawn)
		leave_result(k);
	/* else the record after its paint leaves it */
	return G_SOURCE_REMOVE;
}

/* The patient reads 負担割合 after taking the card: drawn, then held. */
static void hold_result(struct kiosk *k)
{
	k->held = true;
	if (k->opt.result_seconds > 0)
		k->hold = g_timeout_add_seconds((guint)k->opt.result_seconds,
						hold_over, k);
	else if (k->result_drawn)
		leave_result(k);
}

/* ---- the test driver's record, after each drawn change ---- */

/* Tries before a record is written without its picture. */
#define KIOSK_RECORD_TRIES 20

static void render_hold(struct kiosk *k);

/* What follows a record: the script's next press, the next sample, quit. */
static gboolean after_record(gpointer data)
{
	struct kiosk *k = data;

	k->record_queued = false;
	if (k->opt.render_dir && k->render_step >= 0) {
		if (kiosk_states_show(&k->s, ++k->render_step)) {
			k->dirty = true;
		} else {
			k->render_step = -1;
			render_hold(k);
		}
	} else if (k->held) {
		if (!k->hold && k->result_drawn)
			leave_result(k);
	} else if (k->quit_after) {
		g_application_quit(G_APPLICATION(k->app));
		return G_SOURCE_REMOVE;
	} else if (k->ask_id && k->ask_recorded && !k->script_wait &&
		   k->script.lines) {
		drive(k);
	}
	/* A change between the paint and now: one more paint records it. */
	if (k->dirty)
		gtk_widget_queue_draw(k->win);
	return G_SOURCE_REMOVE;
}

/*
 * Right after the paint, before anything else changes the tree: the
 * record is what was drawn. Not drawable yet (a resize pending): the
 * next paint tries again.
 */
static int record(struct kiosk *k)
{
	const char *dir = k->opt.render_dir ? k->opt.render_dir :
			  k->opt.shot_dir;
	char name[64];
	int ret;

	if (!dir)
		return 0;
	snprintf(name, sizeof(name), "%02u-%s", k->shots,
		 gtk_stack_get_visible_child_name(GTK_STACK(k->s.stack)));
	ret = kiosk_snapshot_save(k->s.root, dir, name,
				  ++k->tries >= KIOSK_RECORD_TRIES);
	if (ret == -EAGAIN)
		return ret;
	k->tries = 0;
	k->shots++;
	if (ret < 0)
		k->status = 1;
	return ret;
}

static void after_paint(GdkFrameClock *clock, gpointer data)
{
	struct kiosk *k = data;

	(void)clock;
	if (!k->dirty || k->record_queued)
		return;
	if (record(k) == -EAGAIN) {
		gtk_widget_queue_draw(k->win);
		return;
	}
	k->dirty = false;
	/* The question's page is on record: the script may answer it. */
	k->ask_recorded = k->ask_id != 0;
	if (k->cur == KIOSK_SCR_RESULT)
		k->result_drawn = true;
	k->record_queued = true;
	g_idle_add(after_record, k);
}

/* ---- the worker's news ---- */

/* The page of a prompt's kind; cur when the library did not say. */
static enum kiosk_screen screen_of(const struct kiosk_prompt *p,
				   enum kiosk_screen cur)
{
	switch (p->kind) {
	case MNCR_QUALIFY_KIND_WAITING: return KIOSK_SCR_WAITING;
	case MNCR_QUALIFY_KIND_READING: return KIOSK_SCR_READING;
	case MNCR_QUALIFY_KIND_CHOOSE: return KIOSK_SCR_CHOOSE;
	case MNCR_QUALIFY_KIND_FACE: return KIOSK_SCR_FACE;
	case MNCR_QUALIFY_KIND_PIN: return KIOSK_SCR_PIN;
	case MNCR_QUALIFY_KIND_LAST_TRY: return KIOSK_SCR_LAST_TRY;
	case MNCR_QUALIFY_KIND_STAFF: return KIOSK_SCR_STAFF;
	case MNCR_QUALIFY_KIND_VISUAL: return KIOSK_SCR_VISUAL;
	case MNCR_QUALIFY_KIND_CONSENT: return KIOSK_SCR_CONSENT;
	case MNCR_QUALIFY_KIND_QUERY: return KIOSK_SCR_READING;
	case MNCR_QUALIFY_KIND_CLAIM: return KIOSK_SCR_CLAIM;
	case MNCR_QUALIFY_KIND_RESULT: return KIOSK_SCR_RESULT;
	case MNCR_QUALIFY_KIND_UNKNOWN:
	default:
		if (p->options)
			return p->audience == MNCR_QUALIFY_STAFF ?
			       KIOSK_SCR_STAFF : KIOSK_SCR_CHOOSE;
		return cur;
	}
}

/* The pictures go with the card (they are faces). */
static void clear_pictures(struct kiosk *k)
{
	kiosk_screens_image(k->s.face_preview, NULL);
	kiosk_screens_image(k->s.card_photo, NULL);
	kiosk_screens_image(k->s.live_image, NULL);
}

static void on_frame(struct kiosk *k, const struct kiosk_event *ev)
{
	GdkTexture *t = gdk_memory_texture_new(ev->width, ev->height,
					       GDK_MEMORY_R8G8B8, ev->rgb,
					       (gsize)ev->width * 3);

	if (ev->photo) {
		kiosk_screens_image(k->s.card_photo, GDK_PAINTABLE(t));
	} else {
		kiosk_screens_image(k->s.face_preview, GDK_PAINTABLE(t));
		kiosk_screens_image(k->s.live_image, GDK_PAINTABLE(t));
		kiosk_screens_face_status(&k->s, ev->face, ev->liveness);
	}
	g_object_unref(t);
	if (k->cur == KIOSK_SCR_FACE || k->cur == KIOSK_SCR_VISUAL) {
		gtk_widget_queue_draw(k->win);
		k->dirty = true;
	}
}

static gboolean on_event(gpointer data)
{
	struct kiosk_event *ev = data;
	struct kiosk *k = ev->gui;
	enum kiosk_screen scr;

	switch (ev->kind) {
	case KIOSK_EV_WAITING:
		if (!k->held)
			show(k, KIOSK_SCR_WAITING, NULL, NULL, NULL);
		break;
	case KIOSK_EV_CARD:
		end_hold(k);
		clear_pictures(k);
		show(k, KIOSK_SCR_READING, NULL, NULL, NULL);
		break;
	case KIOSK_EV_SHOW:
		/* A question follows with the same prompt: present() shows it. */
		scr = screen_of(&ev->p, k->cur);
		if (ev->p.options || scr == KIOSK_SCR_PIN ||
		    scr == KIOSK_SCR_CONSENT)
			break;
		/* The flow's end after removal says nothing: 負担割合 stays. */
		if (scr == KIOSK_SCR_RESULT && k->cur == KIOSK_SCR_RESULT &&
		    (!ev->p.text || !*ev->p.text))
			break;
		if (scr == KIOSK_SCR_FACE && k->cur != KIOSK_SCR_FACE)
			kiosk_screens_face_status(&k->s, false,
						  MNCR_QUALIFY_LIVENESS_NONE);
		show(k, scr, ev->p.text, ev->p.detail, ev->p.guide);
		break;
	case KIOSK_EV_FRAME:
		on_frame(k, ev);
		break;
	case KIOSK_EV_ENDED:
		wipe_pin(k);
		clear_pictures(k);
		k->ask_id = 0;
		if (ev->claim_written) {
			kiosk_claim_preview(&k->s, ev->claim_pdf);
			kiosk_screens_choices(&k->s, KIOSK_SCR_CLAIM, 0, NULL, NULL);
			show(k, KIOSK_SCR_CLAIM, ev->claim_pdf, NULL, NULL);
		} else if (k->cur == KIOSK_SCR_RESULT) {
			hold_result(k);
		} else {
			show(k, KIOSK_SCR_WAITING, NULL, NULL, NULL);
		}
		k->quit_after = k->script.lines != NULL;
		k->status = !strcmp(ev->result, "eligible") ? 0 : 10;
		break;
	case KIOSK_EV_FAILED:
		end_hold(k);
		fprintf(stderr, "mncr-kiosk: %s\n", ev->why);
		show(k, KIOSK_SCR_WAITING, ev->why, NULL, NULL);
		k->quit_after = k->script.lines != NULL;
		k->status = 3;
		break;
	}
	kiosk_event_free(ev);
	return G_SOURCE_REMOVE;
}

/*
 * --render-states' last record: the result shown and the card taken out
 * in one turn of the main loop (the bed's race under TCG). The result
 * must still be recorded, then the waiting page after the hold.
 */
static void render_hold(struct kiosk *k)
{
	struct kiosk_event *shown = g_new0(struct kiosk_event, 1);
	struct kiosk_event *out = g_new0(struct kiosk_event, 1);
	int status = k->status;	/* the records', not the sample outcome's */

	shown->kind = KIOSK_EV_SHOW;
	shown->gui = k;
	shown->p.kind = MNCR_QUALIFY_KIND_RESULT;
	shown->p.text = g_strdup(K_("資格を確認できました。カードをお取りください。"));
	shown->p.detail = g_strdup(K_("負担割合：3割"));
	out->kind = KIOSK_EV_ENDED;
	out->gui = k;
	g_strlcpy(out->result, "eligible", sizeof(out->result));
	on_event(shown);
	on_event(out);
	k->status = status;
	k->quit_after = true;
}

/* A question from the worker: its screen, under the asker's lock. */
static gboolean present(gpointer data)
{
	struct kiosk *k = data;
	struct kiosk_ask *a = kiosk_asker_lock(&k->w.asker);
	const struct kiosk_prompt *p;
	enum kiosk_screen scr = KIOSK_SCR_VISUAL;

	if (!a)
		return G_SOURCE_REMOVE;	/* answered already (card out) */
	p = &a->p;
	k->ask_id = a->id;
	k->ask_recorded = false;
	k->ask_kind = a->kind;
	switch (a->kind) {
	case KIOSK_ASK_CHOOSE:
		scr = screen_of(p, KIOSK_SCR_CHOOSE);
		if (!k->s.page[scr].choices)
			scr = p->audience == MNCR_QUALIFY_STAFF ?
			      KIOSK_SCR_STAFF : KIOSK_SCR_CHOOSE;
		kiosk_screens_choices(&k->s, scr, p->options,
				      G_CALLBACK(on_choice), k);
		break;
	case KIOSK_ASK_PIN:
		wipe_pin(k);
		scr = KIOSK_SCR_PIN;
		break;
	case KIOSK_ASK_CONSENT:
		kiosk_screens_consent(&k->s, a->consent);
		scr = KIOSK_SCR_CONSENT;
		break;
	case KIOSK_ASK_ATTEST:
		gtk_editable_set_text(GTK_EDITABLE(k->s.operator_id),
				      a->attest->operator_id);
		gtk_check_button_set_active(GTK_CHECK_BUTTON(k->s.present),
					    a->attest->patient_present);
		break;
	}
	show(k, scr, p->text, p->detail, p->guide);
	kiosk_asker_unlock(&k->w.asker);
	return G_SOURCE_REMOVE;
}

static void connect(struct kiosk *k)
{
	struct kiosk_screens *s = &k->s;

	for (int i = 0; i < 10; i++)
		g_signal_connect(s->pin_key[i], "clicked", G_CALLBACK(on_key),
				 k);
	g_signal_connect(s->pin_clear, "clicked", G_CALLBACK(on_pin_clear), k);
	g_signal_connect(s->pin_ok, "clicked", G_CALLBACK(on_pin_ok), k);
	g_signal_connect(s->yes, "clicked", G_CALLBACK(on_yes_no), k);
	g_signal_connect(s->no, "clicked", G_CALLBACK(on_yes_no), k);
	g_signal_connect(s->confirm, "clicked", G_CALLBACK(on_attest), k);
	g_signal_connect(s->reject, "clicked", G_CALLBACK(on_attest), k);
	g_signal_connect(s->cancel, "clicked", G_CALLBACK(on_cancel), k);
}

void kiosk_activate(struct kiosk *k)
{
	char why[256] = "";

	k->win = gtk_application_window_new(k->app);
	gtk_window_set_title(GTK_WINDOW(k->win), "mncr-kiosk");
	kiosk_screens_font(k->opt.font_pt);
	kiosk_screens_build(&k->s);
	connect(k);
	gtk_window_set_child(GTK_WINDOW(k->win), k->s.root);
	gtk_window_set_default_size(GTK_WINDOW(k->win), 1024, 768);
	if (!k->opt.window && !k->opt.render_dir)
		gtk_window_fullscreen(GTK_WINDOW(k->win));
	gtk_window_present(GTK_WINDOW(k->win));
	g_signal_connect(gtk_widget_get_frame_clock(k->win), "after-paint",
			 G_CALLBACK(after_paint), k);

	if (k->opt.render_dir) {
		kiosk_states_show(&k->s, 0);
		k->dirty = true;
		return;
	}
	show(k, KIOSK_SCR_WAITING, NULL, NULL, NULL);
	k->w.on_event = on_event;
	k->w.gui = k;
	k->w.asker.present = present;
	k->w.asker.present_arg = k;
	if (kiosk_worker_start(&k->w, why, sizeof(why)) < 0) {
		fprintf(stderr, "mncr-kiosk: %s\n", why);
		k->status = 3;
		show(k, KIOSK_SCR_WAITING, why, NULL, NULL);
		if (k->script.lines || k->opt.shot_dir)
			k->quit_after = true;
	}
}

void kiosk_shutdown(struct kiosk *k)
{
	end_hold(k);
	if (k->script_wait)
		g_source_remove(k->script_wait);
	k->script_wait = 0;
	kiosk_worker_stop(&k->w);
	wipe_pin(k);
	kiosk_script_free(&k->script);
}
