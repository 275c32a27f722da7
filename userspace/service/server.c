// SPDX-License-Identifier: GPL-2.0-or-later
#include "server.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/queue.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <event2/listener.h>
#include <event2/thread.h>

#include "conn.h"
#include "log.h"
#include "pool.h"
#include "sources.h"

struct eligd_server {
	struct eligd_conn_ctx cx;	/* first: the callbacks cast back */
	struct evconnlistener *listener;
	struct event *sig_ev, *done_ev, *grace_ev;
	pthread_mutex_t done_lock;
	TAILQ_HEAD(, eligd_work) done;	/* answers back from the workers */
	unsigned int max_connections;	/* after the descriptor limit */
	bool stopping;
	int result;
};

/* Descriptors kept for the listener, database, log and workers. */
#define SPARE_FDS 64

/* Raises the descriptor limit to fit the connection cap, or the cap. */
static unsigned int fit_fd_limit(unsigned int want)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r))
		return want;
	if (r.rlim_cur < (rlim_t)want + SPARE_FDS) {
		r.rlim_cur = r.rlim_max < (rlim_t)want + SPARE_FDS ?
			     r.rlim_max : (rlim_t)want + SPARE_FDS;
		setrlimit(RLIMIT_NOFILE, &r);
		getrlimit(RLIMIT_NOFILE, &r);
	}
	if (r.rlim_cur >= (rlim_t)want + SPARE_FDS)
		return want;
	want = r.rlim_cur > 2 * SPARE_FDS ?
	       (unsigned int)(r.rlim_cur - SPARE_FDS) : SPARE_FDS;
	eligd_warn("descriptor limit %llu: --max-connections lowered to %u",
		   (unsigned long long)r.rlim_cur, want);
	return want;
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd,
		      struct sockaddr *a, int len, void *arg)
{
	struct eligd_server *srv = arg;
	struct eligd_unauth *u;
	struct eligd_conn *c;

	(void)l;
	(void)len;
	/* Each pass closes one or takes one off the list: it ends. */
	while (srv->cx.conns >= srv->max_connections) {
		u = eligd_sources_oldest(srv->cx.sources);
		if (!u) {
			/* All authenticated: their deadlines free room. */
			close(fd);
			return;
		}
		eligd_conn_evict(eligd_conn_of_unauth(u),
				 "--max-connections reached");
	}
	c = eligd_conn_new(&srv->cx, fd, a);
	while (c && (u = eligd_sources_over(srv->cx.sources,
					    eligd_conn_unauth(c))))
		eligd_conn_evict(eligd_conn_of_unauth(u),
				 "--max-per-source reached");
}

static void on_accept_error(struct evconnlistener *l, void *arg)
{
	int e = EVUTIL_SOCKET_ERROR();

	(void)l;
	(void)arg;
	/* EMFILE and the like: libevent retries on the next readiness. */
	eligd_warn("accept: %s", strerror(e));
}

static void stop(struct eligd_server *srv)
{
	const struct eligd_options *o = srv->cx.s->opt;
	/* Longest a connection can last: handshake, read, write, linger. */
	struct timeval grace = {
		.tv_sec = o->handshake_timeout + 2 * o->timeout + 2,
	};

	srv->stopping = true;
	if (srv->listener) {
		evconnlistener_free(srv->listener);
		srv->listener = NULL;
	}
	event_del(srv->sig_ev);
	evtimer_add(srv->grace_ev, &grace);
	if (!srv->cx.conns)
		event_base_loopbreak(srv->cx.base);
}

