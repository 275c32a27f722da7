/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A JPEG 2000 image's size and tiling, read from the codestream's SIZ
 * marker before OpenJPEG sees it: OpenJPEG allocates for every declared
 * tile while it reads the header, so a few hostile bytes could otherwise
 * cost a gigabyte and a second before any size check runs.
 */
#ifndef MNCR_FACE_J2K_SIZ_H
#define MNCR_FACE_J2K_SIZ_H

#include <stddef.h>
#include <stdint.h>

struct mncr_j2k_siz {
	uint32_t width, height;		/* of the image area */
	uint64_t tiles;
};

/*
 * Reads SOC + SIZ at the start of a J2K codestream, or of a JP2 file's
 * codestream box (jp2 non-zero). 0 and *siz filled; -ENOENT when there is
 * no such codestream or its SIZ makes no sense (the decoder then reports
 * it in its own words).
 */
int mncr_j2k_siz_read(const uint8_t *data, size_t len, int jp2,
		      struct mncr_j2k_siz *siz);

#endif
