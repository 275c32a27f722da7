/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The service's SQLite database: subscribers (the §2.5 result fields by
 * card certificate serial) and the qualification log (who asked about
 * which card, with which consents, and the outcome). No patient secrets:
 * no PINs, signatures, certificates, photos or My Number. One connection
 * shared by the worker threads behind a mutex; statements are short.
 */
#ifndef ELIGD_DB_H
#define ELIGD_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elig/elig_message.h"

#define ELIGD_SERIAL_MAX 40	/* hex digits: 20-byte serials at most */
#define ELIGD_READER_HEX 64	/* SHA-256 of the reader certificate */

struct eligd_db;

/* One qualification request as logged. */
struct eligd_log_entry {
	char reader[ELIGD_READER_HEX + 1];
	const char *request_id;
	uint8_t digest[32];		/* SHA-256 of the request body */
	const char *serial;		/* "" when the certificate was bad */
	enum mncr_elig_method method;
	enum mncr_elig_site site;
	const char *institution_code;
	struct mncr_elig_consents consents;
	const char *outcome;		/* "ok" or a refusal code */
};

/* An earlier request with the same reader and request id. */
struct eligd_prior {
	uint8_t digest[32];
	int64_t received_at;		/* Unix time */
	char outcome[MNCR_ELIG_CODE_MAX + 1];
};

/*
 * Opens path; with init, creates the file and schema when missing.
 * Without, the schema must be there. Returns 0 or -errno, why filled.
 */
int eligd_db_open(const char *path, bool init, struct eligd_db **out,
		  char *why, size_t why_len);
void eligd_db_close(struct eligd_db *db);

/* Adds or replaces a subscriber. q's header fields are not used. */
int eligd_db_put_subscriber(struct eligd_db *db, const char *serial,
			    const struct mncr_elig_qualification *q,
			    char *why, size_t why_len);

/*
 * A qualification is decided inside one transaction that holds the
 * connection: look up the request id, read the subscriber, insert the
 * log row, commit. Only the caller of eligd_db_begin() may use the three
 * calls below until eligd_db_end(), so two requests with one id are
 * decided one after the other, and an answer exists only with its row.
 */
int eligd_db_begin(struct eligd_db *db);
/* Commits (or rolls back); 0, or -EIO when the commit failed. */
int eligd_db_end(struct eligd_db *db, bool commit);

/* 0 with q's subscriber fields filled, -ENOENT, or -EIO. */
int eligd_db_get_subscriber(struct eligd_db *db, const char *serial,
			    struct mncr_elig_qualification *q);

/* 0 and *p filled, -ENOENT, or -EIO. */
int eligd_db_find_request(struct eligd_db *db, const char *reader,
			  const char *request_id, struct eligd_prior *p);

/* 0, -EEXIST (the key is taken), or -EIO (not written: disk full...). */
int eligd_db_log(struct eligd_db *db, const struct eligd_log_entry *e);

/* Canonical serial: upper-case hex without leading zeros, "0" for zero. */
int eligd_serial_normalize(const char *in, char out[ELIGD_SERIAL_MAX + 1]);

#endif
