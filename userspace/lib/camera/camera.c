// SPDX-License-Identifier: LGPL-2.1-or-later
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <linux/videodev2.h>

#include "camera/camera.h"
#include "camera/camera_backend.h"
#include "camera/camera_stream.h"

struct mncr_camera {
	const struct mncr_camera_ops *ops;
	void *priv;
	unsigned width, height;		/* what grab returns, 0: as received */
	unsigned damaged;		/* frames the transport skipped */
};

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* Reads a short sysfs attribute without its newline; "" when absent. */
static void read_attr(const char *dir, const char *name, char *out, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	out[0] = '\0';
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return;
	f = fopen(path, "r");
	if (!f)
		return;
	if (!fgets(out, (int)len, f))
		out[0] = '\0';
	fclose(f);
	out[strcspn(out, "\n")] = '\0';
}

/* The first videoN (lowest N) under intf/video4linux with index 0. */
static int v4l2_node(const char *intf, char *out, size_t len)
{
	char dir[PATH_MAX], sub[PATH_MAX], idx[16];
	struct dirent **ents;
	int n, found = -1;

	if (snprintf(dir, sizeof(dir), "%s/video4linux", intf) >= (int)sizeof(dir))
		return -1;
	n = scandir(dir, &ents, NULL, versionsort);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (found < 0 && strncmp(ents[i]->d_name, "video", 5) == 0 &&
		    snprintf(sub, sizeof(sub), "%s/%s", dir, ents[i]->d_name) <
		    (int)sizeof(sub)) {
			read_attr(sub, "index", idx, sizeof(idx));
			if ((!idx[0] || strcmp(idx, "0") == 0) &&
			    snprintf(out, len, "/dev/%s", ents[i]->d_name) < (int)len)
				found = i;
		}
		free(ents[i]);
	}
	free(ents);
	return found < 0 ? -1 : 0;
}

static bool sim_camera(const char *intf)
{
	char cls[8], sub[8], proto[8], name[64];

	read_attr(intf, "bInterfaceClass", cls, sizeof(cls));
	read_attr(intf, "bInterfaceSubClass", sub, sizeof(sub));
	read_attr(intf, "bInterfaceProtocol", proto, sizeof(proto));
	read_attr(intf, "interface", name, sizeof(name));
	return strtoul(cls, NULL, 16) == MNCR_CAM_IF_CLASS && cls[0] &&
	       strtoul(sub, NULL, 16) == MNCR_CAM_IF_SUBCLASS &&
	       strtoul(proto, NULL, 16) == MNCR_CAM_IF_PROTOCOL &&
	       strcmp(name, MNCR_CAM_IF_NAME) == 0;
}

int mncr_camera_find_in(const char *sysfs_root, const char *mncr_node,
			char *video_node, size_t len, char *err, size_t errlen)
{
	char real[PATH_MAX], name[NAME_MAX + 1], link[PATH_MAX], usbdev[PATH_MAX];
	char intf[PATH_MAX], sim[64] = "", devname[NAME_MAX + 1];
	char bus[16], dev[16], ifnum[16];
	struct dirent **ents;
	bool v4l2 = false;
	size_t plen;
	int n;

	if (!mncr_node || !video_node || !len)
		return fail(err, errlen, -EINVAL, "no node given");
	if (!sysfs_root)
		sysfs_root = "/sys";
	/* /dev/mncr/by-serial/S is a link to /dev/mncrN. */
	if (!realpath(mncr_node, real))
		snprintf(real, sizeof(real), "%s", mncr_node);
	snprintf(name, sizeof(name), "%s", basename(real));
	if (strncmp(name, "mncr", 4) || !name[4])
		return fail(err, errlen, -ENODEV, "%s: not an mncr node", mncr_node);
	if (snprintf(link, sizeof(link), "%s/class/mncr/%s/device", sysfs_root,
		     name) >= (int)sizeof(link) || !realpath(link, usbdev))
		return fail(err, errlen, -ENODEV, "%s: no reader %s in sysfs",
			    mncr_node, name);
	/* device is the USB interface; its parent the USB device. */
	snprintf(devname, sizeof(devname), "%s", basename(dirname(usbdev)));
	plen = strlen(devname);
	n = scandir(usbdev, &ents, NULL, versionsort);
	if (n < 0)
		return fail(err, errlen, -ENODEV, "%s: %s", usbdev, strerror(errno));
	for (int i = 0; i < n; i++) {
		const char *e = ents[i]->d_name;

		if (!v4l2 && strncmp(e, devname, plen) == 0 && e[plen] == ':' &&
		    snprintf(intf, sizeof(intf), "%s/%s", usbdev, e) < (int)sizeof(intf)) {
			if (v4l2_node(intf, video_node, len) == 0) {
				v4l2 = true;
			} else if (!sim[0] && sim_camera(intf)) {
				read_attr(usbdev, "busnum", bus, sizeof(bus));
				read_attr(usbdev, "devnum", dev, sizeof(dev));
				read_attr(intf, "bInterfaceNumber", ifnum, sizeof(ifnum));
				snprintf(sim, sizeof(sim), "usb:%lu:%lu:%lu",
					 strtoul(bus, NULL, 10), strtoul(dev, NULL, 10),
					 strtoul(ifnum, NULL, 16));
			}
		}
		free(ents[i]);
	}
	free(ents);
	if (v4l2)
		return 0;
	if (!sim[0])
		return fail(err, errlen, -ENOENT, "%s: the reader (USB %s) has no camera interface",
			    mncr_node, devname);
	if (snprintf(video_node, len, "%s", sim) >= (int)len)
		return fail(err, errlen, -ENAMETOOLONG, "buffer too small for %s", sim);
	return 0;
}

