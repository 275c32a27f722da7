// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The simulator's side of the control protocol (userspace/sim/protocol.c)
 * on arbitrary command frames, checked the way the command pump checks
 * them first (magic, payload length, version). Every response must be a
 * well-formed frame: our magic and version, the command's type with the
 * response bit, its seq, a length that matches, within the largest frame.
 * The first input byte picks the reader's state (card, mode, engine).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "device_state.h"
#include "protocol.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[PROTO_MAX_FRAME];
	static struct card_profile profile = { .name = "fuzz" };
	struct sim_device dev;
	struct proto_hdr h, r;
	unsigned work = 0;
	size_t len;

	if (size < 1 + PROTO_HDR_LEN)
		return 0;
	device_init(&dev, "FUZZ", "1.0.0", data[0] & 1);
	dev.mode = (data[0] >> 1) & 1;
	if (data[0] & 4) {
		dev.card.present = true;
		dev.card.profile = &profile;
		memcpy(&dev.card.front, "1980021720352285", sizeof(dev.card.front));
		profile.front_garbled = data[0] & 8;
		profile.yank_on_read = data[0] & 16;
	}
	data++;
	size--;
	proto_hdr_decode(data, &h);
	if (h.magic != MNCR_PROTO_MAGIC || h.len > MNCR_PROTO_MAX_PAYLOAD ||
	    PROTO_HDR_LEN + h.len != size || h.version != MNCR_PROTO_VERSION)
		goto out;

	len = proto_execute(&dev, &h, data + PROTO_HDR_LEN, out, &work);
	check(len >= PROTO_HDR_LEN && len <= PROTO_MAX_FRAME);
	proto_hdr_decode(out, &r);
	check(r.magic == MNCR_PROTO_MAGIC && r.version == MNCR_PROTO_VERSION);
	check(r.type == (h.type | MNCR_RESPONSE) && r.seq == h.seq);
	check(PROTO_HDR_LEN + r.len == len);
	check(dev.mode <= 1);
out:
	device_destroy(&dev);
	return 0;
}
