// SPDX-License-Identifier: LGPL-2.1-or-later
#include "elig/elig_client.h"
#include "elig/elig_fields.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "util/clock_ms.h"
#include "elig/elig_conn.h"
#include "elig/elig_dial.h"
#include "elig/elig_http.h"

#define MAX_ATTEMPTS 10
#define MAX_BACKOFF_MS 5000
#define LINGER_MS 100
#define HOST_MAX 253

struct mncr_elig_client {
	SSL_CTX *ctx;
	char host[HOST_MAX + 1];
	char port[6];
	char name[HOST_MAX + 1];
	char host_header[HOST_MAX + 9];
	unsigned int connect_ms, handshake_ms, io_ms, attempts, backoff_ms;
};

/* What one attempt's answer was, before it is judged. */
struct answer {
	char *buf;		/* head and body, cleansed before free */
	size_t cap, len;
	struct mncr_elig_http_head head;
	const char *body;
};

static enum mncr_elig_status set_err(struct mncr_elig_error *err,
				     enum mncr_elig_status s,
				     const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum mncr_elig_status set_err(struct mncr_elig_error *err,
				     enum mncr_elig_status s,
				     const char *fmt, ...)
{
	va_list ap;

	err->status = s;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return s;
}

const char *mncr_elig_status_name(enum mncr_elig_status s)
{
	switch (s) {
	case MNCR_ELIG_OK: return "ok";
	case MNCR_ELIG_UNREACHABLE: return "unreachable";
	case MNCR_ELIG_TLS: return "tls";
	case MNCR_ELIG_REFUSED: return "refused";
	case MNCR_ELIG_PROTOCOL: return "protocol";
	case MNCR_ELIG_INTERRUPTED: return "interrupted";
	case MNCR_ELIG_LOCAL: return "local";
	}
	return "?";
}

static unsigned int or_default(unsigned int v, unsigned int def)
{
	return v ? v : def;
}

static bool is_address(const char *s, int *family)
{
	unsigned char b[16];

	if (inet_pton(AF_INET, s, b) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, s, b) == 1)
		*family = AF_INET6;
	else
		return false;
	return true;
}

static bool port_ok(const char *p)
{
	char *end;
	long v;

	if (!p || !*p || strlen(p) > 5 || strspn(p, "0123456789") != strlen(p))
		return false;
	v = strtol(p, &end, 10);
	return v >= 1 && v <= 65535;
}

static void tls_reason(char *out, size_t len)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	snprintf(out, len, "%s", r ? r : "unknown error");
	ERR_clear_error();
}

static int make_ctx(struct mncr_elig_client *c,
		    const struct mncr_elig_client_config *cfg,
		    struct mncr_elig_error *err)
{
	char why[120];

