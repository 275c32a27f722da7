// SPDX-License-Identifier: LGPL-2.1-or-later
#include "flow/audit_log.h"
#include "util/json_write.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include <openssl/evp.h>

#define HASH_HEX 64
#define HASH_KEY ",\"hash\":\""

static const char zero_hash[HASH_HEX + 1] =
	"0000000000000000000000000000000000000000000000000000000000000000";

/*
 * Field names that would put a patient's secrets in the log: names that
 * contain one of these, or whose last word is "pin" ("pin_tries_left" is a
 * count and may go in, "pin" and "user_pin" may not).
 */
static int forbidden(const char *key)
{
	static const char *const parts[] = {
		"my_number", "mynumber", "kojin", "card_front", "security_code",
		"collation", "password", "passcode", "photo", "image",
	};
	const char *last = key + strlen(key);

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (strcasestr(key, parts[i]))
			return 1;
	while (last > key && last[-1] != '_' && last[-1] != '-')
		last--;
	return strcasecmp(last, "pin") == 0;
}

/* The record's own members: a field by one of these names would mask them. */
static bool reserved(const char *key)
{
	static const char *const names[] = {
		"seq", "time", "prev", "event", "hash",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(key, names[i]) == 0)
			return true;
	return false;
}

static int sha256_hex(const char *data, size_t len, char out[HASH_HEX + 1])
{
	unsigned char md[32];
	unsigned int md_len = 0;

	if (!EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) || md_len != 32)
		return -EIO;
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
	return 0;
}

static int head_path(const char *path, char *out, size_t size)
{
	int n = snprintf(out, size, "%s.head", path);

	return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : 0;
}

/*
 * Reads "SEQ HASH" from the head file. A missing head means an empty log:
 * seq 0 and the zero hash are filled in and -ENOENT returned.
 */
static int read_head(const char *path, uint64_t *seq, char hash[HASH_HEX + 1])
{
	char hp[PATH_MAX];
	FILE *f;
	int ret = head_path(path, hp, sizeof(hp));

	if (ret < 0)
		return ret;
	f = fopen(hp, "re");
	if (!f) {
		if (errno != ENOENT)
			return -errno;
		*seq = 0;
		memcpy(hash, zero_hash, sizeof(zero_hash));
		return -ENOENT;
	}
	ret = fscanf(f, "%" SCNu64 " %64[0-9a-f]", seq, hash) == 2 &&
	      strlen(hash) == HASH_HEX ? 0 : -EBADMSG;
	fclose(f);
	return ret;
}

static int fsync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, ret = 0;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if ((size_t)(slash - path) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash == path ? 1 : slash - path), path);
	else
		return -ENAMETOOLONG;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* Replaces the head file atomically: write, fsync, rename, fsync dir. */
static int write_head(const char *path, uint64_t seq, const char *hash)
{
	char hp[PATH_MAX], tmp[PATH_MAX + 8];
	int ret = head_path(path, hp, sizeof(hp));
	FILE *f;

	if (ret < 0)
		return ret;
	snprintf(tmp, sizeof(tmp), "%s.tmp", hp);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "%" PRIu64 " %s\n", seq, hash);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		ret = -errno;
		fclose(f);
		unlink(tmp);
		return ret;
	}
	fclose(f);
	if (rename(tmp, hp) < 0)
		return -errno;
	return fsync_dir_of(hp);
}

