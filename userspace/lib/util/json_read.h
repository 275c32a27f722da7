/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small, strict JSON reader (RFC 8259) for model manifests: the whole text
 * is parsed into a tree the caller frees. Strict: no comments, no trailing
 * commas, no leading zeros, no control characters or invalid UTF-8 in
 * strings, no duplicate keys, one value and nothing but white space after
 * it. Defensive: bounded nesting depth, every length checked, a clear
 * "line:column: reason" on failure.
 */
#ifndef MNCR_JSON_READ_H
#define MNCR_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>

#define MNCR_JSON_VALUE_MAX_DEPTH 64

enum mncr_json_value_type {
	MNCR_JSON_VALUE_NULL,
	MNCR_JSON_VALUE_BOOL,
	MNCR_JSON_VALUE_NUMBER,
	MNCR_JSON_VALUE_STRING,
	MNCR_JSON_VALUE_ARRAY,
	MNCR_JSON_VALUE_OBJECT,
};

struct mncr_json_value {
	enum mncr_json_value_type type;
	bool boolean;
	double number;
	char *string;			/* NUL-terminated, UTF-8; also len */
	size_t len;			/* string bytes, or array/object items */
	struct mncr_json_value *items;	/* array items, object values */
	char **keys;			/* object keys, in document order */
};

/*
 * Parses len bytes of text. Returns the root value or NULL with errno set
 * (EINVAL: not valid JSON, ENOMEM) and, when err is not NULL, a message
 * "line L, column C: reason" in err.
 */
struct mncr_json_value *mncr_json_value_parse(const char *text, size_t len,
					    char *err, size_t err_len);
void mncr_json_value_free(struct mncr_json_value *v);

/* Member of an object by key, or NULL (also when v is not an object). */
const struct mncr_json_value *mncr_json_value_get(const struct mncr_json_value *v,
						const char *key);
/* Item i of an array, or NULL. */
const struct mncr_json_value *mncr_json_value_at(const struct mncr_json_value *v,
					       size_t i);
/* String value, or NULL when v is NULL or not a string. */
const char *mncr_json_value_str(const struct mncr_json_value *v);
/*
 * Number value as a non-negative integer no larger than max: 0 or -EINVAL
 * (not a number, fractional, negative or too large).
 */
int mncr_json_value_uint(const struct mncr_json_value *v, unsigned long long max,
			unsigned long long *out);

#endif
