/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Eligibility service client: HTTP/1.1 over mutually authenticated TLS 1.3
 * (Documentation/eligibility.rst), carried by libcurl (elig_transfer.h),
 * directly or through an HTTP proxy.
 *
 * The reader presents its device certificate; the service must present a
 * certificate from the configured CA for the configured name. Connecting
 * and the handshake are retried with exponential backoff, because nothing
 * has been sent then. Once any request byte may have reached the service,
 * nothing is re-sent here: the outcome is reported as interrupted, and the
 * caller may send the very same request again (same request id), which the
 * service answers without acting twice.
 *
 * A client holds only its configuration and TLS context (no global state);
 * one client may be used by one thread at a time. Request bodies and
 * responses are kept in heap buffers that are cleansed before they are
 * freed (libcurl's and OpenSSL's own transfer buffers are not); nothing is
 * written to files.
 */
#ifndef MNCR_ELIG_CLIENT_H
#define MNCR_ELIG_CLIENT_H

#include "elig/elig_message.h"

struct mncr_elig_client_config {
	const char *host;		/* where to connect: name or address */
	const char *port;		/* numeric, e.g. "443" */
	const char *server_name;	/* name in the service certificate;
					 * NULL: host */
	const char *ca_file;		/* CA(s) for the service, PEM */
	const char *cert_file;		/* reader device certificate, PEM */
	const char *key_file;		/* its private key, PEM; both NULL:
					 * no client certificate (tests) */
	/* 0 selects the default given in brackets. */
	unsigned int connect_timeout_ms;	/* [3000] per attempt */
	unsigned int handshake_timeout_ms;	/* [5000] per attempt */
	unsigned int io_timeout_ms;		/* [10000] request + response */
	unsigned int attempts;			/* [3] 1-10 connections */
	unsigned int backoff_ms;		/* [200] doubled per retry,
						 * at most 5000 */
	/* HTTP proxy, "http://HOST:PORT", reached with CONNECT; NULL or "":
	 * none. The proxy environment variables are never used. */
	const char *proxy;
};

enum mncr_elig_status {
	MNCR_ELIG_OK,
	MNCR_ELIG_UNREACHABLE,	/* no connection or handshake after retries */
	MNCR_ELIG_TLS,		/* certificate or TLS failure: not retried */
	MNCR_ELIG_REFUSED,	/* the service answered with an error code */
	MNCR_ELIG_PROTOCOL,	/* the answer was not a valid response */
	MNCR_ELIG_INTERRUPTED,	/* lost after sending: outcome unknown */
	MNCR_ELIG_LOCAL,	/* bad configuration or arguments, no memory */
};

struct mncr_elig_error {
	enum mncr_elig_status status;
	unsigned int attempts;	/* connections tried */
	int http_status;	/* 0 when no response */
	char code[MNCR_ELIG_CODE_MAX + 1];	/* REFUSED: e.g. "not_found" */
	char message[256];
};

struct mncr_elig_client;

/* NULL with err filled (status LOCAL) when the configuration is bad. */
struct mncr_elig_client *
mncr_elig_client_new(const struct mncr_elig_client_config *cfg,
		     struct mncr_elig_error *err);
void mncr_elig_client_free(struct mncr_elig_client *c);

/* GET /v1/challenge: a fresh nonce for a PIN-mode request. */
enum mncr_elig_status
mncr_elig_client_challenge(struct mncr_elig_client *c,
			   struct mncr_elig_challenge *out,
			   struct mncr_elig_error *err);

/*
 * POST /v1/qualification. On OK, resp->ok is true and resp->q holds the
 * result; on REFUSED, resp->error and err->code hold the service's code.
 * resp holds patient data: cleanse it (mncr_elig_cleanse) when done.
 */
enum mncr_elig_status
mncr_elig_client_qualify(struct mncr_elig_client *c,
			 const struct mncr_elig_request *req,
			 struct mncr_elig_response *resp,
			 struct mncr_elig_error *err);

const char *mncr_elig_status_name(enum mncr_elig_status s);

#endif
