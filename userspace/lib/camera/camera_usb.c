// SPDX-License-Identifier: LGPL-2.1-or-later
/* The simulator's camera interface through libusb (camera_stream.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libusb.h>
#include <linux/videodev2.h>

#include "camera/camera_backend.h"
#include "camera/camera_stream.h"

/* The largest frame we take; bigger ones are refused by the header check. */
#define FRAME_MAX	(MNCR_CAM_HDR_LEN + 1280 * 1024)
#define RESYNC_TRIES	3

struct usb_cam {
	libusb_context *ctx;
	libusb_device_handle *h;
	int ifnum;
	bool claimed;
	unsigned char ep;
	uint8_t *frame;
};

static void usb_cam_close(void *priv)
{
	struct usb_cam *c = priv;

	if (!c)
		return;
	if (c->claimed)
		libusb_release_interface(c->h, c->ifnum);
	if (c->h)
		libusb_close(c->h);
	if (c->ctx)
		libusb_exit(c->ctx);
	free(c->frame);
	free(c);
}

static int usb_errno(int r)
{
	switch (r) {
	case LIBUSB_ERROR_TIMEOUT: return -ETIMEDOUT;
	case LIBUSB_ERROR_NO_DEVICE: return -ENODEV;
	case LIBUSB_ERROR_NOT_FOUND: return -ENODEV;
	case LIBUSB_ERROR_ACCESS: return -EACCES;
	case LIBUSB_ERROR_BUSY: return -EBUSY;
	case LIBUSB_ERROR_NO_MEM: return -ENOMEM;
	default: return -EIO;
	}
}

static libusb_device_handle *open_addr(libusb_context *ctx, unsigned bus,
				       unsigned addr, int *rc)
{
	libusb_device **list;
	libusb_device_handle *h = NULL;
	ssize_t n = libusb_get_device_list(ctx, &list);

	*rc = -ENODEV;
	for (ssize_t i = 0; i < n; i++) {
		if (libusb_get_bus_number(list[i]) == bus &&
		    libusb_get_device_address(list[i]) == addr) {
			int r = libusb_open(list[i], &h);

			*rc = r ? usb_errno(r) : 0;
			break;
		}
	}
	if (n >= 0)
		libusb_free_device_list(list, 1);
	return h;
}

/* The interface's bulk IN endpoint, 0 when it has none. */
static unsigned char bulk_in(libusb_device_handle *h, int ifnum)
{
	struct libusb_config_descriptor *cfg;
	unsigned char ep = 0;

	if (libusb_get_active_config_descriptor(libusb_get_device(h), &cfg))
		return 0;
	for (int i = 0; i < cfg->bNumInterfaces && !ep; i++) {
		const struct libusb_interface_descriptor *a = cfg->interface[i].altsetting;

		if (!cfg->interface[i].num_altsetting || a->bInterfaceNumber != ifnum)
			continue;
		for (int e = 0; e < a->bNumEndpoints; e++)
			if ((a->endpoint[e].bEndpointAddress & LIBUSB_ENDPOINT_IN) &&
			    (a->endpoint[e].bmAttributes & 3) == LIBUSB_TRANSFER_TYPE_BULK) {
				ep = a->endpoint[e].bEndpointAddress;
				break;
			}
	}
	libusb_free_config_descriptor(cfg);
	return ep;
}

