// SPDX-License-Identifier: GPL-2.0-or-later
/* Names of modes, events and reasons: stable strings in the CLI's output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "reader/names.h"
#include <linux/mncr.h>

static void test_modes(void **state)
{
	uint32_t m = 99;

	(void)state;
	assert_string_equal(mncr_mode_name(MNCR_MODE_AUTO), "auto");
	assert_string_equal(mncr_mode_name(MNCR_MODE_VISUAL), "visual");
	assert_string_equal(mncr_mode_name(7), "unknown");
	assert_int_equal(mncr_mode_parse("visual", &m), 0);
	assert_int_equal(m, MNCR_MODE_VISUAL);
	assert_int_equal(mncr_mode_parse("auto", &m), 0);
	assert_int_equal(m, MNCR_MODE_AUTO);
	assert_int_equal(mncr_mode_parse("Visual", &m), -EINVAL);
	assert_int_equal(mncr_mode_parse("", &m), -EINVAL);
}

static void test_events_and_reasons(void **state)
{
	(void)state;
	assert_string_equal(mncr_event_name(MNCR_EV_CARD_INSERTED), "card_inserted");
	assert_string_equal(mncr_event_name(MNCR_EV_OVERFLOW), "overflow");
	assert_string_equal(mncr_event_name(0), "unknown");
	assert_string_equal(mncr_event_name(1000), "unknown");
	assert_string_equal(mncr_reason_name(MNCR_REASON_HOLDER_CLOSED), "holder_closed");
	assert_string_equal(mncr_reason_name(MNCR_REASON_CARD_REMOVED), "card_removed");
	assert_string_equal(mncr_reason_name(MNCR_REASON_RESYNC), "resync");
	assert_string_equal(mncr_reason_name(MNCR_REASON_RESYNC + 1), "unknown");
	assert_string_equal(mncr_reason_name(0xffffffff), "unknown");
	assert_string_equal(mncr_reason_text(MNCR_REASON_TIMEOUT),
			    "the visual-mode time limit ran out");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_events_and_reasons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
