// SPDX-License-Identifier: LGPL-2.1-or-later
#include "elig/elig_conn.h"
#include "util/clock_ms.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>

#define CHUNK 4096

/* Waits for events on fd until deadline: 0 or -ETIMEDOUT. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		uint64_t now = mncr_now_ms();
		int r;

		if (now >= deadline)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)(deadline - now > 60000 ? 60000 :
				      deadline - now));
		if (r > 0)
			return 0;	/* ready, or an error send/recv reports */
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

static int send_all(int fd, const uint8_t *p, size_t n, uint64_t deadline)
{
	while (n) {
		ssize_t r = send(fd, p, n, MSG_NOSIGNAL);

		if (r > 0) {
			p += r;
			n -= (size_t)r;
		} else if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int w = wait_fd(fd, POLLOUT, deadline);

			if (w)
				return w;
		} else if (r < 0 && errno != EINTR) {
			return errno == EPIPE ? -ECONNRESET : -errno;
		}
	}
	return 0;
}

/* Sends everything OpenSSL has queued for the peer. */
static int flush_out(struct mncr_elig_conn *c, uint64_t deadline)
{
	uint8_t buf[CHUNK];
	int n, ret = 0;

	while (!ret && BIO_ctrl_pending(c->wbio) > 0) {
		n = BIO_read(c->wbio, buf, sizeof(buf));
		if (n <= 0)
			break;
		ret = send_all(c->fd, buf, (size_t)n, deadline);
	}
	/* Records are ciphertext, but keep the habit for stack buffers. */
	OPENSSL_cleanse(buf, sizeof(buf));
	return ret;
}

/* Feeds OpenSSL what the socket has: 0, or -errno at EOF or error. */
static int fill_in(struct mncr_elig_conn *c, uint64_t deadline)
{
	uint8_t buf[CHUNK];

	for (;;) {
		ssize_t r = recv(c->fd, buf, sizeof(buf), 0);

		if (r > 0)
			return BIO_write(c->rbio, buf, (int)r) == (int)r ?
				0 : -ENOMEM;
		if (r == 0) {
			snprintf(c->error, sizeof(c->error),
				 "connection closed by the peer");
			return -ECONNRESET;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			int w = wait_fd(c->fd, POLLIN, deadline);

			if (w)
				return w;
		} else if (errno != EINTR) {
			snprintf(c->error, sizeof(c->error), "%s",
				 strerror(errno));
			return -ECONNRESET;
		}
	}
}

static void tls_error(struct mncr_elig_conn *c)
{
	unsigned long e = ERR_peek_last_error();
	const char *reason = e ? ERR_reason_error_string(e) : NULL;
	long v = SSL_get_verify_result(c->ssl);

	c->fatal = true;
	if (v != X509_V_OK)
		snprintf(c->error, sizeof(c->error), "TLS: %s (certificate: "
			 "%s)", reason ? reason : "handshake failed",
			 X509_verify_cert_error_string(v));
	else
		snprintf(c->error, sizeof(c->error), "TLS: %s",
			 reason ? reason : "protocol error");
	ERR_clear_error();
}

enum op { HANDSHAKE, READ, WRITE };

