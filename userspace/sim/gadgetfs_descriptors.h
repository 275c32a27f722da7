/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The whole reader as one USB device, for GadgetFS: device descriptor and
 * one configuration (full and high speed) with four interfaces:
 *   0  vendor control: bulk OUT commands, bulk IN responses, interrupt IN
 *      events (as the FunctionFS control function has them)
 *   1  CCID: bulk OUT, bulk IN, interrupt IN, the 54-byte class descriptor
 *   2  UVC 1.1 VideoControl: camera terminal -> streaming output terminal
 *   3  UVC 1.1 VideoStreaming: YUY2 640x480 at 15 fps, one bulk IN
 * GadgetFS answers GET_DESCRIPTOR(CONFIG) with at most 256 bytes and no
 * ZLP, so the set is kept at 255: no IAD, no processing unit, no VC
 * interrupt endpoint, zero-sized control bitmaps (uvcvideo accepts all).
 */
#ifndef MNCR_SIM_GADGETFS_DESCRIPTORS_H
#define MNCR_SIM_GADGETFS_DESCRIPTORS_H

#include <stddef.h>
#include <stdint.h>

#include <linux/usb/ch9.h>

#define GFS_CONFIG_MAX		256	/* GadgetFS's IN control limit */

#define GFS_IF_CONTROL		0
#define GFS_IF_CCID		1
#define GFS_IF_VIDEO_CONTROL	2
#define GFS_IF_VIDEO_STREAMING	3
#define GFS_INTERFACES		4

/* String ids we serve (GadgetFS passes GET_DESCRIPTOR(STRING) to us). */
enum gfs_string {
	GFS_STR_MANUFACTURER = 1,
	GFS_STR_PRODUCT,
	GFS_STR_SERIAL,
	GFS_STR_CONTROL,
	GFS_STR_CCID,
	GFS_STR_CAMERA,
	GFS_STR_COUNT
};

/* The endpoints, in the order the simulator's functions use them. */
enum gfs_ep {
	GFS_EP_CTL_OUT,
	GFS_EP_CTL_IN,
	GFS_EP_CTL_INT,
	GFS_EP_CCID_OUT,
	GFS_EP_CCID_IN,
	GFS_EP_CCID_INT,
	GFS_EP_VIDEO_IN,
	GFS_EP_COUNT
};

/* What each endpoint must be: the UDC's endpoint files are matched to it. */
struct gfs_ep_need {
	uint8_t dir;		/* USB_DIR_IN or USB_DIR_OUT */
	uint8_t type;		/* USB_ENDPOINT_XFER_BULK or _INT */
	const char *what;	/* for messages */
};

extern const struct gfs_ep_need gfs_ep_needs[GFS_EP_COUNT];

struct gfs_identity {
	const char *serial;
	uint16_t bcd_device;
};

/*
 * The first write to the GadgetFS device file: tag 0, the full-speed
 * configuration, the high-speed one, the device descriptor. addr[] holds
 * the endpoint address the UDC gives each endpoint. Returns the length,
 * or 0 when it does not fit in out (it always does in GFS_BLOB_MAX).
 */
#define GFS_BLOB_MAX	(4 + 2 * GFS_CONFIG_MAX + USB_DT_DEVICE_SIZE)
size_t gfs_build_device(uint8_t *out, size_t len,
			const uint8_t addr[GFS_EP_COUNT],
			const struct gfs_identity *id);

/*
 * The write that configures an endpoint file: tag 1, its full-speed and
 * high-speed endpoint descriptors. Returns the length (4 + 2 * 7).
 */
#define GFS_EP_CONFIG_LEN	(4 + 2 * USB_DT_ENDPOINT_SIZE)
size_t gfs_build_ep_config(uint8_t out[GFS_EP_CONFIG_LEN], enum gfs_ep ep,
			   uint8_t addr);

/*
 * GET_DESCRIPTOR(STRING id) for language 0x0409: the UTF-16LE descriptor
 * in out (at most len bytes). Id 0 is the language list. Returns the
 * length, or 0 for an id we do not have.
 */
size_t gfs_build_string(uint8_t *out, size_t len, unsigned id,
			const struct gfs_identity *id_info);

#endif
