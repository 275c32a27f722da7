// SPDX-License-Identifier: GPL-2.0-or-later
#include <endian.h>
#include <string.h>

#include <linux/usb/ch9.h>
#include <linux/usb/functionfs.h>

#include "ffs_descriptors.h"

#define EVENT_MAXPACKET	64

/* One speed's worth: the interface and its three endpoints. */
struct speed_descs {
	struct usb_interface_descriptor intf;
	struct usb_endpoint_descriptor_no_audio out;
	struct usb_endpoint_descriptor_no_audio in;
	struct usb_endpoint_descriptor_no_audio evt;
} __attribute__((packed));

struct descs_v2 {
	struct usb_functionfs_descs_head_v2 head;
	__le32 fs_count;
	__le32 hs_count;
	struct speed_descs fs;
	struct speed_descs hs;
} __attribute__((packed));

static void fill_speed(struct speed_descs *d, uint16_t bulk_max,
		       uint8_t evt_interval)
{
	d->intf = (struct usb_interface_descriptor) {
		.bLength = USB_DT_INTERFACE_SIZE,
		.bDescriptorType = USB_DT_INTERFACE,
		.bInterfaceNumber = 0,
		.bNumEndpoints = 3,
		.bInterfaceClass = USB_CLASS_VENDOR_SPEC,
		.bInterfaceSubClass = 0,
		.bInterfaceProtocol = 0,
		.iInterface = 1,	/* FunctionFS maps it to the real id */
	};
	/*
	 * Endpoint numbers here only order the files; the UDC picks the
	 * real addresses, so hosts find endpoints by type and direction.
	 */
	d->out = (struct usb_endpoint_descriptor_no_audio) {
		.bLength = USB_DT_ENDPOINT_SIZE,
		.bDescriptorType = USB_DT_ENDPOINT,
		.bEndpointAddress = 1 | USB_DIR_OUT,
		.bmAttributes = USB_ENDPOINT_XFER_BULK,
		.wMaxPacketSize = htole16(bulk_max),
	};
	d->in = d->out;
	d->in.bEndpointAddress = 2 | USB_DIR_IN;
	d->evt = (struct usb_endpoint_descriptor_no_audio) {
		.bLength = USB_DT_ENDPOINT_SIZE,
		.bDescriptorType = USB_DT_ENDPOINT,
		.bEndpointAddress = 3 | USB_DIR_IN,
		.bmAttributes = USB_ENDPOINT_XFER_INT,
		.wMaxPacketSize = htole16(EVENT_MAXPACKET),
		.bInterval = evt_interval,
	};
}

void ffs_build_descriptors(struct ffs_blob *blob)
{
	struct descs_v2 d;

	_Static_assert(sizeof(d) <= sizeof(blob->data), "descriptor blob");
	memset(&d, 0, sizeof(d));
	d.head.magic = htole32(FUNCTIONFS_DESCRIPTORS_MAGIC_V2);
	d.head.length = htole32(sizeof(d));
	d.head.flags = htole32(FUNCTIONFS_HAS_FS_DESC | FUNCTIONFS_HAS_HS_DESC);
	d.fs_count = htole32(4);
	d.hs_count = htole32(4);
	/* Events every 1 ms: full speed counts frames, high speed 2^(n-1) microframes. */
	fill_speed(&d.fs, 64, 1);
	fill_speed(&d.hs, 512, 4);
	memcpy(blob->data, &d, sizeof(d));
	blob->len = sizeof(d);
}

void ffs_build_strings(struct ffs_blob *blob)
{
	struct usb_functionfs_strings_head head;
	const uint16_t lang = htole16(0x0409);	/* en-US */
	size_t off = sizeof(head);

	memcpy(blob->data + off, &lang, sizeof(lang));
	off += sizeof(lang);
	memcpy(blob->data + off, FFS_INTERFACE_NAME, sizeof(FFS_INTERFACE_NAME));
	off += sizeof(FFS_INTERFACE_NAME);

	head.magic = htole32(FUNCTIONFS_STRINGS_MAGIC);
	head.length = htole32((uint32_t)off);
	head.str_count = htole32(1);
	head.lang_count = htole32(1);
	memcpy(blob->data, &head, sizeof(head));
	blob->len = off;
}
