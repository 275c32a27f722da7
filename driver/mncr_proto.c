// SPDX-License-Identifier: GPL-2.0
/*
 * mncr: command/response exchanges on the vendor control interface.
 *
 * A command is one bulk OUT transfer (header + payload, ended by a short
 * or zero-length packet); its response is one bulk IN transfer, read with
 * a full-frame buffer and ended by the device's short or zero-length
 * packet (Documentation/device-protocol.rst). Every
 * response is checked (magic, version, type, seq, length); anything else
 * is -EPROTO, and stale data is drained so that the next command starts
 * clean. A response that does not come in time is -ETIMEDOUT; a late
 * response is drained before the next command.
 */

#include <linux/ctype.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/string.h>

#include "mncr.h"

#define MNCR_HDR_LEN	sizeof(struct mncr_frame_hdr)

static void mncr_out_complete(struct urb *urb)
{
	struct mncr_dev *dev = urb->context;

	/* urb->status before the flag; pairs with mncr_out_finished() */
	smp_store_release(&dev->out_done, true);
	wake_up(&dev->xfer_wait);
}

static void mncr_in_complete(struct urb *urb)
{
	struct mncr_dev *dev = urb->context;

	/* urb->status before the flag; pairs with mncr_in_finished() */
	smp_store_release(&dev->in_done, true);
	wake_up(&dev->xfer_wait);
}

/* Start the command transfer; a whole-packet frame gets a ZLP. */
static int mncr_submit_out(struct mncr_dev *dev, unsigned int len)
{
	int ret;

	dev->out_done = false;
	usb_fill_bulk_urb(dev->out_urb, dev->udev, dev->out_pipe, dev->cmd_buf,
			  len, mncr_out_complete, dev);
	dev->out_urb->transfer_flags = URB_ZERO_PACKET;
	ret = usb_submit_urb(dev->out_urb, GFP_NOIO);
	if (ret)
		dev->out_done = true;
	return ret;
}

/* Start a response read: the whole buffer, ended by a short packet/ZLP. */
static int mncr_submit_in(struct mncr_dev *dev)
{
	int ret;

	dev->in_done = false;
	usb_fill_bulk_urb(dev->in_urb, dev->udev, dev->in_pipe, dev->rsp_buf,
			  dev->rsp_buf_len, mncr_in_complete, dev);
	ret = usb_submit_urb(dev->in_urb, GFP_NOIO);
	if (ret)
		dev->in_done = true;
	return ret;
}

static bool mncr_in_finished(struct mncr_dev *dev)
{
	/* pairs with mncr_in_complete(): then urb->status is valid */
	return smp_load_acquire(&dev->in_done);
}

static bool mncr_out_finished(struct mncr_dev *dev)
{
	/* pairs with mncr_out_complete(): then urb->status is valid */
	return smp_load_acquire(&dev->out_done);
}

/* The command transfer failed before any response could come. */
static bool mncr_out_failed(struct mncr_dev *dev)
{
	return mncr_out_finished(dev) && dev->out_urb->status;
}

/* One bulk IN read on its own (drain); -ETIMEDOUT when quiet. */
static int mncr_read_in(struct mncr_dev *dev, unsigned int timeout_ms,
			unsigned int *actual)
{
	int ret;

	*actual = 0;
	ret = mncr_submit_in(dev);
	if (ret)
		return ret;
	if (!wait_event_timeout(dev->xfer_wait, mncr_in_finished(dev),
				msecs_to_jiffies(timeout_ms))) {
		usb_kill_urb(dev->in_urb);
		*actual = dev->in_urb->actual_length;
		return dev->in_urb->status == -ENOENT ? -ETIMEDOUT :
			dev->in_urb->status;
	}
	*actual = dev->in_urb->actual_length;
	return dev->in_urb->status;
}

/*
 * A low-level transfer error (-EPROTO, -EILSEQ, -ETIME, ...) is also what
 * a reader being unplugged looks like before the hub has noticed. Give the
 * hub a moment, so that a command in flight during an unplug is -ENODEV.
 */
static bool mncr_unplugging(struct mncr_dev *dev)
{
	int i;

	for (i = 0; i < 25; i++) {
		if (READ_ONCE(dev->udev->state) == USB_STATE_NOTATTACHED)
			return true;
		msleep(20);
	}
	return false;
}

