/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fixed pool of worker threads for what may block or cost CPU: the
 * database, certificate and signature checks. The event loop never waits
 * for them; a connection holds no worker until its request is whole.
 */
#ifndef ELIGD_POOL_H
#define ELIGD_POOL_H

#include <sys/queue.h>

/* Embedded in the caller's job. */
struct eligd_work {
	TAILQ_ENTRY(eligd_work) link;
};

struct eligd_pool;

/* n threads that call run(w, arg) for each submitted w, in order. */
struct eligd_pool *eligd_pool_new(unsigned int n,
				  void (*run)(struct eligd_work *w, void *arg),
				  void *arg);
void eligd_pool_submit(struct eligd_pool *p, struct eligd_work *w);

/* Runs what is queued, then joins the threads and frees the pool. */
void eligd_pool_free(struct eligd_pool *p);

#endif
