/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* camera.c's two transports: V4L2 (libv4l2) and the simulator's bulk stream. */
#ifndef MNCR_CAMERA_BACKEND_H
#define MNCR_CAMERA_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* One frame as the transport received it, before scaling. */
struct mncr_camera_raw {
	const uint8_t *data;
	unsigned width, height;
	size_t stride;
	uint32_t fourcc;	/* V4L2_PIX_FMT_GREY, _YUYV or _YUV420 */
	unsigned damaged;	/* damaged frames skipped before this one */
};

struct mncr_camera_ops {
	int (*open)(void **priv, const char *node, unsigned width,
		    unsigned height, char *err, size_t errlen);
	/* The raw frame stays valid until release. */
	int (*grab)(void *priv, struct mncr_camera_raw *raw, int timeout_ms,
		    char *err, size_t errlen);
	void (*release)(void *priv);
	void (*close)(void *priv);
};

/* Milliseconds of CLOCK_MONOTONIC since t0: the transports' timeouts. */
long mncr_camera_ms_since(const struct timespec *t0);

extern const struct mncr_camera_ops mncr_camera_v4l2_ops;
extern const struct mncr_camera_ops mncr_camera_usb_ops;

#endif
