/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One question from the flow's thread to the GTK main loop: the worker
 * posts it and blocks; the screen answers it (a button, the script, the
 * cancel button or the card's removal) and the worker goes on.
 */
#ifndef MNCR_KIOSK_ASK_H
#define MNCR_KIOSK_ASK_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>
#include <mncr/mncr.h>

enum kiosk_ask_kind {
	KIOSK_ASK_CHOOSE,
	KIOSK_ASK_PIN,
	KIOSK_ASK_ATTEST,
	KIOSK_ASK_CONSENT,
};

/* The prompt's texts, copied: the library's are valid only in the call. */
struct kiosk_prompt {
	enum mncr_qualify_audience audience;
	char *text;
	char *detail;
	char *guide;
	unsigned int options;
	enum mncr_qualify_kind kind;	/* UNKNOWN from an older library */
};

struct kiosk_ask {
	unsigned long id;		/* set by kiosk_asker_wait() */
	enum kiosk_ask_kind kind;
	struct kiosk_prompt p;
	enum mncr_qualify_consent consent;
	/* Answers, written by the main loop before kiosk_asker_finish(). */
	unsigned int choice;
	bool yes;
	char *pin;			/* the library's buffer */
	size_t pin_cap;
	size_t pin_len;
	struct mncr_qualify_attestation *attest;
	int ret;
	bool done;
};

struct kiosk_asker {
	GMutex lock;
	GCond cond;
	struct kiosk_ask *pending;	/* under lock */
	unsigned long last_id;		/* under lock */
	/* Runs on the main loop with the asker (g_idle_add): it renders
	 * kiosk_asker_lock()'s ask, if any, then kiosk_asker_unlock(). */
	GSourceFunc present;
	void *present_arg;
	/* Polled while waiting: true ends the ask with -ECANCELED. */
	bool (*gone)(void *arg);
	void *gone_arg;
};

void kiosk_prompt_copy(struct kiosk_prompt *dst,
		       const struct mncr_qualify_prompt *p);
void kiosk_prompt_clear(struct kiosk_prompt *p);

/* Worker side: posts a, waits for its answer; a->ret. */
int kiosk_asker_wait(struct kiosk_asker *k, struct kiosk_ask *a);
/*
 * Main loop side. The pending ask, locked (NULL: none, unlocked); it
 * lives only until answered, so hold the lock while reading it.
 */
struct kiosk_ask *kiosk_asker_lock(struct kiosk_asker *k);
void kiosk_asker_unlock(struct kiosk_asker *k);
/*
 * Answers the pending ask if it is still a (its id): fill() writes the
 * answer under the lock, then the worker goes on with ret. False when a
 * was answered already (the card went, a cancel came).
 */
bool kiosk_asker_answer(struct kiosk_asker *k, unsigned long id,
			void (*fill)(struct kiosk_ask *a, void *arg), void *arg,
			int ret);
/* Any thread: ends whatever is pending with -ECANCELED. */
void kiosk_asker_cancel(struct kiosk_asker *k);

#endif
