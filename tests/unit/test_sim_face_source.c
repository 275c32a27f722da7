// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where the simulator's faces come from (userspace/sim/face_source.c,
 * compiled in here): without LFW, the committed portrait from the first
 * folder that has it and opencv-doc's picture of somebody else; when one
 * is missing or is not a picture, one line naming the file and what
 * provides it, and nothing half-filled.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../userspace/sim/face_source.c"

/* The committed portrait, relative to the repository (tests/check runs there). */
#define REPO_FACES	"tests/faces"

struct dirs {
	char empty[64];		/* no picture in it */
	char faces[64];		/* holds HOLDER_FILE */
	char other[PATH_MAX];	/* a picture of somebody else */
	char junk[PATH_MAX];	/* not a picture */
};

static int setup(void **state)
{
	struct dirs *d = calloc(1, sizeof(*d));
	char path[PATH_MAX], portrait[PATH_MAX];
	FILE *f;

	if (!d || !realpath(REPO_FACES "/" HOLDER_FILE, portrait))
		return -1;
	snprintf(d->empty, sizeof(d->empty), "/tmp/mncr-faces-empty.XXXXXX");
	snprintf(d->faces, sizeof(d->faces), "/tmp/mncr-faces.XXXXXX");
	if (!mkdtemp(d->empty) || !mkdtemp(d->faces))
		return -1;
	snprintf(path, sizeof(path), "%s/%s", d->faces, HOLDER_FILE);
	snprintf(d->other, sizeof(d->other), "%s/other.png", d->faces);
	snprintf(d->junk, sizeof(d->junk), "%s/junk.png", d->faces);
	if (symlink(portrait, path) || symlink(portrait, d->other))
		return -1;
	f = fopen(d->junk, "w");
	if (!f || fputs("48 bytes of nothing like a picture at all......\n", f) < 0 ||
	    fclose(f))
		return -1;
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	struct dirs *d = *state;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", d->faces, HOLDER_FILE);
	unlink(path);
	unlink(d->other);
	unlink(d->junk);
	rmdir(d->faces);
	rmdir(d->empty);
	free(d);
	return 0;
}

static void first_folder_with_the_portrait(void **state)
{
	struct dirs *d = *state;
	const char *dirs[] = { d->empty, d->faces };
	struct face_source fs;
	char want[PATH_MAX], err[512] = "";

	memset(&fs, 0, sizeof(fs));
	assert_int_equal(from_bundle(&fs, dirs, 2, d->other, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s/%s", d->faces, HOLDER_FILE);
	assert_string_equal(fs.card_photo, want);
	assert_string_equal(fs.holder_live, want);
	assert_string_equal(fs.other, d->other);
	assert_string_equal(fs.origin, "bundled");
	assert_int_equal(face_source_check(&fs, err, sizeof(err)), 0);
}

static void missing_portrait_named(void **state)
{
	struct dirs *d = *state;
	const char *dirs[] = { d->empty, "/nonexistent" };
	struct face_source fs;
	char err[1024] = "", want[PATH_MAX];

	memset(&fs, 0, sizeof(fs));
	assert_int_equal(from_bundle(&fs, dirs, 2, d->other, err, sizeof(err)), -1);
	assert_string_equal(fs.card_photo, "");
	assert_null(fs.origin);
	snprintf(want, sizeof(want), "%s/%s or /nonexistent/%s", d->empty,
		 HOLDER_FILE, HOLDER_FILE);
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, "mncr's tests/faces/eileen_collins.png"));
	assert_null(strchr(err, '\n'));
}

static void missing_other_names_the_package(void **state)
{
	struct dirs *d = *state;
	const char *dirs[] = { d->faces };
	struct face_source fs;
	char err[1024] = "";

	memset(&fs, 0, sizeof(fs));
	assert_int_equal(from_bundle(&fs, dirs, 1, "/nonexistent/messi5.jpg",
				     err, sizeof(err)), -1);
	assert_string_equal(fs.card_photo, "");
	assert_non_null(strstr(err, "/nonexistent/messi5.jpg is missing"));
	assert_non_null(strstr(err, "the Debian package opencv-doc"));
}

static void not_a_picture_named(void **state)
{
	struct dirs *d = *state;
	const char *dirs[] = { d->faces };
	struct face_source fs;
	char err[1024] = "";

	memset(&fs, 0, sizeof(fs));
	assert_int_equal(from_bundle(&fs, dirs, 1, d->junk, err, sizeof(err)), 0);
	assert_int_equal(face_source_check(&fs, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a usable picture: "));
	assert_non_null(strstr(err, d->junk));
}

/* A face-data folder without LFW first (../shared without it): no trace. */
static void bundle_after_missing_lfw(void **state)
{
	struct dirs *d = *state;
	const char *dirs[] = { d->faces };
	struct face_source fs;
	char want[PATH_MAX], err[512] = "";

	memset(&fs, 0, sizeof(fs));
	assert_int_equal(from_lfw(&fs, d->empty), -1);
	assert_string_equal(fs.card_photo, "");
	assert_int_equal(from_bundle(&fs, dirs, 1, d->other, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s/%s", d->faces, HOLDER_FILE);
	assert_string_equal(fs.card_photo, want);
	assert_int_equal(face_source_check(&fs, err, sizeof(err)), 0);
}

static void face_data_without_lfw(void **state)
{
	struct dirs *d = *state;
	struct face_source fs;
	char err[1024] = "";

	assert_int_equal(face_source_find(&fs, d->empty, err, sizeof(err)), -1);
	assert_non_null(strstr(err, d->empty));
	assert_non_null(strstr(err, "no LFW pictures"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_folder_with_the_portrait),
		cmocka_unit_test(missing_portrait_named),
		cmocka_unit_test(missing_other_names_the_package),
		cmocka_unit_test(not_a_picture_named),
		cmocka_unit_test(bundle_after_missing_lfw),
		cmocka_unit_test(face_data_without_lfw),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
