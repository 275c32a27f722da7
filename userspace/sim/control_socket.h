/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control socket: a unix stream socket taking control_commands lines
 * from any number of short-lived clients, served from the main thread
 * together with SIGTERM and SIGINT (a signalfd).
 */
#ifndef MNCR_SIM_CONTROL_SOCKET_H
#define MNCR_SIM_CONTROL_SOCKET_H

#include "options.h"
#include "sim.h"

struct control_server {
	int listen_fd;
	char path[SIM_SOCKET_MAX];
};

/* Listens on path; refuses a path another live simulator answers on. */
int control_socket_open(struct control_server *cs, const char *path);

/*
 * Serves until "quit" or a signal on sigfd. Returns the connection that
 * asked to quit (its reply is due once the reader is gone), or -1.
 */
int control_socket_serve(struct control_server *cs, struct sim *s, int sigfd);

/* Sends the last reply on a connection and closes it (fd -1: nothing). */
void control_socket_reply(int fd, const char *reply);

/* Closes and removes the socket. */
void control_socket_close(struct control_server *cs);

#endif
