// SPDX-License-Identifier: LGPL-2.1-or-later
/* A V4L2 capture node through libv4l2: mmap streaming, 4 buffers. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>

#include <libv4l2.h>
#include <linux/videodev2.h>

#include "camera/camera_backend.h"

#define NBUF	4

struct v4l2_cam {
	int fd;
	struct { void *start; size_t len; } buf[NBUF];
	unsigned nbuf;
	struct v4l2_pix_format pix;
	bool streaming;
	int held;		/* buffer lent to the caller, -1 none */
};

static int xioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do
		r = v4l2_ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

static void v4l2_cam_close(void *priv)
{
	struct v4l2_cam *c = priv;
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

	if (!c)
		return;
	if (c->streaming)
		xioctl(c->fd, VIDIOC_STREAMOFF, &type);
	for (unsigned i = 0; i < c->nbuf; i++)
		if (c->buf[i].start != MAP_FAILED)
			v4l2_munmap(c->buf[i].start, c->buf[i].len);
	if (c->fd >= 0)
		v4l2_close(c->fd);
	free(c);
}

/* GREY, else YUYV, else YUV420: libv4l2 converts to the last two. */
static int set_format(struct v4l2_cam *c, unsigned width, unsigned height)
{
	static const uint32_t want[] = {
		V4L2_PIX_FMT_GREY, V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_YUV420,
	};
	struct v4l2_format f;
	int rc;

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		memset(&f, 0, sizeof(f));
		f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		if (!width && xioctl(c->fd, VIDIOC_G_FMT, &f) == 0) {
			width = f.fmt.pix.width;
			height = f.fmt.pix.height;
		}
		f.fmt.pix.width = width ? width : 640;
		f.fmt.pix.height = height ? height : 480;
		f.fmt.pix.pixelformat = want[i];
		f.fmt.pix.field = V4L2_FIELD_NONE;
		rc = xioctl(c->fd, VIDIOC_S_FMT, &f);
		/* Unplugged while we ask (a UVC probe takes its time): say so. */
		if (rc == -ENODEV)
			return rc;
		if (rc == 0 && f.fmt.pix.pixelformat == want[i] && f.fmt.pix.width &&
		    f.fmt.pix.height) {
			c->pix = f.fmt.pix;
			if (!c->pix.bytesperline)
				c->pix.bytesperline = want[i] == V4L2_PIX_FMT_YUYV ?
						      2 * c->pix.width : c->pix.width;
			return 0;
		}
	}
	return -EINVAL;
}

static int v4l2_cam_open(void **priv, const char *node, unsigned width,
			 unsigned height, char *err, size_t errlen)
{
	struct v4l2_cam *c = calloc(1, sizeof(*c));
	struct v4l2_requestbuffers req = { 0 };
	struct v4l2_capability cap;
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	uint32_t caps;
	int fd, rc;

	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	c->fd = -1;
	c->held = -1;
	for (unsigned i = 0; i < NBUF; i++)
		c->buf[i].start = MAP_FAILED;
	/* Asked before libv4l2 wraps the node, which complains on stderr. */
	fd = open(node, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", node, strerror(errno));
		goto out;
	}
	memset(&cap, 0, sizeof(cap));
	rc = ioctl(fd, VIDIOC_QUERYCAP, &cap) ? -errno : 0;
	caps = cap.capabilities & V4L2_CAP_DEVICE_CAPS ? cap.device_caps :
							  cap.capabilities;
	if (rc || !(caps & V4L2_CAP_VIDEO_CAPTURE) || !(caps & V4L2_CAP_STREAMING)) {
		snprintf(err, errlen, "%s: not a streaming video capture device", node);
		rc = rc == -ENODEV ? rc : -ENOTTY;
		close(fd);
		goto out;
	}
	c->fd = v4l2_fd_open(fd, 0);
	if (c->fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: libv4l2: %s", node, strerror(errno));
		close(fd);
		goto out;
	}
	rc = set_format(c, width, height);
	if (rc) {
		snprintf(err, errlen, rc == -ENODEV ? "%s: the camera is gone" :
			 "%s: no GREY, YUYV or YUV420 format", node);
		goto out;
	}
	req.count = NBUF;
	req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	req.memory = V4L2_MEMORY_MMAP;
	rc = xioctl(c->fd, VIDIOC_REQBUFS, &req);
	if (rc || req.count < 2) {
		snprintf(err, errlen, rc == -ENODEV ? "%s: the camera is gone" :
			 "%s: cannot get capture buffers", node);
		rc = rc ? rc : -ENOMEM;
		goto out;
	}
	c->nbuf = req.count < NBUF ? req.count : NBUF;
	for (unsigned i = 0; i < c->nbuf; i++) {
		struct v4l2_buffer b = {
			.index = i, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.memory = V4L2_MEMORY_MMAP,
		};

		rc = xioctl(c->fd, VIDIOC_QUERYBUF, &b);
		if (!rc) {
			c->buf[i].len = b.length;
			c->buf[i].start = v4l2_mmap(NULL, b.length,
						    PROT_READ | PROT_WRITE,
						    MAP_SHARED, c->fd, b.m.offset);
			if (c->buf[i].start == MAP_FAILED)
				rc = -errno;
		}
		if (!rc)
			rc = xioctl(c->fd, VIDIOC_QBUF, &b);
		if (rc == -ENODEV) {
			snprintf(err, errlen, "%s: the camera is gone", node);
			goto out;
		}
		if (rc) {
			snprintf(err, errlen, "%s: buffer %u: %s", node, i, strerror(-rc));
			goto out;
		}
	}
	rc = xioctl(c->fd, VIDIOC_STREAMON, &type);
	if (rc) {
		if (rc == -ENODEV)
			snprintf(err, errlen, "%s: the camera is gone", node);
		else
			snprintf(err, errlen, "%s: cannot start streaming: %s", node,
				 strerror(-rc));
		goto out;
	}
	c->streaming = true;
	*priv = c;
	return 0;
out:
	v4l2_cam_close(c);
	return rc;
}

