// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * BER-TLV decoder on arbitrary bytes: iterate (recursing into constructed
 * objects), find by path, locate behind junk; every object must lie inside
 * the input, and re-encoding a decoded object's header must parse back to
 * the same tag and length.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "util/tlv.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

static void walk(const uint8_t *buf, size_t n, const uint8_t *lo,
		 const uint8_t *hi, int depth)
{
	uint8_t hdr[MNCR_TLV_MAX_HDR];
	struct mncr_tlv_iter it;
	struct mncr_tlv t;
	int ret, k;

	mncr_tlv_iter_init(&it, buf, n);
	while ((ret = mncr_tlv_next(&it, &t)) > 0) {
		check(t.value >= lo && t.value + t.len <= hi);
		k = mncr_tlv_encode_header(t.tag, t.len, hdr);
		if (k > 0) {
			size_t hl, vl;
			uint32_t tag;

			check(mncr_tlv_header(hdr, (size_t)k, &tag, &hl, &vl) == 0);
			check(tag == t.tag && vl == t.len && hl == (size_t)k);
		}
		if (mncr_tlv_constructed(t.tag) && depth < 16)
			walk(t.value, t.len, lo, hi, depth + 1);
	}
	check(ret <= 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t paths[][2] = {
		{ 0xFF20, 0xDF22 }, { 0xFF20, 0xDF27 }, { 0x30, 0x30 },
	};
	struct mncr_tlv t;
	size_t off;

	walk(data, size, data, data + size, 0);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (mncr_tlv_find_path(data, size, paths[i], 2, &t) == 0)
			check(t.value >= data && t.value + t.len <= data + size);
	if (mncr_tlv_locate(data, size, 0xFF20, MNCR_TLV_MAX_LEAD, &off) == 0) {
		check(off <= MNCR_TLV_MAX_LEAD && off < size);
		if (mncr_tlv_parse(data + off, size - off, &t) == 0)
			check(t.value + t.len <= data + size);
	}
	return 0;
}
