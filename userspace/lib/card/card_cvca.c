// SPDX-License-Identifier: LGPL-2.1-or-later
#include "card/card_cvca.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#define NAME_HEX	(2 * MNCR_CVC_KEY_ID_LEN)

struct mncr_cvca_set {
	size_t n;
	uint8_t id[MNCR_CVCA_MAX][MNCR_CVC_KEY_ID_LEN];
	EVP_PKEY *key[MNCR_CVCA_MAX];
};

struct mncr_cvca_set *mncr_cvca_new(void)
{
	return calloc(1, sizeof(struct mncr_cvca_set));
}

void mncr_cvca_free(struct mncr_cvca_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		EVP_PKEY_free(s->key[i]);
	free(s);
}

size_t mncr_cvca_count(const struct mncr_cvca_set *s)
{
	return s ? s->n : 0;
}

int mncr_cvca_add(struct mncr_cvca_set *s, const uint8_t id[MNCR_CVC_KEY_ID_LEN],
		  EVP_PKEY *key)
{
	if (!s || !id || !key || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA ||
	    EVP_PKEY_get_bits(key) != 2048)
		return -EINVAL;
	if (s->n == MNCR_CVCA_MAX)
		return -ENOSPC;
	if (!EVP_PKEY_up_ref(key))
		return -EINVAL;
	memcpy(s->id[s->n], id, MNCR_CVC_KEY_ID_LEN);
	s->key[s->n++] = key;
	return 0;
}

EVP_PKEY *mncr_cvca_find(const struct mncr_cvca_set *s,
			 const uint8_t id[MNCR_CVC_KEY_ID_LEN])
{
	for (size_t i = 0; s && i < s->n; i++)
		if (!memcmp(s->id[i], id, MNCR_CVC_KEY_ID_LEN))
			return s->key[i];
	return NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "KEYID.pem" -> id; false for any other name. */
static bool key_name(const char *name, uint8_t *id)
{
	if (strlen(name) != NAME_HEX + 4 || strcmp(name + NAME_HEX, ".pem"))
		return false;
	for (size_t i = 0; i < MNCR_CVC_KEY_ID_LEN; i++) {
		int hi = hexval(name[2 * i]), lo = hexval(name[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		id[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

static int load_one(struct mncr_cvca_set *s, const char *dir, const char *name,
		    const uint8_t *id, char *why, size_t why_len)
{
	char path[4096];
	EVP_PKEY *key = NULL;
	FILE *f;
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (f) {
		key = PEM_read_PUBKEY(f, NULL, NULL, NULL);
		fclose(f);
	}
	ERR_clear_error();
	r = key ? mncr_cvca_add(s, id, key) : -EINVAL;
	EVP_PKEY_free(key);
	if (r)
		snprintf(why, why_len, "CV CA key %s: %s", path,
			 r == -ENOSPC ? "too many keys" :
			 "not an RSA-2048 PEM public key");
	return r == -ENOSPC ? -EINVAL : r;
}

int mncr_cvca_load(const char *dir, struct mncr_cvca_set **out, char *why,
		   size_t why_len)
{
	struct mncr_cvca_set *s;
	uint8_t id[MNCR_CVC_KEY_ID_LEN];
	struct dirent *d;
	DIR *dp;
	int r = 0;

	if (!dir || !out)
		return -EINVAL;
	dp = opendir(dir);
	if (!dp) {
		snprintf(why, why_len, "CV CA keys %s: %s", dir, strerror(errno));
		return errno == ENOMEM ? -ENOMEM : -ENOENT;
	}
	s = mncr_cvca_new();
	if (!s)
		r = -ENOMEM;
	while (!r && (d = readdir(dp)))
		if (key_name(d->d_name, id))
			r = load_one(s, dir, d->d_name, id, why, why_len);
	closedir(dp);
	if (r) {
		if (r == -ENOMEM)
			snprintf(why, why_len, "CV CA keys: out of memory");
		mncr_cvca_free(s);
		return r;
	}
	*out = s;
	return 0;
}

int mncr_cvca_write(const char *dir, const uint8_t id[MNCR_CVC_KEY_ID_LEN],
		    EVP_PKEY *key)
{
	char path[4096];
	int n = snprintf(path, sizeof(path), "%s/", dir);
	FILE *f;
	int ok;

	for (size_t i = 0; i < MNCR_CVC_KEY_ID_LEN; i++)
		n += snprintf(path + n, sizeof(path) - (size_t)n, "%02X", id[i]);
	snprintf(path + n, sizeof(path) - (size_t)n, ".pem");
	f = fopen(path, "w");
	if (!f)
		return -errno;
	ok = PEM_write_PUBKEY(f, key);
	if (fclose(f))
		ok = 0;
	return ok ? 0 : -EIO;
}
