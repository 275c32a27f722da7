/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Writing JSON through json-c for the CLI's --json output, the audit log,
 * claim forms and the eligibility messages: values are added as they come
 * and each top-level value is printed when it is complete, compact and
 * with the tree's strings wiped after (some are card data). A key that
 * an object already has is refused, not replaced: err says so.
 */
#ifndef MNCR_JSON_WRITE_H
#define MNCR_JSON_WRITE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define MNCR_JSON_MAX_DEPTH 16

struct json_object;

struct mncr_json {
	FILE *out;
	int depth;		/* open arrays and objects */
	/* 0, or the first error since init: -EEXIST for a key repeated in
	 * an object (the value, and what goes in it, is left out), -ENOMEM */
	int err;
	/* open[0] is the top-level value; deeper than the limit is dropped */
	struct json_object *open[MNCR_JSON_MAX_DEPTH];
};

void mncr_json_init(struct mncr_json *j, FILE *out);
/* key is NULL inside arrays and at the top level. */
void mncr_json_object_begin(struct mncr_json *j, const char *key);
void mncr_json_object_end(struct mncr_json *j);
void mncr_json_array_begin(struct mncr_json *j, const char *key);
void mncr_json_array_end(struct mncr_json *j);
void mncr_json_string(struct mncr_json *j, const char *key, const char *value);
void mncr_json_int(struct mncr_json *j, const char *key, int64_t value);
void mncr_json_uint(struct mncr_json *j, const char *key, uint64_t value);
void mncr_json_bool(struct mncr_json *j, const char *key, bool value);
void mncr_json_null(struct mncr_json *j, const char *key);
/* Ends a top-level value with a newline and flushes (one value per line). */
void mncr_json_finish(struct mncr_json *j);

#endif
