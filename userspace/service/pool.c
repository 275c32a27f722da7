// SPDX-License-Identifier: GPL-2.0-or-later
#include "pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#define STACK (1024 * 1024)

struct eligd_pool {
	pthread_mutex_t lock;
	pthread_cond_t more;
	TAILQ_HEAD(, eligd_work) queue;
	bool stop;
	void (*run)(struct eligd_work *w, void *arg);
	void *arg;
	unsigned int n;
	pthread_t thread[];
};

static void *worker(void *arg)
{
	struct eligd_pool *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct eligd_work *w = TAILQ_FIRST(&p->queue);

		if (!w) {
			if (p->stop)
				break;
			pthread_cond_wait(&p->more, &p->lock);
			continue;
		}
		TAILQ_REMOVE(&p->queue, w, link);
		pthread_mutex_unlock(&p->lock);
		p->run(w, p->arg);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct eligd_pool *eligd_pool_new(unsigned int n,
				  void (*run)(struct eligd_work *w, void *arg),
				  void *arg)
{
	struct eligd_pool *p = calloc(1, sizeof(*p) + n * sizeof(pthread_t));
	pthread_attr_t attr;

	if (!p)
		return NULL;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->more, NULL);
	TAILQ_INIT(&p->queue);
	p->run = run;
	p->arg = arg;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK);
	for (; p->n < n; p->n++)
		if (pthread_create(&p->thread[p->n], &attr, worker, p))
			break;
	pthread_attr_destroy(&attr);
	if (p->n < n) {
		eligd_pool_free(p);
		return NULL;
	}
	return p;
}

void eligd_pool_submit(struct eligd_pool *p, struct eligd_work *w)
{
	pthread_mutex_lock(&p->lock);
	TAILQ_INSERT_TAIL(&p->queue, w, link);
	pthread_cond_signal(&p->more);
	pthread_mutex_unlock(&p->lock);
}

void eligd_pool_free(struct eligd_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->more);
	pthread_mutex_unlock(&p->lock);
	for (unsigned int i = 0; i < p->n; i++)
		pthread_join(p->thread[i], NULL);
	pthread_cond_destroy(&p->more);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
