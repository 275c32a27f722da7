// SPDX-License-Identifier: LGPL-2.1-or-later
#include "elig/elig_client.h"
#include "elig/elig_fields.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include "elig/elig_transfer.h"

#define MAX_ATTEMPTS 10
#define MAX_BACKOFF_MS 5000
#define HOST_MAX 253
#define PROXY_MAX 512

struct mncr_elig_client {
	struct mncr_elig_transfer t;	/* its strings point below; owns
					 * t.identity */
	char host[HOST_MAX + 1];
	char port[6];
	char name[HOST_MAX + 1];
	char ca[PATH_MAX];
	char proxy[PROXY_MAX + 1];
	unsigned int attempts, backoff_ms;
};

/*
 * libcurl's process-wide state, set up once and never torn down:
 * curl_global_init() is not thread-safe in every libcurl build, and a
 * curl_global_cleanup() would pull it from under other threads' clients.
 */
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result;

static void curl_init(void)
{
	curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

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

/*
 * Checks the CA file and loads the reader's certificate chain and key
 * once, so that a bad file is a configuration error now rather than a TLS
 * failure at the first request.
 */
static int load_tls_files(struct mncr_elig_client *c,
			  const struct mncr_elig_client_config *cfg,
			  struct mncr_elig_error *err)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	char why[120];

	if (!ctx)
		return set_err(err, MNCR_ELIG_LOCAL, "no memory for TLS");
	c->t.identity = ctx;
	if (SSL_CTX_load_verify_file(ctx, cfg->ca_file) != 1) {
		tls_reason(why, sizeof(why));
		return set_err(err, MNCR_ELIG_LOCAL, "CA file %s: %s",
			       cfg->ca_file, why);
	}
	if (!cfg->cert_file) {
		c->t.identity = NULL;
		SSL_CTX_free(ctx);
		return 0;
	}
	if (SSL_CTX_use_certificate_chain_file(ctx, cfg->cert_file) != 1) {
		tls_reason(why, sizeof(why));
		return set_err(err, MNCR_ELIG_LOCAL, "certificate %s: %s",
			       cfg->cert_file, why);
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, cfg->key_file,
					SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		tls_reason(why, sizeof(why));
		return set_err(err, MNCR_ELIG_LOCAL, "key %s: %s",
			       cfg->key_file, why);
	}
	return 0;
}

/* An HTTP proxy, "http://HOST:PORT" or "HOST:PORT"; "" or NULL: none. */
static bool proxy_ok(const char *p)
{
	const char *scheme = p ? strstr(p, "://") : NULL;

	if (!p || !*p)
		return true;
	if (strlen(p) > PROXY_MAX || strpbrk(p, " \t\r\n"))
		return false;
	return !scheme || (scheme - p == 4 && strncmp(p, "http", 4) == 0);
}

static bool path_ok(const char *p)
{
	return !p || strlen(p) < PATH_MAX;
}

/* curl's TLS must be OpenSSL's: the TLS context is tightened through it. */
static bool curl_has_openssl(void)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

	return v && v->ssl_version && strncmp(v->ssl_version, "OpenSSL/", 8)
		== 0;
}

static bool config_ok(const struct mncr_elig_client_config *cfg)
{
	return cfg && cfg->host && *cfg->host &&
	       strlen(cfg->host) <= HOST_MAX &&
	       mncr_elig_transfer_host_ok(cfg->host) && port_ok(cfg->port) &&
	       cfg->ca_file && !cfg->cert_file == !cfg->key_file &&
	       path_ok(cfg->ca_file) && path_ok(cfg->cert_file) &&
	       path_ok(cfg->key_file) && cfg->attempts <= MAX_ATTEMPTS;
}

struct mncr_elig_client *
mncr_elig_client_new(const struct mncr_elig_client_config *cfg,
		     struct mncr_elig_error *err)
{
	struct mncr_elig_client *c;
	const char *name;

	memset(err, 0, sizeof(*err));
	if (!config_ok(cfg)) {
		set_err(err, MNCR_ELIG_LOCAL, "bad client configuration");
		return NULL;
	}
	if (!proxy_ok(cfg->proxy)) {
		set_err(err, MNCR_ELIG_LOCAL, "bad proxy: want http://HOST:PORT");
		return NULL;
	}
	name = cfg->server_name ? cfg->server_name : cfg->host;
	if (!*name || strlen(name) > HOST_MAX ||
	    !mncr_elig_transfer_host_ok(name)) {
		set_err(err, MNCR_ELIG_LOCAL, "bad server name");
		return NULL;
	}
	if (!curl_has_openssl()) {
		set_err(err, MNCR_ELIG_LOCAL, "libcurl is not built with "
			"OpenSSL");
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		set_err(err, MNCR_ELIG_LOCAL, "no memory");
		return NULL;
	}
	if (load_tls_files(c, cfg, err)) {
		mncr_elig_client_free(c);
		return NULL;
	}
	if (pthread_once(&curl_once, curl_init) || curl_init_result) {
		mncr_elig_client_free(c);
		set_err(err, MNCR_ELIG_LOCAL, "libcurl initialisation failed");
		return NULL;
	}
	snprintf(c->host, sizeof(c->host), "%s", cfg->host);
	snprintf(c->port, sizeof(c->port), "%s", cfg->port);
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(c->ca, sizeof(c->ca), "%s", cfg->ca_file);
	c->t.host = c->host;
	c->t.port = c->port;
	c->t.name = c->name;
	c->t.ca_file = c->ca;
	c->t.connect_ms = or_default(cfg->connect_timeout_ms, 3000);
	c->t.handshake_ms = or_default(cfg->handshake_timeout_ms, 5000);
	c->t.io_ms = or_default(cfg->io_timeout_ms, 10000);
	if (cfg->proxy && *cfg->proxy) {
		snprintf(c->proxy, sizeof(c->proxy), "%s", cfg->proxy);
		c->t.proxy = c->proxy;
	}
	c->attempts = or_default(cfg->attempts, 3);
	c->backoff_ms = or_default(cfg->backoff_ms, 200);
	if (c->backoff_ms > MAX_BACKOFF_MS)
		c->backoff_ms = MAX_BACKOFF_MS;
	return c;
}

