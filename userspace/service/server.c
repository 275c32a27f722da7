// SPDX-License-Identifier: GPL-2.0-or-later
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "handler.h"
#include "log.h"

#define BACKLOG 64
#define THREAD_STACK (1024 * 1024)

struct job {
	struct eligd_service *s;
	int fd;
	char addr[64];
};

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

static void name_of(const struct sockaddr_storage *a, char *out, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *v4 = (const void *)a;

		inet_ntop(AF_INET, &v4->sin_addr, host, sizeof(host));
		port = ntohs(v4->sin_port);
	} else if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *v6 = (const void *)a;

		inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof(host));
		port = ntohs(v6->sin6_port);
	}
	snprintf(out, len, "%s:%d", host, port);
}

static void *run(void *arg)
{
	struct job *j = arg;
	struct eligd_service *s = j->s;

	eligd_handle(s, j->fd, j->addr);
	free(j);
	pthread_mutex_lock(&s->lock);
	s->active--;
	pthread_cond_signal(&s->idle);
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

static void start(struct eligd_service *s, int fd,
		  const struct sockaddr_storage *a)
{
	struct job *j = calloc(1, sizeof(*j));
	pthread_attr_t attr;
	pthread_t t;
	int one = 1;

	if (!j) {
		close(fd);
		return;
	}
	j->s = s;
	j->fd = fd;
	name_of(a, j->addr, sizeof(j->addr));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	pthread_mutex_lock(&s->lock);
	s->active++;
	pthread_mutex_unlock(&s->lock);
	if (pthread_create(&t, &attr, run, j)) {
		eligd_warn("%s: no thread for the connection", j->addr);
		close(fd);
		free(j);
		pthread_mutex_lock(&s->lock);
		s->active--;
		pthread_mutex_unlock(&s->lock);
	}
	pthread_attr_destroy(&attr);
}

static unsigned int active(struct eligd_service *s)
{
	unsigned int n;

	pthread_mutex_lock(&s->lock);
	n = s->active;
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* Handles one signal: returns 1 to stop. */
static int on_signal(struct eligd_service *s, int sig_fd)
{
	struct signalfd_siginfo si;
	char why[200];

	if (read(sig_fd, &si, sizeof(si)) != sizeof(si))
		return 0;
	if (si.ssi_signo != SIGHUP) {
		eligd_info("signal %u: stopping", si.ssi_signo);
		return 1;
	}
	if (eligd_cards_reload(s->cards, s->opt->card_ca, s->opt->crl, why,
			       sizeof(why)))
		eligd_err("reload failed, keeping the old CA and CRL: %s", why);
	else
		eligd_info("card CA and CRL reloaded");
	return 0;
}

/* Waits for the running connections: 0 when all ended in time. */
static int drain(struct eligd_service *s)
{
	const struct eligd_options *o = s->opt;
	/* Longest a connection can last: handshake, read, write, linger. */
	time_t grace = o->handshake_timeout + 2 * o->timeout + 2;
	struct timespec until;
	int ret = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += grace;
	pthread_mutex_lock(&s->lock);
	while (s->active && !ret)
		ret = pthread_cond_timedwait(&s->idle, &s->lock, &until);
	ret = s->active ? -1 : 0;
	pthread_mutex_unlock(&s->lock);
	return ret;
}

int eligd_serve(struct eligd_service *s, int listen_fd, int sig_fd)
{
	for (;;) {
		bool full = active(s) >= s->opt->max_clients;
		struct pollfd p[2] = {
			{ .fd = sig_fd, .events = POLLIN },
			/* At the limit, new connections wait in the backlog. */
			{ .fd = full ? -1 : listen_fd, .events = POLLIN },
		};
		struct sockaddr_storage a;
		socklen_t len = sizeof(a);
		int fd;

		if (poll(p, 2, full ? 50 : -1) < 0) {
			if (errno == EINTR)
				continue;
			eligd_err("poll: %s", strerror(errno));
			break;
		}
		if ((p[0].revents & POLLIN) && on_signal(s, sig_fd))
			break;
		if (!(p[1].revents & POLLIN))
			continue;
		fd = accept4(listen_fd, (struct sockaddr *)&a, &len,
			     SOCK_CLOEXEC);
		if (fd >= 0)
			start(s, fd, &a);
		else if (errno == EMFILE || errno == ENFILE || errno == ENOMEM)
			/* Out of descriptors: back off instead of spinning. */
			poll(NULL, 0, 100);
		else if (errno != EINTR && errno != ECONNABORTED)
			eligd_warn("accept: %s", strerror(errno));
	}
	close(listen_fd);
	if (drain(s)) {
		eligd_err("%u connections still running at exit", active(s));
		return -1;
	}
	return 0;
}
