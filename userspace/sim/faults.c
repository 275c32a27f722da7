// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include <linux/mncr_proto.h>

#include "faults.h"

static const char *const names[] = {
	[FAULT_NONE] = "none",
	[FAULT_GARBAGE] = "garbage",
	[FAULT_SHORT] = "short",
	[FAULT_STALL] = "stall",
	[FAULT_SILENCE] = "silence",
	[FAULT_BADSEQ] = "badseq",
	[FAULT_BADMAGIC] = "badmagic",
	[FAULT_DISCONNECT] = "disconnect",
};

int fault_parse(const char *name, enum fault_kind *out)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(names[i], name) == 0) {
			*out = (enum fault_kind)i;
			return 0;
		}
	}
	return -1;
}

const char *fault_name(enum fault_kind kind)
{
	return (size_t)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

const char *fault_names(void)
{
	return "none|garbage|short|stall|silence|badseq|badmagic|disconnect";
}

int fault_corrupts(enum fault_kind kind)
{
	return kind == FAULT_GARBAGE || kind == FAULT_SHORT ||
	       kind == FAULT_BADSEQ || kind == FAULT_BADMAGIC;
}

uint64_t fault_rand(uint64_t *state)
{
	uint64_t x = *state ? *state : 0x9E3779B97F4A7C15ULL;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

size_t fault_corrupt(enum fault_kind kind, uint8_t *frame, size_t len,
		     uint64_t *rng)
{
	uint16_t seq;

	if (len < sizeof(struct mncr_frame_hdr))
		return len;
	switch (kind) {
	case FAULT_GARBAGE:
		for (size_t i = 0; i < len; i++)
			frame[i] = (uint8_t)fault_rand(rng);
		/* Never a valid magic by chance: the host must see garbage. */
		if (frame[0] == (MNCR_PROTO_MAGIC & 0xff) &&
		    frame[1] == (MNCR_PROTO_MAGIC >> 8))
			frame[0] ^= 0xff;
		return len;
	case FAULT_SHORT:
		/* Shorter than its own header claims, often shorter than a header. */
		return len / 2;
	case FAULT_BADSEQ:
		/* A seq the host cannot be waiting for right now. */
		seq = (uint16_t)(frame[4] | frame[5] << 8) ^ 0x8000;
		frame[4] = seq & 0xff;
		frame[5] = seq >> 8;
		return len;
	case FAULT_BADMAGIC:
		/* Byte-swapped, the classic endianness bug. */
		frame[0] = MNCR_PROTO_MAGIC >> 8;
		frame[1] = MNCR_PROTO_MAGIC & 0xff;
		return len;
	default:
		return len;
	}
}
