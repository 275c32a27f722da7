/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The reader's camera, as greyscale frames for the face pipeline.
 *
 * A real reader's camera is a UVC interface of the reader's USB device:
 * uvcvideo gives it a /dev/videoN node, opened here through libv4l2
 * (which converts formats the camera sends: GREY, YUYV, YUV420 or MJPEG).
 * The simulator's camera (mncr-sim, interface 2) is a vendor-specific bulk
 * interface instead (camera_stream.h explains why), read through libusb
 * and named "usb:BUS:DEVICE:INTERFACE".
 *
 * Functions return 0 or a negative errno with a one-line reason in err.
 */
#ifndef MNCR_CAMERA_H
#define MNCR_CAMERA_H

#include <stddef.h>
#include <stdint.h>

#include "face/face_image.h"

struct mncr_camera;

/*
 * The camera of the same USB device as a /dev/mncrN node, found through
 * sysfs: a video4linux capture node of one of the device's interfaces
 * (/dev/videoN, index 0), else the simulator's camera interface
 * ("usb:BUS:DEVICE:INTERFACE"). -ENODEV: not a reader known to sysfs;
 * -ENOENT: the reader has no camera; -ENAMETOOLONG.
 */
int mncr_camera_find(const char *mncr_node, char *video_node, size_t len,
		     char *err, size_t errlen);

/* The same under another sysfs root (tests). */
int mncr_camera_find_in(const char *sysfs_root, const char *mncr_node,
			char *video_node, size_t len, char *err, size_t errlen);

/*
 * Opens a node mncr_camera_find gave (or any V4L2 capture node),
 * negotiates a format (GREY, else YUYV, else YUV420 through libv4l2's
 * conversion) near width x height (0: the camera's own) and starts
 * streaming. Frames come out at width x height, resampled when the camera
 * sends another size.
 */
int mncr_camera_open(const char *video_node, unsigned int width,
		     unsigned int height, struct mncr_camera **out, char *err,
		     size_t errlen);

/*
 * Waits up to timeout_ms for the next frame and returns it in grey,
 * allocated by the call (free it with mncr_face_image_free(); what grey
 * held before is not freed). -ETIMEDOUT, -ENODEV when the camera is gone
 * (unplugged), -EIO, -EPROTO (the stream makes no sense), -ENOMEM.
 */
int mncr_camera_grab(struct mncr_camera *cam, struct mncr_face_image *grey,
		     int timeout_ms, char *err, size_t errlen);

/*
 * Frames the camera delivered damaged (flagged by the driver, or torn)
 * that grab skipped since open: a sign of a bad cable or a busy bus.
 */
unsigned int mncr_camera_damaged(const struct mncr_camera *cam);

void mncr_camera_close(struct mncr_camera *cam);

/*
 * Finds the camera of a /dev/mncrN node, opens it and grabs one frame
 * (selftest): 0 with node set and "one WxH frame in N ms" in why, or
 * -errno with the reason in why.
 */
int mncr_camera_probe(const char *mncr_node, char *node, size_t len,
		      char *why, size_t whylen);

/* The luma of packed YUYV (Y0 U Y1 V): every other byte. */
void mncr_camera_yuyv_to_grey(const uint8_t *src, unsigned width,
			      unsigned height, size_t stride, uint8_t *dst);

#endif
