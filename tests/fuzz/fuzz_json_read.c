// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The JSON reader (util/json_read.c, json-c with the strict checks) on
 * arbitrary text. An accepted tree must be consistent: strings
 * NUL-terminated at their length with no NUL inside and well-formed UTF-8,
 * every item reached by index, every key found again by
 * mncr_json_value_get(), depth within the limit, numbers finite; integers
 * read back within their bound. A refusal leaves EINVAL or ENOMEM and a
 * terminated message.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/linkhash.h>

#include "util/json_read.h"
#include "util/utf8.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

static void walk(const struct json_object *v, int depth)
{
	unsigned long long u;
	const char *s;
	double d;

	check(depth <= MNCR_JSON_VALUE_MAX_DEPTH);
	switch (json_object_get_type(v)) {
	case json_type_string:
		s = mncr_json_value_str(v);
		check(s && strlen(s) == (size_t)json_object_get_string_len(v));
		check(mncr_utf8_valid(s, strlen(s)));
		break;
	case json_type_int:
	case json_type_double:
		check(mncr_json_value_number(v, &d) == 0 && isfinite(d));
		if (mncr_json_value_uint(v, 1000000, &u) == 0)
			check(u <= 1000000 && (double)u == d);
		break;
	case json_type_array:
		for (size_t i = 0; i < mncr_json_value_len(v); i++)
			walk(mncr_json_value_at(v, i), depth + 1);
		check(mncr_json_value_at(v, mncr_json_value_len(v)) == NULL);
		break;
	case json_type_object: {
		json_object_object_foreach((struct json_object *)v, key, val) {
			check(mncr_json_value_get(v, key) == val);
			walk(val, depth + 1);
		}
		break;
	}
	default:
		check(mncr_json_value_str(v) == NULL);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object *root;
	char err[128];

	root = mncr_json_value_parse((const char *)data, size, err, sizeof(err));
	if (!root) {
		check(errno == EINVAL || errno == ENOMEM);
		check(memchr(err, '\0', sizeof(err)) != NULL);
		return 0;
	}
	walk(root, 0);
	json_object_put(root);
	return 0;
}
