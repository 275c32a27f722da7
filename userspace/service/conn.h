/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One connection on the event loop: TLS handshake under
 * --handshake-timeout, the whole request read under --timeout, the work
 * on a pool thread, the answer written under --timeout, close_notify, a
 * short linger, close. Until its request is whole a connection costs
 * memory only (no thread); until it has authenticated it can be evicted.
 */
#ifndef ELIGD_CONN_H
#define ELIGD_CONN_H

#include <sys/socket.h>

#include <event2/event.h>

#include "pool.h"
#include "service.h"
#include "sources.h"

/*
 * What a connection needs of the event loop that accepted it: the loop's
 * part of the server, handed over so that conn.c does not know server.c.
 */
struct eligd_conn_ctx {
	struct eligd_service *s;
	struct event_base *base;
	struct eligd_pool *pool;
	struct eligd_sources *sources;	/* unauthenticated connections */
	unsigned int conns;		/* open connections, all states */
	unsigned int clients;		/* authenticated, not yet answered */
	/* Loop thread: a connection was freed (conns already lowered). */
	void (*gone)(struct eligd_conn_ctx *cx);
	/* Any thread: a worker finished w's request; wake the loop. */
	void (*work_done)(struct eligd_conn_ctx *cx, struct eligd_work *w);
};

struct eligd_conn;

/* Takes the accepted socket fd. The connection, or NULL (fd closed). */
struct eligd_conn *eligd_conn_new(struct eligd_conn_ctx *cx, int fd,
				  const struct sockaddr *a);

/*
 * Closes an unauthenticated connection at once. One whose handshake has
 * just succeeded (its callback not yet run) is kept and only leaves the
 * unauthenticated list.
 */
void eligd_conn_evict(struct eligd_conn *c, const char *why);

/* The newcomer's place among the unauthenticated, for the caps. */
struct eligd_unauth *eligd_conn_unauth(struct eligd_conn *c);
struct eligd_conn *eligd_conn_of_unauth(struct eligd_unauth *u);
struct eligd_conn *eligd_conn_of_work(struct eligd_work *w);

/* Pool thread: builds the answer to the whole request (arg: the ctx). */
void eligd_conn_work(struct eligd_work *w, void *arg);

/* Loop thread, after eligd_conn_work(): sends the answer. */
void eligd_conn_answer(struct eligd_conn *c);

#endif