int mncr_camera_find(const char *mncr_node, char *video_node, size_t len,
		     char *err, size_t errlen)
{
	return mncr_camera_find_in(NULL, mncr_node, video_node, len, err, errlen);
}

int mncr_camera_open(const char *video_node, unsigned int width,
		     unsigned int height, struct mncr_camera **out, char *err,
		     size_t errlen)
{
	struct mncr_camera *cam;
	int rc;

	*out = NULL;
	if (!video_node || width > MNCR_CAM_MAX_SIDE || height > MNCR_CAM_MAX_SIDE ||
	    (!width) != (!height))
		return fail(err, errlen, -EINVAL, "bad camera node or size");
	cam = calloc(1, sizeof(*cam));
	if (!cam)
		return fail(err, errlen, -ENOMEM, "out of memory");
	cam->ops = strncmp(video_node, "usb:", 4) == 0 ? &mncr_camera_usb_ops :
							 &mncr_camera_v4l2_ops;
	cam->width = width;
	cam->height = height;
	rc = cam->ops->open(&cam->priv, video_node, width, height, err, errlen);
	if (rc) {
		free(cam);
		return rc;
	}
	*out = cam;
	return 0;
}

void mncr_camera_yuyv_to_grey(const uint8_t *src, unsigned width,
			      unsigned height, size_t stride, uint8_t *dst)
{
	for (unsigned y = 0; y < height; y++) {
		const uint8_t *row = src + y * stride;

		for (unsigned x = 0; x < width; x++)
			dst[(size_t)y * width + x] = row[2 * x];
	}
}

/* The raw frame's luma, width x height. */
static void to_grey(const struct mncr_camera_raw *raw, uint8_t *dst)
{
	if (raw->fourcc == V4L2_PIX_FMT_YUYV) {
		mncr_camera_yuyv_to_grey(raw->data, raw->width, raw->height,
					 raw->stride, dst);
		return;
	}
	/* GREY, or YUV420's first plane. */
	for (unsigned y = 0; y < raw->height; y++)
		memcpy(dst + (size_t)y * raw->width, raw->data + y * raw->stride,
		       raw->width);
}

int mncr_camera_grab(struct mncr_camera *cam, struct mncr_face_image *grey,
		     int timeout_ms, char *err, size_t errlen)
{
	struct mncr_face_image full = { 0, 0, NULL };
	struct mncr_camera_raw raw;
	unsigned w, h;
	int rc;

	if (!cam || !grey)
		return fail(err, errlen, -EINVAL, "no camera or image");
	grey->px = NULL;
	raw.damaged = 0;
	rc = cam->ops->grab(cam->priv, &raw, timeout_ms, err, errlen);
	cam->damaged += raw.damaged;
	if (rc)
		return rc;
	w = cam->width ? cam->width : raw.width;
	h = cam->height ? cam->height : raw.height;
	if (mncr_face_image_alloc(&full, (int)raw.width, (int)raw.height)) {
		cam->ops->release(cam->priv);
		return fail(err, errlen, -ENOMEM, "out of memory");
	}
	to_grey(&raw, full.px);
	cam->ops->release(cam->priv);
	if (w == raw.width && h == raw.height) {
		*grey = full;
		return 0;
	}
	rc = mncr_face_image_alloc(grey, (int)w, (int)h);
	if (!rc)
		rc = mncr_face_image_resample(&full, 0, 0, full.w, full.h, grey);
	mncr_face_image_free(&full);
	if (rc) {
		mncr_face_image_free(grey);
		return fail(err, errlen, rc, "cannot scale the frame to %ux%u", w, h);
	}
	return 0;
}

unsigned int mncr_camera_damaged(const struct mncr_camera *cam)
{
	return cam ? cam->damaged : 0;
}

void mncr_camera_close(struct mncr_camera *cam)
{
	if (!cam)
		return;
	cam->ops->close(cam->priv);
	free(cam);
}

long mncr_camera_ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 +
	       (now.tv_nsec - t0->tv_nsec) / 1000000;
}

int mncr_camera_probe(const char *mncr_node, char *node, size_t len,
		      char *why, size_t whylen)
{
	struct mncr_camera *cam = NULL;
	struct mncr_face_image img = { 0 };
	struct timespec t0, t1;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = mncr_camera_find(mncr_node, node, len, why, whylen);
	if (ret == 0)
		ret = mncr_camera_open(node, 0, 0, &cam, why, whylen);
	if (ret == 0)
		ret = mncr_camera_grab(cam, &img, 15000, why, whylen);
	if (ret == 0) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		snprintf(why, whylen, "one %dx%d frame in %.0f ms", img.w, img.h,
			 (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			 (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	}
	mncr_face_image_free(&img);
	if (cam)
		mncr_camera_close(cam);
	return ret;
}
