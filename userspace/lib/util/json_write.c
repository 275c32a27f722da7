// SPDX-License-Identifier: LGPL-2.1-or-later
#include "util/json_write.h"

#include <errno.h>

#include <json-c/json_object.h>
#include <openssl/crypto.h>

#include "util/json_wipe.h"

void mncr_json_init(struct mncr_json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->err = 0;
}

/* Drops v (wiped: it may be card data), keeping the first error. */
static bool refuse(struct mncr_json *j, struct json_object *v, int err)
{
	mncr_json_wipe_free(v);
	if (!j->err)
		j->err = err;
	return false;
}

/* Prints a complete top-level value and frees it. */
static void emit(struct mncr_json *j, struct json_object *v)
{
	size_t n;
	const char *s = json_object_to_json_string_length(v,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);

	if (s)
		fwrite(s, 1, n, j->out);
	if (s && v)	/* for NULL, json-c's constant "null" */
		OPENSSL_cleanse((char *)s, n);
	mncr_json_wipe_free(v);
}

/*
 * Adds v under key to the open array or object, or prints it. False when
 * v is not kept: too deep, inside a refused scope, or refused itself.
 */
static bool add(struct mncr_json *j, const char *key, struct json_object *v)
{
	struct json_object *parent;

	if (j->depth == 0) {
		emit(j, v);
		return true;
	}
	if (j->depth > MNCR_JSON_MAX_DEPTH) {
		json_object_put(v);
		return false;
	}
	parent = j->open[j->depth - 1];
	if (!parent) {
		json_object_put(v);
		return false;
	}
	if (json_object_is_type(parent, json_type_array))
		return json_object_array_add(parent, v) == 0 ||
		       refuse(j, v, -ENOMEM);
	key = key ? key : "";
	/* json-c would replace the first value: the audit log's chain
	 * fields, say, with a field of the same name. */
	if (json_object_object_get_ex(parent, key, NULL))
		return refuse(j, v, -EEXIST);
	return json_object_object_add(parent, key, v) == 0 ||
	       refuse(j, v, -ENOMEM);
}

static void open_scope(struct mncr_json *j, const char *key,
		       struct json_object *v)
{
	if (j->depth < MNCR_JSON_MAX_DEPTH) {
		/* the parent owns it; refused, its contents go too */
		if (j->depth > 0 && !add(j, key, v))
			v = NULL;
		j->open[j->depth] = v;
	} else {
		json_object_put(v);
	}
	j->depth++;
}

static void close_scope(struct mncr_json *j)
{
	if (j->depth > 0 && --j->depth == 0)
		emit(j, j->open[0]);
}

void mncr_json_object_begin(struct mncr_json *j, const char *key)
{
	open_scope(j, key, json_object_new_object());
}

void mncr_json_object_end(struct mncr_json *j)
{
	close_scope(j);
}

void mncr_json_array_begin(struct mncr_json *j, const char *key)
{
	open_scope(j, key, json_object_new_array());
}

void mncr_json_array_end(struct mncr_json *j)
{
	close_scope(j);
}

void mncr_json_string(struct mncr_json *j, const char *key, const char *value)
{
	add(j, key, json_object_new_string(value));
}

void mncr_json_int(struct mncr_json *j, const char *key, int64_t value)
{
	add(j, key, json_object_new_int64(value));
}

void mncr_json_uint(struct mncr_json *j, const char *key, uint64_t value)
{
	add(j, key, json_object_new_uint64(value));
}

void mncr_json_bool(struct mncr_json *j, const char *key, bool value)
{
	add(j, key, json_object_new_boolean(value));
}

void mncr_json_null(struct mncr_json *j, const char *key)
{
	add(j, key, NULL);	/* json-c's null */
}

void mncr_json_finish(struct mncr_json *j)
{
	while (j->depth > 0)
		close_scope(j);
	fputc('\n', j->out);
	fflush(j->out);
}
