// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libusb.h>
#include <openssl/crypto.h>

#include "card/ccid.h"
#include "util/clock_ms.h"

#define READER_VID	0x1209
#define READER_PID	0x0001
#define DEFAULT_TIMEOUT_MS	5000
/* A card that still asks for time after this is stuck: give up on it. */
#define MAX_BUSY_MS		60000

static uint32_t get_le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

size_t mncr_ccid_encode(uint8_t *out, size_t cap, uint8_t type, uint8_t slot,
			uint8_t seq, const uint8_t p[3], const uint8_t *data,
			size_t len)
{
	if (len > MNCR_CCID_MAX_MSG - MNCR_CCID_HDR_LEN ||
	    cap < MNCR_CCID_HDR_LEN || len > cap - MNCR_CCID_HDR_LEN)
		return 0;
	out[0] = type;
	out[1] = (uint8_t)len;
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)(len >> 16);
	out[4] = (uint8_t)(len >> 24);
	out[5] = slot;
	out[6] = seq;
	if (p)
		memcpy(out + 7, p, 3);
	else
		memset(out + 7, 0, 3);
	if (len)
		memcpy(out + MNCR_CCID_HDR_LEN, data, len);
	return MNCR_CCID_HDR_LEN + len;
}

int mncr_ccid_parse(const uint8_t *buf, size_t n, struct mncr_ccid_msg *m)
{
	uint32_t len;

	if (!buf || n < MNCR_CCID_HDR_LEN)
		return -EBADMSG;
	len = get_le32(buf + 1);
	/* Compare without adding: dwLength comes from the other side. */
	if (len != n - MNCR_CCID_HDR_LEN)
		return -EBADMSG;
	m->type = buf[0];
	m->length = len;
	m->slot = buf[5];
	m->seq = buf[6];
	memcpy(m->p, buf + 7, 3);
	m->data = buf + MNCR_CCID_HDR_LEN;
	return 0;
}

int mncr_ccid_check_reply(const struct mncr_ccid_msg *m, uint8_t reply_type,
			  uint8_t slot, uint8_t seq)
{
	uint8_t status = m->p[0], err = m->p[1];

	if (m->type != reply_type || m->slot != slot || m->seq != seq)
		return -EPROTO;
	switch (status & 0xc0) {
	case CCID_CMD_OK:
		return (status & 3) == 3 ? -EPROTO : 0;
	case CCID_CMD_TIME_EXT:
		return -EAGAIN;
	case CCID_CMD_FAILED:
		break;
	default:
		return -EPROTO;
	}
	if ((status & 3) == CCID_ICC_ABSENT)
		return -ENOMEDIUM;
	switch (err) {
	case CCID_ERR_ICC_MUTE:
		return (status & 3) == CCID_ICC_INACTIVE ? -ENOTCONN : -ETIMEDOUT;
	case CCID_ERR_CMD_ABORTED:
		return -ECANCELED;
	case CCID_ERR_SLOT_BUSY:
		return -EBUSY;
	case CCID_ERR_CMD_UNSUPP:
		return -EOPNOTSUPP;
	default:
		return -EIO;
	}
}

int mncr_ccid_parse_notify(const uint8_t *buf, size_t n, bool *present,
			   bool *changed)
{
	if (!buf || n < 2 || buf[0] != CCID_RDR_NOTIFY_SLOT)
		return -EBADMSG;
	*present = buf[1] & 1;
	*changed = buf[1] & 2;
	return 0;
}

int mncr_ccid_parse_desc(const uint8_t *extra, size_t n,
			 struct mncr_ccid_desc *d)
{
	/* extra may hold several descriptors: walk them by bLength. */
	while (n >= 2) {
		size_t dl = extra[0];

		if (dl < 2 || dl > n)
			return -EPROTO;
		if (extra[1] == MNCR_CCID_DESC_TYPE) {
			if (dl != MNCR_CCID_DESC_LEN)
				return -EPROTO;
			d->bcd_ccid = (uint16_t)(extra[2] | extra[3] << 8);
			d->max_slot = extra[4];
			d->protocols = get_le32(extra + 6);
			d->features = get_le32(extra + 40);
			d->max_msg = get_le32(extra + 44);
			return 0;
		}
		extra += dl;
		n -= dl;
	}
	return -ENOENT;
}

/* The libusb side. */

struct mncr_ccid {
	libusb_context *usb;
	libusb_device_handle *h;
	int intf;
	uint8_t ep_out, ep_in, ep_int;
	uint8_t seq;
	unsigned timeout_ms;
	unsigned time_ext;
	struct mncr_ccid_desc desc;
	uint8_t *buf;		/* one message, either way */
};

static int usb_errno(int r)
{
	switch (r) {
	case LIBUSB_ERROR_TIMEOUT:
		return -ETIMEDOUT;
	case LIBUSB_ERROR_NO_DEVICE:
		return -ENODEV;
	case LIBUSB_ERROR_BUSY:
		return -EBUSY;
	case LIBUSB_ERROR_ACCESS:
		return -EACCES;
	case LIBUSB_ERROR_NO_MEM:
		return -ENOMEM;
	case LIBUSB_ERROR_OVERFLOW:
		return -EPROTO;
	default:
		return -EIO;
	}
}

