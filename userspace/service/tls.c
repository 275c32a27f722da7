// SPDX-License-Identifier: GPL-2.0-or-later
#include "tls.h"

#include <stdio.h>

#include <openssl/err.h>

static SSL_CTX *fail(SSL_CTX *ctx, char *why, size_t why_len,
		     const char *what, const char *file)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	snprintf(why, why_len, "%s %s: %s", what, file ? file : "",
		 r ? r : "failed");
	ERR_clear_error();
	SSL_CTX_free(ctx);
	return NULL;
}

SSL_CTX *eligd_tls_new(const char *cert, const char *key,
		       const char *client_ca, char *why, size_t why_len)
{
	STACK_OF(X509_NAME) *names;
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (!ctx)
		return fail(ctx, why, why_len, "TLS context", NULL);
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1)
		return fail(ctx, why, why_len, "TLS 1.3", NULL);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
		return fail(ctx, why, why_len, "certificate", cert);
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1)
		return fail(ctx, why, why_len, "key", key);
	/* Readers are trusted by the site CA alone, not the system store. */
	if (SSL_CTX_load_verify_file(ctx, client_ca) != 1)
		return fail(ctx, why, why_len, "client CA", client_ca);
	names = SSL_load_client_CA_file(client_ca);
	if (!names)
		return fail(ctx, why, why_len, "client CA", client_ca);
	SSL_CTX_set_client_CA_list(ctx, names);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
			   SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	/*
	 * No tickets and no session cache: every connection proves the
	 * reader's key again, and there is no resumption state to protect.
	 */
	SSL_CTX_set_num_tickets(ctx, 0);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	/* Idle connections keep no 16 KiB record buffers: they stay cheap. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	return ctx;
}
