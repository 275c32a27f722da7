// SPDX-License-Identifier: LGPL-2.1-or-later
#include "util/json_write.h"

#include <inttypes.h>

void mncr_json_init(struct mncr_json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->has_item[0] = false;
}

static void put_escaped(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);	/* UTF-8 passes through */
		}
	}
	fputc('"', out);
}

/* Comma and key before a value at the current depth. */
static void item(struct mncr_json *j, const char *key)
{
	if (j->has_item[j->depth])
		fputc(',', j->out);
	j->has_item[j->depth] = true;
	if (key) {
		put_escaped(j->out, key);
		fputc(':', j->out);
	}
}

static void open_scope(struct mncr_json *j, const char *key, char c)
{
	item(j, key);
	fputc(c, j->out);
	if (j->depth + 1 < MNCR_JSON_MAX_DEPTH)
		j->depth++;
	j->has_item[j->depth] = false;
}

static void close_scope(struct mncr_json *j, char c)
{
	fputc(c, j->out);
	if (j->depth > 0)
		j->depth--;
}

void mncr_json_object_begin(struct mncr_json *j, const char *key)
{
	open_scope(j, key, '{');
}

void mncr_json_object_end(struct mncr_json *j)
{
	close_scope(j, '}');
}

void mncr_json_array_begin(struct mncr_json *j, const char *key)
{
	open_scope(j, key, '[');
}

void mncr_json_array_end(struct mncr_json *j)
{
	close_scope(j, ']');
}

void mncr_json_string(struct mncr_json *j, const char *key, const char *value)
{
	item(j, key);
	put_escaped(j->out, value);
}

void mncr_json_int(struct mncr_json *j, const char *key, int64_t value)
{
	item(j, key);
	fprintf(j->out, "%" PRId64, value);
}

void mncr_json_uint(struct mncr_json *j, const char *key, uint64_t value)
{
	item(j, key);
	fprintf(j->out, "%" PRIu64, value);
}

void mncr_json_bool(struct mncr_json *j, const char *key, bool value)
{
	item(j, key);
	fputs(value ? "true" : "false", j->out);
}

void mncr_json_null(struct mncr_json *j, const char *key)
{
	item(j, key);
	fputs("null", j->out);
}

void mncr_json_finish(struct mncr_json *j)
{
	fputc('\n', j->out);
	fflush(j->out);
	j->depth = 0;
	j->has_item[0] = false;
}
