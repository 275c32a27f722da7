// SPDX-License-Identifier: GPL-2.0-or-later
/* The audit log's chain: every edit, deletion, reorder and cut is caught. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "flow/audit_log.h"

struct fixture {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/mncr-audit-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/audit.log", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

static void append_n(const char *path, int n)
{
	for (int i = 0; i < n; i++) {
		char num[16];
		struct mncr_audit_field f[] = {
			{ "reader", "SIM0001" }, { "n", num }, { "note", "目視 \"quoted\"" },
		};

		snprintf(num, sizeof(num), "%d", i);
		assert_int_equal(mncr_audit_append(path, "mode_changed", f, 3), 0);
	}
}

/* Reads the log's lines into lines[]; returns the count. */
static int read_lines(const char *path, char lines[][1024], int max)
{
	FILE *f = fopen(path, "r");
	int n = 0;

	assert_non_null(f);
	while (n < max && fgets(lines[n], 1024, f))
		n++;
	fclose(f);
	return n;
}

static void write_lines(const char *path, char lines[][1024], const int *order, int n)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	for (int i = 0; i < n; i++)
		fputs(lines[order[i]], f);
	fclose(f);
}

static void test_good_chain(void **state)
{
	struct fixture *fx = *state;
	struct mncr_audit_report r;

	append_n(fx->path, 5);
	assert_int_equal(mncr_audit_verify(fx->path, &r), 0);
	assert_int_equal(r.records, 5);
	assert_int_equal(r.bad_line, 0);
}

static void test_edit_detected(void **state)
{
	struct fixture *fx = *state;
	struct mncr_audit_report r;
	char lines[8][1024];
	const int order[] = { 0, 1, 2, 3 };
	char *p;

	append_n(fx->path, 4);
	assert_int_equal(read_lines(fx->path, lines, 8), 4);
	p = strstr(lines[2], "SIM0001");
	assert_non_null(p);
	p[3] = '9';
	write_lines(fx->path, lines, order, 4);
	assert_int_equal(mncr_audit_verify(fx->path, &r), -EBADMSG);
	assert_int_equal(r.bad_line, 3);
	assert_non_null(strstr(r.why, "edited"));
	assert_int_equal(r.records, 2);
}

static void test_delete_detected(void **state)
{
	struct fixture *fx = *state;
	struct mncr_audit_report r;
	char lines[8][1024];
	const int order[] = { 0, 2, 3 };

	append_n(fx->path, 4);
	read_lines(fx->path, lines, 8);
	write_lines(fx->path, lines, order, 3);
	assert_int_equal(mncr_audit_verify(fx->path, &r), -EBADMSG);
	assert_int_equal(r.bad_line, 2);
}

static void test_reorder_detected(void **state)
{
	struct fixture *fx = *state;
	struct mncr_audit_report r;
	char lines[8][1024];
	const int order[] = { 0, 2, 1, 3 };

	append_n(fx->path, 4);
	read_lines(fx->path, lines, 8);
	write_lines(fx->path, lines, order, 4);
	assert_int_equal(mncr_audit_verify(fx->path, &r), -EBADMSG);
	assert_int_equal(r.bad_line, 2);
}

static void test_cut_tail_detected(void **state)
{
	struct fixture *fx = *state;
	struct mncr_audit_report r;
	char lines[8][1024];
	const int order[] = { 0, 1, 2 };

	append_n(fx->path, 4);
	read_lines(fx->path, lines, 8);
	write_lines(fx->path, lines, order, 3);
	assert_int_equal(mncr_audit_verify(fx->path, &r), -EBADMSG);
	assert_non_null(strstr(r.why, "cut off"));
}

/* No log and no head: nothing to verify, which is not a pass. */
static void test_missing_log(void **state)
{
	struct fixture *fx = *state;
	struct mncr_audit_report r;
	char other[160];

	assert_int_equal(mncr_audit_verify(fx->path, &r), -ENOENT);
	assert_int_equal(r.records, 0);
	snprintf(other, sizeof(other), "%s/no/such/dir/audit.log", fx->dir);
	assert_int_equal(mncr_audit_verify(other, &r), -ENOENT);
}

