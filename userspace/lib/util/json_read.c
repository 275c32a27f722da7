// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_read.h"
#include "util/utf8.h"

struct parser {
	const char *p, *end, *start;
	int depth;
	locale_t c_locale;
	char *err;
	size_t err_len;
	int failed;
};

static void fail(struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(struct parser *ps, const char *fmt, ...)
{
	size_t line = 1, col = 1;
	va_list ap;
	int n;

	if (ps->failed)
		return;
	ps->failed = EINVAL;
	if (!ps->err || !ps->err_len)
		return;
	for (const char *q = ps->start; q < ps->p && q < ps->end; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	n = snprintf(ps->err, ps->err_len, "line %zu, column %zu: ", line, col);
	if (n < 0 || (size_t)n >= ps->err_len)
		return;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->err_len - (size_t)n, fmt, ap);
	va_end(ap);
}

static void fail_nomem(struct parser *ps)
{
	fail(ps, "out of memory");
	ps->failed = ENOMEM;
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
				   *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0) {
		fail(ps, "invalid literal");
		return -1;
	}
	ps->p += n;
	return 0;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int parse_number(struct parser *ps, struct mncr_json_value *v)
{
	const char *s = ps->p;
	char buf[64], *endp;

	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (ps->p >= ps->end || !is_digit(*ps->p)) {
		fail(ps, "digit expected");
		return -1;
	}
	if (*ps->p == '0') {
		ps->p++;
		if (ps->p < ps->end && is_digit(*ps->p)) {
			fail(ps, "leading zero in number");
			return -1;
		}
	} else {
		while (ps->p < ps->end && is_digit(*ps->p))
			ps->p++;
	}
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (ps->p >= ps->end || !is_digit(*ps->p)) {
			fail(ps, "digit expected after decimal point");
			return -1;
		}
		while (ps->p < ps->end && is_digit(*ps->p))
			ps->p++;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (ps->p >= ps->end || !is_digit(*ps->p)) {
			fail(ps, "digit expected in exponent");
			return -1;
		}
		while (ps->p < ps->end && is_digit(*ps->p))
			ps->p++;
	}
	if ((size_t)(ps->p - s) >= sizeof(buf)) {
		ps->p = s;
		fail(ps, "number longer than %zu characters", sizeof(buf) - 1);
		return -1;
	}
	memcpy(buf, s, (size_t)(ps->p - s));
	buf[ps->p - s] = '\0';
	errno = 0;
	v->number = strtod_l(buf, &endp, ps->c_locale);
	if (*endp != '\0' || !isfinite(v->number)) {
		ps->p = s;
		fail(ps, "number out of range");
		return -1;
	}
	v->type = MNCR_JSON_VALUE_NUMBER;
	return 0;
}

static int hex4(struct parser *ps, uint32_t *out)
{
	uint32_t x = 0;

	if (ps->end - ps->p < 4) {
		fail(ps, "truncated \\u escape");
		return -1;
	}
	for (int i = 0; i < 4; i++) {
		char c = *ps->p++;

		x <<= 4;
		if (c >= '0' && c <= '9')
			x |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			x |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			x |= (uint32_t)(c - 'A' + 10);
		else {
			fail(ps, "invalid hex digit in \\u escape");
			return -1;
		}
	}
	*out = x;
	return 0;
}

