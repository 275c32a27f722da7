// SPDX-License-Identifier: LGPL-2.1-or-later
#include "ask.h"

#include <errno.h>
#include <stddef.h>

/* How often a waiting ask looks whether the card is still there. */
#define KIOSK_ASK_POLL_US (300 * G_TIME_SPAN_MILLISECOND)

void kiosk_prompt_copy(struct kiosk_prompt *dst,
		       const struct mncr_qualify_prompt *p)
{
	dst->audience = p->audience;
	dst->text = g_strdup(p->text);
	dst->detail = g_strdup(p->detail);
	dst->guide = g_strdup(p->guide);
	dst->options = p->options;
	/* A field past the library's size is not there. */
	dst->kind = p->size >= offsetof(struct mncr_qualify_prompt, kind) +
			     sizeof(p->kind) ?
		    (enum mncr_qualify_kind)p->kind : MNCR_QUALIFY_KIND_UNKNOWN;
}

void kiosk_prompt_clear(struct kiosk_prompt *p)
{
	g_free(p->text);
	g_free(p->detail);
	g_free(p->guide);
	p->text = p->detail = p->guide = NULL;
}

int kiosk_asker_wait(struct kiosk_asker *k, struct kiosk_ask *a)
{
	a->done = false;
	a->ret = -ECANCELED;
	g_mutex_lock(&k->lock);
	a->id = ++k->last_id;
	k->pending = a;
	g_mutex_unlock(&k->lock);
	g_idle_add(k->present, k->present_arg);

	g_mutex_lock(&k->lock);
	while (!a->done) {
		gint64 until = g_get_monotonic_time() + KIOSK_ASK_POLL_US;

		if (g_cond_wait_until(&k->cond, &k->lock, until) || a->done)
			continue;
		/* The card went while the person was deciding. */
		g_mutex_unlock(&k->lock);
		bool gone = k->gone && k->gone(k->gone_arg);

		g_mutex_lock(&k->lock);
		if (gone && !a->done) {
			a->ret = -ECANCELED;
			a->done = true;
		}
	}
	k->pending = NULL;
	g_mutex_unlock(&k->lock);
	return a->ret;
}

struct kiosk_ask *kiosk_asker_lock(struct kiosk_asker *k)
{
	g_mutex_lock(&k->lock);
	if (k->pending && !k->pending->done)
		return k->pending;
	g_mutex_unlock(&k->lock);
	return NULL;
}

void kiosk_asker_unlock(struct kiosk_asker *k)
{
	g_mutex_unlock(&k->lock);
}

bool kiosk_asker_answer(struct kiosk_asker *k, unsigned long id,
			void (*fill)(struct kiosk_ask *a, void *arg), void *arg,
			int ret)
{
	struct kiosk_ask *a;
	bool ok = false;

	g_mutex_lock(&k->lock);
	a = k->pending;
	if (a && !a->done && a->id == id) {
		if (fill)
			fill(a, arg);
		a->ret = ret;
		a->done = true;
		g_cond_broadcast(&k->cond);
		ok = true;
	}
	g_mutex_unlock(&k->lock);
	return ok;
}

void kiosk_asker_cancel(struct kiosk_asker *k)
{
	g_mutex_lock(&k->lock);
	if (k->pending && !k->pending->done) {
		k->pending->ret = -ECANCELED;
		k->pending->done = true;
		g_cond_broadcast(&k->cond);
	}
	g_mutex_unlock(&k->lock);
}
