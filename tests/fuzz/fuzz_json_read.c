// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The JSON reader (util/json_read.c) on arbitrary text. A parsed
 * tree must be consistent: strings NUL-terminated at their length, arrays
 * and objects with as many items (and keys) as they claim, every key found
 * again by mncr_json_value_get(), depth within the limit; integers read
 * back within their bound.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_read.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

static void walk(const struct mncr_json_value *v, int depth)
{
	unsigned long long u;

	check(depth <= MNCR_JSON_VALUE_MAX_DEPTH + 1);
	switch (v->type) {
	case MNCR_JSON_VALUE_STRING:
		check(v->string && v->string[v->len] == '\0');
		check(mncr_json_value_str(v) == v->string);
		break;
	case MNCR_JSON_VALUE_NUMBER:
		if (mncr_json_value_uint(v, 1000000, &u) == 0)
			check(u <= 1000000 && (double)u == v->number);
		break;
	case MNCR_JSON_VALUE_ARRAY:
		for (size_t i = 0; i < v->len; i++) {
			check(mncr_json_value_at(v, i) == &v->items[i]);
			walk(&v->items[i], depth + 1);
		}
		check(mncr_json_value_at(v, v->len) == NULL);
		break;
	case MNCR_JSON_VALUE_OBJECT:
		for (size_t i = 0; i < v->len; i++) {
			check(v->keys[i] != NULL);
			/* no duplicate keys, so the first match is this one */
			check(mncr_json_value_get(v, v->keys[i]) == &v->items[i]);
			walk(&v->items[i], depth + 1);
		}
		break;
	default:
		check(mncr_json_value_str(v) == NULL);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mncr_json_value *root;
	char err[128];

	root = mncr_json_value_parse((const char *)data, size, err, sizeof(err));
	if (!root) {
		check(errno == EINVAL || errno == ENOMEM);
		check(memchr(err, '\0', sizeof(err)) != NULL);
		return 0;
	}
	walk(root, 0);
	mncr_json_value_free(root);
	return 0;
}
