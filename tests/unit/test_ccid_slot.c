// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The simulator's CCID slot rules (userspace/sim/ccid_slot.c, compiled in
 * here: it has no I/O), checked with the host's own parser: power, ATR,
 * XfrBlock to the card emulator, refusals (absent, unpowered, bad slot,
 * dwLength, chaining, T=0), and the yank and garbled cards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../userspace/sim/ccid_slot.c"
#include "test_card_fixture.h"

struct t {
	struct fx *fx;
	struct ccid_slot slot;
	struct card_profile profile;
	uint8_t out[MNCR_CCID_MAX_MSG];
	struct mncr_ccid_msg reply;
	uint8_t seq;
};

/* Sends one message; returns the reply's mapped status (check_reply). */
static int send_msg(struct t *t, uint8_t type, const uint8_t p[3],
		    const uint8_t *data, size_t len, uint8_t want_type)
{
	uint8_t in[300];
	enum ccid_action act;
	size_t n = mncr_ccid_encode(in, sizeof(in), type, 0, ++t->seq, p, data, len);
	size_t r;

	assert_true(n > 0);
	r = ccid_slot_handle(&t->slot, in, n, t->out, &act);
	assert_int_equal(mncr_ccid_parse(t->out, r, &t->reply), 0);
	return mncr_ccid_check_reply(&t->reply, want_type, 0, t->seq);
}

static int setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));

	if (!t || fx_setup((void **)&t->fx) || fx_profile(t->fx, "pin") ||
	    fx_start(t->fx))
		return -1;
	t->profile = (struct card_profile) { .name = "pin" };
	t->slot = (struct ccid_slot) { .present = true, .profile = &t->profile,
				       .emul = t->fx->emul };
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct t *t = *state;

	/* The slot may have freed the card (yank). */
	if (!t->slot.emul)
		t->fx->emul = NULL;
	fx_teardown((void **)&t->fx);
	free(t);
	return 0;
}

static const uint8_t select_jpki[] = { 0x00, 0xa4, 0x04, 0x0c, 0x0a, 0xd3, 0x92,
				       0xf0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01 };

static void power_and_xfr(void **state)
{
	static const uint8_t atr[] = CCID_SIM_ATR;
	struct t *t = *state;

	assert_int_equal(send_msg(t, CCID_PC_GET_SLOT_STATUS, NULL, NULL, 0,
				  CCID_RDR_SLOT_STATUS), 0);
	assert_int_equal(mncr_ccid_icc_status(&t->reply), CCID_ICC_INACTIVE);
	assert_int_equal(send_msg(t, CCID_PC_XFR_BLOCK, NULL, select_jpki,
				  sizeof(select_jpki), CCID_RDR_DATA_BLOCK), -ENOTCONN);
	assert_int_equal(send_msg(t, CCID_PC_POWER_ON, NULL, NULL, 0,
				  CCID_RDR_DATA_BLOCK), 0);
	assert_int_equal(t->reply.length, sizeof(atr));
	assert_memory_equal(t->reply.data, atr, sizeof(atr));
	assert_int_equal(send_msg(t, CCID_PC_XFR_BLOCK, NULL, select_jpki,
				  sizeof(select_jpki), CCID_RDR_DATA_BLOCK), 0);
	assert_int_equal(t->reply.length, 2);
	assert_int_equal(t->reply.data[0], 0x90);
	/* Chaining is not ours: wLevelParameter must be 0. */
	assert_int_equal(send_msg(t, CCID_PC_XFR_BLOCK, (const uint8_t[]){ 0, 1, 0 },
				  select_jpki, sizeof(select_jpki), CCID_RDR_DATA_BLOCK), -EIO);
	assert_int_equal(send_msg(t, CCID_PC_XFR_BLOCK, NULL, select_jpki, 3,
				  CCID_RDR_DATA_BLOCK), -EIO);
	assert_int_equal(send_msg(t, CCID_PC_POWER_OFF, NULL, NULL, 0,
				  CCID_RDR_SLOT_STATUS), 0);
	assert_int_equal(mncr_ccid_icc_status(&t->reply), CCID_ICC_INACTIVE);
}

static void parameters(void **state)
{
	struct t *t = *state;

	assert_int_equal(send_msg(t, CCID_PC_GET_PARAMETERS, NULL, NULL, 0,
				  CCID_RDR_PARAMETERS), 0);
	assert_int_equal(t->reply.p[2], 1);	/* T=1 */
	assert_int_equal(t->reply.length, 7);
	assert_int_equal(send_msg(t, CCID_PC_SET_PARAMETERS, (const uint8_t[]){ 1, 0, 0 },
				  t1_params, sizeof(t1_params), CCID_RDR_PARAMETERS), 0);
	assert_int_equal(send_msg(t, CCID_PC_SET_PARAMETERS, (const uint8_t[]){ 0, 0, 0 },
				  t1_params, 5, CCID_RDR_PARAMETERS), -EIO);
	assert_int_equal(t->reply.p[1], 7);
	assert_int_equal(send_msg(t, CCID_PC_ABORT, NULL, NULL, 0, CCID_RDR_SLOT_STATUS), 0);
	assert_int_equal(send_msg(t, CCID_PC_ESCAPE, NULL, NULL, 0, CCID_RDR_ESCAPE),
			 -EOPNOTSUPP);
	assert_int_equal(send_msg(t, 0x99, NULL, NULL, 0, CCID_RDR_SLOT_STATUS),
			 -EOPNOTSUPP);
}

