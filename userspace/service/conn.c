// SPDX-License-Identifier: GPL-2.0-or-later
#include "conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "api.h"
#include "error_body.h"
#include "log.h"
#include "request.h"

#define LINGER_MS 500
#define HEAD_CAP 512

enum state { HANDSHAKE, READING, WORKING, WRITING, LINGER };

struct eligd_conn {
	struct eligd_conn_ctx *cx;
	struct bufferevent *bev;	/* until the linger */
	SSL *ssl;
	int fd;
	enum state state;
	bool fatal;		/* TLS failed or the peer went: no close_notify */
	bool gone;		/* the peer went while a worker had the request */
	bool client;		/* counted in cx->clients */
	struct event *timer;	/* the deadline of the current state */
	struct event *first;	/* waiting for the first byte, no TLS yet */
	struct event *linger;
	struct eligd_unauth unauth;
	struct eligd_work work;
	struct eligd_peer peer;
	struct eligd_request rq;
	struct eligd_reply reply;
	char head[HEAD_CAP];
};

struct eligd_conn *eligd_conn_of_unauth(struct eligd_unauth *u)
{
	return (struct eligd_conn *)((char *)u -
				     offsetof(struct eligd_conn, unauth));
}

struct eligd_conn *eligd_conn_of_work(struct eligd_work *w)
{
	return (struct eligd_conn *)((char *)w -
				     offsetof(struct eligd_conn, work));
}

static void name_of(const struct sockaddr *a, char *out, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (a->sa_family == AF_INET) {
		const struct sockaddr_in *v4 = (const void *)a;

		inet_ntop(AF_INET, &v4->sin_addr, host, sizeof(host));
		port = ntohs(v4->sin_port);
	} else if (a->sa_family == AF_INET6) {
		const struct sockaddr_in6 *v6 = (const void *)a;

		inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof(host));
		port = ntohs(v6->sin6_port);
	}
	snprintf(out, len, "%s:%d", host, port);
}

