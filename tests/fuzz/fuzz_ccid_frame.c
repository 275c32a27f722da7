// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The CCID message parsers of ccid.h on arbitrary bytes, as a reader (or
 * a USB bus) may send them: a whole bulk message, the reply check against
 * the command sent, NotifySlotChange, and the class descriptor inside an
 * interface's extra bytes. A parsed message must lie inside the input and
 * encode back to the same bytes; the reply check returns only the
 * documented errnos.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "card/ccid.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

static void message(const uint8_t *buf, size_t n)
{
	static uint8_t out[MNCR_CCID_MAX_MSG];
	struct mncr_ccid_msg m;
	size_t k;
	int r;

	if (mncr_ccid_parse(buf, n, &m))
		return;
	check(n == MNCR_CCID_HDR_LEN + m.length);
	check(m.data == buf + MNCR_CCID_HDR_LEN);
	k = mncr_ccid_encode(out, sizeof(out), m.type, m.slot, m.seq, m.p,
			     m.data, m.length);
	check(k == n && memcmp(out, buf, n) == 0);
	/* As the answer to an XfrBlock with this sequence number, and to others. */
	r = mncr_ccid_check_reply(&m, CCID_RDR_DATA_BLOCK, 0, m.seq);
	check(r == 0 || r == -EPROTO || r == -EAGAIN || r == -ENOMEDIUM ||
	      r == -ENOTCONN || r == -ETIMEDOUT || r == -ECANCELED ||
	      r == -EBUSY || r == -EOPNOTSUPP || r == -EIO);
	r = mncr_ccid_check_reply(&m, CCID_RDR_SLOT_STATUS, 0, (uint8_t)(m.seq + 1));
	check(r == -EPROTO);
	check(mncr_ccid_icc_status(&m) >= 0 && mncr_ccid_icc_status(&m) <= 3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mncr_ccid_desc d;
	bool present, changed;
	uint8_t *copy;

	if (size > MNCR_CCID_MAX_MSG)
		return 0;
	/* An exact-size heap copy: reads past the end are caught. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	message(copy, size);
	if (!mncr_ccid_parse_notify(copy, size, &present, &changed))
		check(size >= 2 && copy[0] == CCID_RDR_NOTIFY_SLOT);
	if (!mncr_ccid_parse_desc(copy, size, &d))
		check(size >= MNCR_CCID_DESC_LEN);
	free(copy);
	return 0;
}
