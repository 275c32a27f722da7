/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Strict, schema-driven reading of the eligibility messages, over the
 * strict JSON reader (util/json_read.h).
 *
 * The text must be one JSON object (RFC 8259) whose members are exactly the
 * fields of a schema: unknown, duplicate or missing required members, wrong
 * value types (exactly: 1.0 is no integer), over-long strings, invalid
 * UTF-8, \u0000, and anything after the object are errors. Values are
 * copied into the caller's fixed-size struct and json-c's tree is wiped
 * before it is freed, so a caller holding card data can cleanse everything
 * it was given. Only the value types the messages use exist: strings,
 * booleans, unsigned integers and nested objects.
 */
#ifndef MNCR_ELIG_JSON_H
#define MNCR_ELIG_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Nesting of schema objects; deeper schemas are refused. */
#define MNCR_ELIG_JSON_MAX_DEPTH 4
/* Fields of one object: the seen mask is a uint32_t. */
#define MNCR_ELIG_JSON_MAX_FIELDS 32

enum mncr_elig_json_type {
	MNCR_ELIG_JSON_STRING,	/* char[size] at offset, NUL-terminated */
	MNCR_ELIG_JSON_BOOL,	/* bool at offset */
	MNCR_ELIG_JSON_UINT,	/* uint32_t at offset, at most max */
	MNCR_ELIG_JSON_OBJECT,	/* struct described by object at offset */
};

struct mncr_elig_json_schema;

struct mncr_elig_json_field {
	const char *name;
	enum mncr_elig_json_type type;
	bool required;
	size_t offset;
	size_t size;		/* STRING: buffer size, so size - 1 bytes max */
	uint32_t max;		/* UINT */
	const struct mncr_elig_json_schema *object;	/* OBJECT */
};

struct mncr_elig_json_schema {
	const struct mncr_elig_json_field *fields;
	size_t n_fields;
	/* uint32_t in the target: bit i set when fields[i] was present. */
	size_t seen_offset;
};

/*
 * Reads text into target, which the caller has zeroed. Returns 0 or
 * -EINVAL with the reason in err (member names only, never values; err
 * may be NULL).
 */
int mncr_elig_json_read(const char *text, size_t len,
			const struct mncr_elig_json_schema *schema,
			void *target, char *err, size_t err_len);

#endif
