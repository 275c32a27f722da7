// SPDX-License-Identifier: GPL-2.0-or-later
#include "card_profile_file.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOADED_MAX	16
#define FILE_MAX	8192

static struct {
	pthread_mutex_t lock;
	size_t n;
	struct card_profile *p[LOADED_MAX];
} loaded = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int yes_no(const char *v, bool *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
		*out = true;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
		*out = false;
	else
		return -1;
	return 0;
}

static int number(const char *v, unsigned max, unsigned *out)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (!*v || *end || errno || n > max)
		return -1;
	*out = (unsigned)n;
	return 0;
}

static int four_digits(const char *v)
{
	if (strlen(v) != 4)
		return -1;
	for (int i = 0; i < 4; i++)
		if (v[i] < '0' || v[i] > '9')
			return -1;
	return 0;
}

/* One key=value; -1 with err (never quoting the value: it may be personal). */
static int apply(struct card_profile *p, const char *key, const char *v,
		 char *err, size_t errlen)
{
	unsigned n;

	if (!strcmp(key, "name") || !strcmp(key, "summary")) {
		char **dst = (char **)(!strcmp(key, "name") ? &p->name : &p->summary);

		free(*dst);
		*dst = strdup(v);
		return *dst ? 0 : -1;
	}
	if (!strcmp(key, "pin_set"))
		return yes_no(v, &p->pin_set) ? snprintf(err, errlen, "pin_set wants yes or no"), -1 : 0;
	if (!strcmp(key, "pin")) {
		if (four_digits(v))
			return snprintf(err, errlen, "pin wants 4 digits"), -1;
		free((char *)p->pin);
		return (p->pin = strdup(v)) ? 0 : -1;
	}
	if (!strcmp(key, "tries")) {
		if (number(v, 3, &n))
			return snprintf(err, errlen, "tries wants 0 to 3"), -1;
		p->pin_tries_left = n;
		return 0;
	}
	if (!strcmp(key, "collation_tries")) {
		if (number(v, CARD_COLLATION_TRIES, &n))
			return snprintf(err, errlen, "collation_tries wants 0 to %d",
					CARD_COLLATION_TRIES), -1;
		p->collation_spent = CARD_COLLATION_TRIES - n;
		return 0;
	}
	if (!strcmp(key, "cert")) {
		if (!strcmp(v, "valid"))
			p->cert = CARD_CERT_VALID;
		else if (!strcmp(v, "expired"))
			p->cert = CARD_CERT_EXPIRED;
		else if (!strcmp(v, "revoked"))
			p->cert = CARD_CERT_REVOKED;
		else
			return snprintf(err, errlen, "cert wants valid, expired or revoked"), -1;
		return 0;
	}
	if (!strcmp(key, "sign_cert"))
		return yes_no(v, &p->sign_cert) ? snprintf(err, errlen, "sign_cert wants yes or no"), -1 : 0;
	if (!strcmp(key, "front"))
		return card_front_parse(v, &p->front, err, errlen);
	if (!strcmp(key, "holder_name") || !strcmp(key, "address") ||
	    !strcmp(key, "photo")) {
		const char **dst = !strcmp(key, "holder_name") ? &p->holder_name :
				   !strcmp(key, "address") ? &p->address : &p->photo;

		free((char *)*dst);
		return (*dst = strdup(v)) ? 0 : -1;
	}
	if (!strcmp(key, "sex")) {
		if (strlen(v) != 1 || !strchr("1290", v[0]))
			return snprintf(err, errlen, "sex wants 1, 2, 9 or 0"), -1;
		p->sex = v[0];
		return 0;
	}
	if (!strcmp(key, "front_garbled"))
		return yes_no(v, &p->front_garbled) ? snprintf(err, errlen, "front_garbled wants yes or no"), -1 : 0;
	if (!strcmp(key, "yank"))
		return yes_no(v, &p->yank_on_read) ? snprintf(err, errlen, "yank wants yes or no"), -1 : 0;
	if (!strcmp(key, "front_delay_ms")) {
		if (number(v, 10000, &n))
			return snprintf(err, errlen, "front_delay_ms wants 0 to 10000"), -1;
		p->front_delay_ms = n;
		return 0;
	}
	snprintf(err, errlen, "unknown key '%.32s'", key);
	return -1;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

int card_profile_parse(const char *text, struct card_profile *p, char *err,
		       size_t errlen)
{
	char *copy = strdup(text), *line, *save = NULL;
	char why[128];
	int lineno = 0, r = 0;
	bool front = false;

	/* Defaults: the "pin" card's traits, a made-up front. */
	/* Defaults first; on failure the caller clears what was made. */
	*p = (struct card_profile){ .pin_set = true, .pin_tries_left = 3,
				    .sign_cert = true, .cert = CARD_CERT_VALID };
	if (!copy)
		return snprintf(err, errlen, "out of memory"), -1;
	for (line = strtok_r(copy, "\n", &save); line && !r;
	     line = strtok_r(NULL, "\n", &save)) {
		char *eq, *key;

		lineno++;
		line = trim(line);
		if (!*line || *line == '#')
			continue;
		eq = strchr(line, '=');
		if (!eq) {
			snprintf(err, errlen, "line %d: not key=value", lineno);
			r = -1;
			break;
		}
		*eq = '\0';
		key = trim(line);
		why[0] = '\0';
		if (apply(p, key, trim(eq + 1), why, sizeof(why))) {
			snprintf(err, errlen, "line %d: %s", lineno, why[0] ? why : "out of memory");
			r = -1;
		}
		front |= !strcmp(key, "front");
	}
	free(copy);
	if (!r && !front) {
		snprintf(err, errlen, "front=YYYYMMDD,YYYY,NNNN is required");
		r = -1;
	}
	if (!r && !p->pin_set)
		p->pin_tries_left = 0;
	if (!r && !p->name && !(p->name = strdup("custom")))
		r = -1;
	if (!r && !p->summary && !(p->summary = strdup("custom card from a profile file")))
		r = -1;
	return r;
}

void card_profile_clear(struct card_profile *p)
{
	free((char *)p->name);
	free((char *)p->summary);
	free((char *)p->pin);
	free((char *)p->holder_name);
	free((char *)p->address);
	free((char *)p->photo);
	free((char *)p->path);
	memset(p, 0, sizeof(*p));
}

static struct card_profile *load(const char *path, char *err, size_t errlen)
{
	struct card_profile *p;
	char *text = calloc(1, FILE_MAX + 1);
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (!f || !text) {
		snprintf(err, errlen, "cannot read card profile file: %s", strerror(errno));
		goto fail;
	}
	n = fread(text, 1, FILE_MAX + 1, f);
	if (n > FILE_MAX || memchr(text, '\0', n)) {
		snprintf(err, errlen, "card profile file: not a small text file");
		goto fail;
	}
	p = calloc(1, sizeof(*p));
	if (!p || card_profile_parse(text, p, err, errlen)) {
		if (p)
			card_profile_clear(p);
		free(p);
		goto fail;
	}
	p->path = strdup(path);
	fclose(f);
	free(text);
	return p;
fail:
	if (f)
		fclose(f);
	free(text);
	return NULL;
}

const struct card_profile *card_profile_file(const char *path, char *err,
					     size_t errlen)
{
	struct card_profile *p = NULL;

	pthread_mutex_lock(&loaded.lock);
	for (size_t i = 0; i < loaded.n && !p; i++)
		if (!strcmp(loaded.p[i]->path, path))
			p = loaded.p[i];
	if (!p && loaded.n == LOADED_MAX)
		snprintf(err, errlen, "too many card profile files");
	else if (!p && (p = load(path, err, errlen)))
		loaded.p[loaded.n++] = p;
	pthread_mutex_unlock(&loaded.lock);
	return p;
}
