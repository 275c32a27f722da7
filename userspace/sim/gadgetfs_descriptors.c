// SPDX-License-Identifier: GPL-2.0-or-later
#include <endian.h>
#include <stdbool.h>
#include <string.h>

#include <linux/usb/functionfs.h>
#include <linux/usb/video.h>

#include "card/ccid.h"
#include "ccid_descriptors.h"
#include "ffs_descriptors.h"
#include "gadgetfs_descriptors.h"
#include "uvc_function.h"

#define VID		0x1209
#define PID		0x0001
#define EVENT_MAXPACKET	64
#define NOTIFY_MAXPACKET 8
#define UVC_CLOCK_HZ	48000000u

const struct gfs_ep_need gfs_ep_needs[GFS_EP_COUNT] = {
	[GFS_EP_CTL_OUT] = { USB_DIR_OUT, USB_ENDPOINT_XFER_BULK, "control commands" },
	[GFS_EP_CTL_IN] = { USB_DIR_IN, USB_ENDPOINT_XFER_BULK, "control responses" },
	[GFS_EP_CTL_INT] = { USB_DIR_IN, USB_ENDPOINT_XFER_INT, "control events" },
	[GFS_EP_CCID_OUT] = { USB_DIR_OUT, USB_ENDPOINT_XFER_BULK, "CCID bulk OUT" },
	[GFS_EP_CCID_IN] = { USB_DIR_IN, USB_ENDPOINT_XFER_BULK, "CCID bulk IN" },
	[GFS_EP_CCID_INT] = { USB_DIR_IN, USB_ENDPOINT_XFER_INT, "CCID notifications" },
	[GFS_EP_VIDEO_IN] = { USB_DIR_IN, USB_ENDPOINT_XFER_BULK, "video stream" },
};

/* Appends bytes; a descriptor set that does not fit is caught by the caller. */
struct buf {
	uint8_t *p;
	size_t len, cap;
};