static int usb_cam_open(void **priv, const char *node, unsigned width,
			unsigned height, char *err, size_t errlen)
{
	struct usb_cam *c = calloc(1, sizeof(*c));
	unsigned bus, addr, ifnum;
	char end;
	int rc, r;

	(void)width;
	(void)height;
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (sscanf(node, "usb:%u:%u:%u%c", &bus, &addr, &ifnum, &end) != 3 ||
	    ifnum > 255) {
		snprintf(err, errlen, "%s: not usb:BUS:DEVICE:INTERFACE", node);
		rc = -EINVAL;
		goto out;
	}
	c->ifnum = (int)ifnum;
	c->frame = malloc(FRAME_MAX);
	r = libusb_init(&c->ctx);
	if (!c->frame || r) {
		snprintf(err, errlen, "libusb: %s", r ? libusb_strerror(r) : "out of memory");
		rc = r ? -EIO : -ENOMEM;
		goto out;
	}
	c->h = open_addr(c->ctx, bus, addr, &rc);
	if (!c->h) {
		snprintf(err, errlen, "%s: %s", node, rc == -EACCES ?
			 "permission denied" : "no such USB device");
		goto out;
	}
	c->ep = bulk_in(c->h, c->ifnum);
	if (!c->ep) {
		snprintf(err, errlen, "%s: interface %u has no bulk IN endpoint",
			 node, ifnum);
		rc = -ENODEV;
		goto out;
	}
	r = libusb_claim_interface(c->h, c->ifnum);
	if (r) {
		rc = usb_errno(r);
		snprintf(err, errlen, "%s: cannot claim interface %u: %s", node,
			 ifnum, libusb_strerror(r));
		goto out;
	}
	c->claimed = true;
	*priv = c;
	return 0;
out:
	usb_cam_close(c);
	return rc;
}

/*
 * An unplug fails the transfer in flight with an I/O error before the
 * hub thread has removed the device, which on a loaded host can take
 * seconds: the error is only an I/O error if the device is still there
 * five seconds later.
 */
static int io_or_gone(struct usb_cam *c)
{
	const struct timespec pause = { 0, 100 * 1000000 };
	int cfg = 0;

	for (int i = 0; i < 50; i++) {
		if (libusb_get_configuration(c->h, &cfg) == LIBUSB_ERROR_NO_DEVICE)
			return -ENODEV;
		nanosleep(&pause, NULL);
	}
	return cfg > 0 ? -EIO : -ENODEV;
}

static int usb_cam_grab(void *priv, struct mncr_camera_raw *raw,
			int timeout_ms, char *err, size_t errlen)
{
	struct usb_cam *c = priv;
	struct mncr_cam_frame_hdr hdr;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* A read cut short (timeout) leaves the rest of a frame: skip it. */
	for (int i = 0; i < RESYNC_TRIES; i++) {
		long left = timeout_ms - mncr_camera_ms_since(&t0);
		int got = 0, r;

		if (left <= 0)
			break;
		r = libusb_bulk_transfer(c->h, c->ep, c->frame, FRAME_MAX, &got,
					 (unsigned)left);
		if (r == LIBUSB_ERROR_TIMEOUT)
			break;
		if (r) {
			int rc = r == LIBUSB_ERROR_IO ? io_or_gone(c) : usb_errno(r);

			snprintf(err, errlen, "camera: %s", rc == -ENODEV ?
				 "the camera is gone" : libusb_strerror(r));
			return rc;
		}
		if (mncr_cam_hdr_decode(c->frame, (size_t)got, &hdr) == 0) {
			raw->data = c->frame + MNCR_CAM_HDR_LEN;
			raw->width = hdr.width;
			raw->height = hdr.height;
			raw->stride = hdr.width;
			raw->fourcc = V4L2_PIX_FMT_GREY;
			return 0;
		}
		if (i == RESYNC_TRIES - 1) {
			snprintf(err, errlen, "camera: %d bytes that are not a frame", got);
			return -EPROTO;
		}
		raw->damaged++;
	}
	snprintf(err, errlen, "no frame within %d ms", timeout_ms);
	return -ETIMEDOUT;
}

static void usb_cam_release(void *priv)
{
	(void)priv;
}

const struct mncr_camera_ops mncr_camera_usb_ops = {
	.open = usb_cam_open,
	.grab = usb_cam_grab,
	.release = usb_cam_release,
	.close = usb_cam_close,
};
