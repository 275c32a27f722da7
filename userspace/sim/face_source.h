/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where the simulator's faces come from: the picture printed into the
 * card's chip (DF27), another shot of the same holder for the camera, and
 * somebody else. LFW from ../shared/face-data when it is there (measurement
 * data: read at run time, never copied into the repository), otherwise the
 * public-domain portrait committed in tests/faces (tests/faces/README.rst)
 * and a picture from the Debian package opencv-doc.
 */
#ifndef MNCR_SIM_FACE_SOURCE_H
#define MNCR_SIM_FACE_SOURCE_H

#include <limits.h>
#include <stddef.h>

struct face_source {
	char card_photo[PATH_MAX];	/* the holder, as on the card */
	char holder_live[PATH_MAX];	/* the holder at the camera */
	char other[PATH_MAX];		/* a different person */
	const char *origin;		/* "lfw" or "bundled" */
};

/*
 * Fills fs. face_data_dir is a face-data folder holding lfw/ (NULL: the
 * environment variable MNCR_FACE_DATA, then ../shared/face-data beside the
 * checkout the program was built in; MNCR_FACE_DATA set but empty: the
 * bundled pictures only). Returns 0, or -1 with one line in err naming
 * the missing file and what provides it.
 */
int face_source_find(struct face_source *fs, const char *face_data_dir,
		     char *err, size_t errlen);

/*
 * Decodes each of fs's pictures once: 0, or -1 with one line in err
 * naming the picture that cannot be read as an image and why.
 */
int face_source_check(const struct face_source *fs, char *err, size_t errlen);

#endif