/* Drives one OpenSSL operation to completion or the deadline. */
static long drive(struct mncr_elig_conn *c, enum op op, void *buf,
		  size_t len, uint64_t deadline)
{
	for (;;) {
		size_t done = 0;
		int r = 0, e, f;

		ERR_clear_error();
		switch (op) {
		case HANDSHAKE:
			r = SSL_do_handshake(c->ssl);
			break;
		case READ:
			r = SSL_read_ex(c->ssl, buf, len, &done);
			break;
		case WRITE:
			r = SSL_write_ex(c->ssl, buf, len, &done);
			break;
		}
		e = r == 1 ? SSL_ERROR_NONE : SSL_get_error(c->ssl, r);
		if (e == SSL_ERROR_SSL)
			tls_error(c);
		/* Handshake messages and alerts go out before anything else. */
		f = flush_out(c, deadline);
		switch (e) {
		case SSL_ERROR_NONE:
			return f ? f : (long)done;
		case SSL_ERROR_WANT_READ:
			if (!f)
				f = fill_in(c, deadline);
			if (f)
				return f;
			continue;
		case SSL_ERROR_WANT_WRITE:
			if (f)
				return f;
			continue;
		case SSL_ERROR_ZERO_RETURN:	/* the peer's close_notify */
			if (op == READ)
				return 0;
			snprintf(c->error, sizeof(c->error),
				 "connection closed by the peer");
			return -ECONNRESET;
		case SSL_ERROR_SSL:
			return -EPROTO;
		default:
			c->fatal = true;
			snprintf(c->error, sizeof(c->error),
				 "TLS: transport failed");
			return -ECONNRESET;
		}
	}
}

int mncr_elig_conn_init(struct mncr_elig_conn *c, SSL_CTX *ctx, int fd,
			bool server)
{
	int fl = fcntl(fd, F_GETFL);

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	c->ssl = SSL_new(ctx);
	c->rbio = BIO_new(BIO_s_mem());
	c->wbio = BIO_new(BIO_s_mem());
	if (!c->ssl || !c->rbio || !c->wbio) {
		SSL_free(c->ssl);
		BIO_free(c->rbio);
		BIO_free(c->wbio);
		memset(c, 0, sizeof(*c));
		c->fd = -1;
		return -ENOMEM;
	}
	/* An empty read BIO means "wait for the socket", not end of stream. */
	BIO_set_mem_eof_return(c->rbio, -1);
	SSL_set_bio(c->ssl, c->rbio, c->wbio);
	if (server)
		SSL_set_accept_state(c->ssl);
	else
		SSL_set_connect_state(c->ssl);
	c->fd = fd;
	return 0;
}

int mncr_elig_conn_handshake(struct mncr_elig_conn *c, uint64_t deadline)
{
	long r = drive(c, HANDSHAKE, NULL, 0, deadline);

	if (r == -ETIMEDOUT)
		snprintf(c->error, sizeof(c->error), "TLS handshake timed out");
	return r < 0 ? (int)r : 0;
}

long mncr_elig_conn_read(struct mncr_elig_conn *c, void *buf, size_t cap,
			 uint64_t deadline)
{
	long r = drive(c, READ, buf, cap, deadline);

	if (r == -ETIMEDOUT)
		snprintf(c->error, sizeof(c->error), "read timed out");
	return r;
}

int mncr_elig_conn_write(struct mncr_elig_conn *c, const void *buf,
			 size_t len, uint64_t deadline)
{
	long r;

	if (!len)
		return 0;
	r = drive(c, WRITE, (void *)buf, len, deadline);
	if (r == -ETIMEDOUT)
		snprintf(c->error, sizeof(c->error), "write timed out");
	return r < 0 ? (int)r : 0;
}

void mncr_elig_conn_close(struct mncr_elig_conn *c, unsigned int linger_ms)
{
	uint64_t deadline = mncr_now_ms() + linger_ms;
	uint8_t buf[CHUNK];

	if (!c->ssl)
		return;
	if (!c->fatal && SSL_is_init_finished(c->ssl)) {
		ERR_clear_error();
		SSL_shutdown(c->ssl);
		flush_out(c, deadline);
	}
	if (c->fd >= 0) {
		shutdown(c->fd, SHUT_WR);
		while (wait_fd(c->fd, POLLIN, deadline) == 0) {
			ssize_t r = recv(c->fd, buf, sizeof(buf), 0);

			if (r == 0 || (r < 0 && errno != EINTR &&
				       errno != EAGAIN))
				break;
		}
		close(c->fd);
	}
	SSL_free(c->ssl);
	ERR_clear_error();
	c->ssl = NULL;
	c->rbio = c->wbio = NULL;
	c->fd = -1;
}
