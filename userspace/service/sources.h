/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Connections that have not yet authenticated, by source address, oldest
 * first. A newcomer over the per-source cap pushes out the oldest one of
 * its own address, and over the total cap the oldest one of all: idle or
 * stalled handshakes can then delay a reader by at most its own
 * handshake, never shut it out, wherever they come from.
 */
#ifndef ELIGD_SOURCES_H
#define ELIGD_SOURCES_H

#include <sys/queue.h>
#include <sys/socket.h>

struct eligd_source;

/* Embedded in the connection while it is unauthenticated. */
struct eligd_unauth {
	TAILQ_ENTRY(eligd_unauth) all, same;
	struct eligd_source *src;
};

struct eligd_sources;

struct eligd_sources *eligd_sources_new(unsigned int per_source);
void eligd_sources_free(struct eligd_sources *t);

/* Adds n for address a: 0 or -ENOMEM. */
int eligd_sources_add(struct eligd_sources *t, const struct sockaddr *a,
		      struct eligd_unauth *n);

/* The oldest entry of n's address while it has more than the cap. */
struct eligd_unauth *eligd_sources_over(struct eligd_sources *t,
					struct eligd_unauth *n);

/* Removes n (it authenticated or closed); harmless when not added. */
void eligd_sources_remove(struct eligd_sources *t, struct eligd_unauth *n);

/* The oldest unauthenticated connection, or NULL. */
struct eligd_unauth *eligd_sources_oldest(struct eligd_sources *t);

#endif