	c->ctx = SSL_CTX_new(TLS_client_method());
	if (!c->ctx)
		return set_err(err, MNCR_ELIG_LOCAL, "no memory for TLS");
	/* TLS 1.3 only: no older suites, encrypted client certificate. */
	if (SSL_CTX_set_min_proto_version(c->ctx, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(c->ctx, TLS1_3_VERSION) != 1)
		return set_err(err, MNCR_ELIG_LOCAL, "TLS 1.3 unavailable");
	/* Only the configured CA: never the system's default trust store. */
	if (SSL_CTX_load_verify_file(c->ctx, cfg->ca_file) != 1) {
		tls_reason(why, sizeof(why));
		return set_err(err, MNCR_ELIG_LOCAL, "CA file %s: %s",
			       cfg->ca_file, why);
	}
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	if (!cfg->cert_file)
		return 0;
	if (SSL_CTX_use_certificate_chain_file(c->ctx, cfg->cert_file) != 1) {
		tls_reason(why, sizeof(why));
		return set_err(err, MNCR_ELIG_LOCAL, "certificate %s: %s",
			       cfg->cert_file, why);
	}
	if (SSL_CTX_use_PrivateKey_file(c->ctx, cfg->key_file,
					SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(c->ctx) != 1) {
		tls_reason(why, sizeof(why));
		return set_err(err, MNCR_ELIG_LOCAL, "key %s: %s",
			       cfg->key_file, why);
	}
	/* Each connection authenticates in full: no resumed sessions. */
	SSL_CTX_set_session_cache_mode(c->ctx, SSL_SESS_CACHE_OFF);
	return 0;
}

struct mncr_elig_client *
mncr_elig_client_new(const struct mncr_elig_client_config *cfg,
		     struct mncr_elig_error *err)
{
	struct mncr_elig_client *c;
	const char *name;
	int family;

	memset(err, 0, sizeof(*err));
	if (!cfg || !cfg->host || !*cfg->host ||
	    strlen(cfg->host) > HOST_MAX || !port_ok(cfg->port) ||
	    !cfg->ca_file || !cfg->cert_file != !cfg->key_file ||
	    cfg->attempts > MAX_ATTEMPTS) {
		set_err(err, MNCR_ELIG_LOCAL, "bad client configuration");
		return NULL;
	}
	name = cfg->server_name ? cfg->server_name : cfg->host;
	if (!*name || strlen(name) > HOST_MAX) {
		set_err(err, MNCR_ELIG_LOCAL, "bad server name");
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		set_err(err, MNCR_ELIG_LOCAL, "no memory");
		return NULL;
	}
	snprintf(c->host, sizeof(c->host), "%s", cfg->host);
	snprintf(c->port, sizeof(c->port), "%s", cfg->port);
	snprintf(c->name, sizeof(c->name), "%s", name);
	if (is_address(c->host, &family) && family == AF_INET6)
		snprintf(c->host_header, sizeof(c->host_header), "[%s]:%s",
			 c->host, c->port);
	else
		snprintf(c->host_header, sizeof(c->host_header), "%s:%s",
			 c->host, c->port);
	c->connect_ms = or_default(cfg->connect_timeout_ms, 3000);
	c->handshake_ms = or_default(cfg->handshake_timeout_ms, 5000);
	c->io_ms = or_default(cfg->io_timeout_ms, 10000);
	c->attempts = or_default(cfg->attempts, 3);
	c->backoff_ms = or_default(cfg->backoff_ms, 200);
	if (c->backoff_ms > MAX_BACKOFF_MS)
		c->backoff_ms = MAX_BACKOFF_MS;
	if (make_ctx(c, cfg, err)) {
		mncr_elig_client_free(c);
		return NULL;
	}
	return c;
}

void mncr_elig_client_free(struct mncr_elig_client *c)
{
	if (!c)
		return;
	SSL_CTX_free(c->ctx);
	free(c);
}

/* Which peer certificate is acceptable: CA-signed and for our name. */
static int expect_peer(struct mncr_elig_client *c, SSL *ssl)
{
	int family;

	SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (is_address(c->name, &family))
		return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl),
						     c->name) == 1 ? 0 : -1;
	if (SSL_set_tlsext_host_name(ssl, c->name) != 1 ||
	    SSL_set1_host(ssl, c->name) != 1)
		return -1;
	return 0;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Backoff before attempt n (2, 3, ...), with up to 25 % jitter. */
static unsigned int backoff(const struct mncr_elig_client *c, unsigned int n)
{
	unsigned int d = c->backoff_ms, j = 0;

	for (unsigned int i = 2; i < n && d < MAX_BACKOFF_MS; i++)
		d *= 2;
	if (d > MAX_BACKOFF_MS)
		d = MAX_BACKOFF_MS;
	/* Spread readers that lost the service at the same moment. */
	if (RAND_bytes((unsigned char *)&j, sizeof(j)) != 1)
		j = 0;
	return d + j % (d / 4 + 1);
}

/* Reads one whole response into a->buf: 0 or the conn error. */
static long read_answer(struct mncr_elig_conn *conn, struct answer *a,
			uint64_t deadline, char *why, size_t why_len)
{
	long head = 0, r;

	for (;;) {
		if (a->len == a->cap)
			return -EMSGSIZE;
		r = mncr_elig_conn_read(conn, a->buf + a->len, a->cap - a->len,
					deadline);
		if (r <= 0)
			return r == 0 ? -ECONNRESET : r;
		a->len += (size_t)r;
		if (!head) {
			head = mncr_elig_http_head_len(a->buf, a->len);
			if (head < 0)
				return head == -EINVAL ? -EBADMSG : -EMSGSIZE;
			if (head == 0)
				continue;
			if (mncr_elig_http_parse_response(a->buf, (size_t)head,
							  &a->head, why,
							  why_len))
				return -EBADMSG;
			if (a->head.content_length > MNCR_ELIG_BODY_MAX)
				return -EMSGSIZE;
		}
		if (a->len > (size_t)head + a->head.content_length)
			return -EBADMSG;	/* bytes after the body */
		if (a->len == (size_t)head + a->head.content_length) {
			a->body = a->buf + head;
			return 0;
		}
	}
}

/*
 * One request, with connection retries. Returns OK with *a filled, or the
 * failure's status with err filled.
 */
static enum mncr_elig_status exchange(struct mncr_elig_client *c,
				      enum mncr_elig_http_method method,
				      const char *path, const char *body,
				      size_t body_len, struct answer *a,
				      struct mncr_elig_error *err)
{
	char head[512], why[160] = "";
	int head_len;

