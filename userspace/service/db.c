// SPDX-License-Identifier: GPL-2.0-or-later
#include "db.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "elig/elig_fields.h"
#include "log.h"

#define SCHEMA_VERSION 1

struct eligd_db {
	sqlite3 *sql;
	pthread_mutex_t lock;
};

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS subscribers ("
	" cert_serial TEXT PRIMARY KEY"
	"  CHECK (length(cert_serial) BETWEEN 1 AND 40"
	"   AND cert_serial NOT GLOB '*[^0-9A-F]*'),"
	" qualification_validity TEXT NOT NULL"
	"  CHECK (qualification_validity IN ('valid', 'invalid', 'unknown')),"
	" insurer_number TEXT NOT NULL,"		/* 保険者番号 */
	" insured_card_symbol TEXT NOT NULL,"		/* 記号 */
	" insured_identification_number TEXT NOT NULL,"	/* 番号 */
	" insured_branch_number TEXT NOT NULL,"		/* 枝番 */
	" partial_contribution_ratio TEXT NOT NULL,"	/* 負担割合 */
	" limit_application_class TEXT NOT NULL,"	/* 限度額区分 */
	" updated_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE TABLE IF NOT EXISTS qualification_log ("
	" id INTEGER PRIMARY KEY,"
	" received_at INTEGER NOT NULL,"
	" reader TEXT NOT NULL,"	/* SHA-256 of the reader certificate */
	" request_id TEXT NOT NULL,"
	" request_digest BLOB NOT NULL,"
	" cert_serial TEXT NOT NULL,"
	" method TEXT NOT NULL,"
	" site_kind TEXT NOT NULL,"
	" institution_code TEXT NOT NULL,"
	" consent_medication INTEGER NOT NULL,"	/* 薬剤情報 */
	" consent_checkup INTEGER NOT NULL,"	/* 特定健診情報 */
	" consent_clinical INTEGER NOT NULL,"	/* 診療情報 */
	" consent_surgery INTEGER NOT NULL,"	/* 手術情報 */
	" outcome TEXT NOT NULL,"
	" UNIQUE (reader, request_id)"
	") STRICT;"
	"PRAGMA user_version = 1;";

int eligd_serial_normalize(const char *in, char out[ELIGD_SERIAL_MAX + 1])
{
	size_t n = 0;

	if (!*in)
		return -EINVAL;
	while (in[0] == '0' && in[1])
		in++;
	for (; *in; in++) {
		char c = *in;

		if (c >= 'a' && c <= 'f')
			c = (char)(c - 'a' + 'A');
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')) ||
		    n == ELIGD_SERIAL_MAX)
			return -EINVAL;
		out[n++] = c;
	}
	out[n] = '\0';
	return 0;
}

static int fail(sqlite3 *sql, char *why, size_t why_len, const char *what)
{
	snprintf(why, why_len, "%s: %s", what, sqlite3_errmsg(sql));
	return -EIO;
}

static int user_version(sqlite3 *sql, int *v)
{
	sqlite3_stmt *st;
	int r;

	if (sqlite3_prepare_v2(sql, "PRAGMA user_version", -1, &st, NULL))
		return -EIO;
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return r == SQLITE_ROW ? 0 : -EIO;
}

int eligd_db_open(const char *path, bool init, struct eligd_db **out,
		  char *why, size_t why_len)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX |
		    (init ? SQLITE_OPEN_CREATE : 0);
	struct eligd_db *db = calloc(1, sizeof(*db));
	int v = -1, ret = -EIO;

	if (!db)
		return -ENOMEM;
	pthread_mutex_init(&db->lock, NULL);
	if (sqlite3_open_v2(path, &db->sql, flags, NULL) != SQLITE_OK) {
		ret = fail(db->sql, why, why_len, path);
		goto err;
	}
	sqlite3_busy_timeout(db->sql, 2000);
	sqlite3_extended_result_codes(db->sql, 1);
	if (sqlite3_exec(db->sql, "PRAGMA journal_mode = WAL;"
			 "PRAGMA foreign_keys = ON;", NULL, NULL, NULL)) {
		ret = fail(db->sql, why, why_len, path);
		goto err;
	}
	if (init && sqlite3_exec(db->sql, schema, NULL, NULL, NULL)) {
		ret = fail(db->sql, why, why_len, "creating the schema");
		goto err;
	}
	if (user_version(db->sql, &v) || v != SCHEMA_VERSION) {
		snprintf(why, why_len, "%s: no schema version %d (use "
			 "--init-db to create it)", path, SCHEMA_VERSION);
		goto err;
	}
	*out = db;
	return 0;
err:
	sqlite3_close(db->sql);
	pthread_mutex_destroy(&db->lock);
	free(db);
	return ret;
}

void eligd_db_close(struct eligd_db *db)
{
	if (!db)
		return;
	sqlite3_close(db->sql);
	pthread_mutex_destroy(&db->lock);
	free(db);
}

int eligd_db_put_subscriber(struct eligd_db *db, const char *serial,
			    const struct mncr_elig_qualification *q,
			    char *why, size_t why_len)
{
	static const char sql[] =
		"INSERT OR REPLACE INTO subscribers VALUES "
		"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
	sqlite3_stmt *st;
	int ret = 0;

	pthread_mutex_lock(&db->lock);
	if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL)) {
		ret = fail(db->sql, why, why_len, "subscriber");
		goto out;
	}
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, mncr_elig_validity_name(q->validity), -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(st, 3, q->insurer_number, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, q->symbol, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, q->number, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, q->branch, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, q->share, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, q->limit_class, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)time(NULL));
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = fail(db->sql, why, why_len, "subscriber");
	sqlite3_finalize(st);