/* The log deleted and its head left behind: tampering. */
static void test_deleted_log_detected(void **state)
{
	struct fixture *fx = *state;
	struct mncr_audit_report r;

	append_n(fx->path, 3);
	assert_int_equal(unlink(fx->path), 0);
	assert_int_equal(mncr_audit_verify(fx->path, &r), -EBADMSG);
	assert_int_equal(r.records, 0);
	assert_non_null(strstr(r.why, "missing"));
	assert_non_null(strstr(r.why, "3 records"));
}

/* An existing, empty log with no head is a valid log with no records. */
static void test_empty_log(void **state)
{
	struct fixture *fx = *state;
	struct mncr_audit_report r;
	FILE *f = fopen(fx->path, "w");

	assert_non_null(f);
	fclose(f);
	assert_int_equal(mncr_audit_verify(fx->path, &r), 0);
	assert_int_equal(r.records, 0);
}

/* A path that cannot be read as a log (here a directory) does not pass. */
static void test_unreadable_log(void **state)
{
	struct fixture *fx = *state;
	struct mncr_audit_report r;

	assert_true(mncr_audit_verify(fx->dir, &r) < 0);
}

static void test_forbidden_fields(void **state)
{
	struct fixture *fx = *state;
	const struct mncr_audit_field pin[] = { { "pin", "1234" } };
	const struct mncr_audit_field num[] = { { "my_number", "123456789012" } };
	const struct mncr_audit_field photo[] = { { "face_photo", "..." } };
	const struct mncr_audit_field upin[] = { { "user-PIN", "1234" } };

	assert_int_equal(mncr_audit_append(fx->path, "x", pin, 1), -EPERM);
	assert_int_equal(mncr_audit_append(fx->path, "x", num, 1), -EPERM);
	assert_int_equal(mncr_audit_append(fx->path, "x", photo, 1), -EPERM);
	assert_int_equal(mncr_audit_append(fx->path, "x", upin, 1), -EPERM);
	const struct mncr_audit_field code[] = { { "Security_Code", "1234" } };
	const struct mncr_audit_field ok[] = { { "pin_tries_left", "3" }, { "mapping", "x" } };

	assert_int_equal(mncr_audit_append(fx->path, "x", code, 1), -EPERM);
	assert_int_equal(access(fx->path, F_OK), -1);	/* nothing written */
	/* Words that merely contain "pin" are fine. */
	assert_int_equal(mncr_audit_append(fx->path, "x", ok, 2), 0);
}

/* The record's own members cannot be given as fields, nor a field twice. */
static void test_reserved_and_repeated_fields(void **state)
{
	static const char *const reserved[] = {
		"seq", "time", "prev", "event", "hash",
	};
	struct fixture *fx = *state;
	const struct mncr_audit_field twice[] = {
		{ "reader", "SIM0001" }, { "reader", "SIM0002" },
	};
	struct mncr_audit_report r;
	char lines[2][1024];

	for (size_t i = 0; i < sizeof(reserved) / sizeof(*reserved); i++) {
		const struct mncr_audit_field f[] = {
			{ "reader", "SIM0001" }, { reserved[i], "0" },
		};

		assert_int_equal(mncr_audit_append(fx->path, "x", f, 2),
				 -EINVAL);
	}
	assert_int_equal(access(fx->path, F_OK), -1);	/* nothing written */
	assert_int_equal(mncr_audit_append(fx->path, "x", twice, 2), -EINVAL);
	append_n(fx->path, 1);
	assert_int_equal(mncr_audit_verify(fx->path, &r), 0);
	assert_int_equal(r.records, 1);
	assert_int_equal(read_lines(fx->path, lines, 2), 1);
	assert_non_null(strstr(lines[0], "{\"seq\":1,"));
	assert_null(strstr(lines[0], "SIM0002"));
}

static void test_concurrent_writers(void **state)
{
	struct fixture *fx = *state;
	struct mncr_audit_report r;
	pid_t pids[4];

	for (int i = 0; i < 4; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			append_n(fx->path, 25);
			_exit(0);
		}
	}
	for (int i = 0; i < 4; i++) {
		int st;

		assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	assert_int_equal(mncr_audit_verify(fx->path, &r), 0);
	assert_int_equal(r.records, 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_detected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_detected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reorder_detected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cut_tail_detected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleted_log_detected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forbidden_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserved_and_repeated_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_writers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
