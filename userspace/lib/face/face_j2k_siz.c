// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <string.h>

#include "face/face_j2k_siz.h"

/* SOC, SIZ, Lsiz, Rsiz, then eight 32-bit fields (ISO/IEC 15444-1 A.5.1) */
#define SIZ_FIXED	40

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* The contents of a JP2 file's top-level contiguous codestream box. */
static const uint8_t *jp2c_box(const uint8_t *d, size_t len, size_t *n)
{
	size_t off = 0;

	while (len - off >= 8) {
		uint64_t box = be32(d + off), hdr = 8;

		if (box == 1) {		/* 64-bit length follows the type */
			if (len - off < 16)
				return NULL;
			box = (uint64_t)be32(d + off + 8) << 32 | be32(d + off + 12);
			hdr = 16;
		} else if (box == 0) {	/* up to the end of the file */
			box = len - off;
		}
		if (box < hdr || box > len - off)
			return NULL;
		if (!memcmp(d + off + 4, "jp2c", 4)) {
			*n = (size_t)(box - hdr);
			return d + off + hdr;
		}
		off += (size_t)box;
	}
	return NULL;
}

int mncr_j2k_siz_read(const uint8_t *data, size_t len, int jp2,
		      struct mncr_j2k_siz *siz)
{
	static const uint8_t soc_siz[] = { 0xff, 0x4f, 0xff, 0x51 };
	uint32_t x1, y1, x0, y0, tw, th, tx0, ty0;
	const uint8_t *cs = data;
	size_t n = len;

	if (!data || !siz)
		return -ENOENT;
	if (jp2)
		cs = jp2c_box(data, len, &n);
	if (!cs || n < SIZ_FIXED || memcmp(cs, soc_siz, sizeof(soc_siz)))
		return -ENOENT;
	x1 = be32(cs + 8);
	y1 = be32(cs + 12);
	x0 = be32(cs + 16);
	y0 = be32(cs + 20);
	tw = be32(cs + 24);
	th = be32(cs + 28);
	tx0 = be32(cs + 32);
	ty0 = be32(cs + 36);
	/* the first tile must cover the image's origin (A.5.1) */
	if (x1 <= x0 || y1 <= y0 || !tw || !th || tx0 > x0 || ty0 > y0 ||
	    (uint64_t)tx0 + tw <= x0 || (uint64_t)ty0 + th <= y0)
		return -ENOENT;
	siz->width = x1 - x0;
	siz->height = y1 - y0;
	siz->tiles = (((uint64_t)x1 - tx0 + tw - 1) / tw) *
		     (((uint64_t)y1 - ty0 + th - 1) / th);
	return 0;
}
