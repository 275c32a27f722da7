/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The listening socket. */
#ifndef ELIGD_LISTEN_H
#define ELIGD_LISTEN_H

#include <stddef.h>

/* Binds and listens on HOST:PORT: the socket, or -errno with why. */
int eligd_listen(const char *spec, char *why, size_t why_len);

/* The port a listening socket got (for port 0). */
int eligd_local_port(int fd);

#endif
