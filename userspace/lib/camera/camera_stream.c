// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <string.h>

#include "camera/camera_stream.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

void mncr_cam_hdr_encode(uint8_t out[MNCR_CAM_HDR_LEN],
			 const struct mncr_cam_frame_hdr *h)
{
	memcpy(out, "MCAM", 4);
	put16(out + 4, MNCR_CAM_HDR_LEN);
	put16(out + 6, h->format);
	put16(out + 8, h->width);
	put16(out + 10, h->height);
	put16(out + 12, (uint16_t)h->seq);
	put16(out + 14, (uint16_t)(h->seq >> 16));
}

int mncr_cam_hdr_decode(const uint8_t *in, size_t len,
			struct mncr_cam_frame_hdr *h)
{
	if (len < MNCR_CAM_HDR_LEN || memcmp(in, "MCAM", 4) ||
	    get16(in + 4) != MNCR_CAM_HDR_LEN)
		return -EINVAL;
	h->format = get16(in + 6);
	h->width = get16(in + 8);
	h->height = get16(in + 10);
	h->seq = get16(in + 12) | (uint32_t)get16(in + 14) << 16;
	if (h->format != MNCR_CAM_FMT_GREY || !h->width || !h->height ||
	    h->width > MNCR_CAM_MAX_SIDE || h->height > MNCR_CAM_MAX_SIDE ||
	    len != MNCR_CAM_HDR_LEN + (size_t)h->width * h->height)
		return -EINVAL;
	return 0;
}
