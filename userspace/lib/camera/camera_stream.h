/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The simulator's camera stream (interface 2 of mncr-sim's gadget): the
 * frames the reader's camera would send, over one bulk IN endpoint of a
 * vendor-specific interface. The test bed's USB (dummy_hcd) cannot carry
 * isochronous transfers and FunctionFS refuses the video class's
 * descriptors, so the simulator cannot present a real UVC interface; this
 * is the smallest stand-in. Real readers are UVC cameras (camera.h opens
 * both).
 *
 * One bulk transfer per frame: a 16-byte header, then width x height
 * bytes of 8-bit grey. The simulator's sizes (640x480) have w * h a
 * multiple of 512, so a frame is 16 bytes more than whole packets and
 * always ends with a short packet: a reader that lost its place finds the
 * next frame's start after one short read.
 *
 *   bytes 0-3    "MCAM"
 *   bytes 4-5    header length, 16 (little endian, like all fields)
 *   bytes 6-7    pixel format, 1 = 8-bit grey
 *   bytes 8-9    width
 *   bytes 10-11  height
 *   bytes 12-15  frame sequence number
 */
#ifndef MNCR_CAMERA_STREAM_H
#define MNCR_CAMERA_STREAM_H

#include <stddef.h>
#include <stdint.h>

#define MNCR_CAM_HDR_LEN	16
#define MNCR_CAM_FMT_GREY	1
#define MNCR_CAM_MAX_SIDE	2048

/* The interface: vendor class, "video" subclass, protocol 1, its string. */
#define MNCR_CAM_IF_CLASS	0xff
#define MNCR_CAM_IF_SUBCLASS	0x0e
#define MNCR_CAM_IF_PROTOCOL	0x01
#define MNCR_CAM_IF_NAME	"mncr camera"

struct mncr_cam_frame_hdr {
	uint16_t format, width, height;
	uint32_t seq;
};

void mncr_cam_hdr_encode(uint8_t out[MNCR_CAM_HDR_LEN],
			 const struct mncr_cam_frame_hdr *h);

/*
 * Checks a received transfer of len bytes: magic, header length, format,
 * sizes, and that len is exactly the header plus the pixels. 0 or -EINVAL.
 */
int mncr_cam_hdr_decode(const uint8_t *in, size_t len,
			struct mncr_cam_frame_hdr *h);

#endif
