/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The service's TLS context: TLS 1.3 only, its own certificate, and a
 * mandatory reader certificate that chains to the site CA.
 */
#ifndef ELIGD_TLS_H
#define ELIGD_TLS_H

#include <stddef.h>

#include <openssl/ssl.h>

SSL_CTX *eligd_tls_new(const char *cert, const char *key,
		       const char *client_ca, char *why, size_t why_len);

#endif
