// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mncr-kiosk's question handshake (userspace/kiosk/ask.c): the flow's
 * thread blocks until the main loop answers; a stale answer (an older
 * question's id) is dropped; the card's removal and the cancel button end
 * a question with -ECANCELED, and nothing answers it afterwards; the
 * prompt's copy keeps its kind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "../../userspace/kiosk/ask.h"

struct fixture {
	struct kiosk_asker k;
	struct kiosk_ask a;
	gint presented;		/* times present ran */
	gint gone;		/* the card is out */
	int ret;		/* kiosk_asker_wait's */
	gint returned;		/* it did */
};

static gboolean present(gpointer data)
{
	struct fixture *f = data;

	g_atomic_int_inc(&f->presented);
	return G_SOURCE_REMOVE;
}

static bool gone(void *arg)
{
	return g_atomic_int_get(&((struct fixture *)arg)->gone);
}

static gpointer worker(gpointer data)
{
	struct fixture *f = data;

	f->ret = kiosk_asker_wait(&f->k, &f->a);
	g_atomic_int_set(&f->returned, 1);
	return NULL;
}

static GThread *start(struct fixture *f)
{
	g_mutex_init(&f->k.lock);
	g_cond_init(&f->k.cond);
	f->k.present = present;
	f->k.present_arg = f;
	f->k.gone = gone;
	f->k.gone_arg = f;
	f->a.kind = KIOSK_ASK_CHOOSE;
	return g_thread_new("ask", worker, f);
}

/* Runs the default main context until the question is on screen. */
static unsigned long presented(struct fixture *f)
{
	struct kiosk_ask *a;
	unsigned long id;

	while (!g_atomic_int_get(&f->presented))
		g_main_context_iteration(NULL, TRUE);
	a = kiosk_asker_lock(&f->k);
	assert_non_null(a);
	id = a->id;
	kiosk_asker_unlock(&f->k);
	return id;
}

static void fill(struct kiosk_ask *a, void *arg)
{
	a->choice = *(unsigned int *)arg;
}

static void finish(struct fixture *f, GThread *t)
{
	g_thread_join(t);
	g_mutex_clear(&f->k.lock);
	g_cond_clear(&f->k.cond);
}

static void test_answered(void **state)
{
	struct fixture f = { 0 };
	GThread *t = start(&f);
	unsigned int pin = MNCR_QUALIFY_OPT_PIN;
	unsigned long id = presented(&f);

	(void)state;
	assert_true(kiosk_asker_answer(&f.k, id, fill, &pin, 0));
	finish(&f, t);
	assert_int_equal(f.ret, 0);
	assert_int_equal(f.a.choice, MNCR_QUALIFY_OPT_PIN);
	/* Answered once: the same id again finds nothing. */
	assert_false(kiosk_asker_answer(&f.k, id, fill, &pin, 0));
	assert_null(kiosk_asker_lock(&f.k));
}

static void test_stale_answer_dropped(void **state)
{
	struct fixture f = { 0 };
	GThread *t = start(&f);
	unsigned int face = MNCR_QUALIFY_OPT_FACE;
	unsigned long id = presented(&f);
	bool newer, older;

	(void)state;
	newer = kiosk_asker_answer(&f.k, id + 1, fill, &face, 0);
	older = kiosk_asker_answer(&f.k, id - 1, fill, &face, 0);
	kiosk_asker_cancel(&f.k);
	finish(&f, t);	/* before any assert: the thread uses f */
	assert_false(newer);
	assert_false(older);
	assert_int_equal(f.ret, -ECANCELED);
	assert_int_equal(f.a.choice, 0);
}

static void test_card_removed(void **state)
{
	struct fixture f = { 0 };
	GThread *t = start(&f);
	unsigned int face = MNCR_QUALIFY_OPT_FACE;
	unsigned long id = presented(&f);
	bool by_itself;

	(void)state;
	g_atomic_int_set(&f.gone, 1);
	/* It returns by its poll (300 ms), nobody answering: allow 5 s. */
	for (int i = 0; i < 500 && !g_atomic_int_get(&f.returned); i++)
		g_usleep(10000);
	by_itself = g_atomic_int_get(&f.returned);
	kiosk_asker_cancel(&f.k);	/* no hang when it did not */
	finish(&f, t);
	assert_true(by_itself);
	assert_int_equal(f.ret, -ECANCELED);
	assert_false(kiosk_asker_answer(&f.k, id, fill, &face, 0));
	assert_int_equal(f.a.choice, 0);
}

static void test_cancel_before_shown(void **state)
{
	struct fixture f = { 0 };
	GThread *t = start(&f);

	(void)state;
	/* The worker posted it; the screen has not drawn it yet. */
	while (!g_main_context_pending(NULL))
		g_usleep(1000);
	kiosk_asker_cancel(&f.k);
	finish(&f, t);
	assert_int_equal(f.ret, -ECANCELED);
	/* The late present finds no question to draw. */
	g_main_context_iteration(NULL, FALSE);
	assert_int_equal(g_atomic_int_get(&f.presented), 1);
	assert_null(kiosk_asker_lock(&f.k));
}

/*
 * The copy keeps the prompt's kind (the kiosk's page); a prompt whose
 * size ends before kind (a library older than the header) is UNKNOWN.
 */
static void test_prompt_kind(void **state)
{
	struct mncr_qualify_prompt p = {
		.size = sizeof(p), .audience = MNCR_QUALIFY_STAFF,
		.text = "目視確認", .options = MNCR_QUALIFY_OPT_VISUAL,
		.kind = MNCR_QUALIFY_KIND_VISUAL,
	};
	struct kiosk_prompt k = { 0 };

	(void)state;
	kiosk_prompt_copy(&k, &p);
	assert_int_equal(k.kind, MNCR_QUALIFY_KIND_VISUAL);
	assert_string_equal(k.text, "目視確認");
	assert_int_equal(k.options, MNCR_QUALIFY_OPT_VISUAL);
	kiosk_prompt_clear(&k);
	p.size = offsetof(struct mncr_qualify_prompt, kind);
	kiosk_prompt_copy(&k, &p);
	assert_int_equal(k.kind, MNCR_QUALIFY_KIND_UNKNOWN);
	kiosk_prompt_clear(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answered),
		cmocka_unit_test(test_stale_answer_dropped),
		cmocka_unit_test(test_card_removed),
		cmocka_unit_test(test_cancel_before_shown),
		cmocka_unit_test(test_prompt_kind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