static int requeue(struct v4l2_cam *c, unsigned index)
{
	struct v4l2_buffer b = {
		.index = index, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};

	return xioctl(c->fd, VIDIOC_QBUF, &b);
}

/*
 * A failed wait or dequeue: an unplugged camera fails everything with
 * ENODEV, or hangs up.
 */
static int grab_failed(int rc, short revents, char *err, size_t errlen)
{
	if (!rc || rc == -EAGAIN || rc == -EIO)
		rc = (revents & (POLLERR | POLLHUP)) ? -ENODEV : -EIO;
	snprintf(err, errlen, "camera: %s", rc == -ENODEV ?
		 "the camera is gone" : strerror(-rc));
	return rc;
}

/*
 * One filled buffer within the timeout. A buffer the driver flags as
 * damaged (a UVC payload error, a dropped packet) goes back to the queue
 * and the wait goes on: a torn frame must not reach the face pipeline.
 */
static int v4l2_cam_grab(void *priv, struct mncr_camera_raw *raw,
			 int timeout_ms, char *err, size_t errlen)
{
	struct v4l2_cam *c = priv;
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	struct v4l2_buffer b;
	struct timespec t0;
	long left;
	int r, rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		left = timeout_ms - mncr_camera_ms_since(&t0);
		r = left > 0 ? poll(&p, 1, (int)left) : 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			snprintf(err, errlen, "no frame within %d ms%s", timeout_ms,
				 raw->damaged ? " (only damaged ones)" : "");
			return -ETIMEDOUT;
		}
		memset(&b, 0, sizeof(b));
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = V4L2_MEMORY_MMAP;
		rc = r < 0 ? -errno : xioctl(c->fd, VIDIOC_DQBUF, &b);
		if (rc == -EAGAIN && !(p.revents & (POLLERR | POLLHUP)))
			continue;
		if (rc || b.index >= c->nbuf)
			return grab_failed(rc, p.revents, err, errlen);
		if (!(b.flags & V4L2_BUF_FLAG_ERROR))
			break;
		raw->damaged++;
		rc = requeue(c, b.index);
		if (rc)
			return grab_failed(rc, p.revents, err, errlen);
	}
	c->held = (int)b.index;
	raw->data = c->buf[b.index].start;
	raw->width = c->pix.width;
	raw->height = c->pix.height;
	raw->stride = c->pix.bytesperline;
	raw->fourcc = c->pix.pixelformat;
	return 0;
}

static void v4l2_cam_release(void *priv)
{
	struct v4l2_cam *c = priv;

	if (c->held < 0)
		return;
	requeue(c, (unsigned)c->held);
	c->held = -1;
}

const struct mncr_camera_ops mncr_camera_v4l2_ops = {
	.open = v4l2_cam_open,
	.grab = v4l2_cam_grab,
	.release = v4l2_cam_release,
	.close = v4l2_cam_close,
};
