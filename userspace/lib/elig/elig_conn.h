/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A TLS connection over a non-blocking socket where every operation has a
 * deadline. OpenSSL talks to memory BIOs and this module moves the bytes
 * with poll(), send(MSG_NOSIGNAL) and recv(), so that
 *  - a slow or silent peer costs at most the deadline (no blocking read),
 *  - a peer that went away never raises SIGPIPE in the caller's process,
 *  - alerts OpenSSL queues are sent before an error is reported.
 * Used by the reference service (the client speaks through libcurl) and
 * by tests that send raw bytes.
 */
#ifndef MNCR_ELIG_CONN_H
#define MNCR_ELIG_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

struct mncr_elig_conn {
	int fd;
	SSL *ssl;
	BIO *rbio, *wbio;	/* owned by ssl */
	bool fatal;		/* no close_notify after a fatal error */
	char error[200];	/* what went wrong last, for logs */
};

/*
 * Sets up c over the connected socket fd (made non-blocking here) with a
 * new SSL from ctx in client or server role. On success c owns fd; the
 * caller may still configure c->ssl before the handshake. Returns 0 or
 * -errno (fd is then left to the caller).
 */
int mncr_elig_conn_init(struct mncr_elig_conn *c, SSL_CTX *ctx, int fd,
			bool server);

/*
 * Each returns 0 (read: bytes > 0, or 0 at the peer's close_notify) or
 * -ETIMEDOUT, -ECONNRESET (the transport closed or failed), -EPROTO (a TLS
 * failure, c->error says which), -ENOMEM.
 */
int mncr_elig_conn_handshake(struct mncr_elig_conn *c, uint64_t deadline);
long mncr_elig_conn_read(struct mncr_elig_conn *c, void *buf, size_t cap,
			 uint64_t deadline);
int mncr_elig_conn_write(struct mncr_elig_conn *c, const void *buf,
			 size_t len, uint64_t deadline);

/*
 * Sends close_notify (unless a fatal error happened), half-closes, reads
 * and drops what the peer still sends for up to linger_ms so that the
 * kernel does not answer unread data with a reset that could overtake our
 * last bytes, then closes the socket and frees the SSL.
 */
void mncr_elig_conn_close(struct mncr_elig_conn *c, unsigned int linger_ms);

#endif
