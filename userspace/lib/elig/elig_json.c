// SPDX-License-Identifier: LGPL-2.1-or-later
#include "elig/elig_json.h"
#include "util/utf8.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Longest member name looked up; longer names cannot be in a schema. */
#define KEY_MAX 48
#define PATH_MAX_LEN 96

struct reader {
	const char *p, *start, *end;
	struct mncr_elig_json_error *err;
	char path[PATH_MAX_LEN];	/* "a.b" of the member being read */
};

static int fail(struct reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	if (r->err) {
		r->err->offset = (size_t)(r->p - r->start);
		va_start(ap, fmt);
		vsnprintf(r->err->message, sizeof(r->err->message), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static void skip_ws(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
				 *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static bool at(struct reader *r, char c)
{
	return r->p < r->end && *r->p == c;
}

static int hex4(struct reader *r, uint32_t *out)
{
	uint32_t x = 0;

	if (r->end - r->p < 4)
		return fail(r, "truncated \\u escape");
	for (int i = 0; i < 4; i++, r->p++) {
		char c = *r->p;

		x <<= 4;
		if (c >= '0' && c <= '9')
			x |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			x |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			x |= (uint32_t)(c - 'A' + 10);
		else
			return fail(r, "bad hex digit in \\u escape");
	}
	*out = x;
	return 0;
}

/* An escape after the backslash, as a code point. */
static int escape(struct reader *r, uint32_t *cp)
{
	uint32_t lo;

	if (r->p >= r->end)
		return fail(r, "unterminated string");
	switch (*r->p++) {
	case '"': *cp = '"'; return 0;
	case '\\': *cp = '\\'; return 0;
	case '/': *cp = '/'; return 0;
	case 'b': *cp = '\b'; return 0;
	case 'f': *cp = '\f'; return 0;
	case 'n': *cp = '\n'; return 0;
	case 'r': *cp = '\r'; return 0;
	case 't': *cp = '\t'; return 0;
	case 'u':
		break;
	default:
		r->p--;
		return fail(r, "bad escape in string");
	}
	if (hex4(r, cp))
		return -EINVAL;
	if (*cp >= 0xdc00 && *cp <= 0xdfff)
		return fail(r, "unpaired low surrogate");
	if (*cp >= 0xd800 && *cp <= 0xdbff) {
		if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
			return fail(r, "unpaired high surrogate");
		r->p += 2;
		if (hex4(r, &lo))
			return -EINVAL;
		if (lo < 0xdc00 || lo > 0xdfff)
			return fail(r, "bad low surrogate");
		*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (*cp == 0)
		return fail(r, "\\u0000 in string");
	return 0;
}

/*
 * Decodes the string at r->p (on its opening quote) into buf of size bytes.
 * Returns 0, -EINVAL (bad text) or -EMSGSIZE (does not fit).
 */
static int string(struct reader *r, char *buf, size_t size)
{
	size_t n = 0;

	r->p++;
	for (;;) {
		char tmp[4];
		const char *src = tmp;
		size_t k;

		if (r->p >= r->end)
			return fail(r, "unterminated string");
		if (*r->p == '"') {
			r->p++;
			break;
		}
		if ((unsigned char)*r->p < 0x20)
			return fail(r, "control character in string");
		if (*r->p == '\\') {
			uint32_t cp;

			r->p++;
			if (escape(r, &cp))
				return -EINVAL;
			k = mncr_utf8_put(tmp, cp);
		} else {
			k = mncr_utf8_seq_len((const unsigned char *)r->p,
					      (const unsigned char *)r->end);
			if (!k)
				return fail(r, "invalid UTF-8 in string");
			src = r->p;
			r->p += k;
		}
		if (k >= size - n)
			return -EMSGSIZE;
		memcpy(buf + n, src, k);
		n += k;
	}
	buf[n] = '\0';
	return 0;
}

static const char *type_name(enum mncr_elig_json_type t)
{
	switch (t) {
	case MNCR_ELIG_JSON_STRING: return "a string";
	case MNCR_ELIG_JSON_BOOL: return "a boolean";
	case MNCR_ELIG_JSON_UINT: return "an unsigned integer";
	case MNCR_ELIG_JSON_OBJECT: return "an object";
	}
	return "?";
}

/* Whether the value at r->p looks like type t (by its first byte). */
static bool starts_as(struct reader *r, enum mncr_elig_json_type t)
{
	if (r->p >= r->end)
		return false;
	switch (t) {
	case MNCR_ELIG_JSON_STRING: return *r->p == '"';
	case MNCR_ELIG_JSON_BOOL: return *r->p == 't' || *r->p == 'f';
	case MNCR_ELIG_JSON_UINT: return *r->p >= '0' && *r->p <= '9';
	case MNCR_ELIG_JSON_OBJECT: return *r->p == '{';
	}
	return false;
}

static int boolean(struct reader *r, bool *out)
{
	if (r->end - r->p >= 4 && memcmp(r->p, "true", 4) == 0) {
		r->p += 4;
		*out = true;
		return 0;
	}
	if (r->end - r->p >= 5 && memcmp(r->p, "false", 5) == 0) {
		r->p += 5;
		*out = false;
		return 0;
	}
	return fail(r, "%s: bad literal", r->path);
}

static int uint_value(struct reader *r, uint32_t max, uint32_t *out)
{
	const char *s = r->p;
	uint64_t x = 0;

	if (*r->p == '0' && r->end - r->p > 1 && r->p[1] >= '0' &&
	    r->p[1] <= '9')
		return fail(r, "%s: leading zero", r->path);
	while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
		if (r->p - s >= 10)
			return fail(r, "%s: out of range", r->path);
		x = x * 10 + (uint64_t)(*r->p++ - '0');
	}
	if (at(r, '.') || at(r, 'e') || at(r, 'E'))
		return fail(r, "%s: must be an unsigned integer", r->path);
	if (x > max) {
		r->p = s;
		return fail(r, "%s: out of range", r->path);
	}
	*out = (uint32_t)x;
	return 0;
}

static int object(struct reader *r, const struct mncr_elig_json_schema *s,
		  char *target, int depth);

static int value(struct reader *r, const struct mncr_elig_json_field *f,
		 char *target, int depth)
{
	const char *s = r->p;
	int ret;

	if (!starts_as(r, f->type))
		return fail(r, "%s: must be %s", r->path, type_name(f->type));
	switch (f->type) {
	case MNCR_ELIG_JSON_STRING:
		ret = string(r, target + f->offset, f->size);
		if (ret == -EMSGSIZE) {
			r->p = s;
			return fail(r, "%s: longer than %zu bytes", r->path,
				    f->size - 1);
		}
		return ret;
	case MNCR_ELIG_JSON_BOOL:
		return boolean(r, (bool *)(void *)(target + f->offset));
	case MNCR_ELIG_JSON_UINT:
		return uint_value(r, f->max,
				  (uint32_t *)(void *)(target + f->offset));
	case MNCR_ELIG_JSON_OBJECT:
		return object(r, f->object, target + f->offset, depth + 1);
	}
	return fail(r, "%s: bad schema", r->path);
}

static int member(struct reader *r, const struct mncr_elig_json_schema *s,
		  char *target, uint32_t *seen, int depth)
{
	size_t path_len = strlen(r->path), i;
	const char *key_at = r->p;
	char key[KEY_MAX + 1];
	int ret;

	if (!at(r, '"'))
		return fail(r, "member name expected");
	ret = string(r, key, sizeof(key));
	if (ret == -EMSGSIZE) {
		r->p = key_at;
		return fail(r, "unknown member in %s",
			    path_len ? r->path : "message");
	}
	if (ret)
		return ret;
	for (i = 0; i < s->n_fields; i++)
		if (strcmp(s->fields[i].name, key) == 0)
			break;
	if (i == s->n_fields) {
		r->p = key_at;
		/* Names only: member names are ours, values never shown. */
		for (const char *k = key; *k; k++)
			if (*k < 0x20 || *k > 0x7e)
				return fail(r, "unknown member in %s",
					    path_len ? r->path : "message");
		return fail(r, "unknown member \"%s\"", key);
	}
	snprintf(r->path + path_len, sizeof(r->path) - path_len, "%s%s",
		 path_len ? "." : "", key);
	if (*seen & (1u << i)) {
		r->p = key_at;
		return fail(r, "%s: duplicate member", r->path);
	}
	*seen |= 1u << i;
	skip_ws(r);
	if (!at(r, ':'))
		return fail(r, "':' expected");
	r->p++;
	skip_ws(r);
	ret = value(r, &s->fields[i], target, depth);
	r->path[path_len] = '\0';
	return ret;
}

static int object(struct reader *r, const struct mncr_elig_json_schema *s,
		  char *target, int depth)
{
	uint32_t seen = 0;
	int ret;

	if (depth >= MNCR_ELIG_JSON_MAX_DEPTH ||
	    s->n_fields > MNCR_ELIG_JSON_MAX_FIELDS)
		return fail(r, "schema too deep or too wide");
	if (!at(r, '{'))
		return fail(r, "object expected");
	r->p++;
	skip_ws(r);
	if (at(r, '}')) {
		r->p++;
	} else {
		for (;;) {
			ret = member(r, s, target, &seen, depth);
			if (ret)
				return ret;
			skip_ws(r);
			if (at(r, ',')) {
				r->p++;
				skip_ws(r);
				continue;
			}
			if (at(r, '}')) {
				r->p++;
				break;
			}
			return fail(r, "',' or '}' expected");
		}
	}
	for (size_t i = 0; i < s->n_fields; i++) {
		if (s->fields[i].required && !(seen & (1u << i))) {
			size_t n = strlen(r->path);

			return fail(r, "missing member \"%s%s%s\"", r->path,
				    n ? "." : "", s->fields[i].name);
		}
	}
	memcpy(target + s->seen_offset, &seen, sizeof(seen));
	return 0;
}

int mncr_elig_json_read(const char *text, size_t len,
			const struct mncr_elig_json_schema *schema,
			void *target, struct mncr_elig_json_error *err)
{
	struct reader r = {
		.p = text, .start = text, .end = text + len, .err = err,
	};
	int ret;

	if (err) {
		err->offset = 0;
		err->message[0] = '\0';
	}
	if (!text || !schema || !target)
		return -EINVAL;
	skip_ws(&r);
	ret = object(&r, schema, target, 0);
	if (ret)
		return ret;
	skip_ws(&r);
	if (r.p != r.end)
		return fail(&r, "text after the message");
	return 0;
}
