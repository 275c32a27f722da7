// SPDX-License-Identifier: LGPL-2.1-or-later
#include "util/json_read.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json_tokener.h>
#include <json-c/linkhash.h>
#include <json-c/printbuf.h>
#include <openssl/crypto.h>

#include "util/utf8.h"

/* 2^53: above it a double no longer holds every integer. */
#define EXACT_MAX 9007199254740992.0

/*
 * Each object and each non-integer number of the text, in document order,
 * which is also the order a walk of the tree meets them in: an object's
 * members as written (fewer in the tree: a duplicate key), a number's
 * place (to point at one out of range).
 */
struct mark {
	size_t at;
	size_t members;
	bool object;
};

struct check {
	const char *text;
	size_t len;
	char *err;
	size_t err_len;
	struct mark *marks;
	size_t n_marks, cap_marks;
};

static int fail_at(struct check *c, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail_at(struct check *c, size_t at, const char *fmt, ...)
{
	size_t line = 1, col = 1;
	va_list ap;
	int n;

	errno = EINVAL;
	if (!c->err || !c->err_len)
		return -1;
	for (size_t i = 0; i < at && i < c->len; i++) {
		if (c->text[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	n = snprintf(c->err, c->err_len, "line %zu, column %zu: ", line, col);
	if (n < 0 || (size_t)n >= c->err_len)
		return -1;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->err_len - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int fail_nomem(struct check *c)
{
	fail_at(c, 0, "out of memory");
	errno = ENOMEM;
	return -1;
}

static struct mark *mark(struct check *c, size_t at, bool object)
{
	if (c->n_marks == c->cap_marks) {
		size_t cap = c->cap_marks ? 2 * c->cap_marks : 64;
		struct mark *m = realloc(c->marks, cap * sizeof(*m));

		if (!m)
			return NULL;
		c->marks = m;
		c->cap_marks = cap;
	}
	c->marks[c->n_marks] = (struct mark){ .at = at, .object = object };
	return &c->marks[c->n_marks++];
}

static bool digit(const char *p, const char *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

/* The number at *p, by the grammar of RFC 8259 section 6. */
static int number(struct check *c, const char **p)
{
	const char *s = *p, *q = *p, *end = c->text + c->len;
	bool fraction = false;

	if (*q == '-')
		q++;
	if (!digit(q, end))
		return fail_at(c, (size_t)(q - c->text), "digit expected");
	if (*q == '0' && digit(q + 1, end))
		return fail_at(c, (size_t)(q - c->text), "leading zero in number");
	while (digit(q, end))
		q++;
	if (q < end && *q == '.') {
		fraction = true;
		if (!digit(++q, end))
			return fail_at(c, (size_t)(q - c->text),
				       "digit expected after decimal point");
		while (digit(q, end))
			q++;
	}
	if (q < end && (*q == 'e' || *q == 'E')) {
		fraction = true;
		q++;
		if (q < end && (*q == '+' || *q == '-'))
			q++;
		if (!digit(q, end))
			return fail_at(c, (size_t)(q - c->text),
				       "digit expected in exponent");
		while (digit(q, end))
			q++;
	}
	/* json-c makes a double of exactly these */
	if (fraction && !mark(c, (size_t)(s - c->text), false))
		return fail_nomem(c);
	*p = q;
	return 0;
}

/* Four hex digits json-c has already checked. */
static unsigned int hex4(const char *p)
{
	unsigned int x = 0;

	for (int i = 0; i < 4; i++) {
		char h = p[i];

		x = x << 4 | (unsigned int)(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
	}
	return x;
}

/* The string at *p (on its opening quote), closed: json-c parsed it. */
static int string(struct check *c, const char **p)
{
	const char *q = *p + 1, *end = c->text + c->len;

	while (q < end && *q != '"') {
		size_t at = (size_t)(q - c->text), k;
		unsigned int cp;

		if ((unsigned char)*q < 0x20)
			return fail_at(c, at, "control character in string");
		if (*q != '\\') {
			k = mncr_utf8_seq_len((const unsigned char *)q,
					      (const unsigned char *)end);
			if (!k)
				return fail_at(c, at, "invalid UTF-8 in string");
			q += k;
			continue;
		}
		if (end - q < 2 || q[1] != 'u') {
			q += 2;
			continue;
		}
		if (end - q < 6)
			return fail_at(c, at, "truncated \\u escape");
		cp = hex4(q + 2);
		q += 6;
		if (cp == 0)
			return fail_at(c, at, "\\u0000 in string");
		if (cp >= 0xdc00 && cp <= 0xdfff)
			return fail_at(c, at, "unpaired low surrogate");
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (end - q < 6 || q[0] != '\\' || q[1] != 'u' ||
			    hex4(q + 2) < 0xdc00 || hex4(q + 2) > 0xdfff)
				return fail_at(c, at, "unpaired high surrogate");
			q += 6;
		}
	}
	*p = q + 1;
	return 0;
}

/* What json-c accepted, checked where it is lenient; marks recorded. */
static int lexical(struct check *c)
{
	size_t open[MNCR_JSON_VALUE_MAX_DEPTH + 1];	/* marks, or SIZE_MAX */
	const char *p = c->text, *end = c->text + c->len;
	size_t comma = SIZE_MAX;	/* the last ',' with only space after */
	int depth = 0;

	while (p < end) {
		size_t at = (size_t)(p - c->text);

		if ((*p == '}' || *p == ']') && comma != SIZE_MAX)
			return fail_at(c, comma, "comma before '%c'", *p);
		if (!strchr(" \t\n\r", *p))
			comma = *p == ',' ? at : SIZE_MAX;
		switch (*p) {
		case '"':
			if (string(c, &p))
				return -1;
			continue;
		case '{':
		case '[':
			if (depth > MNCR_JSON_VALUE_MAX_DEPTH)
				return fail_at(c, at, "nested deeper than %d",
					       MNCR_JSON_VALUE_MAX_DEPTH);
			if (*p == '{' && !mark(c, at, true))
				return fail_nomem(c);
			open[depth++] = *p == '{' ? c->n_marks - 1 : SIZE_MAX;
			break;
		case '}':
		case ']':
			depth -= depth > 0;
			break;
		case ':':
			if (depth > 0 && open[depth - 1] != SIZE_MAX)
				c->marks[open[depth - 1]].members++;
			break;
		default:
			if (*p == '-' || digit(p, end)) {
				if (number(c, &p))
					return -1;
				continue;
			}
			/* white space or true, false, null: not 'key', NaN */
			if (!*p || !strchr(" \t\n\r,truefalsn", *p))
				return fail_at(c, at, "unexpected character '%c'",
					       *p >= 0x20 && *p < 0x7f ? *p : '?');
		}
		p++;
	}
	return 0;
}

/* The tree against the marks, in the same order. */
static int walk(struct check *c, const struct json_object *v, size_t *i)
{
	enum json_type t = json_object_get_type(v);
	struct mark *m = *i < c->n_marks ? &c->marks[*i] : NULL;

	if (t == json_type_double || t == json_type_object) {
		if (!m || m->object != (t == json_type_object))
			return fail_at(c, 0, "parser disagreement");
		(*i)++;
	}
	if (t == json_type_double && !isfinite(json_object_get_double(v)))
		return fail_at(c, m->at, "number out of range");
	if (t == json_type_object) {
		if (json_object_object_length(v) != (int)m->members)
			return fail_at(c, m->at, "duplicate key in this object");
		json_object_object_foreach((struct json_object *)v, key, val) {
			(void)key;
			if (walk(c, val, i))
				return -1;
		}
	}
	for (size_t k = 0; t == json_type_array && k < json_object_array_length(v); k++)
		if (walk(c, json_object_array_get_idx(v, k), i))
			return -1;
	return 0;
}

/* json-c's own pass: syntax, depth, one value and white space after it. */
static struct json_object *tokenize(struct check *c)
{
	struct json_tokener *tok = json_tokener_new_ex(MNCR_JSON_VALUE_MAX_DEPTH);
	struct json_object *root;
	enum json_tokener_error e;
	size_t end;

	if (!tok) {
		fail_nomem(c);
		return NULL;
	}
	/*
	 * Not JSON_TOKENER_STRICT: json-c 0.17 and 0.18 (Debian 13's) refuse
	 * every byte above 0x7f in a string in strict mode (json-c issue 875,
	 * fixed in 0.19), so no Japanese text would parse. The lexical pass
	 * refuses what strict mode would: comments, single quotes, trailing
	 * commas, literals in other cases, numbers outside RFC 8259.
	 */
	root = json_tokener_parse_ex(tok, c->text, (int)c->len);
	end = json_tokener_get_parse_end(tok);
	/* a number at the very end needs a character after it */
	if (!root && json_tokener_get_error(tok) == json_tokener_continue) {
		root = json_tokener_parse_ex(tok, " ", 1);
		end = c->len;
	}
	e = json_tokener_get_error(tok);
	if (!root && e == json_tokener_continue)
		fail_at(c, c->len, "unexpected end of text");
	else if (!root && e == json_tokener_error_depth)
		fail_at(c, end, "nested deeper than %d", MNCR_JSON_VALUE_MAX_DEPTH);
	else if (!root && e == json_tokener_success)	/* json-c's null */
		fail_at(c, 0, "null at the top level");
	else if (!root && e == json_tokener_error_parse_unexpected &&
		 end < c->len && c->text[end] >= 0x20 && c->text[end] < 0x7f)
		fail_at(c, end, "unexpected character '%c'", c->text[end]);
	else if (!root)
		fail_at(c, end, "%s", json_tokener_error_desc(e));
	while (root && end < c->len && strchr(" \t\n\r", c->text[end]) &&
	       c->text[end])
		end++;
	if (root && end != c->len) {
		fail_at(c, end, "text after the JSON value");
		json_object_put(root);
		root = NULL;
	}
	/* json-c keeps the strings it decoded last: card data, in some texts */
	if (tok->pb)
		OPENSSL_cleanse(tok->pb->buf, (size_t)tok->pb->size);
	json_tokener_free(tok);
	return root;
}

struct json_object *mncr_json_value_parse(const char *text, size_t len,
					  char *err, size_t err_len)
{
	struct check c = {
		.text = text, .len = len, .err = err, .err_len = err_len,
	};
	struct json_object *root = NULL;
	size_t i = 0;

	if (err && err_len)
		err[0] = '\0';
	if (!text) {
		errno = EINVAL;
		return NULL;
	}
	if (len >= INT_MAX)
		fail_at(&c, 0, "text longer than %d bytes", INT_MAX - 1);
	else
		root = tokenize(&c);
	if (root && (lexical(&c) || walk(&c, root, &i))) {
		json_object_put(root);
		root = NULL;
	}
	free(c.marks);
	return root;
}

const struct json_object *mncr_json_value_get(const struct json_object *v,
					      const char *key)
{
	struct json_object *m;

	if (!json_object_is_type(v, json_type_object) || !key ||
	    !json_object_object_get_ex(v, key, &m))
		return NULL;
	return m;
}

const struct json_object *mncr_json_value_at(const struct json_object *v,
					     size_t i)
{
	if (!json_object_is_type(v, json_type_array) ||
	    i >= json_object_array_length(v))
		return NULL;
	return json_object_array_get_idx(v, i);
}

size_t mncr_json_value_len(const struct json_object *v)
{
	if (json_object_is_type(v, json_type_array))
		return json_object_array_length(v);
	if (json_object_is_type(v, json_type_object))
		return (size_t)json_object_object_length(v);
	return 0;
}

const char *mncr_json_value_str(const struct json_object *v)
{
	if (!json_object_is_type(v, json_type_string))
		return NULL;
	/* not const in json-c: it may print other types into v */
	return json_object_get_string((struct json_object *)v);
}

int mncr_json_value_number(const struct json_object *v, double *out)
{
	if (!json_object_is_type(v, json_type_double) &&
	    !json_object_is_type(v, json_type_int))
		return -EINVAL;
	*out = json_object_get_double(v);
	return 0;
}

int mncr_json_value_uint(const struct json_object *v, unsigned long long max,
			 unsigned long long *out)
{
	double x;

	if (json_object_is_type(v, json_type_int)) {
		/* above INT64_MAX json-c keeps a uint64_t */
		if (json_object_get_int64(v) < 0 ||
		    json_object_get_uint64(v) > max ||
		    json_object_get_uint64(v) > (unsigned long long)EXACT_MAX)
			return -EINVAL;
		*out = json_object_get_uint64(v);
		return 0;
	}
	if (mncr_json_value_number(v, &x) || !(x >= 0) || x != floor(x) ||
	    x > EXACT_MAX || x > (double)max)
		return -EINVAL;
	*out = (unsigned long long)x;
	return 0;
}
