// SPDX-License-Identifier: LGPL-2.1-or-later
#include "elig/elig_json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/linkhash.h>

#include "util/json_read.h"
#include "util/json_wipe.h"

#define PATH_MAX_LEN 96

struct reader {
	char *err;
	size_t err_len;
	char path[PATH_MAX_LEN];	/* "a.b" of the member being read */
};

static int fail(struct reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	if (r->err && r->err_len) {
		va_start(ap, fmt);
		vsnprintf(r->err, r->err_len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
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

static const enum json_type json_types[] = {
	[MNCR_ELIG_JSON_STRING] = json_type_string,
	[MNCR_ELIG_JSON_BOOL] = json_type_boolean,
	[MNCR_ELIG_JSON_UINT] = json_type_int,
	[MNCR_ELIG_JSON_OBJECT] = json_type_object,
};

static int object(struct reader *r, const struct json_object *v,
		  const struct mncr_elig_json_schema *s, char *target,
		  int depth);

static int value(struct reader *r, struct json_object *v,
		 const struct mncr_elig_json_field *f, char *target, int depth)
{
	char *at = target + f->offset;
	int64_t x;

	if (!json_object_is_type(v, json_types[f->type]))
		return fail(r, "%s: must be %s", r->path, type_name(f->type));
	switch (f->type) {
	case MNCR_ELIG_JSON_STRING:
		if ((size_t)json_object_get_string_len(v) >= f->size)
			return fail(r, "%s: longer than %zu bytes", r->path,
				    f->size - 1);
		memcpy(at, json_object_get_string(v),
		       (size_t)json_object_get_string_len(v) + 1);
		return 0;
	case MNCR_ELIG_JSON_BOOL:
		*(bool *)(void *)at = json_object_get_boolean(v);
		return 0;
	case MNCR_ELIG_JSON_UINT:
		x = json_object_get_int64(v);
		if (x < 0)
			return fail(r, "%s: must be an unsigned integer",
				    r->path);
		if ((uint64_t)x > f->max)
			return fail(r, "%s: out of range", r->path);
		*(uint32_t *)(void *)at = (uint32_t)x;
		return 0;
	case MNCR_ELIG_JSON_OBJECT:
		return object(r, v, f->object, at, depth + 1);
	}
	return fail(r, "%s: bad schema", r->path);
}

/* Finds the schema field of member key: its index or -EINVAL. */
static int field(struct reader *r, const struct mncr_elig_json_schema *s,
		 const char *key)
{
	const char *where = r->path[0] ? r->path : "message";

	for (size_t i = 0; i < s->n_fields; i++)
		if (strcmp(s->fields[i].name, key) == 0)
			return (int)i;
	/* Names only: member names are ours, values never shown. */
	for (const char *k = key; *k; k++)
		if (*k < 0x20 || *k > 0x7e || k - key > 48)
			return fail(r, "unknown member in %s", where);
	return fail(r, "unknown member \"%s\"", key);
}

static int object(struct reader *r, const struct json_object *v,
		  const struct mncr_elig_json_schema *s, char *target,
		  int depth)
{
	size_t path_len = strlen(r->path);
	uint32_t seen = 0;

	if (depth >= MNCR_ELIG_JSON_MAX_DEPTH ||
	    s->n_fields > MNCR_ELIG_JSON_MAX_FIELDS)
		return fail(r, "schema too deep or too wide");
	if (!json_object_is_type(v, json_type_object))
		return fail(r, "object expected");
	json_object_object_foreach((struct json_object *)v, key, val) {
		int i = field(r, s, key), ret;

		if (i < 0)
			return i;
		snprintf(r->path + path_len, sizeof(r->path) - path_len,
			 "%s%s", path_len ? "." : "", key);
		seen |= 1u << i;
		ret = value(r, val, &s->fields[i], target, depth);
		r->path[path_len] = '\0';
		if (ret)
			return ret;
	}
	for (size_t i = 0; i < s->n_fields; i++)
		if (s->fields[i].required && !(seen & (1u << i)))
			return fail(r, "missing member \"%s%s%s\"", r->path,
				    path_len ? "." : "", s->fields[i].name);
	memcpy(target + s->seen_offset, &seen, sizeof(seen));
	return 0;
}

int mncr_elig_json_read(const char *text, size_t len,
			const struct mncr_elig_json_schema *schema,
			void *target, char *err, size_t err_len)
{
	struct reader r = { .err = err, .err_len = err_len };
	struct json_object *root;
	int ret;

	if (err && err_len)
		err[0] = '\0';
	if (!text || !schema || !target)
		return -EINVAL;
	root = mncr_json_value_parse(text, len, err, err_len);
	if (!root)
		return -EINVAL;
	ret = object(&r, root, schema, target, 0);
	mncr_json_wipe_free(root);
	return ret;
}