/* Parses a string at ps->p (on the opening quote) into *out / *out_len. */
static int parse_string(struct parser *ps, char **out, size_t *out_len)
{
	const char *s;
	char *d;
	size_t cap = 0, n = 0;

	ps->p++;
	/* The decoded string is never longer than its source text. */
	for (s = ps->p; s < ps->end && *s != '"'; s++)
		if (*s == '\\' && s + 1 < ps->end)
			s++;
	cap = (size_t)(s - ps->p) + 1;
	d = malloc(cap);
	if (!d) {
		fail_nomem(ps);
		return -1;
	}
	for (;;) {
		unsigned char c;

		if (ps->p >= ps->end) {
			fail(ps, "unterminated string");
			goto err;
		}
		c = (unsigned char)*ps->p;
		if (c == '"') {
			ps->p++;
			break;
		}
		if (c < 0x20) {
			fail(ps, "control character in string");
			goto err;
		}
		if (c == '\\') {
			uint32_t cp, lo;

			if (++ps->p >= ps->end) {
				fail(ps, "unterminated string");
				goto err;
			}
			switch (*ps->p++) {
			case '"': d[n++] = '"'; break;
			case '\\': d[n++] = '\\'; break;
			case '/': d[n++] = '/'; break;
			case 'b': d[n++] = '\b'; break;
			case 'f': d[n++] = '\f'; break;
			case 'n': d[n++] = '\n'; break;
			case 'r': d[n++] = '\r'; break;
			case 't': d[n++] = '\t'; break;
			case 'u':
				if (hex4(ps, &cp))
					goto err;
				if (cp >= 0xdc00 && cp <= 0xdfff) {
					fail(ps, "unpaired low surrogate");
					goto err;
				}
				if (cp >= 0xd800 && cp <= 0xdbff) {
					if (ps->end - ps->p < 2 || ps->p[0] != '\\' ||
					    ps->p[1] != 'u') {
						fail(ps, "unpaired high surrogate");
						goto err;
					}
					ps->p += 2;
					if (hex4(ps, &lo))
						goto err;
					if (lo < 0xdc00 || lo > 0xdfff) {
						fail(ps, "invalid low surrogate");
						goto err;
					}
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					     (lo - 0xdc00);
				}
				if (cp == 0) {
					fail(ps, "\\u0000 in string");
					goto err;
				}
				/* 6 escape bytes (12 for a pair) give at most 4 */
				n += mncr_utf8_put(d + n, cp);
				break;
			default:
				ps->p--;
				fail(ps, "invalid escape");
				goto err;
			}
		} else {
			size_t k = mncr_utf8_seq_len((const unsigned char *)ps->p,
						     (const unsigned char *)ps->end);

			if (!k) {
				fail(ps, "invalid UTF-8 in string");
				goto err;
			}
			memcpy(d + n, ps->p, k);
			n += k;
			ps->p += k;
		}
	}
	d[n] = '\0';
	*out = d;
	*out_len = n;
	return 0;
err:
	free(d);
	return -1;
}

static void free_value(struct mncr_json_value *v)
{
	free(v->string);
	if (v->items)
		for (size_t i = 0; i < v->len; i++)
			free_value(&v->items[i]);
	free(v->items);
	if (v->keys)
		for (size_t i = 0; i < v->len; i++)
			free(v->keys[i]);
	free(v->keys);
}

static int parse_value(struct parser *ps, struct mncr_json_value *v);

/* Appends one slot to v's items (and keys for objects); *cap grows. */
static struct mncr_json_value *grow(struct parser *ps, struct mncr_json_value *v,
				   size_t *cap, int with_key)
{
	if (v->len == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct mncr_json_value *items;

		if (ncap > SIZE_MAX / sizeof(*items)) {
			fail_nomem(ps);
			return NULL;
		}
		items = realloc(v->items, ncap * sizeof(*items));
		if (!items) {
			fail_nomem(ps);
			return NULL;
		}
		v->items = items;
		if (with_key) {
			char **keys = realloc(v->keys, ncap * sizeof(*keys));

			if (!keys) {
				fail_nomem(ps);
				return NULL;
			}
			v->keys = keys;
		}
		*cap = ncap;
	}
	memset(&v->items[v->len], 0, sizeof(v->items[0]));
	if (with_key)
		v->keys[v->len] = NULL;
	return &v->items[v->len];
}

static int parse_array(struct parser *ps, struct mncr_json_value *v)
{
	size_t cap = 0;

	v->type = MNCR_JSON_VALUE_ARRAY;
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == ']') {
		ps->p++;
		return 0;
	}
	for (;;) {
		struct mncr_json_value *item = grow(ps, v, &cap, 0);

		if (!item)
			return -1;
		v->len++;
		if (parse_value(ps, item))
			return -1;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == ']') {
			ps->p++;
			return 0;
		}
		fail(ps, "',' or ']' expected");
		return -1;
	}
}

static int parse_object(struct parser *ps, struct mncr_json_value *v)
{
	size_t cap = 0;

	v->type = MNCR_JSON_VALUE_OBJECT;
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		return 0;
	}
	for (;;) {
		struct mncr_json_value *item;
		const char *key_at;
		char *key;
		size_t key_len;

		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != '"') {
			fail(ps, "string key expected");
			return -1;
		}
		key_at = ps->p;
		if (parse_string(ps, &key, &key_len))
			return -1;
		for (size_t i = 0; i < v->len; i++) {
			if (strcmp(v->keys[i], key) == 0) {
				ps->p = key_at;
				fail(ps, "duplicate key \"%s\"", key);
				free(key);
				return -1;
			}
		}
		item = grow(ps, v, &cap, 1);
		if (!item) {
			free(key);
			return -1;
		}
		v->keys[v->len] = key;
		v->len++;
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != ':') {
			fail(ps, "':' expected");
			return -1;
		}
		ps->p++;
		if (parse_value(ps, item))
			return -1;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == '}') {
			ps->p++;
			return 0;
		}
		fail(ps, "',' or '}' expected");
		return -1;
	}
}

