/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small, strict JSON reader (RFC 8259) for model manifests: the whole text
 * is parsed into a tree the caller frees. Strict: no comments, no trailing
 * commas, no leading zeros, no control characters or invalid UTF-8 in
 * strings, no duplicate keys, one value and nothing but white space after
 * it. Defensive: bounded nesting depth, every length checked, a clear
 * "line:column: reason" on failure.
 */
#ifndef MNCR_FACE_JSON_H
#define MNCR_FACE_JSON_H

#include <stdbool.h>
#include <stddef.h>

#define MNCR_FACE_JSON_MAX_DEPTH 64

enum mncr_face_json_type {
	MNCR_FACE_JSON_NULL,
	MNCR_FACE_JSON_BOOL,
	MNCR_FACE_JSON_NUMBER,
	MNCR_FACE_JSON_STRING,
	MNCR_FACE_JSON_ARRAY,
	MNCR_FACE_JSON_OBJECT,
};

struct mncr_face_json {
	enum mncr_face_json_type type;
	bool boolean;
	double number;
	char *string;			/* NUL-terminated, UTF-8; also len */
	size_t len;			/* string bytes, or array/object items */
	struct mncr_face_json *items;	/* array items, object values */
	char **keys;			/* object keys, in document order */
};

/*
 * Parses len bytes of text. Returns the root value or NULL with errno set
 * (EINVAL: not valid JSON, ENOMEM) and, when err is not NULL, a message
 * "line L, column C: reason" in err.
 */
struct mncr_face_json *mncr_face_json_parse(const char *text, size_t len,
					    char *err, size_t err_len);
void mncr_face_json_free(struct mncr_face_json *v);

/* Member of an object by key, or NULL (also when v is not an object). */
const struct mncr_face_json *mncr_face_json_get(const struct mncr_face_json *v,
						const char *key);
/* Item i of an array, or NULL. */
const struct mncr_face_json *mncr_face_json_at(const struct mncr_face_json *v,
					       size_t i);
/* String value, or NULL when v is NULL or not a string. */
const char *mncr_face_json_str(const struct mncr_face_json *v);
/*
 * Number value as a non-negative integer no larger than max: 0 or -EINVAL
 * (not a number, fractional, negative or too large).
 */
int mncr_face_json_uint(const struct mncr_face_json *v, unsigned long long max,
			unsigned long long *out);

#endif