static bool serial_matches(libusb_device_handle *h,
			   const struct libusb_device_descriptor *dd,
			   const char *serial)
{
	unsigned char s[128];
	int n;

	if (!serial)
		return true;
	n = libusb_get_string_descriptor_ascii(h, dd->iSerialNumber, s, sizeof(s));
	return n >= 0 && (size_t)n == strlen(serial) &&
	       memcmp(s, serial, (size_t)n) == 0;
}

/* Finds the CCID interface and its three endpoints in the configuration. */
static int find_interface(struct mncr_ccid *c,
			  const struct libusb_config_descriptor *cfg)
{
	for (int i = 0; i < cfg->bNumInterfaces; i++) {
		const struct libusb_interface *itf = &cfg->interface[i];

		if (itf->num_altsetting < 1)
			continue;
		const struct libusb_interface_descriptor *a = &itf->altsetting[0];

		if (a->bInterfaceClass != MNCR_CCID_CLASS)
			continue;
		if (mncr_ccid_parse_desc(a->extra, (size_t)(a->extra_length > 0 ?
					 a->extra_length : 0), &c->desc))
			return -EPROTO;
		c->intf = a->bInterfaceNumber;
		for (int e = 0; e < a->bNumEndpoints; e++) {
			const struct libusb_endpoint_descriptor *ep = &a->endpoint[e];
			uint8_t type = ep->bmAttributes & 3, addr = ep->bEndpointAddress;

			if (type == LIBUSB_TRANSFER_TYPE_BULK && !(addr & 0x80))
				c->ep_out = addr;
			else if (type == LIBUSB_TRANSFER_TYPE_BULK)
				c->ep_in = addr;
			else if (type == LIBUSB_TRANSFER_TYPE_INTERRUPT && (addr & 0x80))
				c->ep_int = addr;
		}
		return c->ep_out && c->ep_in ? 0 : -EPROTO;
	}
	return -ENODEV;
}

static int try_device(struct mncr_ccid *c, libusb_device *dev, const char *serial)
{
	struct libusb_device_descriptor dd;
	struct libusb_config_descriptor *cfg;
	int r;

	if (libusb_get_device_descriptor(dev, &dd) || dd.idVendor != READER_VID ||
	    dd.idProduct != READER_PID)
		return -ENODEV;
	if (libusb_open(dev, &c->h))
		return -ENODEV;
	if (!serial_matches(c->h, &dd, serial) ||
	    libusb_get_active_config_descriptor(dev, &cfg)) {
		libusb_close(c->h);
		c->h = NULL;
		return -ENODEV;
	}
	r = find_interface(c, cfg);
	libusb_free_config_descriptor(cfg);
	if (!r) {
		r = libusb_claim_interface(c->h, c->intf);
		r = r ? usb_errno(r) : 0;
	}
	if (r) {
		libusb_close(c->h);
		c->h = NULL;
	}
	return r;
}

int mncr_ccid_open(const char *serial, struct mncr_ccid **out)
{
	struct mncr_ccid *c = calloc(1, sizeof(*c));
	libusb_device **list = NULL;
	ssize_t n;
	int r = -ENODEV;

	if (!c)
		return -ENOMEM;
	c->timeout_ms = DEFAULT_TIMEOUT_MS;
	c->buf = malloc(MNCR_CCID_MAX_MSG);
	if (!c->buf || libusb_init(&c->usb)) {
		free(c->buf);
		free(c);
		return -ENOMEM;
	}
	n = libusb_get_device_list(c->usb, &list);
	for (ssize_t i = 0; i < n && r; i++) {
		int e = try_device(c, list[i], serial);

		/* Keep the most telling error: a bad or busy reader beats none. */
		if (e && e != -ENODEV)
			r = e;
		else if (!e)
			r = 0;
		if (e && e != -ENODEV)
			break;
	}
	if (n >= 0)	/* an empty list is allocated too */
		libusb_free_device_list(list, 1);
	if (r) {
		mncr_ccid_close(c);
		return r;
	}
	*out = c;
	return 0;
}

void mncr_ccid_close(struct mncr_ccid *c)
{
	if (!c)
		return;
	if (c->h) {
		libusb_release_interface(c->h, c->intf);
		libusb_close(c->h);
	}
	if (c->usb)
		libusb_exit(c->usb);
	/* The last reply may hold personal data from the card. */
	if (c->buf)
		OPENSSL_cleanse(c->buf, MNCR_CCID_MAX_MSG);
	free(c->buf);
	free(c);
}

void mncr_ccid_set_timeout(struct mncr_ccid *c, unsigned ms)
{
	c->timeout_ms = ms;
}

