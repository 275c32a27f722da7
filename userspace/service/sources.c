// SPDX-License-Identifier: GPL-2.0-or-later
#include "sources.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#define BUCKETS 1024

struct eligd_source {
	struct eligd_source *next;	/* in its bucket */
	uint8_t addr[16];		/* IPv4 as v4-mapped IPv6 */
	unsigned int count;
	TAILQ_HEAD(, eligd_unauth) conns;	/* oldest first */
};

struct eligd_sources {
	unsigned int per_source;
	uint64_t key;		/* random: no chosen bucket collisions */
	TAILQ_HEAD(, eligd_unauth) all;	/* oldest first */
	struct eligd_source *bucket[BUCKETS];
};

struct eligd_sources *eligd_sources_new(unsigned int per_source)
{
	struct eligd_sources *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->per_source = per_source;
	if (RAND_bytes((unsigned char *)&t->key, sizeof(t->key)) != 1) {
		free(t);
		return NULL;
	}
	TAILQ_INIT(&t->all);
	return t;
}

void eligd_sources_free(struct eligd_sources *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < BUCKETS; i++) {
		while (t->bucket[i]) {
			struct eligd_source *s = t->bucket[i];

			t->bucket[i] = s->next;
			free(s);
		}
	}
	free(t);
}

static void key_of(const struct sockaddr *a, uint8_t out[16])
{
	memset(out, 0, 16);
	if (a->sa_family == AF_INET) {
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &((const struct sockaddr_in *)a)->sin_addr, 4);
	} else if (a->sa_family == AF_INET6) {
		memcpy(out, &((const struct sockaddr_in6 *)a)->sin6_addr, 16);
	}
}

static size_t hash(const struct eligd_sources *t, const uint8_t addr[16])
{
	uint64_t h = t->key ^ 0xcbf29ce484222325ULL;

	for (int i = 0; i < 16; i++)
		h = (h ^ addr[i]) * 0x100000001b3ULL;
	return (size_t)(h ^ (h >> 29)) % BUCKETS;
}

int eligd_sources_add(struct eligd_sources *t, const struct sockaddr *a,
		      struct eligd_unauth *n)
{
	uint8_t addr[16];
	struct eligd_source *s;
	size_t b;

	key_of(a, addr);
	b = hash(t, addr);
	for (s = t->bucket[b]; s; s = s->next)
		if (memcmp(s->addr, addr, 16) == 0)
			break;
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			return -ENOMEM;
		memcpy(s->addr, addr, 16);
		TAILQ_INIT(&s->conns);
		s->next = t->bucket[b];
		t->bucket[b] = s;
	}
	n->src = s;
	s->count++;
	TAILQ_INSERT_TAIL(&s->conns, n, same);
	TAILQ_INSERT_TAIL(&t->all, n, all);
	return 0;
}

struct eligd_unauth *eligd_sources_over(struct eligd_sources *t,
					struct eligd_unauth *n)
{
	if (!n->src || n->src->count <= t->per_source)
		return NULL;
	return TAILQ_FIRST(&n->src->conns);
}

void eligd_sources_remove(struct eligd_sources *t, struct eligd_unauth *n)
{
	struct eligd_source *s = n->src, **p;

	if (!s)
		return;
	n->src = NULL;
	TAILQ_REMOVE(&s->conns, n, same);
	TAILQ_REMOVE(&t->all, n, all);
	if (--s->count)
		return;
	for (p = &t->bucket[hash(t, s->addr)]; *p != s; p = &(*p)->next)
		;
	*p = s->next;
	free(s);
}

struct eligd_unauth *eligd_sources_oldest(struct eligd_sources *t)
{
	return TAILQ_FIRST(&t->all);
}
