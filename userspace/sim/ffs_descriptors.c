// SPDX-License-Identifier: GPL-2.0-or-later
#include <endian.h>
#include <string.h>

#include <linux/usb/ch9.h>
#include <linux/usb/functionfs.h>

#include "ffs_descriptors.h"

#define EVENT_MAXPACKET	64

/* Appends descriptors to a blob; counts them per speed. */
struct desc_writer {
	struct ffs_blob *blob;
	uint32_t count;
};

static void put(struct desc_writer *w, const void *d, size_t len)
{
	if (w->blob->len + len > sizeof(w->blob->data))
		return;	/* cannot happen: the _Static_assert below */
	memcpy(w->blob->data + w->blob->len, d, len);
	w->blob->len += len;
	w->count++;
}

static void put_intf(struct desc_writer *w, uint8_t num, uint8_t n_eps,
		     uint8_t subclass)
{
	struct usb_interface_descriptor d = {
		.bLength = USB_DT_INTERFACE_SIZE,
		.bDescriptorType = USB_DT_INTERFACE,
		.bInterfaceNumber = num,
		.bNumEndpoints = n_eps,
		.bInterfaceClass = USB_CLASS_VENDOR_SPEC,
		.bInterfaceSubClass = subclass,
		.bInterfaceProtocol = 0,
		.iInterface = num == 0,	/* FunctionFS maps it to the real id */
	};

	put(w, &d, sizeof(d));
}

static void put_ep(struct desc_writer *w, uint8_t addr, uint8_t type,
		   uint16_t maxp, uint8_t interval)
{
	struct usb_endpoint_descriptor_no_audio d = {
		.bLength = USB_DT_ENDPOINT_SIZE,
		.bDescriptorType = USB_DT_ENDPOINT,
		.bEndpointAddress = addr,
		.bmAttributes = type,
		.wMaxPacketSize = htole16(maxp),
		.bInterval = type == USB_ENDPOINT_XFER_INT ? interval : 0,
	};

	put(w, &d, sizeof(d));
}

/*
 * One speed's worth: interface 0 and its three endpoints, or for a
 * descriptor fault what the fault says. Endpoint numbers here only order
 * the files (ep1 commands, ep2 responses, ep3 events: the same order in
 * every kind); the UDC picks the real addresses, so hosts find endpoints
 * by type and direction. Returns the number of descriptors.
 */
static uint32_t put_speed(struct ffs_blob *blob, enum desc_fault kind,
			  uint16_t bulk_max, uint8_t evt_interval)
{
	struct desc_writer w = { .blob = blob };
	uint8_t in_type = USB_ENDPOINT_XFER_BULK;
	uint8_t evt_type = USB_ENDPOINT_XFER_INT;
	uint8_t evt_dir = USB_DIR_IN;
	uint16_t in_max = bulk_max, evt_max = EVENT_MAXPACKET;

	switch (kind) {
	case DESC_NO_BULK_IN:
		in_type = USB_ENDPOINT_XFER_INT;
		in_max = EVENT_MAXPACKET;
		break;
	case DESC_INT_AS_BULK:
		evt_type = USB_ENDPOINT_XFER_BULK;
		evt_max = bulk_max;
		break;
	case DESC_INT_OUT:
		evt_dir = USB_DIR_OUT;
		break;
	case DESC_TINY_MAXP:
		evt_max = 8;
		break;
	default:
		break;
	}

	if (kind == DESC_NO_ENDPOINTS) {
		/* interface 0 bare, the endpoints on a vendor interface 1 */
		put_intf(&w, 0, 0, 0);
		put_intf(&w, 1, 3, 0xff);
	} else {
		put_intf(&w, 0, kind == DESC_NO_INT ? 2 : 3, 0);
	}
	put_ep(&w, 1 | USB_DIR_OUT, USB_ENDPOINT_XFER_BULK, bulk_max, 0);
	put_ep(&w, 2 | USB_DIR_IN, in_type, in_max, evt_interval);
	if (kind == DESC_NO_INT)
		put_intf(&w, 1, 1, 0xff);
	put_ep(&w, 3 | evt_dir, evt_type, evt_max, evt_interval);
	return w.count;
}

void ffs_build_descriptors(struct ffs_blob *blob, enum desc_fault kind)
{
	struct usb_functionfs_descs_head_v2 head;
	__le32 counts[2];
	uint32_t fs, hs;
	size_t off = sizeof(head) + sizeof(counts);

	_Static_assert(sizeof(head) + sizeof(counts) +
		       2 * (2 * USB_DT_INTERFACE_SIZE + 3 * USB_DT_ENDPOINT_SIZE) <=
		       sizeof(blob->data), "descriptor blob");
	memset(blob, 0, sizeof(*blob));
	blob->len = off;
	/* Events every 1 ms: full speed counts frames, high speed 2^(n-1) microframes. */
	fs = put_speed(blob, kind, 64, 1);
	hs = put_speed(blob, kind, 512, 4);
	head.magic = htole32(FUNCTIONFS_DESCRIPTORS_MAGIC_V2);
	head.length = htole32((uint32_t)blob->len);
	head.flags = htole32(FUNCTIONFS_HAS_FS_DESC | FUNCTIONFS_HAS_HS_DESC);
	counts[0] = htole32(fs);
	counts[1] = htole32(hs);
	memcpy(blob->data, &head, sizeof(head));
	memcpy(blob->data + sizeof(head), counts, sizeof(counts));
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
