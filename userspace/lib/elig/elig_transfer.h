/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One HTTPS request of the eligibility client, carried by libcurl on a
 * fresh handle: mutual TLS 1.3 with only the configured CA, the configured
 * name or address checked, no session or connection reuse, TCP_NODELAY,
 * an optional HTTP proxy (CONNECT) and never one from the environment.
 * Deadlines run per phase: TCP connect (to the proxy when there is one),
 * then proxy tunnel and TLS handshake, then request and response from the
 * moment the request may reach the service.
 */
#ifndef MNCR_ELIG_TRANSFER_H
#define MNCR_ELIG_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>

struct mncr_elig_transfer {
	const char *host, *port;	/* where to connect */
	const char *name;		/* name or address the TLS peer must
					 * have; also the URL's and SNI's */
	const char *ca_file;
	/* The reader's certificate, chain and key, loaded once: each
	 * connection's TLS context takes references. NULL: none. */
	SSL_CTX *identity;
	const char *proxy;		/* NULL: none */
	unsigned int connect_ms, handshake_ms, io_ms;
};

/* A response; body (caller's, cap bytes) holds the whole payload. */
struct mncr_elig_reply {
	char *body;
	size_t cap, len;
	int status;
	bool json;		/* Content-Type: application/json */
};

/* Whether s can stand in a URL as a host: an address or a DNS name. */
bool mncr_elig_transfer_host_ok(const char *s);

/*
 * Sends body (NULL: a GET) to path and fills r. Returns 0 or, with why
 * filled, -EHOSTUNREACH (nothing can have reached the service: safe to
 * retry), -EPROTO (a certificate or TLS failure), -ECONNRESET (lost after
 * sending, timeouts included), -EBADMSG (not a valid response, or larger
 * than r->cap), -EINVAL (local: setup, files, memory).
 */
int mncr_elig_transfer_run(const struct mncr_elig_transfer *t,
			   const char *path, const char *body, size_t body_len,
			   struct mncr_elig_reply *r, char *why,
			   size_t why_len);

#endif
