// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The model-manifest JSON reader (face_json.c) on arbitrary text. A parsed
 * tree must be consistent: strings NUL-terminated at their length, arrays
 * and objects with as many items (and keys) as they claim, every key found
 * again by mncr_face_json_get(), depth within the limit; integers read
 * back within their bound.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "face_json.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

static void walk(const struct mncr_face_json *v, int depth)
{
	unsigned long long u;

	check(depth <= MNCR_FACE_JSON_MAX_DEPTH + 1);
	switch (v->type) {
	case MNCR_FACE_JSON_STRING:
		check(v->string && v->string[v->len] == '\0');
		check(mncr_face_json_str(v) == v->string);
		break;
	case MNCR_FACE_JSON_NUMBER:
		if (mncr_face_json_uint(v, 1000000, &u) == 0)
			check(u <= 1000000 && (double)u == v->number);
		break;
	case MNCR_FACE_JSON_ARRAY:
		for (size_t i = 0; i < v->len; i++) {
			check(mncr_face_json_at(v, i) == &v->items[i]);
			walk(&v->items[i], depth + 1);
		}
		check(mncr_face_json_at(v, v->len) == NULL);
		break;
	case MNCR_FACE_JSON_OBJECT:
		for (size_t i = 0; i < v->len; i++) {
			check(v->keys[i] != NULL);
			/* no duplicate keys, so the first match is this one */
			check(mncr_face_json_get(v, v->keys[i]) == &v->items[i]);
			walk(&v->items[i], depth + 1);
		}
		break;
	default:
		check(mncr_face_json_str(v) == NULL);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mncr_face_json *root;
	char err[128];

	root = mncr_face_json_parse((const char *)data, size, err, sizeof(err));
	if (!root) {
		check(errno == EINVAL || errno == ENOMEM);
		check(memchr(err, '\0', sizeof(err)) != NULL);
		return 0;
	}
	walk(root, 0);
	mncr_face_json_free(root);
	return 0;
}