out:
	pthread_mutex_unlock(&db->lock);
	return ret;
}

int eligd_db_begin(struct eligd_db *db)
{
	pthread_mutex_lock(&db->lock);
	/* IMMEDIATE: the write lock now, not at the INSERT (admin tools). */
	if (sqlite3_exec(db->sql, "BEGIN IMMEDIATE", NULL, NULL, NULL)) {
		eligd_err("database: begin: %s", sqlite3_errmsg(db->sql));
		pthread_mutex_unlock(&db->lock);
		return -EIO;
	}
	return 0;
}

int eligd_db_end(struct eligd_db *db, bool commit)
{
	int ret = 0;

	if (commit && sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL)) {
		eligd_err("database: commit: %s", sqlite3_errmsg(db->sql));
		ret = -EIO;
	}
	if ((!commit || ret) &&
	    sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL) &&
	    sqlite3_get_autocommit(db->sql) == 0)
		eligd_err("database: rollback: %s", sqlite3_errmsg(db->sql));
	pthread_mutex_unlock(&db->lock);
	return ret;
}

/* Copies a text column into a fixed buffer: 0 or -EIO when it cannot. */
static int column(sqlite3_stmt *st, int i, char *out, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	int n = sqlite3_column_bytes(st, i);

	if (!t || n < 0 || (size_t)n >= size)
		return -EIO;
	memcpy(out, t, (size_t)n);
	out[n] = '\0';
	return 0;
}

int eligd_db_get_subscriber(struct eligd_db *db, const char *serial,
			    struct mncr_elig_qualification *q)
{
	static const char sql[] =
		"SELECT qualification_validity, insurer_number,"
		" insured_card_symbol, insured_identification_number,"
		" insured_branch_number, partial_contribution_ratio,"
		" limit_application_class FROM subscribers"
		" WHERE cert_serial = ?1";
	char validity[16];
	sqlite3_stmt *st;
	int r, ret = -EIO;

	if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL))
		goto out;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_DONE)
		ret = -ENOENT;
	else if (r == SQLITE_ROW &&
		 !column(st, 0, validity, sizeof(validity)) &&
		 !mncr_elig_validity_parse(validity, &q->validity) &&
		 !column(st, 1, q->insurer_number, sizeof(q->insurer_number)) &&
		 !column(st, 2, q->symbol, sizeof(q->symbol)) &&
		 !column(st, 3, q->number, sizeof(q->number)) &&
		 !column(st, 4, q->branch, sizeof(q->branch)) &&
		 !column(st, 5, q->share, sizeof(q->share)) &&
		 !column(st, 6, q->limit_class, sizeof(q->limit_class)))
		ret = 0;
	sqlite3_finalize(st);
out:
	if (ret == -EIO)
		eligd_err("database: %s", sqlite3_errmsg(db->sql));
	return ret;
}

int eligd_db_find_request(struct eligd_db *db, const char *reader,
			  const char *request_id, struct eligd_prior *p)
{
	static const char sql[] =
		"SELECT request_digest, received_at, outcome"
		" FROM qualification_log WHERE reader = ?1 AND request_id = ?2";
	sqlite3_stmt *st;
	int r, ret = -EIO;

	if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL))
		goto out;
	sqlite3_bind_text(st, 1, reader, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, request_id, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_DONE) {
		ret = -ENOENT;
	} else if (r == SQLITE_ROW &&
		   sqlite3_column_bytes(st, 0) == (int)sizeof(p->digest) &&
		   !column(st, 2, p->outcome, sizeof(p->outcome))) {
		memcpy(p->digest, sqlite3_column_blob(st, 0),
		       sizeof(p->digest));
		p->received_at = sqlite3_column_int64(st, 1);
		ret = 0;
	}
	sqlite3_finalize(st);
out:
	if (ret == -EIO)
		eligd_err("database: %s", sqlite3_errmsg(db->sql));
	return ret;
}

int eligd_db_log(struct eligd_db *db, const struct eligd_log_entry *e)
{
	static const char sql[] =
		"INSERT INTO qualification_log (received_at, reader,"
		" request_id, request_digest, cert_serial, method, site_kind,"
		" institution_code, consent_medication, consent_checkup,"
		" consent_clinical, consent_surgery, outcome) VALUES"
		" (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
	sqlite3_stmt *st;
	int r, ret = -EIO;

	if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL))
		goto out;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)time(NULL));
	sqlite3_bind_text(st, 2, e->reader, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, e->request_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, e->digest, sizeof(e->digest), SQLITE_STATIC);
	sqlite3_bind_text(st, 5, e->serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, mncr_elig_method_name(e->method), -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(st, 7, mncr_elig_site_name(e->site), -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(st, 8, e->institution_code, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 9, e->consents.medication);
	sqlite3_bind_int(st, 10, e->consents.checkup);
	sqlite3_bind_int(st, 11, e->consents.clinical);
	sqlite3_bind_int(st, 12, e->consents.surgery);
	sqlite3_bind_text(st, 13, e->outcome, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_DONE)
		ret = 0;
	else if (r == SQLITE_CONSTRAINT_UNIQUE)
		ret = -EEXIST;
	sqlite3_finalize(st);
out:
	if (ret == -EIO)
		eligd_err("database: %s", sqlite3_errmsg(db->sql));
	return ret;
}