/* Map a USB-level transfer error to what the caller sees. */
static int mncr_usb_errno(struct mncr_dev *dev, int ret)
{
	switch (ret) {
	case -ENODEV:
	case -ESHUTDOWN:
	case -ENOENT:
		return -ENODEV;
	case -ETIMEDOUT:
		return -ETIMEDOUT;
	case -EPIPE:
	case -EOVERFLOW:
		return -EPROTO;
	default:
		return mncr_unplugging(dev) ? -ENODEV : -EIO;
	}
}

/*
 * Drain whatever the device still has queued on bulk IN: a late or
 * oversized response, the rest of a garbage frame. Bounded: a few reads,
 * ending at the first quiet MNCR_FLUSH_TIMEOUT_MS.
 */
static void mncr_flush(struct mncr_dev *dev)
{
	unsigned int actual;
	int i, ret;

	for (i = 0; i < 8; i++) {
		ret = mncr_read_in(dev, MNCR_FLUSH_TIMEOUT_MS, &actual);
		/* stale data may be a card-front response */
		memzero_explicit(dev->rsp_buf, dev->rsp_buf_len);
		if (ret == -EPIPE) {
			usb_clear_halt(dev->udev, dev->in_pipe);
			continue;
		}
		if (ret)
			break;
		dev_dbg(&dev->intf->dev, "drained %u stale bytes\n", actual);
	}
}

/*
 * Send the command in cmd_buf and receive one response transfer into
 * rsp_buf. The read is queued at once, before the command transfer has
 * completed: a whole-packet command ends with a ZLP that the device only
 * takes when it reads its next command, after it has answered this one.
 */
static int mncr_exchange(struct mncr_dev *dev, unsigned int len,
			 unsigned int timeout_ms, unsigned int *actual)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(timeout_ms);
	int ret, tries = 0;

	*actual = 0;
	ret = mncr_submit_out(dev, len);
	if (ret)
		return ret;
again:
	ret = mncr_submit_in(dev);
	if (ret) {
		usb_kill_urb(dev->out_urb);
		return ret;
	}
	wait_event_timeout(dev->xfer_wait,
			   mncr_in_finished(dev) || mncr_out_failed(dev),
			   max_t(long, deadline - jiffies, 1));
	if (!mncr_in_finished(dev)) {
		usb_kill_urb(dev->in_urb);
		usb_kill_urb(dev->out_urb);
		if (mncr_out_failed(dev) && dev->out_urb->status != -ENOENT) {
			ret = dev->out_urb->status;
			if (ret == -EPIPE)
				usb_clear_halt(dev->udev, dev->out_pipe);
			return ret;
		}
		return -ETIMEDOUT;
	}
	ret = dev->in_urb->status;
	*actual = dev->in_urb->actual_length;
	/* a stray zero-length transfer is not a response */
	if (!ret && !*actual && ++tries < 4 && time_before(jiffies, deadline))
		goto again;

	/* the device answered, so it has the command; only a ZLP may wait */
	if (!wait_event_timeout(dev->xfer_wait, mncr_out_finished(dev),
				msecs_to_jiffies(MNCR_FLUSH_TIMEOUT_MS)))
		usb_kill_urb(dev->out_urb);
	if (ret == -EPIPE)	/* stalled instead of answering */
		usb_clear_halt(dev->udev, dev->in_pipe);
	return ret;
}

static int mncr_status_errno(u16 status)
{
	switch (status) {
	case MNCR_ST_OK:
		return 0;
	case MNCR_ST_NO_CARD:
		return -ENOMEDIUM;
	case MNCR_ST_BAD_ARG:
		return -EINVAL;
	case MNCR_ST_BUSY:
		return -EBUSY;
	case MNCR_ST_UNSUPPORTED:
		return -EOPNOTSUPP;
	case MNCR_ST_INTERNAL:
		return -EIO;
	default:	/* BAD_FRAME, BAD_VERSION, UNKNOWN_CMD, unknown */
		return -EPROTO;
	}
}

