// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mncr qualify's card side: the chip through the reader's CCID slot
 * (libusb), the card front and the mode through the mncr node, and the
 * flow's card hooks on top (flow_card.h).
 */
#include "qualify.h"
#include "reader/device.h"
#include "flow/flow_card.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

/* apdu.h's transmit over the CCID slot, counting what goes over the wire. */
static int counted_transmit(void *ctx, const uint8_t *cmd, size_t n,
			    uint8_t *resp, size_t *resp_len)
{
	struct qualify *q = ctx;
	int ret = mncr_ccid_transmit(q->ccid, cmd, n, resp, resp_len);

	q->apdu_count++;
	q->apdu_bytes += n + (ret == 0 ? *resp_len : 0);
	return ret;
}

int qualify_card_present(struct qualify *q)
{
	struct mncr_info info;

	if (mncr_device_info(q->fd, &info) == 0 && !info.card_present)
		return -ENOMEDIUM;
	return 0;
}

/* Waits up to wait_s for the card (the node's card_present). */
static int wait_card(struct qualify *q, unsigned int wait_s)
{
	struct timespec t0;
	struct mncr_event ev;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (qualify_card_present(q) == 0)
			return 0;
		if (qualify_ms_since(&t0) >= wait_s * 1000.0)
			return -ENOMEDIUM;
		if (mncr_device_read_event(q->fd, &ev, 200) == -ENODEV)
			return -ENODEV;
	}
}

int qualify_card_open(struct qualify *q, unsigned int wait_s)
{
	uint8_t atr[MNCR_CCID_ATR_MAX];
	size_t atr_len = 0;
	int ret = wait_card(q, wait_s);

	if (ret < 0)
		return ret;
	clock_gettime(CLOCK_MONOTONIC, &q->t_card);
	ret = mncr_ccid_open(q->reader.serial, &q->ccid);
	if (ret < 0)
		return ret;
	mncr_ccid_set_timeout(q->ccid, 5000);
	ret = mncr_ccid_power_on(q->ccid, atr, sizeof(atr), &atr_len);
	if (ret < 0) {
		mncr_ccid_close(q->ccid);
		q->ccid = NULL;
		return ret;
	}
	q->io = (struct mncr_apdu_io){
		.transmit = counted_transmit,
		.ctx = q,
		.max_le = mncr_ccid_extended(q->ccid) ? MNCR_APDU_EXT_MAX
						      : MNCR_APDU_SHORT_MAX,
	};
	return 0;
}

void qualify_card_close(struct qualify *q)
{
	if (!q->ccid)
		return;
	mncr_ccid_power_off(q->ccid);
	mncr_ccid_close(q->ccid);
	q->ccid = NULL;
}

int qualify_hook_card_kind(void *ctx, struct mncr_card_kind_info *info)
{
	struct qualify *q = ctx;
	int ret = mncr_flow_card_kind(&q->io, info);

	if (ret == 0)
		qualify_say(q, "card: %s%s", mncr_card_kind_name(info->kind),
			    info->kind == MNCR_CARD_KIND_PIN ? " (PIN card)" : "");
	return ret;
}

int qualify_hook_pin_verify(void *ctx, char *pin, size_t len, bool last_try,
			    int *tries_left)
{
	struct qualify *q = ctx;
	int ret = mncr_flow_card_pin_verify(&q->io, pin, len, last_try,
					    tries_left);

	OPENSSL_cleanse(pin, len);
	if (ret == 0) {
		clock_gettime(CLOCK_MONOTONIC, &q->t_verified);
		q->apdu_bytes_verified = q->apdu_bytes;
	}
	return ret;
}

int qualify_hook_basic4(void *ctx, struct mncr_text_basic4 *out)
{
	struct qualify *q = ctx;
	struct mncr_card_front front;
	int ret = mncr_device_card_front(q->fd, &front);

	if (ret == 0) {
		qualify_say(q, "reading the card's 基本4情報 for the 申立書 (照合番号B from the card front)");
		ret = mncr_flow_card_basic4(&q->io, &front, out);
	}
	OPENSSL_cleanse(&front, sizeof(front));
	if (ret < 0 && qualify_card_present(q) < 0)
		return -ENOMEDIUM;
	return ret;
}

int qualify_hook_reader_mode(void *ctx, unsigned int *mode)
{
	struct qualify *q = ctx;
	struct mncr_mode m;
	int ret = mncr_device_get_mode(q->fd, &m);

	if (ret < 0)
		return ret;
	*mode = m.mode;
	return 0;
}

int qualify_hook_wait_removal(void *ctx)
{
	struct qualify *q = ctx;
	struct mncr_event ev;
	int ret;

	/* The chip's part is over: power it off and let the slot go. */
	qualify_card_close(q);
	qualify_say(q, "waiting for the card to be removed ...");
	for (;;) {
		if (qualify_card_present(q) < 0)
			break;
		ret = mncr_device_read_event(q->fd, &ev, 500);
		if (ret == -ENODEV)
			return -ENODEV;
		if (ret == 1 && ev.type == MNCR_EV_CARD_REMOVED)
			break;
	}
	q->removed = true;
	qualify_say(q, "card removed");
	return 0;
}
