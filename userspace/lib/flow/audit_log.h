/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Append-only, hash-chained audit log. One JSON object per line:
 *
 *   {"seq":N,"time":"UTC","prev":"<sha256 hex>",...fields...,"hash":"<hex>"}
 *
 * hash = SHA-256 of the line's bytes before ',"hash":'; prev = the previous
 * record's hash (64 zeros for the first). A head file (PATH.head) holds the
 * last seq and hash, so cutting records off the end is detected too. Each
 * append is fsync'd before it returns. Patient secrets never go in: the
 * writer refuses field names for PINs, 照合番号, My Number and photos.
 */
#ifndef MNCR_AUDIT_LOG_H
#define MNCR_AUDIT_LOG_H

#include <stddef.h>
#include <stdint.h>

struct mncr_audit_field {
	const char *key;
	const char *value;
};

/*
 * Appends one record. Returns 0, -EPERM for a forbidden field, -EINVAL for
 * a field named as a member of the record (seq, time, prev, event, hash)
 * or named twice, or -errno.
 */
int mncr_audit_append(const char *path, const char *event,
		      const struct mncr_audit_field *fields, size_t n_fields);

struct mncr_audit_report {
	uint64_t records;	/* records that verified */
	uint64_t bad_line;	/* first bad line (1-based), 0 when all good */
	char why[160];		/* what is wrong with it */
};

/*
 * Returns 0 when the whole chain verifies (an empty log with no head is
 * valid), -EBADMSG when not (a head whose log is missing included),
 * -ENOENT when there is neither a log nor a head at path, or -errno.
 */
int mncr_audit_verify(const char *path, struct mncr_audit_report *report);

#endif
