// SPDX-License-Identifier: GPL-2.0-or-later
#include "face_source.h"

#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* LFW identities with many pictures; the first shot goes on the card. */
#define LFW_HOLDER	"Colin_Powell"
#define LFW_OTHER	"Tony_Blair"

/* Debian fallbacks (python3-skimage-lib, opencv-doc): one shot each. */
#define DEB_HOLDER	"/usr/lib/python3/dist-packages/skimage/data/astronaut.png"
#define DEB_OTHER	"/usr/share/doc/opencv-doc/examples/data/messi5.jpg"

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
	    lfw_path(fs->other, dir, LFW_OTHER, 2))
		return -1;
	fs->origin = "lfw";
	return 0;
}

/* ../shared/face-data seen from build/<program> in the checkout. */
static int beside_checkout(char *out, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int w;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	w = snprintf(out, len, "%s/../../shared/face-data", dirname(exe));
	return w > 0 && (size_t)w < len ? 0 : -1;
}

int face_source_find(struct face_source *fs, const char *face_data_dir,
		     char *err, size_t errlen)
{
	char dir[PATH_MAX];

	memset(fs, 0, sizeof(*fs));
	if (!face_data_dir)
		face_data_dir = getenv("MNCR_FACE_DATA");
	if (face_data_dir && !face_data_dir[0])
		goto debian;	/* set but empty: as on a machine without it */
	if (face_data_dir) {
		if (!from_lfw(fs, face_data_dir))
			return 0;
		snprintf(err, errlen, "%s: no LFW pictures of %s and %s",
			 face_data_dir, LFW_HOLDER, LFW_OTHER);
		return -1;
	}
	if (!beside_checkout(dir, sizeof(dir)) && !from_lfw(fs, dir))
		return 0;
debian:
	if (readable(DEB_HOLDER) && readable(DEB_OTHER)) {
		snprintf(fs->card_photo, PATH_MAX, "%s", DEB_HOLDER);
		snprintf(fs->holder_live, PATH_MAX, "%s", DEB_HOLDER);
		snprintf(fs->other, PATH_MAX, "%s", DEB_OTHER);
		fs->origin = "debian";
		return 0;
	}
	snprintf(err, errlen,
		 "no face pictures: neither ../shared/face-data nor the Debian "
		 "packages python3-skimage-lib and opencv-doc (make deps)");
	return -1;
}
