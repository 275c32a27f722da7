// SPDX-License-Identifier: GPL-2.0-or-later
#include "challenge.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "util/clock_ms.h"

/* Outstanding challenges one reader may hold; older ones are dropped. */
#define PER_READER 16

struct entry {
	bool used;
	uint8_t reader[ELIGD_READER_ID_LEN];
	uint8_t nonce[MNCR_ELIG_CHALLENGE_LEN];
	uint64_t issued, expires;	/* mncr_now_ms() */
};

struct eligd_challenges {
	pthread_mutex_t lock;
	unsigned int capacity;
	uint64_t ttl_ms;
	struct entry *e;
};

struct eligd_challenges *eligd_challenges_new(unsigned int capacity,
					      unsigned int ttl_s)
{
	struct eligd_challenges *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->e = calloc(capacity, sizeof(*t->e));
	if (!t->e) {
		free(t);
		return NULL;
	}
	t->capacity = capacity;
	t->ttl_ms = (uint64_t)ttl_s * 1000;
	pthread_mutex_init(&t->lock, NULL);
	return t;
}

void eligd_challenges_free(struct eligd_challenges *t)
{
	if (!t)
		return;
	OPENSSL_cleanse(t->e, t->capacity * sizeof(*t->e));
	free(t->e);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

static void drop(struct entry *e)
{
	OPENSSL_cleanse(e, sizeof(*e));
}

/* The slot for a new entry: free, expired, reader's oldest, or oldest. */
static struct entry *slot(struct eligd_challenges *t, const uint8_t *reader,
			  uint64_t now)
{
	struct entry *oldest = NULL, *mine = NULL;
	unsigned int held = 0;

	for (unsigned int i = 0; i < t->capacity; i++) {
		struct entry *e = &t->e[i];

		if (e->used && e->expires <= now)
			drop(e);
		if (!e->used)
			continue;
		if (!oldest || e->issued < oldest->issued)
			oldest = e;
		if (memcmp(e->reader, reader, ELIGD_READER_ID_LEN) == 0) {
			held++;
			if (!mine || e->issued < mine->issued)
				mine = e;
		}
	}
	if (held >= PER_READER)
		return mine;
	for (unsigned int i = 0; i < t->capacity; i++)
		if (!t->e[i].used)
			return &t->e[i];
	return oldest;
}

int eligd_challenge_issue(struct eligd_challenges *t,
			  const uint8_t reader[ELIGD_READER_ID_LEN],
			  uint8_t nonce[MNCR_ELIG_CHALLENGE_LEN])
{
	uint64_t now = mncr_now_ms();
	struct entry *e;

	if (RAND_bytes(nonce, MNCR_ELIG_CHALLENGE_LEN) != 1)
		return -EIO;
	pthread_mutex_lock(&t->lock);
	e = slot(t, reader, now);
	e->used = true;
	memcpy(e->reader, reader, ELIGD_READER_ID_LEN);
	memcpy(e->nonce, nonce, MNCR_ELIG_CHALLENGE_LEN);
	e->issued = now;
	e->expires = now + t->ttl_ms;
	pthread_mutex_unlock(&t->lock);
	return 0;
}

int eligd_challenge_take(struct eligd_challenges *t,
			 const uint8_t reader[ELIGD_READER_ID_LEN],
			 const uint8_t nonce[MNCR_ELIG_CHALLENGE_LEN])
{
	uint64_t now = mncr_now_ms();
	int ret = -ENOENT;

	pthread_mutex_lock(&t->lock);
	for (unsigned int i = 0; i < t->capacity; i++) {
		struct entry *e = &t->e[i];

		if (!e->used ||
		    CRYPTO_memcmp(e->nonce, nonce, MNCR_ELIG_CHALLENGE_LEN) ||
		    memcmp(e->reader, reader, ELIGD_READER_ID_LEN))
			continue;
		ret = e->expires > now ? 0 : -ETIMEDOUT;
		drop(e);	/* single use, whatever the outcome */
		break;
	}
	pthread_mutex_unlock(&t->lock);
	return ret;
}
