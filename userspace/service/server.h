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

#include "service.h"

/*
 * Serves until a stop signal arrives on sig_fd (a signalfd for SIGTERM,
 * SIGINT and SIGHUP). Returns 0 after a clean stop, -1 when connections
 * were still running at the end of the grace period.
 */
int eligd_serve(struct eligd_service *s, int listen_fd, int sig_fd);

#endif