static void on_signal(evutil_socket_t fd, short what, void *arg)
{
	struct eligd_server *srv = arg;
	const struct eligd_options *o = srv->cx.s->opt;
	struct mncr_cert_trust t = { .ca_file = o->card_ca, .crl_file = o->crl };
	struct signalfd_siginfo si;
	char why[200];

	(void)what;
	if (read(fd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo != SIGHUP) {
		eligd_info("signal %u: stopping", si.ssi_signo);
		stop(srv);
		return;
	}
	if (mncr_cert_store_reload(srv->cx.s->cards, &t, why, sizeof(why)))
		eligd_err("reload failed, keeping the old CA and CRL: %s", why);
	else
		eligd_info("card CA and CRL reloaded");
}

static void on_grace(evutil_socket_t fd, short what, void *arg)
{
	struct eligd_server *srv = arg;

	(void)fd;
	(void)what;
	srv->result = -1;
	event_base_loopbreak(srv->cx.base);
}

static void conn_gone(struct eligd_conn_ctx *cx)
{
	struct eligd_server *srv = (struct eligd_server *)cx;

	if (srv->stopping && !srv->cx.conns)
		event_base_loopbreak(srv->cx.base);
}

static void work_done(struct eligd_conn_ctx *cx, struct eligd_work *w)
{
	struct eligd_server *srv = (struct eligd_server *)cx;

	pthread_mutex_lock(&srv->done_lock);
	TAILQ_INSERT_TAIL(&srv->done, w, link);
	pthread_mutex_unlock(&srv->done_lock);
	event_active(srv->done_ev, EV_READ, 0);
}

static void on_done(evutil_socket_t fd, short what, void *arg)
{
	struct eligd_server *srv = arg;
	TAILQ_HEAD(, eligd_work) ready = TAILQ_HEAD_INITIALIZER(ready);
	struct eligd_work *w;

	(void)fd;
	(void)what;
	pthread_mutex_lock(&srv->done_lock);
	TAILQ_CONCAT(&ready, &srv->done, link);
	pthread_mutex_unlock(&srv->done_lock);
	while ((w = TAILQ_FIRST(&ready))) {
		TAILQ_REMOVE(&ready, w, link);
		eligd_conn_answer(eligd_conn_of_work(w));
	}
}

static int setup(struct eligd_server *srv, int listen_fd, int sig_fd)
{
	const struct eligd_options *o = srv->cx.s->opt;

	/* Workers wake the loop with event_active(): needs locking. */
	if (evthread_use_pthreads())
		return -1;
	srv->cx.base = event_base_new();
	if (!srv->cx.base)
		return -1;
	srv->cx.sources = eligd_sources_new(o->max_per_source);
	srv->cx.pool = eligd_pool_new(o->workers, eligd_conn_work, &srv->cx);
	srv->sig_ev = event_new(srv->cx.base, sig_fd, EV_READ | EV_PERSIST,
				on_signal, srv);
	srv->done_ev = event_new(srv->cx.base, -1, 0, on_done, srv);
	srv->grace_ev = evtimer_new(srv->cx.base, on_grace, srv);
	if (!srv->cx.sources || !srv->cx.pool || !srv->sig_ev || !srv->done_ev ||
	    !srv->grace_ev || event_add(srv->sig_ev, NULL))
		return -1;
	evutil_make_socket_nonblocking(listen_fd);
	/* Backlog 0: listen() was called; -1 would shrink it to 128. */
	srv->listener = evconnlistener_new(srv->cx.base, on_accept, srv,
					   LEV_OPT_CLOSE_ON_FREE |
					   LEV_OPT_CLOSE_ON_EXEC, 0,
					   listen_fd);
	if (!srv->listener)
		return -1;
	evconnlistener_set_error_cb(srv->listener, on_accept_error);
	return 0;
}

int eligd_serve(struct eligd_service *s, int listen_fd, int sig_fd)
{
	struct eligd_server srv = {
		.cx = { .s = s, .gone = conn_gone, .work_done = work_done },
	};
	int ret;

	pthread_mutex_init(&srv.done_lock, NULL);
	TAILQ_INIT(&srv.done);
	srv.max_connections = fit_fd_limit(s->opt->max_connections);
	if (setup(&srv, listen_fd, sig_fd)) {
		eligd_err("event loop setup failed");
		if (!srv.listener)
			close(listen_fd);
		ret = -1;
		goto out;
	}
	event_base_dispatch(srv.cx.base);
	ret = srv.result;
	if (ret) {
		eligd_err("%u connections still running at exit", srv.cx.conns);
		/* Workers may still use the shared state: leave it. */
		return -1;
	}
out:
	if (srv.listener)
		evconnlistener_free(srv.listener);
	eligd_pool_free(srv.cx.pool);
	if (srv.sig_ev)
		event_free(srv.sig_ev);
	if (srv.done_ev)
		event_free(srv.done_ev);
	if (srv.grace_ev)
		event_free(srv.grace_ev);
	eligd_sources_free(srv.cx.sources);
	if (srv.cx.base)
		event_base_free(srv.cx.base);
	pthread_mutex_destroy(&srv.done_lock);
	return ret;
}
