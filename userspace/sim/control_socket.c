// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "control_commands.h"
#include "control_socket.h"
#include "log.h"

#define MAX_CLIENTS	16

struct client {
	int fd;
	bool skipping;		/* inside a line too long: drop to its end */
	size_t len;
	char buf[CONTROL_LINE_MAX];
};

static int make_addr(const char *path, struct sockaddr_un *addr)
{
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(addr->sun_path))
		return -1;
	strcpy(addr->sun_path, path);
	return 0;
}

static bool someone_listens(const struct sockaddr_un *addr)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool live;

	if (fd < 0)
		return false;
	live = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0;
	close(fd);
	return live;
}

int control_socket_open(struct control_server *cs, const char *path)
{
	struct sockaddr_un addr;

	cs->listen_fd = -1;
	snprintf(cs->path, sizeof(cs->path), "%s", path);
	if (make_addr(path, &addr)) {
		sim_log("socket path too long: %s", path);
		return -1;
	}
	if (someone_listens(&addr)) {
		sim_log("%s is in use by another simulator", path);
		cs->path[0] = '\0';	/* not ours to remove */
		return -1;
	}
	unlink(path);	/* a dead run's */
	cs->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cs->listen_fd < 0 ||
	    bind(cs->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(cs->listen_fd, 8)) {
		sim_log("control socket %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void drop(struct client *c)
{
	close(c->fd);
	c->fd = -1;
	c->len = 0;
	c->skipping = false;
}

static void send_line(struct client *c, const char *reply)
{
	char line[CONTROL_REPLY_MAX + 1];
	size_t n = (size_t)snprintf(line, sizeof(line), "%s\n", reply);

	if (n >= sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	/* A client that does not read its replies loses its connection. */
	if (send(c->fd, line, n, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)n)
		drop(c);
}

/*
 * Runs every complete line in the client's buffer. On "quit" returns true
 * and leaves the client connected: it gets its reply after the teardown.
 */
static bool serve_lines(struct client *c, struct sim *s)
{
	char reply[CONTROL_REPLY_MAX];
	char *nl;

	while (c->fd >= 0 && (nl = memchr(c->buf, '\n', c->len))) {
		size_t used = (size_t)(nl - c->buf) + 1;

		*nl = '\0';
		if (control_execute(s, c->buf, reply, sizeof(reply)))
			return true;
		send_line(c, reply);
		if (c->fd < 0)
			break;
		memmove(c->buf, c->buf + used, c->len - used);
		c->len -= used;
	}
	if (c->fd >= 0 && c->len == sizeof(c->buf)) {
		/* Answer once, then skip the rest of that line: no reset mid-reply. */
		send_line(c, "error line too long");
		c->skipping = true;
		c->len = 0;
	}
	return false;
}

/* Drops buffered bytes up to the end of an over-long line. */
static void skip_long_line(struct client *c)
{
	char *nl = memchr(c->buf, '\n', c->len);
	size_t used;

	if (!nl) {
		c->len = 0;
		return;
	}
	used = (size_t)(nl - c->buf) + 1;
	memmove(c->buf, c->buf + used, c->len - used);
	c->len -= used;
	c->skipping = false;
}

static bool serve_client(struct client *c, struct sim *s)
{
	ssize_t n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);

	if (n <= 0) {
		if (n < 0 && errno == EINTR)
			return false;
		/* A last line without its newline still counts. */
		if (n == 0 && c->len && c->len < sizeof(c->buf) && !c->skipping) {
			c->buf[c->len++] = '\n';
			if (serve_lines(c, s))
				return true;
		}
		if (c->fd >= 0)
			drop(c);
		return false;
	}
	c->len += (size_t)n;
	if (c->skipping)
		skip_long_line(c);
	return c->skipping ? false : serve_lines(c, s);
}

static void accept_client(int listen_fd, struct client *clients)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	for (int i = 0; i < MAX_CLIENTS; i++) {
		if (clients[i].fd < 0) {
			clients[i].fd = fd;
			clients[i].len = 0;
			clients[i].skipping = false;
			return;
		}
	}
	if (send(fd, "error too many clients\n", 23, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		sim_log("control socket: %s", strerror(errno));
	close(fd);
}

int control_socket_serve(struct control_server *cs, struct sim *s, int sigfd)
{
	struct client clients[MAX_CLIENTS];
	struct pollfd pfd[MAX_CLIENTS + 2];
	int quit_fd = -1;
	bool quit = false;

	for (int i = 0; i < MAX_CLIENTS; i++)
		clients[i].fd = -1;
	while (!quit) {
		nfds_t n = 0;

		pfd[n++] = (struct pollfd) { .fd = sigfd, .events = POLLIN };
		pfd[n++] = (struct pollfd) { .fd = cs->listen_fd, .events = POLLIN };
		for (int i = 0; i < MAX_CLIENTS; i++)
			pfd[n++] = (struct pollfd) { .fd = clients[i].fd, .events = POLLIN };
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			sim_log("poll: %s", strerror(errno));
			break;
		}
		if (pfd[0].revents) {
			struct signalfd_siginfo si;

			if (read(sigfd, &si, sizeof(si)) == sizeof(si))
				sim_log("signal %u: unplugging", si.ssi_signo);
			break;
		}
		if (pfd[1].revents)
			accept_client(cs->listen_fd, clients);
		for (int i = 0; i < MAX_CLIENTS && !quit; i++) {
			if (clients[i].fd < 0 || pfd[i + 2].fd != clients[i].fd ||
			    !pfd[i + 2].revents)
				continue;
			quit = serve_client(&clients[i], s);
			if (quit) {
				quit_fd = clients[i].fd;
				clients[i].fd = -1;
			}
		}
	}
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].fd >= 0)
			close(clients[i].fd);
	return quit_fd;
}

void control_socket_reply(int fd, const char *reply)
{
	struct client c = { .fd = fd };

	if (fd < 0)
		return;
	send_line(&c, reply);
	if (c.fd >= 0)
		close(c.fd);
}

void control_socket_close(struct control_server *cs)
{
	if (cs->listen_fd >= 0)
		close(cs->listen_fd);
	cs->listen_fd = -1;
	if (cs->path[0])
		unlink(cs->path);
	cs->path[0] = '\0';
}
