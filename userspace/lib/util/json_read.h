/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Strict JSON reading (RFC 8259) over json-c: model manifests and graphs,
 * eligibility messages, claim forms. json-c parses; what its strict mode
 * still lets through is refused here: duplicate keys, 'quoted' keys,
 * leading zeros, "1." and ".5", NaN and Infinity, numbers out of range,
 * control characters,
 * ill-formed UTF-8, \u0000 and unpaired surrogates in strings, anything
 * but white space after the value. Nesting is bounded; failures say
 * "line L, column C: reason". A text that is only null is refused too:
 * json-c's null is no object but NULL, as for a member that is missing.
 *
 * The tree is json-c's; the accessors below check the type, since json-c's
 * own ones convert (json_object_get_string) or assert (json_object_array_*).
 */
#ifndef MNCR_JSON_READ_H
#define MNCR_JSON_READ_H

#include <stddef.h>

#include <json-c/json_object.h>

#define MNCR_JSON_VALUE_MAX_DEPTH 64

/*
 * Parses len bytes of text. Returns the root value, which the caller frees
 * with json_object_put (or mncr_json_wipe_free), or NULL with errno set
 * (EINVAL: not valid JSON, ENOMEM) and, when err is not NULL, the reason
 * in err.
 */
struct json_object *mncr_json_value_parse(const char *text, size_t len,
					  char *err, size_t err_len);

/* Member of an object by key, or NULL (also when v is not an object). */
const struct json_object *mncr_json_value_get(const struct json_object *v,
					      const char *key);
/* Item i of an array, or NULL. */
const struct json_object *mncr_json_value_at(const struct json_object *v,
					     size_t i);
/* Items of an array or members of an object; 0 for anything else. */
size_t mncr_json_value_len(const struct json_object *v);
/* String value, or NULL when v is NULL or not a string. */
const char *mncr_json_value_str(const struct json_object *v);
/* A number (integer or not) as a double: 0 or -EINVAL. */
int mncr_json_value_number(const struct json_object *v, double *out);
/*
 * Number value as a non-negative integer no larger than max: 0 or -EINVAL
 * (not a number, fractional, negative or too large).
 */
int mncr_json_value_uint(const struct json_object *v, unsigned long long max,
			 unsigned long long *out);

#endif