static int peer_identity(SSL *ssl, struct eligd_peer *p)
{
	X509 *x = SSL_get0_peer_certificate(ssl);
	unsigned int n = 0;
	X509_NAME *subject;

	if (!x || X509_digest(x, EVP_sha256(), p->id, &n) != 1 ||
	    n != sizeof(p->id))
		return -EPROTO;
	for (unsigned int i = 0; i < n; i++)
		snprintf(p->id_hex + 2 * i, 3, "%02x", p->id[i]);
	subject = X509_get_subject_name(x);
	if (X509_NAME_get_text_by_NID(subject, NID_commonName, p->name,
				      sizeof(p->name)) < 0)
		snprintf(p->name, sizeof(p->name), "reader %.16s", p->id_hex);
	/* The name only goes to logs; keep them one line each. */
	for (char *c = p->name; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return 0;
}

static void arm(struct eligd_conn *c, unsigned int seconds)
{
	struct timeval tv = { .tv_sec = seconds };

	evtimer_add(c->timer, &tv);
}

/* Gives back what the connection holds but its socket. */
static void release(struct eligd_conn *c)
{
	eligd_sources_remove(c->cx->sources, &c->unauth);
	if (c->client) {
		c->cx->clients--;
		c->client = false;
	}
	evtimer_del(c->timer);
	if (c->first) {
		event_free(c->first);
		c->first = NULL;
	}
	if (c->bev) {
		bufferevent_free(c->bev);
		c->bev = NULL;
	}
	if (c->ssl) {
		/* close_notify goes straight to the socket: output is empty. */
		if (!c->fatal && SSL_is_init_finished(c->ssl))
			SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	/* Both held card data or insurance data. */
	OPENSSL_clear_free(c->rq.buf, ELIGD_REQUEST_CAP);
	OPENSSL_clear_free(c->reply.body, c->reply.cap);
	c->rq.buf = NULL;
	c->reply.body = NULL;
}

static void close_now(struct eligd_conn *c)
{
	struct eligd_conn_ctx *cx = c->cx;

	release(c);
	close(c->fd);
	if (c->linger)
		event_free(c->linger);
	event_free(c->timer);
	free(c);
	cx->conns--;
	cx->gone(cx);
}

static void on_linger(evutil_socket_t fd, short what, void *arg)
{
	struct eligd_conn *c = arg;
	char buf[4096];
	ssize_t n;

	if (!(what & EV_TIMEOUT)) {
		while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
			;
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
	}
	close_now(c);
}

/*
 * Ends in order: close_notify, half-close, and a short wait reading what
 * the peer still sends, so that the kernel does not answer unread data
 * with a reset that could overtake our last bytes.
 */
static void finish(struct eligd_conn *c)
{
	struct timeval tv = { .tv_usec = LINGER_MS * 1000 };

	release(c);
	c->state = LINGER;
	shutdown(c->fd, SHUT_WR);
	c->linger = event_new(c->cx->base, c->fd, EV_READ | EV_PERSIST,
			      on_linger, c);
	if (!c->linger || event_add(c->linger, &tv))
		close_now(c);
}

struct eligd_unauth *eligd_conn_unauth(struct eligd_conn *c)
{
	return &c->unauth;
}

void eligd_conn_evict(struct eligd_conn *c, const char *why)
{
	if (c->ssl && SSL_is_init_finished(c->ssl)) {
		eligd_sources_remove(c->cx->sources, &c->unauth);
		return;
	}
	eligd_info("%s: closed before its handshake ended: %s", c->peer.addr,
		   why);
	close_now(c);
}

/* Sends the reply: head, then the body from our buffer (no copy). */
static void respond(struct eligd_conn *c)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	int n = mncr_elig_http_response_head(c->head, sizeof(c->head),
					     c->reply.status, c->reply.len);

	if (n < 0) {
		eligd_info("%s (%s): response not delivered: head too long",
			   c->peer.addr, c->peer.name);
		finish(c);
		return;
	}
	c->state = WRITING;
	bufferevent_disable(c->bev, EV_READ);
	arm(c, c->cx->s->opt->timeout);
	/* The write callback may end the connection: nothing after these. */
	if (evbuffer_add(out, c->head, (size_t)n) ||
	    (c->reply.len && evbuffer_add_reference(out, c->reply.body,
						    c->reply.len, NULL,
						    NULL))) {
		c->fatal = true;
		finish(c);
	}
}

static void refuse(struct eligd_conn *c, int status, const char *why)
{
	eligd_info("%s (%s): HTTP %d: %s", c->peer.addr, c->peer.name, status,
		   why);
	eligd_error_body(&c->reply, status, NULL, eligd_request_code(status),
			 "%s", why);
	respond(c);
}

static void on_read(struct bufferevent *bev, void *arg)
{
	struct eligd_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	char why[160];
	int n, r;

	while (c->state == READING && evbuffer_get_length(in)) {
		if (c->rq.len == ELIGD_REQUEST_CAP) {
			refuse(c, 413, "request too large");
			return;
		}
		n = evbuffer_remove(in, c->rq.buf + c->rq.len,
				    ELIGD_REQUEST_CAP - c->rq.len);
		if (n <= 0)
			break;
		c->rq.len += (size_t)n;
		r = eligd_request_feed(&c->rq, why, sizeof(why));
		if (r == 1 && evbuffer_get_length(in)) {
			refuse(c, 400, "bytes after the request");
		} else if (r == 1) {
			/* Whole: now, and only now, it takes a worker. */
			c->state = WORKING;
			bufferevent_disable(bev, EV_READ);
			evtimer_del(c->timer);
			eligd_pool_submit(c->cx->pool, &c->work);
		} else if (r > 1) {
			refuse(c, r, why);
		}
		if (r)
			return;
	}
	/* Not reading (answering, say): what the peer sends is dropped. */
	if (c->state != READING)
		evbuffer_drain(in, evbuffer_get_length(in));
}

static void on_write(struct bufferevent *bev, void *arg)
{
	struct eligd_conn *c = arg;

	if (c->state == WRITING &&
	    !evbuffer_get_length(bufferevent_get_output(bev)))
		finish(c);
}

/* The handshake is done: the reader is known, the request may come. */
static void authenticated(struct eligd_conn *c)
{
	struct eligd_conn_ctx *cx = c->cx;
	const struct eligd_options *o = cx->s->opt;

	eligd_sources_remove(cx->sources, &c->unauth);
	if (peer_identity(c->ssl, &c->peer)) {
		eligd_info("%s: handshake refused: no reader certificate",
			   c->peer.addr);
		finish(c);
		return;
	}
	if (cx->clients >= o->max_clients) {
		eligd_warn("%s (%s): --max-clients readers at once: closed",
			   c->peer.addr, c->peer.name);
		finish(c);
		return;
	}
	c->rq.buf = OPENSSL_zalloc(ELIGD_REQUEST_CAP);
	c->reply.cap = MNCR_ELIG_BODY_MAX;
	c->reply.body = OPENSSL_zalloc(c->reply.cap);
	if (!c->rq.buf || !c->reply.body) {
		eligd_err("%s: no memory for the request", c->peer.addr);
		finish(c);
		return;
	}
	cx->clients++;
	c->client = true;
	c->state = READING;
	evtimer_del(c->timer);
	arm(c, o->timeout);
	if (evbuffer_get_length(bufferevent_get_input(c->bev)))
		on_read(c->bev, c);
}

/* Why the connection failed, in one line for the log. */
static void reason(struct eligd_conn *c, short what, char *why, size_t len)
{
	int err = EVUTIL_SOCKET_ERROR();
	const char *r = NULL, *t;
	unsigned long e;

	/*
	 * libevent returns the queued TLS errors newest first, after
	 * SSL_get_error()'s bare code: keep the oldest one with a reason.
	 */
	while ((e = bufferevent_get_openssl_error(c->bev)))
		if ((t = ERR_reason_error_string(e)))
			r = t;
	if (r)
		snprintf(why, len, "%s", r);
	else if (what & BEV_EVENT_EOF)
		snprintf(why, len, "closed by the peer");
	else
		snprintf(why, len, "%s", err ? strerror(err) :
			 "connection failed");
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct eligd_conn *c = arg;
	char why[160];

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		authenticated(c);
		return;
	}
	reason(c, what, why, sizeof(why));
	c->fatal = true;
	switch (c->state) {
	case HANDSHAKE:
		eligd_info("%s: handshake refused: %s", c->peer.addr, why);
		break;
	case READING:
		eligd_info("%s (%s): closed before a whole request: %s",
			   c->peer.addr, c->peer.name, why);
		break;
	case WORKING:
		/* A worker has the request: end when it gives it back. */
		c->gone = true;
		bufferevent_disable(c->bev, EV_READ | EV_WRITE);
		return;
	case WRITING:
		eligd_info("%s (%s): response not delivered: %s",
			   c->peer.addr, c->peer.name, why);
		break;
	case LINGER:
		return;
	}
	finish(c);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct eligd_conn *c = arg;

	(void)fd;
	(void)what;
	switch (c->state) {
	case HANDSHAKE:
		eligd_info("%s: handshake not complete in time", c->peer.addr);
		close_now(c);
		break;
	case READING:
		refuse(c, 408, "request not complete in time");
		break;
	case WRITING:
		eligd_info("%s (%s): response not delivered: not sent in time",
			   c->peer.addr, c->peer.name);
		c->fatal = true;
		close_now(c);
		break;
	default:
		break;
	}
}