static int parse_value(struct parser *ps, struct mncr_json_value *v)
{
	int ret;

	skip_ws(ps);
	if (ps->p >= ps->end) {
		fail(ps, "unexpected end of text");
		return -1;
	}
	switch (*ps->p) {
	case '{':
	case '[':
		if (++ps->depth > MNCR_JSON_VALUE_MAX_DEPTH) {
			fail(ps, "nested deeper than %d", MNCR_JSON_VALUE_MAX_DEPTH);
			return -1;
		}
		ret = *ps->p == '{' ? parse_object(ps, v) : parse_array(ps, v);
		ps->depth--;
		return ret;
	case '"':
		v->type = MNCR_JSON_VALUE_STRING;
		return parse_string(ps, &v->string, &v->len);
	case 't':
		v->type = MNCR_JSON_VALUE_BOOL;
		v->boolean = true;
		return literal(ps, "true");
	case 'f':
		v->type = MNCR_JSON_VALUE_BOOL;
		return literal(ps, "false");
	case 'n':
		v->type = MNCR_JSON_VALUE_NULL;
		return literal(ps, "null");
	default:
		if (*ps->p == '-' || is_digit(*ps->p))
			return parse_number(ps, v);
		fail(ps, "unexpected character '%c'",
		     *ps->p >= 0x20 && *ps->p < 0x7f ? *ps->p : '?');
		return -1;
	}
}

struct mncr_json_value *mncr_json_value_parse(const char *text, size_t len,
					    char *err, size_t err_len)
{
	struct parser ps = {
		.p = text, .end = text + len, .start = text,
		.err = err, .err_len = err_len,
	};
	struct mncr_json_value *root;

	if (err && err_len)
		err[0] = '\0';
	if (!text) {
		errno = EINVAL;
		return NULL;
	}
	root = calloc(1, sizeof(*root));
	ps.c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (!root || !ps.c_locale) {
		fail_nomem(&ps);
		goto err;
	}
	if (parse_value(&ps, root))
		goto err;
	skip_ws(&ps);
	if (ps.p != ps.end) {
		fail(&ps, "text after the JSON value");
		goto err;
	}
	freelocale(ps.c_locale);
	return root;
err:
	if (ps.c_locale)
		freelocale(ps.c_locale);
	if (root) {
		free_value(root);
		free(root);
	}
	errno = ps.failed ? ps.failed : ENOMEM;
	return NULL;
}

void mncr_json_value_free(struct mncr_json_value *v)
{
	if (!v)
		return;
	free_value(v);
	free(v);
}

const struct mncr_json_value *mncr_json_value_get(const struct mncr_json_value *v,
						const char *key)
{
	if (!v || v->type != MNCR_JSON_VALUE_OBJECT || !key)
		return NULL;
	for (size_t i = 0; i < v->len; i++)
		if (strcmp(v->keys[i], key) == 0)
			return &v->items[i];
	return NULL;
}

const struct mncr_json_value *mncr_json_value_at(const struct mncr_json_value *v,
					       size_t i)
{
	if (!v || v->type != MNCR_JSON_VALUE_ARRAY || i >= v->len)
		return NULL;
	return &v->items[i];
}

const char *mncr_json_value_str(const struct mncr_json_value *v)
{
	return v && v->type == MNCR_JSON_VALUE_STRING ? v->string : NULL;
}

int mncr_json_value_uint(const struct mncr_json_value *v, unsigned long long max,
			unsigned long long *out)
{
	double x;

	if (!v || v->type != MNCR_JSON_VALUE_NUMBER)
		return -EINVAL;
	x = v->number;
	/* 2^53: above it a double no longer holds every integer. */
	if (!(x >= 0) || x != floor(x) || x > 9007199254740992.0 ||
	    x > (double)max)
		return -EINVAL;
	*out = (unsigned long long)x;
	return 0;
}