	head_len = mncr_elig_http_request_head(head, sizeof(head), method,
					       path, c->host_header, body_len);
	if (head_len < 0)
		return set_err(err, MNCR_ELIG_LOCAL, "request head too long");
	for (unsigned int n = 1; n <= c->attempts; n++) {
		struct mncr_elig_conn conn;
		uint64_t deadline;
		long r;
		int fd;

		if (n > 1)
			sleep_ms(backoff(c, n));
		err->attempts = n;
		fd = mncr_elig_dial(c->host, c->port, c->connect_ms, why,
				    sizeof(why));
		if (fd < 0) {
			set_err(err, MNCR_ELIG_UNREACHABLE, "%s", why);
			continue;
		}
		if (mncr_elig_conn_init(&conn, c->ctx, fd, false) ||
		    expect_peer(c, conn.ssl)) {
			if (conn.ssl)
				mncr_elig_conn_close(&conn, 0);
			else
				close(fd);
			return set_err(err, MNCR_ELIG_LOCAL, "TLS setup failed");
		}
		r = mncr_elig_conn_handshake(&conn, mncr_now_ms() +
					     c->handshake_ms);
		if (r == -EPROTO) {
			set_err(err, MNCR_ELIG_TLS, "%s", conn.error);
			mncr_elig_conn_close(&conn, 0);
			return MNCR_ELIG_TLS;
		}
		if (r) {
			/* Nothing was sent: safe to try again. */
			set_err(err, MNCR_ELIG_UNREACHABLE, "%s", conn.error);
			mncr_elig_conn_close(&conn, 0);
			continue;
		}
		/* From here on the service may act on what we send. */
		why[0] = '\0';
		deadline = mncr_now_ms() + c->io_ms;
		r = mncr_elig_conn_write(&conn, head, (size_t)head_len,
					 deadline);
		if (!r)
			r = mncr_elig_conn_write(&conn, body, body_len,
						 deadline);
		if (!r)
			r = read_answer(&conn, a, deadline, why, sizeof(why));
		if (r == -EPROTO)
			/* TLS 1.3: a rejected client certificate shows here. */
			set_err(err, MNCR_ELIG_TLS, "%s", conn.error);
		else if (r == -EBADMSG || r == -EMSGSIZE)
			set_err(err, MNCR_ELIG_PROTOCOL, "bad response: %s",
				r == -EMSGSIZE ? "too large" :
				*why ? why : "bytes after the body");
		else if (r)
			set_err(err, MNCR_ELIG_INTERRUPTED, "%s; the request "
				"may have been processed: send it again with "
				"the same request id", *conn.error ?
				conn.error : "connection lost");
		mncr_elig_conn_close(&conn, LINGER_MS);
		return r ? err->status : MNCR_ELIG_OK;
	}
	{
		char last[sizeof(err->message)];

		memcpy(last, err->message, sizeof(last));
		return set_err(err, err->status, "%.200s (%u attempts)", last,
			       c->attempts);
	}
}

static int answer_alloc(struct answer *a)
{
	memset(a, 0, sizeof(*a));
	a->cap = MNCR_ELIG_HTTP_HEAD_MAX + MNCR_ELIG_BODY_MAX;
	a->buf = OPENSSL_zalloc(a->cap);
	return a->buf ? 0 : -ENOMEM;
}

static void answer_free(struct answer *a)
{
	OPENSSL_clear_free(a->buf, a->cap);
	a->buf = NULL;
}

/* Checks the framing every answer needs; OK or PROTOCOL. */
static enum mncr_elig_status answer_check(const struct answer *a,
					  struct mncr_elig_error *err)
{
	err->http_status = a->head.status;
	if (!a->head.json)
		return set_err(err, MNCR_ELIG_PROTOCOL, "HTTP %d without a "
			       "JSON body", a->head.status);
	if (a->head.status != 200 &&
	    (a->head.status < 400 || a->head.status > 599))
		return set_err(err, MNCR_ELIG_PROTOCOL, "unexpected HTTP %d",
			       a->head.status);
	return MNCR_ELIG_OK;
}

static enum mncr_elig_status refused(struct mncr_elig_error *err,
				     const struct mncr_elig_refusal *r)
{
	snprintf(err->code, sizeof(err->code), "%s", r->code);
	return set_err(err, MNCR_ELIG_REFUSED, "%s: %s", r->code, r->message);
}

enum mncr_elig_status
mncr_elig_client_challenge(struct mncr_elig_client *c,
			   struct mncr_elig_challenge *out,
			   struct mncr_elig_error *err)
{
	struct mncr_elig_refusal refusal;
	enum mncr_elig_status s;
	struct answer a;
	char why[160];
	int r;