void eligd_conn_work(struct eligd_work *w, void *arg)
{
	struct eligd_conn *c = eligd_conn_of_work(w);
	struct eligd_conn_ctx *cx = arg;

	eligd_api_handle(c->cx->s, &c->peer, &c->rq.head,
			 c->rq.buf + c->rq.head_len, c->rq.head.content_length,
			 &c->reply);
	cx->work_done(cx, w);
}

void eligd_conn_answer(struct eligd_conn *c)
{
	if (c->gone) {
		eligd_info("%s (%s): response not delivered: the reader "
			   "closed the connection", c->peer.addr, c->peer.name);
		finish(c);
		return;
	}
	respond(c);
}

/* The first byte: only now the TLS state (some 40 KiB) is made. */
static void on_first(evutil_socket_t fd, short what, void *arg)
{
	struct eligd_conn *c = arg;
	struct eligd_conn_ctx *cx = c->cx;

	(void)what;
	event_free(c->first);
	c->first = NULL;
	c->ssl = SSL_new(cx->s->tls);
	/*
	 * Deferred callbacks run from the loop, not from inside libevent's
	 * TLS processing, so a callback may free the SSL and the bufferevent.
	 */
	if (c->ssl)
		c->bev = bufferevent_openssl_socket_new(cx->base, fd, c->ssl,
						BUFFEREVENT_SSL_ACCEPTING,
						BEV_OPT_DEFER_CALLBACKS);
	if (!c->bev) {
		eligd_err("%s: no memory for the handshake", c->peer.addr);
		c->fatal = true;
		close_now(c);
		return;
	}
	bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

struct eligd_conn *eligd_conn_new(struct eligd_conn_ctx *cx, int fd,
				  const struct sockaddr *a)
{
	struct eligd_conn *c = calloc(1, sizeof(*c));
	int one = 1;

	if (!c) {
		close(fd);
		return NULL;
	}
	c->cx = cx;
	c->fd = fd;
	name_of(a, c->peer.addr, sizeof(c->peer.addr));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->timer = evtimer_new(cx->base, on_timer, c);
	/* A connection that sends nothing costs a descriptor and this. */
	c->first = event_new(cx->base, fd, EV_READ, on_first, c);
	if (!c->timer || !c->first || event_add(c->first, NULL) ||
	    eligd_sources_add(cx->sources, a, &c->unauth)) {
		eligd_err("%s: no memory for the connection", c->peer.addr);
		if (c->first)
			event_free(c->first);
		if (c->timer)
			event_free(c->timer);
		close(fd);
		free(c);
		return NULL;
	}
	cx->conns++;
	c->state = HANDSHAKE;
	arm(c, cx->s->opt->handshake_timeout);
	return c;
}
