// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Load figures for mncr-eligd on 127.0.0.1 (figures only, no pass/fail):
 *
 *   elig_load PKI PORT READERS REQUESTS [IDLE [PID]]
 *
 * READERS threads send REQUESTS face-mode qualifications in all, each on
 * a new mutually authenticated connection (the protocol's one request per
 * connection), with the library's client; the PKI is tests/pki/make-pki's
 * with card-pin a subscriber. With IDLE, that many idle TCP connections
 * (from 127.0.0.2 on, 25 per address) are held open first and reopened
 * whenever the service closes one: a sustained flood. With PID, the
 * service's resident memory is printed before and with the flood.
 * Prints requests/s, median and p99 latency, and failures.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/clock_ms.h"
#include "elig/elig_client.h"
#include "elig/elig_fields.h"

#define P 512
#define PER_ADDR 25

static const char *pki, *port;
static unsigned int total;
static atomic_uint next, failed;
static uint64_t *took;
static uint8_t card[4096];
static size_t card_len;
static atomic_bool stop_flood;

static int idle_conn(int i)
{
	struct sockaddr_in a = { .sin_family = AF_INET }, b = a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char src[32];

	snprintf(src, sizeof(src), "127.0.0.%d", 2 + i / PER_ADDR);
	inet_pton(AF_INET, src, &b.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	a.sin_port = htons((uint16_t)atoi(port));
	if (fd < 0 || bind(fd, (struct sockaddr *)&b, sizeof(b)) ||
	    connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Holds n idle connections, reopening the ones the service closes. */
static void *flood(void *arg)
{
	int n = *(int *)arg;
	struct pollfd *p = calloc((size_t)n, sizeof(*p));
	char buf[256];

	for (int i = 0; i < n; i++) {
		p[i].fd = idle_conn(i);
		p[i].events = POLLIN;
	}
	while (!stop_flood) {
		if (poll(p, (nfds_t)n, 100) <= 0)
			continue;
		for (int i = 0; i < n; i++) {
			if (!p[i].revents)
				continue;
			if (recv(p[i].fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
				continue;
			close(p[i].fd);
			p[i].fd = idle_conn(i);
		}
	}
	for (int i = 0; i < n; i++)
		close(p[i].fd);
	free(p);
	return NULL;
}

static void *reader(void *arg)
{
	char ca[P], cert[P], key[P];
	struct mncr_elig_client_config cfg = {
		.host = "127.0.0.1", .port = port, .server_name = "localhost",
		.ca_file = ca, .cert_file = cert, .key_file = key,
		/* Long enough to measure a wait instead of giving up. */
		.handshake_timeout_ms = 60000, .io_timeout_ms = 60000,
		.attempts = 1,
	};
	struct mncr_elig_error err;
	struct mncr_elig_client *c;
	unsigned int i;

	(void)arg;
	snprintf(ca, P, "%s/site-ca.pem", pki);
	snprintf(cert, P, "%s/reader.pem", pki);
	snprintf(key, P, "%s/reader.key", pki);
	c = mncr_elig_client_new(&cfg, &err);
	if (!c) {
		fprintf(stderr, "client: %s\n", err.message);
		exit(1);
	}
	while ((i = atomic_fetch_add(&next, 1)) < total) {
		struct mncr_elig_request r = {
			.site = MNCR_ELIG_SITE_CLINIC,
			.method = MNCR_ELIG_METHOD_FACE,
		};
		struct mncr_elig_response resp;
		uint64_t t0 = mncr_now_ms();

		mncr_elig_request_id_new(r.request_id);
		memcpy(r.institution_code, "1312345678", 11);
		memcpy(r.card_cert, card, card_len);
		r.card_cert_len = card_len;
		if (mncr_elig_client_qualify(c, &r, &resp, &err) !=
		    MNCR_ELIG_OK) {
			atomic_fetch_add(&failed, 1);
			fprintf(stderr, "request: %s\n", err.message);
		}
		took[i] = mncr_now_ms() - t0;
		mncr_elig_cleanse(&resp, sizeof(resp));
	}
	mncr_elig_client_free(c);
	return NULL;
}

static long rss_kib(const char *pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

static int open_fds(const char *pid)
{
	char path[64];
	struct dirent *d;
	DIR *dir;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir)))
		n += d->d_name[0] != '.';
	closedir(dir);
	return n;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	unsigned int readers;
	int idle = 0;
	pthread_t *t, ft;
	struct rlimit rl;
	char path[P];
	uint64_t t0, ms;
	FILE *f;

	if (argc < 5) {
		fprintf(stderr, "usage: elig_load PKI PORT READERS REQUESTS "
			"[IDLE [PID]]\n");
		return 2;
	}
	pki = argv[1];
	port = argv[2];
	readers = (unsigned int)atoi(argv[3]);
	total = (unsigned int)atoi(argv[4]);
	if (argc > 5)
		idle = atoi(argv[5]);
	if (!readers || !total)
		return 2;
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	snprintf(path, P, "%s/card-pin.der", pki);
	f = fopen(path, "rb");
	if (!f)
		return 1;
	card_len = fread(card, 1, sizeof(card), f);
	fclose(f);
	took = calloc(total, sizeof(*took));
	t = calloc(readers, sizeof(*t));
	if (argc > 6)
		printf("service RSS before: %ld KiB\n", rss_kib(argv[6]));
	if (idle) {
		pthread_create(&ft, NULL, flood, &idle);
		sleep(2);
		if (argc > 6)
			printf("service RSS with %d idle connections: %ld "
			       "KiB, %d descriptors open\n", idle,
			       rss_kib(argv[6]), open_fds(argv[6]));
	}
	t0 = mncr_now_ms();
	for (unsigned int i = 0; i < readers; i++)
		pthread_create(&t[i], NULL, reader, NULL);
	for (unsigned int i = 0; i < readers; i++)
		pthread_join(t[i], NULL);
	ms = mncr_now_ms() - t0;
	if (idle) {
		stop_flood = true;
		pthread_join(ft, NULL);
	}
	qsort(took, total, sizeof(*took), cmp);
	printf("readers %u, idle %d: %u requests in %llu ms: %.0f/s, median "
	       "%llu ms, p99 %llu ms, max %llu ms, %u failed\n", readers,
	       idle, total, (unsigned long long)ms,
	       ms ? total * 1000.0 / (double)ms : 0.0,
	       (unsigned long long)took[total / 2],
	       (unsigned long long)took[(total * 99 + 99) / 100 - 1],
	       (unsigned long long)took[total - 1], (unsigned int)failed);
	free(took);
	free(t);
	return failed ? 1 : 0;
}