unsigned mncr_ccid_time_extensions(const struct mncr_ccid *c)
{
	return c->time_ext;
}

bool mncr_ccid_extended(const struct mncr_ccid *c)
{
	return (c->desc.features & CCID_FEAT_LEVEL_MASK) == CCID_FEAT_EXT_APDU;
}

/*
 * Sends one command and reads replies until one is not a time extension,
 * for at most MAX_BUSY_MS. The reply is in c->buf, described by *m.
 */
static int exchange(struct mncr_ccid *c, uint8_t type, const uint8_t p[3],
		    const uint8_t *data, size_t len, uint8_t reply_type,
		    struct mncr_ccid_msg *m)
{
	uint8_t seq = c->seq++;
	size_t n = mncr_ccid_encode(c->buf, MNCR_CCID_MAX_MSG, type, 0, seq, p,
				    data, len);
	int r, got, stale = 0;
	uint64_t start = mncr_now_ms();

	if (!n || (c->desc.max_msg && n > c->desc.max_msg))
		return -EMSGSIZE;
	r = libusb_bulk_transfer(c->h, c->ep_out, c->buf, (int)n, &got,
				 c->timeout_ms);
	/* The command may hold a PIN: do not keep it around. */
	OPENSSL_cleanse(c->buf, n);
	if (r)
		return usb_errno(r);
	if ((size_t)got != n)
		return -EIO;
	for (;;) {
		r = libusb_bulk_transfer(c->h, c->ep_in, c->buf, MNCR_CCID_MAX_MSG,
					 &got, c->timeout_ms);
		if (r)
			return usb_errno(r);
		if (mncr_ccid_parse(c->buf, (size_t)got, m))
			return -EPROTO;
		/* A late reply to a command we gave up on: skip a few. */
		if (m->seq != seq && m->seq != (uint8_t)(seq + 1) && stale++ < 4)
			continue;
		r = mncr_ccid_check_reply(m, reply_type, 0, seq);
		if (r != -EAGAIN)
			return r;
		c->time_ext++;
		if (mncr_now_ms() - start > MAX_BUSY_MS)
			return -ETIMEDOUT;
	}
}

int mncr_ccid_power_on(struct mncr_ccid *c, uint8_t *atr, size_t cap,
		       size_t *atr_len)
{
	const uint8_t p[3] = { 0 };	/* bPowerSelect 0: automatic voltage */
	struct mncr_ccid_msg m;
	int r = exchange(c, CCID_PC_POWER_ON, p, NULL, 0, CCID_RDR_DATA_BLOCK, &m);

	if (r)
		return r;
	if (m.length < 2 || m.length > MNCR_CCID_ATR_MAX)
		return -EPROTO;
	if (m.length > cap)
		return -ENOBUFS;
	memcpy(atr, m.data, m.length);
	*atr_len = m.length;
	return 0;
}

int mncr_ccid_power_off(struct mncr_ccid *c)
{
	struct mncr_ccid_msg m;
	int r = exchange(c, CCID_PC_POWER_OFF, NULL, NULL, 0,
			 CCID_RDR_SLOT_STATUS, &m);

	/* Powering off an absent card is no failure. */
	return r == -ENOMEDIUM ? 0 : r;
}

int mncr_ccid_slot_status(struct mncr_ccid *c, int *icc)
{
	struct mncr_ccid_msg m;
	int r = exchange(c, CCID_PC_GET_SLOT_STATUS, NULL, NULL, 0,
			 CCID_RDR_SLOT_STATUS, &m);

	/* The status is the answer, whatever the command status says. */
	if (r && r != -ENOMEDIUM && r != -ENOTCONN && r != -ETIMEDOUT)
		return r;
	*icc = mncr_ccid_icc_status(&m);
	return 0;
}

int mncr_ccid_transmit(void *ctx, const uint8_t *cmd, size_t n,
		       uint8_t *resp, size_t *resp_len)
{
	struct mncr_ccid *c = ctx;
	struct mncr_ccid_msg m;
	int r;

	if (n < 4)
		return -EINVAL;
	r = exchange(c, CCID_PC_XFR_BLOCK, NULL, cmd, n, CCID_RDR_DATA_BLOCK, &m);
	if (r)
		return r;
	if (m.length < 2 || m.p[2] != 0)	/* no SW, or chaining we never asked for */
		return -EPROTO;
	if (m.length > *resp_len)
		return -ENOBUFS;
	memcpy(resp, m.data, m.length);
	*resp_len = m.length;
	return 0;
}

int mncr_ccid_wait_slot_change(struct mncr_ccid *c, unsigned ms, bool *present)
{
	uint8_t b[8];
	bool changed;
	int got, r;

	if (!c->ep_int)
		return -EOPNOTSUPP;
	r = libusb_interrupt_transfer(c->h, c->ep_int, b, sizeof(b), &got, ms);
	if (r)
		return usb_errno(r);
	return mncr_ccid_parse_notify(b, (size_t)got, present, &changed) ? -EPROTO : 0;
}