static void hostile_headers(void **state)
{
	struct t *t = *state;
	uint8_t in[12] = { CCID_PC_XFR_BLOCK, 0xff, 0xff, 0xff, 0xff, 0, 9 };
	enum ccid_action act;
	size_t r;

	/* dwLength past what arrived: bError 1, bSeq echoed. */
	r = ccid_slot_handle(&t->slot, in, sizeof(in), t->out, &act);
	assert_int_equal(mncr_ccid_parse(t->out, r, &t->reply), 0);
	assert_int_equal(t->reply.seq, 9);
	assert_int_equal(t->reply.p[0] & 0xc0, CCID_CMD_FAILED);
	assert_int_equal(t->reply.p[1], CCID_ERR_BAD_LENGTH);
	/* Too short to answer. */
	assert_int_equal(ccid_slot_handle(&t->slot, in, 9, t->out, &act), 0);
	/* Another slot. */
	in[1] = in[2] = in[3] = in[4] = 0;
	in[5] = 1;
	r = ccid_slot_handle(&t->slot, in, 10, t->out, &act);
	assert_int_equal(mncr_ccid_parse(t->out, r, &t->reply), 0);
	assert_int_equal(t->reply.p[1], CCID_ERR_BAD_SLOT);
}

static void absent(void **state)
{
	struct t *t = *state;

	t->slot.present = false;
	assert_int_equal(send_msg(t, CCID_PC_POWER_ON, NULL, NULL, 0,
				  CCID_RDR_DATA_BLOCK), -ENOMEDIUM);
	assert_int_equal(send_msg(t, CCID_PC_GET_SLOT_STATUS, NULL, NULL, 0,
				  CCID_RDR_SLOT_STATUS), -ENOMEDIUM);
	assert_int_equal(ccid_slot_notify_state(&t->slot), 0);
	t->slot.present = true;
}

static void yank(void **state)
{
	static const uint8_t read_binary[] = { 0x00, 0xb0, 0x00, 0x00, 0x04 };
	struct t *t = *state;
	uint8_t in[32];
	enum ccid_action act;
	size_t n, r;

	t->profile.yank_on_read = true;
	assert_int_equal(send_msg(t, CCID_PC_POWER_ON, NULL, NULL, 0,
				  CCID_RDR_DATA_BLOCK), 0);
	n = mncr_ccid_encode(in, sizeof(in), CCID_PC_XFR_BLOCK, 0, 3, NULL,
			     read_binary, sizeof(read_binary));
	r = ccid_slot_handle(&t->slot, in, n, t->out, &act);
	assert_int_equal(act, CCID_ACT_YANK);
	assert_int_equal(mncr_ccid_parse(t->out, r, &t->reply), 0);
	assert_int_equal(mncr_ccid_check_reply(&t->reply, CCID_RDR_DATA_BLOCK, 0, 3),
			 -ENOMEDIUM);
	assert_null(t->slot.emul);
	assert_int_equal(ccid_slot_notify_state(&t->slot), 2);	/* changed, absent */
}

static void garbled(void **state)
{
	struct t *t = *state;
	uint8_t in[32];
	enum ccid_action act;
	size_t n, r;

	t->profile.front_garbled = true;
	assert_int_equal(send_msg(t, CCID_PC_POWER_ON, NULL, NULL, 0,
				  CCID_RDR_DATA_BLOCK), 0);
	n = mncr_ccid_encode(in, sizeof(in), CCID_PC_XFR_BLOCK, 0, 4, NULL,
			     select_jpki, sizeof(select_jpki));
	r = ccid_slot_handle(&t->slot, in, n, t->out, &act);
	assert_int_equal(mncr_ccid_parse(t->out, r, &t->reply), -EBADMSG);
}

static void time_extension(void **state)
{
	struct t *t = *state;
	uint8_t in[16];
	size_t n = mncr_ccid_encode(in, sizeof(in), CCID_PC_XFR_BLOCK, 0, 6, NULL,
				    select_jpki, 4);

	assert_true(n > 0);
	n = ccid_slot_time_extension(&t->slot, in, t->out);
	assert_int_equal(mncr_ccid_parse(t->out, n, &t->reply), 0);
	assert_int_equal(mncr_ccid_check_reply(&t->reply, CCID_RDR_DATA_BLOCK, 0, 6),
			 -EAGAIN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(power_and_xfr, setup, teardown),
		cmocka_unit_test_setup_teardown(parameters, setup, teardown),
		cmocka_unit_test_setup_teardown(hostile_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(absent, setup, teardown),
		cmocka_unit_test_setup_teardown(yank, setup, teardown),
		cmocka_unit_test_setup_teardown(garbled, setup, teardown),
		cmocka_unit_test_setup_teardown(time_extension, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