void mncr_elig_client_free(struct mncr_elig_client *c)
{
	if (!c)
		return;
	SSL_CTX_free(c->t.identity);
	/* The proxy setting may carry a password. */
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
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

/*
 * One request, with connection retries. Returns OK with *a filled, or the
 * failure's status with err filled.
 */
static enum mncr_elig_status exchange(struct mncr_elig_client *c,
				      const char *path, const char *body,
				      size_t body_len,
				      struct mncr_elig_reply *a,
				      struct mncr_elig_error *err)
{
	char why[200];
	int r;

	for (unsigned int n = 1; n <= c->attempts; n++) {
		if (n > 1)
			sleep_ms(backoff(c, n));
		err->attempts = n;
		r = mncr_elig_transfer_run(&c->t, path, body, body_len, a, why,
					   sizeof(why));
		switch (r) {
		case 0:
			return MNCR_ELIG_OK;
		case -EHOSTUNREACH:
			/* Nothing was sent: safe to try again. */
			set_err(err, MNCR_ELIG_UNREACHABLE, "%s", why);
			continue;
		case -EPROTO:
			return set_err(err, MNCR_ELIG_TLS, "%s", why);
		case -EBADMSG:
			return set_err(err, MNCR_ELIG_PROTOCOL,
				       "bad response: %s", why);
		case -ECONNRESET:
			return set_err(err, MNCR_ELIG_INTERRUPTED, "%s; the "
				       "request may have been processed: send "
				       "it again with the same request id", why);
		default:
			return set_err(err, MNCR_ELIG_LOCAL, "%s", why);
		}
	}
	{
		char last[sizeof(err->message)];

		memcpy(last, err->message, sizeof(last));
		return set_err(err, err->status, "%.200s (%u attempts)", last,
			       c->attempts);
	}
}

static int answer_alloc(struct mncr_elig_reply *a)
{
	memset(a, 0, sizeof(*a));
	a->cap = MNCR_ELIG_BODY_MAX;
	a->body = OPENSSL_zalloc(a->cap);
	return a->body ? 0 : -ENOMEM;
}

static void answer_free(struct mncr_elig_reply *a)
{
	OPENSSL_clear_free(a->body, a->cap);
	a->body = NULL;
}

/* Checks the framing every answer needs; OK or PROTOCOL. */
static enum mncr_elig_status answer_check(const struct mncr_elig_reply *a,
					  struct mncr_elig_error *err)
{
	err->http_status = a->status;
	if (!a->json)
		return set_err(err, MNCR_ELIG_PROTOCOL, "HTTP %d without a "
			       "JSON body", a->status);
	if (a->status != 200 &&
	    (a->status < 400 || a->status > 599))
		return set_err(err, MNCR_ELIG_PROTOCOL, "unexpected HTTP %d",
			       a->status);
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
	struct mncr_elig_reply a;
	char why[160];
	int r;

	memset(err, 0, sizeof(*err));
	if (answer_alloc(&a))
		return set_err(err, MNCR_ELIG_LOCAL, "no memory");
	s = exchange(c, "/v1/challenge", NULL, 0, &a, err);
	if (s == MNCR_ELIG_OK)
		s = answer_check(&a, err);
	if (s == MNCR_ELIG_OK) {
		r = mncr_elig_challenge_parse(a.body, a.len,
					      out, &refusal, why, sizeof(why));
		if (r == -EACCES && a.status != 200)
			s = refused(err, &refusal);
		else if (r || a.status != 200)
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
	struct mncr_elig_reply a;
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
	s = exchange(c, "/v1/qualification", body, len, &a, err);
	OPENSSL_clear_free(body, MNCR_ELIG_BODY_MAX);
	if (s == MNCR_ELIG_OK)
		s = answer_check(&a, err);
	if (s == MNCR_ELIG_OK) {
		if (mncr_elig_response_parse(a.body, a.len,
					     resp, why, sizeof(why)))
			s = set_err(err, MNCR_ELIG_PROTOCOL, "bad response: "
				    "%s", why);
		else if (resp->ok != (a.status == 200))
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