static void utc_now(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * The record without its hash: {"seq":..,"time":..,"prev":..,fields..
 * in *out; 0, -EINVAL for a field name given twice, or -ENOMEM.
 */
static int record_body(uint64_t seq, const char *prev, const char *event,
		       const struct mncr_audit_field *fields, size_t n,
		       char **out, size_t *len)
{
	struct mncr_json j;
	char *buf = NULL, now[32];
	FILE *f = open_memstream(&buf, len);

	if (!f)
		return -ENOMEM;
	utc_now(now, sizeof(now));
	mncr_json_init(&j, f);
	mncr_json_object_begin(&j, NULL);
	mncr_json_uint(&j, "seq", seq);
	mncr_json_string(&j, "time", now);
	mncr_json_string(&j, "prev", prev);
	mncr_json_string(&j, "event", event);
	for (size_t i = 0; i < n; i++)
		mncr_json_string(&j, fields[i].key, fields[i].value);
	mncr_json_object_end(&j);
	/* without the closing brace: the hash member goes after */
	if (fclose(f) != 0 || j.err || !*len || buf[*len - 1] != '}') {
		free(buf);
		return j.err == -EEXIST ? -EINVAL : -ENOMEM;
	}
	buf[--*len] = '\0';
	*out = buf;
	return 0;
}

int mncr_audit_append(const char *path, const char *event,
		      const struct mncr_audit_field *fields, size_t n_fields)
{
	char prev[HASH_HEX + 1], hash[HASH_HEX + 1], *body;
	uint64_t seq;
	size_t len;
	int fd, ret;

	for (size_t i = 0; i < n_fields; i++) {
		if (forbidden(fields[i].key))
			return -EPERM;
		if (reserved(fields[i].key))
			return -EINVAL;
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	/* One writer at a time: the chain must not fork. */
	if (flock(fd, LOCK_EX) < 0) {
		ret = -errno;
		goto out;
	}
	ret = read_head(path, &seq, prev);
	if (ret == -ENOENT)	/* no head yet: this is the first record */
		ret = 0;
	if (ret < 0)
		goto out;
	ret = record_body(seq + 1, prev, event, fields, n_fields, &body,
			  &len);
	if (ret < 0)
		goto out;
	ret = sha256_hex(body, len, hash);
	if (ret == 0) {
		FILE *f = fdopen(dup(fd), "a");

		if (!f) {
			ret = -errno;
		} else {
			fprintf(f, "%s" HASH_KEY "%s\"}\n", body, hash);
			if (fflush(f) != 0 || fsync(fd) != 0)
				ret = -errno;
			fclose(f);
		}
	}
	free(body);
	if (ret == 0)
		ret = write_head(path, seq + 1, hash);
out:
	close(fd);	/* releases the lock */
	return ret;
}

static int bad(struct mncr_audit_report *r, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	r->bad_line = line;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

/* Checks one line against the chain; updates seq and prev. */
static int verify_line(char *line, uint64_t lineno, uint64_t *seq,
		       char prev[HASH_HEX + 1], struct mncr_audit_report *r)
{
	char want[HASH_HEX + 1], got_prev[HASH_HEX + 1];
	size_t len = strlen(line);
	uint64_t got_seq;
	char *h;
	int n = 0;

	if (len && line[len - 1] == '\n')
		line[--len] = '\0';
	h = strstr(line, HASH_KEY);
	if (!h || strlen(h) != strlen(HASH_KEY) + HASH_HEX + 2 ||
	    strcmp(h + strlen(HASH_KEY) + HASH_HEX, "\"}") != 0)
		return bad(r, lineno, "not a record");
	if (sscanf(line, "{\"seq\":%" SCNu64 ",\"time\":\"%*[^\"]\",\"prev\":\"%64[0-9a-f]\"%n",
		   &got_seq, got_prev, &n) != 2 || n == 0)
		return bad(r, lineno, "record header unreadable");
	if (got_seq != *seq + 1)
		return bad(r, lineno, "sequence %" PRIu64 " where %" PRIu64 " was due (records deleted or reordered)",
			   got_seq, *seq + 1);
	if (strcmp(got_prev, prev) != 0)
		return bad(r, lineno, "does not follow the previous record (deleted or reordered)");
	if (sha256_hex(line, (size_t)(h - line), want) < 0)
		return -EIO;
	if (strncmp(want, h + strlen(HASH_KEY), HASH_HEX) != 0)
		return bad(r, lineno, "content does not match its hash (edited)");
	*seq = got_seq;
	memcpy(prev, want, sizeof(want));
	return 0;
}

int mncr_audit_verify(const char *path, struct mncr_audit_report *report)
{
	char prev[HASH_HEX + 1], head_hash[HASH_HEX + 1];
	char *line = NULL;
	size_t cap = 0;
	uint64_t seq = 0, head_seq, lineno = 0;
	bool has_head;
	FILE *f;
	int ret;

	memset(report, 0, sizeof(*report));
	memcpy(prev, zero_hash, sizeof(zero_hash));
	ret = read_head(path, &head_seq, head_hash);
	has_head = ret != -ENOENT;
	if (ret == -EBADMSG)
		return bad(report, 0, "head file unreadable");
	if (ret < 0 && ret != -ENOENT)
		return ret;
	f = fopen(path, "re");
	if (!f) {
		if (errno != ENOENT)
			return -errno;
		/* A head with no log: the log was deleted. Neither: no log. */
		if (has_head)
			return bad(report, 0,
				   "the log is missing but its head says %" PRIu64 " records (deleted)",
				   head_seq);
		return -ENOENT;
	}
	ret = 0;
	errno = 0;
	while (getline(&line, &cap, f) > 0) {
		lineno++;
		ret = verify_line(line, lineno, &seq, prev, report);
		if (ret < 0)
			break;
		report->records++;
	}
	/* A read error (a directory, an I/O error) is no intact chain. */
	if (ret == 0 && ferror(f))
		ret = errno ? -errno : -EIO;
	free(line);
	fclose(f);
	if (ret < 0)
		return ret;
	if (seq != head_seq || strcmp(prev, head_hash) != 0)
		return bad(report, lineno + 1,
			   "log ends at record %" PRIu64 " but its head says %" PRIu64 " (records cut off)",
			   seq, head_seq);
	return 0;
}