/**
 * mncr_command() - send one command and receive its response
 * @dev: the reader; the caller holds @dev->io_mutex
 * @type: MNCR_CMD_*
 * @len: payload bytes already placed at mncr_cmd_payload(@dev)
 * @rsp_len: exact payload length of a successful response
 * @timeout_ms: how long to wait for the response
 *
 * Return: @rsp_len with the payload at mncr_rsp_payload(@dev), or a
 * negative errno: -ENODEV (unplugged), -ETIMEDOUT (no response), -EPROTO
 * (malformed response or endpoint stall), -EIO, or the errno mapped from
 * the device's status code. After any failure the device is usable again
 * for the next command.
 */
int mncr_command(struct mncr_dev *dev, u8 type, size_t len, size_t rsp_len,
		 unsigned int timeout_ms)
{
	struct mncr_frame_hdr *hdr = (struct mncr_frame_hdr *)dev->cmd_buf;
	const struct mncr_frame_hdr *rsp =
		(const struct mncr_frame_hdr *)dev->rsp_buf;
	unsigned int actual;
	u32 rsp_payload;
	u16 seq;
	int ret;

	lockdep_assert_held(&dev->io_mutex);
	if (dev->disconnected)
		return -ENODEV;
	if (dev->suspended)
		return -EIO;
	if (WARN_ON_ONCE(len > MNCR_PROTO_MAX_PAYLOAD ||
			 rsp_len > MNCR_PROTO_MAX_PAYLOAD))
		return -EINVAL;

	if (dev->stale) {
		mncr_flush(dev);
		dev->stale = false;
	}

	seq = ++dev->seq;
	hdr->magic = cpu_to_le16(MNCR_PROTO_MAGIC);
	hdr->version = MNCR_PROTO_VERSION;
	hdr->type = type;
	hdr->seq = cpu_to_le16(seq);
	hdr->status = 0;
	hdr->len = cpu_to_le32(len);

	ret = mncr_exchange(dev, MNCR_HDR_LEN + len, timeout_ms, &actual);
	if (ret) {
		dev_dbg(&dev->intf->dev, "cmd %#x seq %u: %d\n", type, seq, ret);
		ret = mncr_usb_errno(dev, ret);
		if (ret == -ETIMEDOUT)
			dev->stale = true;	/* drained before the next one */
		else if (ret != -ENODEV)
			mncr_flush(dev);
		return ret;
	}

	ret = -EPROTO;
	if (actual < MNCR_HDR_LEN)
		goto bad;
	rsp_payload = le32_to_cpu(rsp->len);
	if (le16_to_cpu(rsp->magic) != MNCR_PROTO_MAGIC ||
	    rsp->version != MNCR_PROTO_VERSION ||
	    rsp->type != (type | MNCR_RESPONSE) ||
	    le16_to_cpu(rsp->seq) != seq ||
	    rsp_payload > MNCR_PROTO_MAX_PAYLOAD ||
	    rsp_payload != actual - MNCR_HDR_LEN)
		goto bad;

	ret = mncr_status_errno(le16_to_cpu(rsp->status));
	if (ret) {
		dev_dbg(&dev->intf->dev, "cmd %#x seq %u: status %u\n", type,
			seq, le16_to_cpu(rsp->status));
		return ret;
	}
	if (rsp_payload != rsp_len) {
		dev_dbg(&dev->intf->dev, "cmd %#x seq %u: %u payload bytes, want %zu\n",
			type, seq, rsp_payload, rsp_len);
		return -EPROTO;
	}
	return rsp_len;

bad:
	dev_dbg(&dev->intf->dev, "cmd %#x seq %u: malformed response (%u bytes)\n",
		type, seq, actual);
	memzero_explicit(dev->rsp_buf, actual);
	mncr_flush(dev);
	return ret;
}

/* Copy a NUL-padded wire string, keeping printable non-space ASCII only. */
static void mncr_copy_ident(char *dst, size_t size, const char *src,
			    size_t src_len)
{
	size_t i, n = 0;

	for (i = 0; i < src_len && src[i] && n + 1 < size; i++) {
		char c = src[i];

		dst[n++] = (c > ' ' && c < 0x7f && c != '/') ? c : '_';
	}
	dst[n] = '\0';
}

