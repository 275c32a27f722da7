// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CCID message encoding and parsing (lib/ccid.c, no USB): headers both
 * ways, dwLength against the bytes received, reply checks (type, slot,
 * bSeq, status and error mapping, time extension), NotifySlotChange and
 * the class descriptor, with hostile lengths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "card/ccid.h"

static void encode_xfr_block(void **state)
{
	const uint8_t apdu[] = { 0x00, 0xa4, 0x04, 0x0c, 0x02, 0x3f, 0x00 };
	const uint8_t want[] = { 0x6f, 7, 0, 0, 0, 0, 0x2a, 0, 0, 0,
				 0x00, 0xa4, 0x04, 0x0c, 0x02, 0x3f, 0x00 };
	uint8_t buf[64];

	(void)state;
	assert_int_equal(mncr_ccid_encode(buf, sizeof(buf), CCID_PC_XFR_BLOCK, 0,
					  0x2a, NULL, apdu, sizeof(apdu)),
			 sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

static void encode_bounds(void **state)
{
	uint8_t buf[16], one = 1;

	(void)state;
	assert_int_equal(mncr_ccid_encode(buf, 9, CCID_PC_POWER_ON, 0, 0, NULL, NULL, 0), 0);
	assert_int_equal(mncr_ccid_encode(buf, 10, CCID_PC_POWER_ON, 0, 0, NULL, NULL, 0), 10);
	assert_int_equal(mncr_ccid_encode(buf, sizeof(buf), CCID_PC_XFR_BLOCK, 0, 0,
					  NULL, &one, 7), 0);
	assert_int_equal(mncr_ccid_encode(buf, sizeof(buf), CCID_PC_XFR_BLOCK, 0, 0,
					  NULL, &one, MNCR_CCID_MAX_MSG), 0);
}

static void encode_large_dwlength(void **state)
{
	static uint8_t big[MNCR_CCID_MAX_MSG], out[MNCR_CCID_MAX_MSG];
	size_t len = MNCR_CCID_MAX_MSG - MNCR_CCID_HDR_LEN;
	struct mncr_ccid_msg m;

	(void)state;
	assert_int_equal(mncr_ccid_encode(out, sizeof(out), CCID_PC_XFR_BLOCK, 0, 1,
					  NULL, big, len), MNCR_CCID_MAX_MSG);
	assert_int_equal(mncr_ccid_parse(out, sizeof(out), &m), 0);
	assert_int_equal(m.length, len);
}

static void parse_lengths(void **state)
{
	uint8_t msg[] = { 0x80, 2, 0, 0, 0, 0, 5, 0, 0, 0, 0x90, 0x00 };
	struct mncr_ccid_msg m;

	(void)state;
	assert_int_equal(mncr_ccid_parse(msg, sizeof(msg), &m), 0);
	assert_int_equal(m.length, 2);
	assert_int_equal(m.seq, 5);
	assert_int_equal(m.data[0], 0x90);
	assert_int_equal(mncr_ccid_parse(msg, 9, &m), -EBADMSG);
	assert_int_equal(mncr_ccid_parse(NULL, 12, &m), -EBADMSG);
	/* dwLength claims more than arrived, or less. */
	assert_int_equal(mncr_ccid_parse(msg, 11, &m), -EBADMSG);
	msg[1] = 1;
	assert_int_equal(mncr_ccid_parse(msg, sizeof(msg), &m), -EBADMSG);
	/* A huge dwLength must not wrap. */
	msg[1] = 0xfe;
	msg[2] = msg[3] = msg[4] = 0xff;
	assert_int_equal(mncr_ccid_parse(msg, sizeof(msg), &m), -EBADMSG);
}

static struct mncr_ccid_msg reply(uint8_t type, uint8_t seq, uint8_t status,
				  uint8_t err)
{
	return (struct mncr_ccid_msg) { .type = type, .seq = seq,
					.p = { status, err, 0 } };
}

static void check_reply(void **state)
{
	struct mncr_ccid_msg m;

	(void)state;
	m = reply(CCID_RDR_DATA_BLOCK, 7, 0x00, 0);
	assert_int_equal(mncr_ccid_check_reply(&m, CCID_RDR_DATA_BLOCK, 0, 7), 0);
	/* bSeq, slot and type must be those of the command. */
	assert_int_equal(mncr_ccid_check_reply(&m, CCID_RDR_DATA_BLOCK, 0, 8), -EPROTO);
	assert_int_equal(mncr_ccid_check_reply(&m, CCID_RDR_SLOT_STATUS, 0, 7), -EPROTO);
	m.slot = 1;
	assert_int_equal(mncr_ccid_check_reply(&m, CCID_RDR_DATA_BLOCK, 0, 7), -EPROTO);

	m = reply(CCID_RDR_DATA_BLOCK, 1, CCID_CMD_TIME_EXT, 1);
	assert_int_equal(mncr_ccid_check_reply(&m, CCID_RDR_DATA_BLOCK, 0, 1), -EAGAIN);
	m = reply(CCID_RDR_DATA_BLOCK, 1, CCID_CMD_FAILED | CCID_ICC_ABSENT, 0xfe);
	assert_int_equal(mncr_ccid_check_reply(&m, CCID_RDR_DATA_BLOCK, 0, 1), -ENOMEDIUM);
	m = reply(CCID_RDR_DATA_BLOCK, 1, CCID_CMD_FAILED | CCID_ICC_INACTIVE, 0xfe);
	assert_int_equal(mncr_ccid_check_reply(&m, CCID_RDR_DATA_BLOCK, 0, 1), -ENOTCONN);
	m = reply(CCID_RDR_DATA_BLOCK, 1, CCID_CMD_FAILED, 0xfe);
	assert_int_equal(mncr_ccid_check_reply(&m, CCID_RDR_DATA_BLOCK, 0, 1), -ETIMEDOUT);
	m = reply(CCID_RDR_DATA_BLOCK, 1, CCID_CMD_FAILED, CCID_ERR_CMD_ABORTED);
	assert_int_equal(mncr_ccid_check_reply(&m, CCID_RDR_DATA_BLOCK, 0, 1), -ECANCELED);
	m = reply(CCID_RDR_DATA_BLOCK, 1, CCID_CMD_FAILED, CCID_ERR_SLOT_BUSY);
	assert_int_equal(mncr_ccid_check_reply(&m, CCID_RDR_DATA_BLOCK, 0, 1), -EBUSY);
	m = reply(CCID_RDR_DATA_BLOCK, 1, CCID_CMD_FAILED, CCID_ERR_CMD_UNSUPP);
	assert_int_equal(mncr_ccid_check_reply(&m, CCID_RDR_DATA_BLOCK, 0, 1), -EOPNOTSUPP);
	m = reply(CCID_RDR_DATA_BLOCK, 1, CCID_CMD_FAILED, CCID_ERR_HW_ERROR);
	assert_int_equal(mncr_ccid_check_reply(&m, CCID_RDR_DATA_BLOCK, 0, 1), -EIO);
	/* Reserved status values. */
	m = reply(CCID_RDR_DATA_BLOCK, 1, 0xc0, 0);
	assert_int_equal(mncr_ccid_check_reply(&m, CCID_RDR_DATA_BLOCK, 0, 1), -EPROTO);
	m = reply(CCID_RDR_DATA_BLOCK, 1, 0x03, 0);
	assert_int_equal(mncr_ccid_check_reply(&m, CCID_RDR_DATA_BLOCK, 0, 1), -EPROTO);
}

static void notify(void **state)
{
	const uint8_t in[] = { 0x50, 0x03 }, out[] = { 0x50, 0x02 }, bad[] = { 0x51, 3 };
	bool present, changed;

	(void)state;
	assert_int_equal(mncr_ccid_parse_notify(in, 2, &present, &changed), 0);
	assert_true(present && changed);
	assert_int_equal(mncr_ccid_parse_notify(out, 2, &present, &changed), 0);
	assert_true(!present && changed);
	assert_int_equal(mncr_ccid_parse_notify(in, 1, &present, &changed), -EBADMSG);
	assert_int_equal(mncr_ccid_parse_notify(bad, 2, &present, &changed), -EBADMSG);
}

static void class_descriptor(void **state)
{
	uint8_t d[4 + MNCR_CCID_DESC_LEN] = { 4, 0x24, 0, 0 };	/* junk before */
	uint8_t *c = d + 4;
	struct mncr_ccid_desc out;

	(void)state;
	c[0] = MNCR_CCID_DESC_LEN;
	c[1] = MNCR_CCID_DESC_TYPE;
	c[2] = 0x10;
	c[3] = 0x01;
	c[6] = 2;
	c[40] = 0xba;
	c[42] = 0x04;
	c[44] = 0x12;
	c[45] = 0x00;
	c[46] = 0x01;
	assert_int_equal(mncr_ccid_parse_desc(d, sizeof(d), &out), 0);
	assert_int_equal(out.bcd_ccid, 0x0110);
	assert_int_equal(out.protocols, 2);
	assert_int_equal(out.features, 0x000400ba);
	assert_int_equal(out.max_msg, 0x10012);
	/* Cut short, zero or overlong bLength, wrong size, absent. */
	assert_int_equal(mncr_ccid_parse_desc(d, sizeof(d) - 1, &out), -EPROTO);
	d[0] = 0;
	assert_int_equal(mncr_ccid_parse_desc(d, sizeof(d), &out), -EPROTO);
	d[0] = 4;
	c[0] = 53;
	assert_int_equal(mncr_ccid_parse_desc(d, sizeof(d), &out), -EPROTO);
	assert_int_equal(mncr_ccid_parse_desc(d, 4, &out), -ENOENT);
	assert_int_equal(mncr_ccid_parse_desc(NULL, 0, &out), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(encode_xfr_block),
		cmocka_unit_test(encode_bounds),
		cmocka_unit_test(encode_large_dwlength),
		cmocka_unit_test(parse_lengths),
		cmocka_unit_test(check_reply),
		cmocka_unit_test(notify),
		cmocka_unit_test(class_descriptor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
