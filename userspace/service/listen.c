// SPDX-License-Identifier: GPL-2.0-or-later
#include "listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Room for handshakes that arrive together; over it, SYN cookies. */
#define BACKLOG 1024

int eligd_listen(const char *spec, char *why, size_t why_len)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
	}, *res;
	char host[64];
	const char *port;
	int fd, one = 1, g;
	size_t n;

	/* HOST:PORT or [V6]:PORT; the last colon separates the port. */
	port = strrchr(spec, ':');
	if (!port || port == spec || !port[1]) {
		snprintf(why, why_len, "--listen %s: expected HOST:PORT", spec);
		return -EINVAL;
	}
	n = (size_t)(port - spec);
	if (spec[0] == '[' && n >= 2 && spec[n - 1] == ']')
		spec++, n -= 2;
	if (n >= sizeof(host)) {
		snprintf(why, why_len, "--listen: host too long");
		return -EINVAL;
	}
	memcpy(host, spec, n);
	host[n] = '\0';
	g = getaddrinfo(host, port + 1, &hints, &res);
	if (g) {
		snprintf(why, why_len, "--listen %s: %s", host, gai_strerror(g));
		return -EINVAL;
	}
	fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC,
		    res->ai_protocol);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, res->ai_addr, res->ai_addrlen) ||
	    listen(fd, BACKLOG)) {
		int e = errno;

		snprintf(why, why_len, "--listen %s: %s", host, strerror(e));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		return -e;
	}
	freeaddrinfo(res);
	return fd;
}

int eligd_local_port(int fd)
{
	struct sockaddr_storage a;
	socklen_t len = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &len))
		return -errno;
	if (a.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&a)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&a)->sin6_port);
}
