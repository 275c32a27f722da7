// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The host stack against a hostile card: every response of a whole card
 * session comes from the input. Input: one flags byte (bit 0: extended
 * APDUs), then responses as [u16 BE length][bytes]; when they run out the
 * transport fails with -EIO. The transport also checks the last-try
 * guard: a VERIFY with data only right after the card said 2+ tries.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "host_flow.h"

struct feed {
	const uint8_t *p;
	size_t left;
	bool status_pending;	/* an empty VERIFY awaits its final SW */
	int tries_seen;		/* from that SW; 99 = no counter, -1 none */
};

/* Follows VERIFY traffic; aborts on a VERIFY the guard should have held. */
static void guard_command(struct feed *f, const uint8_t *cmd, size_t n)
{
	struct mncr_apdu c;

	if (mncr_apdu_parse_command(cmd, n, &c))
		abort();	/* the host sent a malformed command */
	if (c.ins == 0x20 && !c.lc) {
		f->status_pending = true;
	} else if (c.ins == 0x20) {
		if (f->tries_seen < 2)
			abort();
		f->tries_seen = -1;
	} else if (c.ins != 0xC0) {
		f->status_pending = false;
		f->tries_seen = -1;
	}
}

static void guard_response(struct feed *f, const uint8_t *resp, size_t n)
{
	uint16_t sw;

	if (!f->status_pending || n < 2)
		return;
	sw = (uint16_t)(resp[n - 2] << 8 | resp[n - 1]);
	if ((sw >> 8) == 0x61 || (sw >> 8) == 0x6C)
		return;		/* the status word is still to come */
	f->status_pending = false;
	f->tries_seen = sw == 0x6300 ? 99 : mncr_apdu_sw_tries(sw);
}

static int feed_transmit(void *ctx, const uint8_t *cmd, size_t n,
			 uint8_t *resp, size_t *resp_len)
{
	struct feed *f = ctx;
	size_t len;

	guard_command(f, cmd, n);
	if (f->left < 2)
		return -EIO;
	len = (size_t)f->p[0] << 8 | f->p[1];
	f->p += 2;
	f->left -= 2;
	if (len > f->left)
		len = f->left;
	/* A transport never returns more than the room it was given. */
	if (len > *resp_len)
		len = *resp_len;
	memcpy(resp, f->p, len);
	*resp_len = len;
	guard_response(f, resp, len);
	f->p += len;
	f->left -= len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct feed f = { .tries_seen = -1 };
	struct mncr_apdu_io io = { .transmit = feed_transmit, .ctx = &f };

	if (!size)
		return 0;
	io.max_le = data[0] & 1 ? MNCR_APDU_EXT_MAX : 0;
	f.p = data + 1;
	f.left = size - 1;
	host_flow(&io);
	return 0;
}
