/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the tests that discover devices: a fake sysfs tree in a
 * temporary directory (device directories, attribute files, symlinks), laid
 * out below its root as the kernel lays out /sys. Paths are relative to the
 * root; failures end the test. Include after <cmocka.h>.
 */
#ifndef MNCR_TEST_FAKE_SYSFS_H
#define MNCR_TEST_FAKE_SYSFS_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Creates root/rel and every directory above it. */
static inline void fake_sysfs_mkdirs(const char *root, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	}
	mkdir(path, 0755);
}

/* Writes attribute dir/name holding value and a newline, as sysfs shows it. */
static inline void fake_sysfs_attr(const char *root, const char *dir,
				   const char *name, const char *value)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", root, dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", value);
	assert_int_equal(fclose(f), 0);
}

/* Makes dir/name a symlink to target, taken as it is (relative to dir). */
static inline void fake_sysfs_link(const char *root, const char *dir,
				   const char *name, const char *target)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s/%s", root, dir, name);
	assert_int_equal(symlink(target, path), 0);
}

/* An empty tree: returns its root, to be freed by fake_sysfs_teardown. */
static inline char *fake_sysfs_new(void)
{
	char tmpl[] = "/tmp/mncr-sysfs-XXXXXX";
	char *root = mkdtemp(tmpl);

	assert_non_null(root);
	root = strdup(root);
	assert_non_null(root);
	return root;
}

/* A cmocka teardown: removes the tree whose root is *state. */
static inline int fake_sysfs_teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", (char *)*state);
	assert_int_equal(system(cmd), 0);
	free(*state);
	return 0;
}

#endif