	memset(err, 0, sizeof(*err));
	if (answer_alloc(&a))
		return set_err(err, MNCR_ELIG_LOCAL, "no memory");
	s = exchange(c, MNCR_ELIG_HTTP_GET, "/v1/challenge", NULL, 0, &a, err);
	if (s == MNCR_ELIG_OK)
		s = answer_check(&a, err);
	if (s == MNCR_ELIG_OK) {
		r = mncr_elig_challenge_parse(a.body, a.head.content_length,
					      out, &refusal, why, sizeof(why));
		if (r == -EACCES && a.head.status != 200)
			s = refused(err, &refusal);
		else if (r || a.head.status != 200)
			s = set_err(err, MNCR_ELIG_PROTOCOL, "bad challenge "
				    "response: %s", r ? why :
				    "status does not match the body");
	}
	answer_free(&a);
	return s;
}

enum mncr_elig_status
mncr_elig_client_qualify(struct mncr_elig_client *c,
			 const struct mncr_elig_request *req,
			 struct mncr_elig_response *resp,
			 struct mncr_elig_error *err)
{
	enum mncr_elig_status s;
	struct answer a;
	char why[160];
	size_t len;
	char *body;

	memset(err, 0, sizeof(*err));
	memset(resp, 0, sizeof(*resp));
	body = OPENSSL_zalloc(MNCR_ELIG_BODY_MAX);
	if (!body)
		return set_err(err, MNCR_ELIG_LOCAL, "no memory");
	if (mncr_elig_request_encode(req, body, MNCR_ELIG_BODY_MAX, &len, why,
				     sizeof(why))) {
		OPENSSL_clear_free(body, MNCR_ELIG_BODY_MAX);
		return set_err(err, MNCR_ELIG_LOCAL, "request: %s", why);
	}
	if (answer_alloc(&a)) {
		OPENSSL_clear_free(body, MNCR_ELIG_BODY_MAX);
		return set_err(err, MNCR_ELIG_LOCAL, "no memory");
	}
	s = exchange(c, MNCR_ELIG_HTTP_POST, "/v1/qualification", body, len,
		     &a, err);
	OPENSSL_clear_free(body, MNCR_ELIG_BODY_MAX);
	if (s == MNCR_ELIG_OK)
		s = answer_check(&a, err);
	if (s == MNCR_ELIG_OK) {
		if (mncr_elig_response_parse(a.body, a.head.content_length,
					     resp, why, sizeof(why)))
			s = set_err(err, MNCR_ELIG_PROTOCOL, "bad response: "
				    "%s", why);
		else if (resp->ok != (a.head.status == 200))
			s = set_err(err, MNCR_ELIG_PROTOCOL, "bad response: "
				    "status does not match the body");
		else if (resp->request_id[0] &&
			 strcmp(resp->request_id, req->request_id) != 0)
			s = set_err(err, MNCR_ELIG_PROTOCOL, "bad response: "
				    "for another request id");
		else if (!resp->ok)
			s = refused(err, &resp->error);
		if (s == MNCR_ELIG_PROTOCOL)
			mncr_elig_cleanse(resp, sizeof(*resp));
	}
	answer_free(&a);
	return s;
}