/* Probe time: identity, capabilities, limits and initial state. */
int mncr_dev_get_info(struct mncr_dev *dev)
{
	const struct mncr_wire_info *wi;
	u32 mode, card;
	int ret;

	mutex_lock(&dev->io_mutex);
	ret = mncr_command(dev, MNCR_CMD_GET_INFO, 0, sizeof(*wi),
			   MNCR_PROTO_TIMEOUT_MS);
	if (ret < 0)
		goto out;
	wi = (const struct mncr_wire_info *)mncr_rsp_payload(dev);
	dev->caps = le32_to_cpu(wi->caps);
	dev->dev_max_dim = le16_to_cpu(wi->match_max_dim);
	dev->dev_max_vectors = le16_to_cpu(wi->match_max_vectors);
	mode = wi->mode;
	card = wi->card_present;
	mncr_copy_ident(dev->serial, sizeof(dev->serial), wi->serial,
			sizeof(wi->serial));
	mncr_copy_ident(dev->firmware, sizeof(dev->firmware), wi->firmware,
			sizeof(wi->firmware));
	ret = 0;
	if (mode > MNCR_MODE_VISUAL || card > 1) {
		ret = -EPROTO;
		goto out;
	}
	dev->mode = mode;
	dev->card_present = card;
out:
	mutex_unlock(&dev->io_mutex);
	return ret;
}

int mncr_dev_get_status(struct mncr_dev *dev, u32 *mode, u32 *card_present)
{
	const struct mncr_wire_status *ws;
	int ret;

	mutex_lock(&dev->io_mutex);
	ret = mncr_command(dev, MNCR_CMD_GET_STATUS, 0, sizeof(*ws),
			   MNCR_PROTO_TIMEOUT_MS);
	if (ret >= 0) {
		ws = (const struct mncr_wire_status *)mncr_rsp_payload(dev);
		*mode = ws->mode;
		*card_present = ws->card_present;
		ret = (*mode > MNCR_MODE_VISUAL || *card_present > 1) ?
			-EPROTO : 0;
	}
	mutex_unlock(&dev->io_mutex);
	return ret;
}

int mncr_dev_set_mode(struct mncr_dev *dev, u32 mode, u32 reason)
{
	struct mncr_wire_set_mode *sm;
	int ret;

	mutex_lock(&dev->io_mutex);
	sm = (struct mncr_wire_set_mode *)mncr_cmd_payload(dev);
	memset(sm, 0, sizeof(*sm));
	sm->mode = mode;
	sm->reason = reason;
	ret = mncr_command(dev, MNCR_CMD_SET_MODE, sizeof(*sm), 0,
			   MNCR_PROTO_TIMEOUT_MS);
	mutex_unlock(&dev->io_mutex);
	dev_dbg(&dev->intf->dev, "set mode %u reason %u: %d\n", mode, reason,
		ret);
	return ret < 0 ? ret : 0;
}

static bool mncr_digits(const char *s, size_t n)
{
	while (n--)
		if (!isdigit(*s++))
			return false;
	return true;
}

/*
 * Card-front fields. Never logged; the response buffer is wiped before
 * io_mutex is released, the caller wipes @cf after use.
 */
int mncr_dev_card_front(struct mncr_dev *dev, struct mncr_card_front *cf)
{
	struct mncr_wire_card_front *wf;
	int ret;

	mutex_lock(&dev->io_mutex);
	ret = mncr_command(dev, MNCR_CMD_GET_CARD_FRONT, 0, sizeof(*wf),
			   MNCR_PROTO_TIMEOUT_MS);
	if (ret >= 0) {
		wf = (struct mncr_wire_card_front *)mncr_rsp_payload(dev);
		memcpy(cf->birth_date, wf->birth_date, sizeof(cf->birth_date));
		memcpy(cf->expiry_year, wf->expiry_year,
		       sizeof(cf->expiry_year));
		memcpy(cf->security_code, wf->security_code,
		       sizeof(cf->security_code));
		memzero_explicit(wf, sizeof(*wf));
		ret = 0;
		if (!mncr_digits(cf->birth_date, sizeof(cf->birth_date)) ||
		    !mncr_digits(cf->expiry_year, sizeof(cf->expiry_year)) ||
		    !mncr_digits(cf->security_code, sizeof(cf->security_code)))
			ret = -EPROTO;
	}
	mutex_unlock(&dev->io_mutex);
	return ret;
}
