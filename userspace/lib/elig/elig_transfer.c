// SPDX-License-Identifier: LGPL-2.1-or-later
#include "elig/elig_transfer.h"
#include "elig/elig_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "util/clock_ms.h"

#define URL_MAX 600

/* What one transfer saw, for the deadlines and for judging its end. */
struct xfer {
	const struct mncr_elig_transfer *t;
	struct mncr_elig_reply *r;
	size_t head_bytes;
	uint64_t start, tls_at, sent_at;	/* 0: not yet */
	bool too_large, timed_out, alert;
	char errbuf[CURL_ERROR_SIZE];
};

static int say(char *why, size_t why_len, int s, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int say(char *why, size_t why_len, int s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	return s;
}

static bool is_address(const char *s, bool *v6)
{
	unsigned char b[16];

	*v6 = inet_pton(AF_INET6, s, b) == 1;
	return *v6 || inet_pton(AF_INET, s, b) == 1;
}

bool mncr_elig_transfer_host_ok(const char *s)
{
	bool v6;

	/* Nothing that could end the host part of a URL early. */
	return is_address(s, &v6) ||
	       (*s && strspn(s, "abcdefghijklmnopqrstuvwxyz"
			     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") ==
		strlen(s));
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;

	n *= size;
	if (n > x->r->cap - x->r->len) {
		x->too_large = true;
		return 0;	/* aborts with CURLE_WRITE_ERROR */
	}
	memcpy(x->r->body + x->r->len, p, n);
	x->r->len += n;
	return n;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;

	(void)p;
	x->head_bytes += n * size;
	if (x->head_bytes > MNCR_ELIG_HTTP_HEAD_MAX) {
		x->too_large = true;
		return 0;
	}
	return n * size;
}

/* Called once connected and before the request goes out. */
static int on_prereq(void *arg, char *ip, char *local_ip, int port,
		     int local_port)
{
	struct xfer *x = arg;

	(void)ip;
	(void)local_ip;
	(void)port;
	(void)local_port;
	x->sent_at = mncr_now_ms();
	return CURL_PREREQFUNC_OK;
}

/* A fatal alert either way means a TLS failure, not a lost connection. */
static void on_tls_msg(int write_p, int version, int content_type,
		       const void *buf, size_t len, SSL *ssl, void *arg)
{
	const unsigned char *b = buf;
	struct xfer *x = arg;

	(void)write_p;
	(void)version;
	(void)ssl;
	if (content_type == SSL3_RT_ALERT && len == 2 && b[0] == SSL3_AL_FATAL)
		x->alert = true;
}

/*
 * The reader's certificate and key by reference: parsing the key again
 * for every connection would double the client's CPU time per request.
 */
static CURLcode use_identity(SSL_CTX *ctx, SSL_CTX *id)
{
	STACK_OF(X509) *chain = NULL;
	X509 *cert;
	EVP_PKEY *key;

	if (!id)
		return CURLE_OK;
	cert = SSL_CTX_get0_certificate(id);
	key = SSL_CTX_get0_privatekey(id);
	SSL_CTX_get0_chain_certs(id, &chain);
	if (!cert || !key || SSL_CTX_use_certificate(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
	    (chain && SSL_CTX_set1_chain(ctx, chain) != 1))
		return CURLE_SSL_CERTPROBLEM;
	return CURLE_OK;
}

/* curl made the TLS context of this connection (TCP is up): tighten it. */
static CURLcode on_ssl_ctx(CURL *h, void *p, void *arg)
{
	SSL_CTX *ctx = p;
	struct xfer *x = arg;
	X509_VERIFY_PARAM *vp = SSL_CTX_get0_param(ctx);
	bool v6;
	int ok;

	(void)h;
	x->tls_at = mncr_now_ms();
	SSL_CTX_set_msg_callback(ctx, on_tls_msg);
	SSL_CTX_set_msg_callback_arg(ctx, x);
	/* libcurl logs the session keys when SSLKEYLOGFILE is set: not ours. */
	SSL_CTX_set_keylog_callback(ctx, NULL);
	/* Each connection authenticates in full: no resumed sessions. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	/* OpenSSL checks the name in the handshake, as curl does after it. */
	X509_VERIFY_PARAM_set_hostflags(vp, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (is_address(x->t->name, &v6))
		ok = X509_VERIFY_PARAM_set1_ip_asc(vp, x->t->name);
	else
		ok = X509_VERIFY_PARAM_set1_host(vp, x->t->name, 0);
	if (ok != 1 || SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1)
		return CURLE_SSL_CONNECT_ERROR;
	return use_identity(ctx, x->t->identity);
}

/* host as a URL writes it: IPv6 addresses in brackets. */
static const char *bracket(const char *host, char *buf, size_t len)
{
	bool v6;

	if (!is_address(host, &v6) || !v6)
		return host;
	snprintf(buf, len, "[%s]", host);
	return buf;
}

/* The handle's options; 0, or -1 when one is refused. */
static int configure(CURL *h, struct xfer *x, const char *path,
		     struct curl_slist *headers, char *url, char *to,
		     struct curl_slist **to_list)
{
	const struct mncr_elig_transfer *t = x->t;
	char n[64], c[64];
	const char *name = bracket(t->name, n, sizeof(n));
	const char *host = bracket(t->host, c, sizeof(c));
	CURLcode e = CURLE_OK;
	long conn_ms = (long)t->connect_ms + (long)t->handshake_ms;

	snprintf(url, URL_MAX, "https://%s:%s%s", name, t->port, path);
	if (strcmp(t->name, t->host) != 0) {
		/* Connect to host, but speak to and check name. */
		snprintf(to, URL_MAX, "%s:%s:%s:%s", name, t->port, host,
			 t->port);
		*to_list = curl_slist_append(NULL, to);
		if (!*to_list)
			return -1;
	}
#define SET(opt, v) (e = e ? e : curl_easy_setopt(h, opt, v))
	SET(CURLOPT_URL, url);
	SET(CURLOPT_CONNECT_TO, *to_list);
	SET(CURLOPT_PROTOCOLS_STR, "https");
	SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	SET(CURLOPT_HTTPHEADER, headers);
	SET(CURLOPT_ERRORBUFFER, x->errbuf);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_TCP_NODELAY, 1L);
	/* One request per connection, nothing kept for the next one. */
	SET(CURLOPT_FRESH_CONNECT, 1L);
	SET(CURLOPT_FORBID_REUSE, 1L);
	SET(CURLOPT_SSL_SESSIONID_CACHE, 0L);
	SET(CURLOPT_SSLVERSION,
	    (long)(CURL_SSLVERSION_TLSv1_3 | CURL_SSLVERSION_MAX_TLSv1_3));
	/* Only the configured CA: no default bundle, directory or store. */
	SET(CURLOPT_CAINFO, t->ca_file);
	SET(CURLOPT_CAPATH, (char *)NULL);
	SET(CURLOPT_CA_CACHE_TIMEOUT, 0L);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
	SET(CURLOPT_SSL_CTX_DATA, x);
	/* "" turns off http_proxy, https_proxy and no_proxy from the
	 * environment; a configured proxy tunnels with CONNECT. */
	SET(CURLOPT_PROXY, t->proxy ? t->proxy : "");
	SET(CURLOPT_NOPROXY, "");
	SET(CURLOPT_PROXYTYPE, (long)CURLPROXY_HTTP);
	SET(CURLOPT_HTTPPROXYTUNNEL, 1L);
	SET(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
	SET(CURLOPT_CONNECTTIMEOUT_MS, conn_ms);
	/* A backstop only: drive() keeps the deadlines of each phase. */
	SET(CURLOPT_TIMEOUT_MS, conn_ms + (long)t->io_ms + 1000);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->r->cap);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, x);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, x);
	SET(CURLOPT_PREREQFUNCTION, on_prereq);
	SET(CURLOPT_PREREQDATA, x);
#undef SET
	return e ? -1 : 0;
}

/* The deadline of the phase the transfer is in. */
static uint64_t deadline(const struct xfer *x)
{
	if (x->sent_at)
		return x->sent_at + x->t->io_ms;
	if (x->tls_at)
		return x->tls_at + x->t->handshake_ms;
	return x->start + x->t->connect_ms;
}

static CURLcode drive(CURLM *m, struct xfer *x)
{
	x->start = mncr_now_ms();
	for (;;) {
		CURLMsg *msg;
		uint64_t now, end;
		int running, left;

		if (curl_multi_perform(m, &running) != CURLM_OK)
			return CURLE_OUT_OF_MEMORY;
		msg = curl_multi_info_read(m, &left);
		if (msg && msg->msg == CURLMSG_DONE)
			return msg->data.result;
		end = deadline(x);
		now = mncr_now_ms();
		if (now >= end) {
			x->timed_out = true;
			return CURLE_OPERATION_TIMEDOUT;
		}
		if (curl_multi_poll(m, NULL, 0, (int)(end - now > 1000 ? 1000 :
						     end - now), NULL))
			return CURLE_OUT_OF_MEMORY;
	}
}

static int judge(CURL *h, const struct xfer *x,
				   CURLcode res, char *why, size_t why_len)
{
	const struct mncr_elig_transfer *t = x->t;
	const char *e = x->errbuf[0] ? x->errbuf : curl_easy_strerror(res);
	long v = X509_V_OK, os = 0;

	if (x->too_large || res == CURLE_FILESIZE_EXCEEDED)
		return say(why, why_len, -EBADMSG, "too large");
	if (x->timed_out || res == CURLE_OPERATION_TIMEDOUT) {
		if (x->sent_at)
			return say(why, why_len, -ECONNRESET,
				   "read timed out");
		if (x->tls_at)
			return say(why, why_len, -EHOSTUNREACH,
				   "TLS handshake timed out");
		return say(why, why_len, -EHOSTUNREACH,
			   "connect to %s port %s: timed out", t->host,
			   t->port);
	}
	if (res == CURLE_OUT_OF_MEMORY || res == CURLE_SSL_CERTPROBLEM ||
	    res == CURLE_SSL_CACERT_BADFILE)
		return say(why, why_len, -EINVAL, "%s", e);
	if (res == CURLE_PEER_FAILED_VERIFICATION) {
		curl_easy_getinfo(h, CURLINFO_SSL_VERIFYRESULT, &v);
		if (v != X509_V_OK)
			return say(why, why_len, -EPROTO, "TLS: "
				   "certificate verify failed (certificate: "
				   "%s)", X509_verify_cert_error_string(v));
		return say(why, why_len, -EPROTO, "TLS: %s", e);
	}
	/* TLS 1.3: a rejected client certificate shows after sending. */
	if (x->alert)
		return say(why, why_len, -EPROTO, "TLS: %s", e);
	if (!x->sent_at) {
		curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os);
		if (res == CURLE_COULDNT_CONNECT && os && !t->proxy)
			return say(why, why_len, -EHOSTUNREACH,
				   "connect to %s port %s: %s", t->host,
				   t->port, strerror((int)os));
		return say(why, why_len, -EHOSTUNREACH, "%s", e);
	}
	if (res == CURLE_WEIRD_SERVER_REPLY || res == CURLE_HTTP2 ||
	    res == CURLE_UNSUPPORTED_PROTOCOL ||
	    res == CURLE_BAD_CONTENT_ENCODING)
		return say(why, why_len, -EBADMSG, "%s", e);
	/*
	 * A malformed chunk and a lost connection share CURLE_RECV_ERROR;
	 * only the message tells them apart: "... in chunked-encoding" (curl
	 * 7.88, Debian 12), "chunk hex-length char not a hex digit" and the
	 * like (8.14, Debian 13). test_elig_service pins both verdicts.
	 */
	if (res == CURLE_RECV_ERROR && strcasestr(x->errbuf, "chunk"))
		return say(why, why_len, -EBADMSG, "%s", e);
	return say(why, why_len, -ECONNRESET, "%s", e);
}

