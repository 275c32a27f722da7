// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include <linux/mncr_proto.h>

#include "faults.h"

#define FRAME_MAX	(sizeof(struct mncr_frame_hdr) + MNCR_PROTO_MAX_PAYLOAD)

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = v >> 24;
}

static const char *const names[] = {
	[FAULT_NONE] = "none",
	[FAULT_GARBAGE] = "garbage",
	[FAULT_SHORT] = "short",
	[FAULT_STALL] = "stall",
	[FAULT_SILENCE] = "silence",
	[FAULT_BADSEQ] = "badseq",
	[FAULT_BADMAGIC] = "badmagic",
	[FAULT_DISCONNECT] = "disconnect",
	[FAULT_TRAILING] = "trailing",
	[FAULT_OVERLONG] = "overlong",
	[FAULT_ZLP] = "zlp",
};

static const char *const flood_names[] = {
	[EVFLOOD_NONE] = "none",
	[EVFLOOD_GARBAGE] = "garbage",
	[EVFLOOD_OVERSIZE] = "oversize",
	[EVFLOOD_TRUNCATED] = "truncated",
	[EVFLOOD_CARD] = "card",
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
	return "none|garbage|short|stall|silence|badseq|badmagic|disconnect|"
	       "trailing|overlong|zlp";
}

int fault_corrupts(enum fault_kind kind)
{
	return kind == FAULT_GARBAGE || kind == FAULT_SHORT ||
	       kind == FAULT_BADSEQ || kind == FAULT_BADMAGIC ||
	       kind == FAULT_TRAILING || kind == FAULT_OVERLONG ||
	       kind == FAULT_ZLP;
}

static const char *const desc_names[] = {
	[DESC_GOOD] = "good",
	[DESC_NO_INT] = "no-int",
	[DESC_NO_ENDPOINTS] = "no-endpoints",
	[DESC_NO_BULK_IN] = "no-bulk-in",
	[DESC_INT_AS_BULK] = "int-as-bulk",
	[DESC_INT_OUT] = "int-out",
	[DESC_TINY_MAXP] = "tiny-maxp",
};

int desc_fault_parse(const char *name, enum desc_fault *out)
{
	for (size_t i = 0; i < sizeof(desc_names) / sizeof(desc_names[0]); i++) {
		if (strcmp(desc_names[i], name) == 0) {
			*out = (enum desc_fault)i;
			return 0;
		}
	}
	return -1;
}

const char *desc_fault_names(void)
{
	return "good|no-int|no-endpoints|no-bulk-in|int-as-bulk|int-out|tiny-maxp";
}

int evflood_parse(const char *name, enum evflood_kind *out)
{
	for (size_t i = 1; i < sizeof(flood_names) / sizeof(flood_names[0]); i++) {
		if (strcmp(flood_names[i], name) == 0) {
			*out = (enum evflood_kind)i;
			return 0;
		}
	}
	return -1;
}

const char *evflood_name(enum evflood_kind kind)
{
	return (size_t)kind < sizeof(flood_names) / sizeof(flood_names[0]) ?
	       flood_names[kind] : "?";
}

const char *evflood_names(void)
{
	return "garbage|oversize|truncated|card";
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
	case FAULT_TRAILING:
		/* The frame, then junk: one transfer longer than its header says. */
		for (size_t i = len; i < FRAME_MAX; i++)
			frame[i] = (uint8_t)fault_rand(rng);
		return FRAME_MAX;
	case FAULT_OVERLONG:
		/* The header's length: one byte more than any frame may carry. */
		put_le32(frame + 8, MNCR_PROTO_MAX_PAYLOAD + 1);
		return len;
	case FAULT_ZLP:
		return 0;
	default:
		return len;
	}
}

size_t fault_event_frame(enum evflood_kind kind, uint8_t *frame, uint16_t seq,
			 uint64_t *rng)
{
	const size_t hdr = sizeof(struct mncr_frame_hdr);
	size_t len;

	switch (kind) {
	case EVFLOOD_OVERSIZE:
		/* A plausible header whose frame spans several packets. */
		len = FAULT_EVENT_FRAME_MAX - 1 - (size_t)(fault_rand(rng) % 64);
		for (size_t i = hdr; i < len; i++)
			frame[i] = (uint8_t)fault_rand(rng);
		frame[0] = MNCR_PROTO_MAGIC & 0xff;
		frame[1] = MNCR_PROTO_MAGIC >> 8;
		frame[2] = MNCR_PROTO_VERSION;
		frame[3] = MNCR_EVT_CARD;
		frame[4] = seq & 0xff;
		frame[5] = seq >> 8;
		frame[6] = frame[7] = 0;
		put_le32(frame + 8, (uint32_t)(len - hdr));
		return len;
	case EVFLOOD_TRUNCATED:
		/* The start of a good header, and nothing more. */
		len = 1 + (size_t)(fault_rand(rng) % (hdr - 1));
		frame[0] = MNCR_PROTO_MAGIC & 0xff;
		frame[1] = MNCR_PROTO_MAGIC >> 8;
		for (size_t i = 2; i < len; i++)
			frame[i] = (uint8_t)fault_rand(rng);
		return len;
	default:
		len = hdr + 4;
		for (size_t i = 0; i < len; i++)
			frame[i] = (uint8_t)fault_rand(rng);
		if (frame[0] == (MNCR_PROTO_MAGIC & 0xff) &&
		    frame[1] == (MNCR_PROTO_MAGIC >> 8))
			frame[0] ^= 0xff;
		return len;
	}
}
