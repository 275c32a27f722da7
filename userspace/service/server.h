/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Listening socket and accept loop: a thread per connection up to
 * --max-clients (more wait in the kernel's backlog), SIGHUP reloads the
 * card CA and CRL, SIGTERM or SIGINT stop accepting and wait for the
 * connections in progress, whose deadlines bound the wait.
 */
#ifndef ELIGD_SERVER_H
#define ELIGD_SERVER_H

#include <stddef.h>

#include "service.h"

/* Binds and listens on HOST:PORT: the socket, or -errno with why. */
int eligd_listen(const char *spec, char *why, size_t why_len);

/* The port a listening socket got (for port 0). */
int eligd_local_port(int fd);

/*
 * Serves until a stop signal arrives on sig_fd (a signalfd for SIGTERM,
 * SIGINT and SIGHUP). Returns 0 after a clean stop, -1 when connections
 * were still running at the end of the grace period.
 */
int eligd_serve(struct eligd_service *s, int listen_fd, int sig_fd);

#endif
