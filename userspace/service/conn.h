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

#include "pool.h"
#include "server.h"
#include "sources.h"

struct eligd_conn;

/* Takes the accepted socket fd. The connection, or NULL (fd closed). */
struct eligd_conn *eligd_conn_new(struct eligd_server *srv, int fd,
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

/* Pool thread: builds the answer to the whole request. */
void eligd_conn_work(struct eligd_work *w, void *srv);

/* Loop thread, after eligd_conn_work(): sends the answer. */
void eligd_conn_answer(struct eligd_conn *c);

#endif
