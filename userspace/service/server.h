/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The event loop (libevent): accepts connections, drives every TLS
 * handshake and request read without blocking, each under its deadline,
 * and hands whole requests to a small fixed pool of workers. SIGHUP
 * reloads the card CA and CRL; SIGTERM or SIGINT stop accepting and wait
 * for the connections in progress, whose deadlines bound the wait.
 *
 * Limits: --max-connections open at once (the oldest unauthenticated one
 * makes room for a newcomer), --max-per-source unauthenticated ones per
 * address (the oldest of that address makes room), --max-clients
 * authenticated readers at once, --workers threads.
 */
#ifndef ELIGD_SERVER_H
#define ELIGD_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/queue.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "pool.h"
#include "service.h"
#include "sources.h"

struct eligd_server {
	struct eligd_service *s;
	struct event_base *base;
	struct evconnlistener *listener;
	struct event *sig_ev, *done_ev, *grace_ev;
	struct eligd_pool *pool;
	struct eligd_sources *sources;	/* unauthenticated connections */
	pthread_mutex_t done_lock;
	TAILQ_HEAD(, eligd_work) done;	/* answers back from the workers */
	unsigned int max_connections;	/* after the descriptor limit */
	unsigned int conns;		/* open connections, all states */
	unsigned int clients;		/* authenticated, not yet answered */
	bool stopping;
	int result;
};

/*
 * Serves until a stop signal arrives on sig_fd (a signalfd for SIGTERM,
 * SIGINT and SIGHUP). Returns 0 after a clean stop, -1 when connections
 * were still running at the end of the grace period.
 */
int eligd_serve(struct eligd_service *s, int listen_fd, int sig_fd);

/* A connection was freed (conn.c): the stop may now be complete. */
void eligd_server_conn_gone(struct eligd_server *srv);

/* A worker finished w's request (any thread): wake the loop. */
void eligd_server_work_done(struct eligd_server *srv, struct eligd_work *w);

#endif
