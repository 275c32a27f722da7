// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mncr qualify's card side: the chip through card_link (the reader's CCID
 * slot over libusb, or PC/SC when pcscd holds it), the card front through
 * the mncr node, the flow's card and reader hooks on top (flow_card.h,
 * flow_reader.h), and the transcript.
 */
#include "qualify.h"
#include "reader/device.h"
#include "flow/flow_card.h"
#include "flow/flow_reader.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

/* The link's transmit, counting what goes over the wire. */
static int counted_transmit(void *ctx, const uint8_t *cmd, size_t n,
			    uint8_t *resp, size_t *resp_len)
{
	struct qualify *q = ctx;
	int ret = q->link->io.transmit(q->link->io.ctx, cmd, n, resp, resp_len);

	q->apdu_count++;
	q->apdu_bytes += n + (ret == 0 ? *resp_len : 0);
	return ret;
}

int qualify_card_present(struct qualify *q)
{
	return mncr_flow_reader_card_present(q->fd);
}

int qualify_card_open(struct qualify *q, unsigned int wait_s)
{
	int ret = mncr_flow_reader_wait_card(q->fd, wait_s);

	if (ret < 0)
		return ret;
	clock_gettime(CLOCK_MONOTONIC, &q->t_card);
	ret = mncr_card_link_open(MNCR_CARD_BACKEND_AUTO, q->reader.serial,
				  &q->link);
	if (ret < 0)
		return ret;
	q->io = (struct mncr_apdu_io){
		.transmit = counted_transmit,
		.ctx = q,
		.max_le = q->link->io.max_le,
	};
	return 0;
}

void qualify_card_close(struct qualify *q)
{
	mncr_card_link_close(q->link);
	q->link = NULL;
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

	return mncr_flow_reader_mode(q->fd, mode);
}

int qualify_hook_wait_removal(void *ctx)
{
	struct qualify *q = ctx;
	int ret;

	/* The chip's part is over: power it off and let the slot go. */
	qualify_card_close(q);
	qualify_say(q, "waiting for the card to be removed ...");
	ret = mncr_flow_reader_wait_removal(q->fd);
	if (ret < 0)
		return ret;
	q->removed = true;
	qualify_say(q, "card removed");
	return 0;
}
