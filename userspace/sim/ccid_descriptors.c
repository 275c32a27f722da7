// SPDX-License-Identifier: GPL-2.0-or-later
#include <endian.h>
#include <string.h>

#include <linux/usb/ch9.h>
#include <linux/usb/functionfs.h>

#include "card/ccid.h"
#include "ccid_descriptors.h"

#define NOTIFY_MAXPACKET	8

/* The class descriptor, CCID 1.1 table 5.1-1: 54 bytes, little endian. */
struct ccid_class_desc {
	uint8_t bLength, bDescriptorType;
	uint16_t bcdCCID;
	uint8_t bMaxSlotIndex, bVoltageSupport;
	uint32_t dwProtocols, dwDefaultClock, dwMaximumClock;
	uint8_t bNumClockSupported;
	uint32_t dwDataRate, dwMaxDataRate;
	uint8_t bNumDataRatesSupported;
	uint32_t dwMaxIFSD, dwSynchProtocols, dwMechanical, dwFeatures;
	uint32_t dwMaxCCIDMessageLength;
	uint8_t bClassGetResponse, bClassEnvelope;
	uint16_t wLcdLayout;
	uint8_t bPINSupport, bMaxCCIDBusySlots;
} __attribute__((packed));

struct speed_descs {
	struct usb_interface_descriptor intf;
	struct ccid_class_desc ccid;
	struct usb_endpoint_descriptor_no_audio out;
	struct usb_endpoint_descriptor_no_audio in;
	struct usb_endpoint_descriptor_no_audio notify;
} __attribute__((packed));

struct descs_v2 {
	struct usb_functionfs_descs_head_v2 head;
	__le32 fs_count;
	__le32 hs_count;
	struct speed_descs fs;
	struct speed_descs hs;
} __attribute__((packed));

_Static_assert(sizeof(struct ccid_class_desc) == MNCR_CCID_DESC_LEN,
	       "CCID class descriptor");

static void fill_class(struct ccid_class_desc *c)
{
	*c = (struct ccid_class_desc) {
		.bLength = MNCR_CCID_DESC_LEN,
		.bDescriptorType = MNCR_CCID_DESC_TYPE,
		.bcdCCID = htole16(0x0110),
		.bMaxSlotIndex = 0,
		.bVoltageSupport = 0x07,		/* 5 V, 3 V, 1.8 V */
		.dwProtocols = htole32(0x00000002),	/* T=1, as the card's ATR */
		.dwDefaultClock = htole32(3580),	/* kHz */
		.dwMaximumClock = htole32(3580),
		.dwDataRate = htole32(9600),
		.dwMaxDataRate = htole32(344086),
		.dwMaxIFSD = htole32(254),
		.dwFeatures = htole32(CCID_SIM_FEATURES),
		.dwMaxCCIDMessageLength = htole32(MNCR_CCID_MAX_MSG),
		/* APDU level: the reader answers GET RESPONSE and ENVELOPE itself. */
		.bClassGetResponse = 0xff,
		.bClassEnvelope = 0xff,
		.bMaxCCIDBusySlots = 1,
	};
}

static void fill_speed(struct speed_descs *d, uint16_t bulk_max,
		       uint8_t interval)
{
	d->intf = (struct usb_interface_descriptor) {
		.bLength = USB_DT_INTERFACE_SIZE,
		.bDescriptorType = USB_DT_INTERFACE,
		.bInterfaceNumber = 0,
		.bNumEndpoints = 3,
		.bInterfaceClass = MNCR_CCID_CLASS,
		.iInterface = 1,
	};
	fill_class(&d->ccid);
	d->out = (struct usb_endpoint_descriptor_no_audio) {
		.bLength = USB_DT_ENDPOINT_SIZE,
		.bDescriptorType = USB_DT_ENDPOINT,
		.bEndpointAddress = 1 | USB_DIR_OUT,
		.bmAttributes = USB_ENDPOINT_XFER_BULK,
		.wMaxPacketSize = htole16(bulk_max),
	};
	d->in = d->out;
	d->in.bEndpointAddress = 2 | USB_DIR_IN;
	d->notify = (struct usb_endpoint_descriptor_no_audio) {
		.bLength = USB_DT_ENDPOINT_SIZE,
		.bDescriptorType = USB_DT_ENDPOINT,
		.bEndpointAddress = 3 | USB_DIR_IN,
		.bmAttributes = USB_ENDPOINT_XFER_INT,
		.wMaxPacketSize = htole16(NOTIFY_MAXPACKET),
		.bInterval = interval,
	};
}

void ccid_class_descriptor(uint8_t out[MNCR_CCID_DESC_LEN])
{
	struct ccid_class_desc c;

	fill_class(&c);
	memcpy(out, &c, sizeof(c));
}

void ccid_build_descriptors(struct ffs_blob *blob)
{
	struct descs_v2 d;

	_Static_assert(sizeof(d) <= sizeof(blob->data), "descriptor blob");
	memset(&d, 0, sizeof(d));
	d.head.magic = htole32(FUNCTIONFS_DESCRIPTORS_MAGIC_V2);
	d.head.length = htole32(sizeof(d));
	d.head.flags = htole32(FUNCTIONFS_HAS_FS_DESC | FUNCTIONFS_HAS_HS_DESC);
	d.fs_count = htole32(5);
	d.hs_count = htole32(5);
	/* Slot changes are rare: poll every 16 ms (FS frames, HS 2^(n-1) µframes). */
	fill_speed(&d.fs, 64, 16);
	fill_speed(&d.hs, 512, 8);
	memcpy(blob->data, &d, sizeof(d));
	blob->len = sizeof(d);
}

void ccid_build_strings(struct ffs_blob *blob)
{
	struct usb_functionfs_strings_head head;
	const uint16_t lang = htole16(0x0409);
	size_t off = sizeof(head);

	memcpy(blob->data + off, &lang, sizeof(lang));
	off += sizeof(lang);
	memcpy(blob->data + off, CCID_INTERFACE_NAME, sizeof(CCID_INTERFACE_NAME));
	off += sizeof(CCID_INTERFACE_NAME);
	head.magic = htole32(FUNCTIONFS_STRINGS_MAGIC);
	head.length = htole32((uint32_t)off);
	head.str_count = htole32(1);
	head.lang_count = htole32(1);
	memcpy(blob->data, &head, sizeof(head));
	blob->len = off;
}