/* A complete answer: HTTP/1.1, its status and media type. */
static int collect(CURL *h, struct mncr_elig_reply *r,
				     char *why, size_t why_len)
{
	long version = 0, status = 0;
	char *type = NULL;

	curl_easy_getinfo(h, CURLINFO_HTTP_VERSION, &version);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	r->status = (int)status;
	curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type);
	if (version != CURL_HTTP_VERSION_1_1)
		return say(why, why_len, -EBADMSG, "not HTTP/1.1");
	r->json = type && mncr_elig_http_is_json(type, strlen(type));
	return 0;
}

int mncr_elig_transfer_run(const struct mncr_elig_transfer *t, const char *path,
		       const char *body, size_t body_len,
		       struct mncr_elig_reply *r, char *why, size_t why_len)
{
	struct xfer x = { .t = t, .r = r };
	struct curl_slist *headers = NULL, *to_list = NULL, *l;
	char url[URL_MAX], to[URL_MAX];
	int s = -EINVAL;
	CURLM *m = curl_multi_init();
	CURL *h = curl_easy_init();
	CURLcode res;

	r->len = 0;
	r->status = 0;
	r->json = false;
	say(why, why_len, s, "no memory for the transfer");
	l = headers = curl_slist_append(NULL, "Accept: application/json");
	if (l && body)
		l = curl_slist_append(headers, "Content-Type: application/json");
	/* No 100-continue round trip: the body is small and goes at once. */
	if (l)
		l = curl_slist_append(headers, "Expect:");
	if (l)
		l = curl_slist_append(headers, "Connection: close");
	if (!m || !h || !l ||
	    configure(h, &x, path, headers, url, to, &to_list) ||
	    (body && (curl_easy_setopt(h, CURLOPT_POSTFIELDS, body) ||
		      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
				       (curl_off_t)body_len))) ||
	    curl_multi_add_handle(m, h))
		goto out;
	res = drive(m, &x);
	s = res == CURLE_OK ? collect(h, r, why, why_len) :
			      judge(h, &x, res, why, why_len);
	curl_multi_remove_handle(m, h);
out:
	curl_easy_cleanup(h);
	curl_multi_cleanup(m);
	curl_slist_free_all(headers);
	curl_slist_free_all(to_list);
	return s;
}
