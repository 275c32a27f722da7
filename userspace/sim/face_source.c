// SPDX-License-Identifier: GPL-2.0-or-later
#include "face_source.h"
#include "face/face_image.h"

#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* LFW identities with many pictures; the first shot goes on the card. */
#define LFW_HOLDER	"Colin_Powell"
#define LFW_OTHER	"Tony_Blair"

/* Without LFW: tests/faces/README.rst says where each comes from. */
#define HOLDER_FILE	"eileen_collins.png"
#define HOLDER_FROM	"mncr's tests/faces/" HOLDER_FILE ", which make install copies to " \
			MNCR_FACES_DIR
#define DEB_OTHER	"/usr/share/doc/opencv-doc/examples/data/messi5.jpg"
#define DEB_OTHER_FROM	"the Debian package opencv-doc (make deps)"

/* Where make install puts tests/faces; set by the Makefile. */
#ifndef MNCR_FACES_DIR
#define MNCR_FACES_DIR	"/usr/local/share/mncr/faces"
#endif

static bool readable(const char *path)
{
	return access(path, R_OK) == 0;
}

static int lfw_path(char *out, const char *dir, const char *who, int shot)
{
	int n = snprintf(out, PATH_MAX, "%s/lfw/%s/%s_%04d.jpg",
			 dir, who, who, shot);

	return n > 0 && n < PATH_MAX && readable(out) ? 0 : -1;
}

static int from_lfw(struct face_source *fs, const char *dir)
{
	if (lfw_path(fs->card_photo, dir, LFW_HOLDER, 1) ||
	    lfw_path(fs->holder_live, dir, LFW_HOLDER, 2) ||
	    lfw_path(fs->other, dir, LFW_OTHER, 2)) {
		/* Leave no path of a picture that is not there. */
		memset(fs, 0, sizeof(*fs));
		return -1;
	}
	fs->origin = "lfw";
	return 0;
}

/* PARENT/REL with PARENT the folder above the program's (the checkout of build/). */
static int beside_exe(char *out, size_t len, const char *rel)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int w;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	w = snprintf(out, len, "%s/%s", dirname(dirname(exe)), rel);
	return w > 0 && (size_t)w < len ? 0 : -1;
}

/*
 * The bundled pictures: the holder from the first of holder_dirs that
 * has it, the other person from other. The error names each place
 * looked in and what provides the file.
 */
static int from_bundle(struct face_source *fs, const char *const *holder_dirs,
		       size_t n_dirs, const char *other, char *err, size_t errlen)
{
	char looked[2 * PATH_MAX] = "";
	size_t used = 0;

	fs->card_photo[0] = '\0';
	for (size_t i = 0; i < n_dirs && !fs->card_photo[0]; i++) {
		int w = snprintf(fs->card_photo, sizeof(fs->card_photo), "%s/%s",
				 holder_dirs[i], HOLDER_FILE);

		if (w > 0 && (size_t)w < sizeof(fs->card_photo) &&
		    readable(fs->card_photo))
			break;
		if (used < sizeof(looked))
			used += (size_t)snprintf(looked + used, sizeof(looked) - used,
						 "%s%s", used ? " or " : "",
						 fs->card_photo);
		fs->card_photo[0] = '\0';
	}
	if (!fs->card_photo[0]) {
		snprintf(err, errlen, "no face picture of the card holder: "
			 "not found at %s (%s)", looked, HOLDER_FROM);
		return -1;
	}
	if (!readable(other)) {
		fs->card_photo[0] = '\0';
		snprintf(err, errlen, "no face picture of somebody else: %s "
			 "is missing (from %s)", other, DEB_OTHER_FROM);
		return -1;
	}
	memcpy(fs->holder_live, fs->card_photo, sizeof(fs->holder_live));
	snprintf(fs->other, sizeof(fs->other), "%s", other);
	fs->origin = "bundled";
	return 0;
}

int face_source_find(struct face_source *fs, const char *face_data_dir,
		     char *err, size_t errlen)
{
	char dir[PATH_MAX], checkout[PATH_MAX] = "";
	const char *holder_dirs[2];
	size_t n = 0;

	memset(fs, 0, sizeof(*fs));
	if (!face_data_dir)
		face_data_dir = getenv("MNCR_FACE_DATA");
	if (face_data_dir && face_data_dir[0]) {
		if (!from_lfw(fs, face_data_dir))
			return 0;
		snprintf(err, errlen, "%s: no LFW pictures of %s and %s",
			 face_data_dir, LFW_HOLDER, LFW_OTHER);
		return -1;
	}
	/* Set but empty: as on a machine without it. */
	if (!face_data_dir && !beside_exe(dir, sizeof(dir), "../shared/face-data") &&
	    !from_lfw(fs, dir))
		return 0;
	if (!beside_exe(checkout, sizeof(checkout), "tests/faces"))
		holder_dirs[n++] = checkout;
	holder_dirs[n++] = MNCR_FACES_DIR;
	return from_bundle(fs, holder_dirs, n, DEB_OTHER, err, errlen);
}

int face_source_check(const struct face_source *fs, char *err, size_t errlen)
{
	const char *paths[] = { fs->card_photo, fs->holder_live, fs->other };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct mncr_face_image img = { 0 };
		char why[160] = "";

		if (i > 0 && !strcmp(paths[i], paths[i - 1]))
			continue;
		if (mncr_face_image_load(paths[i], &img, why, sizeof(why))) {
			/* why starts with the path */
			snprintf(err, errlen, "not a usable picture: %s", why);
			return -1;
		}
		mncr_face_image_free(&img);
	}
	return 0;
}
