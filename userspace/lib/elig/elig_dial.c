// SPDX-License-Identifier: LGPL-2.1-or-later
#include "elig/elig_dial.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/clock_ms.h"

/* One address: 0 with *fd connected, or -errno. */
static int try_one(const struct addrinfo *ai, uint64_t deadline, int *fd)
{
	int s, err = 0, one = 1;
	socklen_t len = sizeof(err);

	s = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		   ai->ai_protocol);
	if (s < 0)
		return -errno;
	/* Requests are one write each; do not hold them back (Nagle). */
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(s, ai->ai_addr, ai->ai_addrlen) == 0)
		goto done;
	if (errno != EINPROGRESS) {
		err = -errno;
		close(s);
		return err;
	}
	for (;;) {
		struct pollfd p = { .fd = s, .events = POLLOUT };
		uint64_t now = mncr_now_ms();
		int r;

		if (now >= deadline) {
			close(s);
			return -ETIMEDOUT;
		}
		r = poll(&p, 1, (int)(deadline - now));
		if (r > 0)
			break;
		if (r < 0 && errno != EINTR) {
			err = -errno;
			close(s);
			return err;
		}
	}
	if (getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		close(s);
		return -err;
	}
done:
	*fd = s;
	return 0;
}

int mncr_elig_dial(const char *host, const char *port,
		   unsigned int timeout_ms, char *why, size_t why_len)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICSERV,
	}, *res = NULL;
	uint64_t deadline = mncr_now_ms() + timeout_ms;
	int fd = -1, ret = -EHOSTUNREACH, g;

	g = getaddrinfo(host, port, &hints, &res);
	if (g) {
		snprintf(why, why_len, "%s: %s", host, gai_strerror(g));
		return -EHOSTUNREACH;
	}
	for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		ret = try_one(ai, deadline, &fd);
		if (!ret || ret == -ETIMEDOUT)
			break;
	}
	freeaddrinfo(res);
	if (ret) {
		snprintf(why, why_len, "connect to %s port %s: %s", host, port,
			 ret == -ETIMEDOUT ? "timed out" : strerror(-ret));
		return ret;
	}
	return fd;
}
