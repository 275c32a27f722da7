// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Command APDU decoding (what the emulator and the simulator receive):
 * whatever decodes must encode back to exactly the same bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "card/apdu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[MNCR_APDU_CMD_MAX];
	struct mncr_apdu c;
	size_t n;

	if (mncr_apdu_parse_command(data, size, &c))
		return 0;
	if (c.lc && (c.data < data || c.data + c.lc > data + size))
		abort();
	if (mncr_apdu_build(&c, out, sizeof(out), &n) || n != size ||
	    memcmp(out, data, n))
		abort();
	mncr_apdu_is_secret(data, size);
	return 0;
}