static void put(struct buf *b, const void *d, size_t len)
{
	if (b->len + len <= b->cap)
		memcpy(b->p + b->len, d, len);
	b->len += len;
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_intf(struct buf *b, uint8_t num, uint8_t n_eps, uint8_t cls,
		     uint8_t subclass, uint8_t str)
{
	struct usb_interface_descriptor d = {
		.bLength = USB_DT_INTERFACE_SIZE,
		.bDescriptorType = USB_DT_INTERFACE,
		.bInterfaceNumber = num,
		.bNumEndpoints = n_eps,
		.bInterfaceClass = cls,
		.bInterfaceSubClass = subclass,
		.iInterface = str,
	};

	put(b, &d, sizeof(d));
}

static void ep_desc(struct usb_endpoint_descriptor_no_audio *d, enum gfs_ep ep,
		    uint8_t addr, bool high_speed)
{
	const struct gfs_ep_need *n = &gfs_ep_needs[ep];
	uint16_t maxp = high_speed ? 512 : 64;
	uint8_t interval = 0;

	if (n->type == USB_ENDPOINT_XFER_INT) {
		maxp = ep == GFS_EP_CTL_INT ? EVENT_MAXPACKET : NOTIFY_MAXPACKET;
		/* As the FunctionFS functions: events every 1 ms, slot changes 16 ms. */
		if (ep == GFS_EP_CTL_INT)
			interval = high_speed ? 4 : 1;
		else
			interval = high_speed ? 8 : 16;
	}
	*d = (struct usb_endpoint_descriptor_no_audio) {
		.bLength = USB_DT_ENDPOINT_SIZE,
		.bDescriptorType = USB_DT_ENDPOINT,
		.bEndpointAddress = addr,
		.bmAttributes = n->type,
		.wMaxPacketSize = htole16(maxp),
		.bInterval = interval,
	};
}

static void put_ep(struct buf *b, enum gfs_ep ep, const uint8_t addr[],
		   bool high_speed)
{
	struct usb_endpoint_descriptor_no_audio d;

	ep_desc(&d, ep, addr[ep], high_speed);
	put(b, &d, sizeof(d));
}

/* UVC 1.1 VideoControl: header, camera terminal (1), output terminal (2). */
static void put_video_control(struct buf *b)
{
	uint8_t hdr[UVC_DT_HEADER_SIZE(1)] = {
		sizeof(hdr), USB_DT_CS_INTERFACE, UVC_VC_HEADER,
	};
	uint8_t cam[UVC_DT_CAMERA_TERMINAL_SIZE(0)] = {
		sizeof(cam), USB_DT_CS_INTERFACE, UVC_VC_INPUT_TERMINAL, 1,
	};
	uint8_t out[UVC_DT_OUTPUT_TERMINAL_SIZE] = {
		sizeof(out), USB_DT_CS_INTERFACE, UVC_VC_OUTPUT_TERMINAL, 2,
	};

	put_le16(hdr + 3, 0x0110);
	put_le16(hdr + 5, sizeof(hdr) + sizeof(cam) + sizeof(out));
	put_le32(hdr + 7, UVC_CLOCK_HZ);
	hdr[11] = 1;				/* bInCollection */
	hdr[12] = GFS_IF_VIDEO_STREAMING;
	put_le16(cam + 4, UVC_ITT_CAMERA);	/* no controls: bControlSize 0 */
	put_le16(out + 4, UVC_TT_STREAMING);
	out[7] = 1;				/* bSourceID: the camera */
	put_intf(b, GFS_IF_VIDEO_CONTROL, 0, USB_CLASS_VIDEO, UVC_SC_VIDEOCONTROL,
		 GFS_STR_CAMERA);
	put(b, hdr, sizeof(hdr));
	put(b, cam, sizeof(cam));
	put(b, out, sizeof(out));
}

/* UVC 1.1 VideoStreaming: input header, YUY2 format, one frame, the bulk endpoint. */
static void put_video_streaming(struct buf *b, const uint8_t addr[],
				bool high_speed)
{
	static const uint8_t yuy2[16] = {
		'Y', 'U', 'Y', '2', 0x00, 0x00, 0x10, 0x00,
		0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71,
	};
	uint8_t hdr[UVC_DT_INPUT_HEADER_SIZE(1, 0)] = {
		sizeof(hdr), USB_DT_CS_INTERFACE, UVC_VS_INPUT_HEADER, 1,
	};
	uint8_t fmt[UVC_DT_FORMAT_UNCOMPRESSED_SIZE] = {
		sizeof(fmt), USB_DT_CS_INTERFACE, UVC_VS_FORMAT_UNCOMPRESSED,
		1, 1,
	};
	uint8_t frm[UVC_DT_FRAME_UNCOMPRESSED_SIZE(1)] = {
		sizeof(frm), USB_DT_CS_INTERFACE, UVC_VS_FRAME_UNCOMPRESSED, 1,
	};
	uint32_t bits = UVC_FRAME_BYTES * 8u * UVC_FPS;

	put_le16(hdr + 4, sizeof(hdr) + sizeof(fmt) + sizeof(frm));
	hdr[6] = addr[GFS_EP_VIDEO_IN];
	hdr[8] = 2;				/* bTerminalLink: output terminal */
	memcpy(fmt + 5, yuy2, sizeof(yuy2));
	fmt[21] = 16;				/* bBitsPerPixel */
	fmt[22] = 1;				/* bDefaultFrameIndex */
	put_le16(frm + 5, UVC_WIDTH);
	put_le16(frm + 7, UVC_HEIGHT);
	put_le32(frm + 9, bits);
	put_le32(frm + 13, bits);
	/* uvcvideo drops an uncompressed frame of any other length. */
	put_le32(frm + 17, UVC_FRAME_BYTES);
	put_le32(frm + 21, UVC_INTERVAL_100NS);
	frm[25] = 1;				/* one discrete interval */
	put_le32(frm + 26, UVC_INTERVAL_100NS);
	put_intf(b, GFS_IF_VIDEO_STREAMING, 1, USB_CLASS_VIDEO,
		 UVC_SC_VIDEOSTREAMING, 0);
	put(b, hdr, sizeof(hdr));
	put(b, fmt, sizeof(fmt));
	put(b, frm, sizeof(frm));
	put_ep(b, GFS_EP_VIDEO_IN, addr, high_speed);
}

static size_t put_config(struct buf *b, const uint8_t addr[], bool high_speed)
{
	size_t start = b->len;
	uint8_t ccid[MNCR_CCID_DESC_LEN];
	struct usb_config_descriptor c = {
		.bLength = USB_DT_CONFIG_SIZE,
		.bDescriptorType = USB_DT_CONFIG,
		.bNumInterfaces = GFS_INTERFACES,
		.bConfigurationValue = 1,
		.bmAttributes = USB_CONFIG_ATT_ONE,
		.bMaxPower = 50,			/* 100 mA */
	};

	put(b, &c, sizeof(c));
	put_intf(b, GFS_IF_CONTROL, 3, USB_CLASS_VENDOR_SPEC, 0, GFS_STR_CONTROL);
	put_ep(b, GFS_EP_CTL_OUT, addr, high_speed);
	put_ep(b, GFS_EP_CTL_IN, addr, high_speed);
	put_ep(b, GFS_EP_CTL_INT, addr, high_speed);
	put_intf(b, GFS_IF_CCID, 3, MNCR_CCID_CLASS, 0, GFS_STR_CCID);
	ccid_class_descriptor(ccid);
	put(b, ccid, sizeof(ccid));
	put_ep(b, GFS_EP_CCID_OUT, addr, high_speed);
	put_ep(b, GFS_EP_CCID_IN, addr, high_speed);
	put_ep(b, GFS_EP_CCID_INT, addr, high_speed);
	put_video_control(b);
	put_video_streaming(b, addr, high_speed);
	if (b->len - start > GFS_CONFIG_MAX || b->len > b->cap)
		return 0;
	put_le16(b->p + start + 2, (uint16_t)(b->len - start));
	return b->len - start;
}

size_t gfs_build_device(uint8_t *out, size_t len,
			const uint8_t addr[GFS_EP_COUNT],
			const struct gfs_identity *id)
{
	struct buf b = { out, 0, len };
	const uint32_t tag = 0;
	struct usb_device_descriptor d = {
		.bLength = USB_DT_DEVICE_SIZE,
		.bDescriptorType = USB_DT_DEVICE,
		.bcdUSB = htole16(0x0200),
		.bMaxPacketSize0 = 64,
		.idVendor = htole16(VID),
		.idProduct = htole16(PID),
		.bcdDevice = htole16(id->bcd_device),
		.iManufacturer = GFS_STR_MANUFACTURER,
		.iProduct = GFS_STR_PRODUCT,
		.iSerialNumber = GFS_STR_SERIAL,
		.bNumConfigurations = 1,
	};

	put(&b, &tag, sizeof(tag));
	if (!put_config(&b, addr, false) || !put_config(&b, addr, true))
		return 0;
	put(&b, &d, sizeof(d));
	return b.len <= len ? b.len : 0;
}

size_t gfs_build_ep_config(uint8_t out[GFS_EP_CONFIG_LEN], enum gfs_ep ep,
			   uint8_t addr)
{
	struct usb_endpoint_descriptor_no_audio d;
	const uint32_t tag = 1;

	memcpy(out, &tag, sizeof(tag));
	ep_desc(&d, ep, addr, false);
	memcpy(out + 4, &d, sizeof(d));
	ep_desc(&d, ep, addr, true);
	memcpy(out + 4 + sizeof(d), &d, sizeof(d));
	return GFS_EP_CONFIG_LEN;
}

size_t gfs_build_string(uint8_t *out, size_t len, unsigned id,
			const struct gfs_identity *id_info)
{
	const char *s;
	size_t n = 2;

	switch (id) {
	case 0:
		if (len < 4)
			return 0;
		out[0] = 4;
		out[1] = USB_DT_STRING;
		put_le16(out + 2, 0x0409);
		return 4;
	case GFS_STR_MANUFACTURER:
		s = "mncr";
		break;
	case GFS_STR_PRODUCT:
		s = "mncr simulated face-recognition card reader";
		break;
	case GFS_STR_SERIAL:
		s = id_info->serial;
		break;
	case GFS_STR_CONTROL:
		s = FFS_INTERFACE_NAME;
		break;
	case GFS_STR_CCID:
		s = CCID_INTERFACE_NAME;
		break;
	case GFS_STR_CAMERA:
		s = UVC_INTERFACE_NAME;
		break;
	default:
		return 0;
	}
	/* ASCII only: one UTF-16LE unit each. */
	for (; *s && n + 2 <= len && n + 2 <= 255; s++, n += 2)
		put_le16(out + n, (uint8_t)*s);
	if (len < 2)
		return 0;
	out[0] = (uint8_t)n;
	out[1] = USB_DT_STRING;
	return n;
}
