// SPDX-License-Identifier: GPL-2.0-or-later
#include "handler.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "api.h"
#include "clock_ms.h"
#include "elig_conn.h"
#include "elig_http.h"
#include "elig_message.h"
#include "log.h"

#define LINGER_MS 500
#define REQ_CAP (MNCR_ELIG_HTTP_HEAD_MAX + MNCR_ELIG_BODY_MAX)
#define HEAD_CAP 512

/* The request as read: head parsed, body located. */
struct request {
	char *buf;
	size_t len;
	long head_len;
	struct mncr_elig_http_head head;
};

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

/*
 * Reads one request within the deadline. Returns 0, or an HTTP status to
 * refuse with (body filled by the caller), or -1 to just close.
 */
static int read_request(struct mncr_elig_conn *c, struct request *rq,
			uint64_t deadline, char *why, size_t why_len)
{
	int r;

	for (;;) {
		long n;

		if (rq->head_len > 0 &&
		    rq->len >= (size_t)rq->head_len + rq->head.content_length)
			break;
		if (rq->len == REQ_CAP)
			return 413;
		n = mncr_elig_conn_read(c, rq->buf + rq->len, REQ_CAP - rq->len,
					deadline);
		if (n == -ETIMEDOUT) {
			snprintf(why, why_len, "request not complete in time");
			return 408;
		}
		if (n <= 0) {
			snprintf(why, why_len, "%.150s", n == 0 ?
				 "closed before a whole request" : c->error);
			return -1;
		}
		rq->len += (size_t)n;
		if (rq->head_len)
			continue;
		rq->head_len = mncr_elig_http_head_len(rq->buf, rq->len);
		if (rq->head_len == -EINVAL) {
			snprintf(why, why_len, "bare CR or LF in the head");
			return 400;
		}
		if (rq->head_len < 0) {
			snprintf(why, why_len, "request head too large");
			return 431;
		}
		if (rq->head_len == 0)
			continue;
		r = mncr_elig_http_parse_request(rq->buf, (size_t)rq->head_len,
						 &rq->head, why, why_len);
		if (r)
			return r == -EMSGSIZE ? 431 : r == -ENOTSUP ? 501 :
			       r == -EFBIG ? 413 :
			       r == -EPROTONOSUPPORT ? 505 : 400;
		if (rq->head.content_length > MNCR_ELIG_BODY_MAX) {
			snprintf(why, why_len, "body larger than %d bytes",
				 MNCR_ELIG_BODY_MAX);
			return 413;
		}
		if (rq->head.method == MNCR_ELIG_HTTP_POST &&
		    !rq->head.has_length) {
			snprintf(why, why_len, "POST without Content-Length");
			return 400;
		}
		if (!rq->head.has_host) {
			snprintf(why, why_len, "no Host header");
			return 400;
		}
	}
	/* One request per connection: no pipelined bytes after it. */
	if (rq->len != (size_t)rq->head_len + rq->head.content_length) {
		snprintf(why, why_len, "bytes after the request");
		return 400;
	}
	return 0;
}

static const char *status_code(int status)
{
	switch (status) {
	case 408: return "timeout";
	case 413: case 431: return "too_large";
	default: return "bad_request";
	}
}

static void respond(struct mncr_elig_conn *c, const struct eligd_reply *reply,
		    uint64_t deadline)
{
	char head[HEAD_CAP];
	int n = mncr_elig_http_response_head(head, sizeof(head), reply->status,
					     reply->len);

	if (n < 0 || mncr_elig_conn_write(c, head, (size_t)n, deadline) ||
	    mncr_elig_conn_write(c, reply->body, reply->len, deadline))
		eligd_info("response not delivered: %s", c->error);
}

void eligd_handle(struct eligd_service *s, int fd, const char *addr)
{
	const struct eligd_options *o = s->opt;
	struct request rq = { 0 };
	struct eligd_reply reply = { 0 };
	struct eligd_peer peer = { 0 };
	struct mncr_elig_conn c;
	char why[160] = "";
	int status;

	snprintf(peer.addr, sizeof(peer.addr), "%s", addr);
	if (mncr_elig_conn_init(&c, s->tls, fd, true)) {
		close(fd);
		return;
	}
	if (mncr_elig_conn_handshake(&c, mncr_now_ms() +
				     o->handshake_timeout * 1000ULL) ||
	    peer_identity(c.ssl, &peer)) {
		eligd_info("%s: handshake refused: %s", addr, c.error);
		goto close;
	}
	rq.buf = OPENSSL_zalloc(REQ_CAP);
	reply.cap = MNCR_ELIG_BODY_MAX;
	reply.body = OPENSSL_zalloc(reply.cap);
	if (!rq.buf || !reply.body)
		goto close;
	status = read_request(&c, &rq, mncr_now_ms() + o->timeout * 1000ULL,
			      why, sizeof(why));
	if (status < 0) {
		eligd_info("%s (%s): %s", addr, peer.name, why);
		goto close;
	}
	if (status) {
		eligd_info("%s (%s): HTTP %d: %s", addr, peer.name, status, why);
		eligd_api_error(&reply, status, NULL, status_code(status), "%s",
				why);
	} else {
		eligd_api_handle(s, &peer, &rq.head, rq.buf + rq.head_len,
				 rq.head.content_length, &reply);
	}
	respond(&c, &reply, mncr_now_ms() + o->timeout * 1000ULL);
close:
	mncr_elig_conn_close(&c, LINGER_MS);
	/* Both held card data or insurance data. */
	OPENSSL_clear_free(rq.buf, REQ_CAP);
	OPENSSL_clear_free(reply.body, reply.cap);
}
