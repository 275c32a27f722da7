// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Backend choice and the PC/SC error mapping (the transports themselves
 * run in the test bed: card_profiles.sh, card_profiles_pcsc.sh), and that
 * without a reader both backends fail cleanly with the documented errnos.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <PCSC/pcsclite.h>

#include "card/card_link.h"
#include "card/pcsc.h"

static void backend_names(void **state)
{
	enum mncr_card_backend b = MNCR_CARD_BACKEND_PCSC;

	(void)state;
	assert_int_equal(mncr_card_backend_parse("usb", &b), 0);
	assert_int_equal(b, MNCR_CARD_BACKEND_USB);
	assert_int_equal(mncr_card_backend_parse("pcsc", &b), 0);
	assert_int_equal(b, MNCR_CARD_BACKEND_PCSC);
	assert_int_equal(mncr_card_backend_parse("auto", &b), 0);
	assert_int_equal(b, MNCR_CARD_BACKEND_AUTO);
	assert_int_equal(mncr_card_backend_parse("USB", &b), -EINVAL);
	assert_int_equal(mncr_card_backend_parse(NULL, &b), -EINVAL);
	assert_string_equal(mncr_card_backend_name(MNCR_CARD_BACKEND_PCSC), "pcsc");
	assert_string_equal(mncr_card_backend_name(MNCR_CARD_BACKEND_USB), "usb");
}

static void pcsc_errors(void **state)
{
	(void)state;
	assert_int_equal(mncr_pcsc_errno(SCARD_S_SUCCESS), 0);
	assert_int_equal(mncr_pcsc_errno(SCARD_E_NO_SERVICE), -ECONNREFUSED);
	assert_int_equal(mncr_pcsc_errno(SCARD_E_NO_READERS_AVAILABLE), -ENODEV);
	assert_int_equal(mncr_pcsc_errno(SCARD_E_NO_SMARTCARD), -ENOMEDIUM);
	assert_int_equal(mncr_pcsc_errno(SCARD_W_REMOVED_CARD), -ENOMEDIUM);
	assert_int_equal(mncr_pcsc_errno(SCARD_E_SHARING_VIOLATION), -EBUSY);
	assert_int_equal(mncr_pcsc_errno(SCARD_E_TIMEOUT), -ETIMEDOUT);
	assert_int_equal(mncr_pcsc_errno(SCARD_E_NOT_TRANSACTED), -EPROTO);
	assert_int_equal(mncr_pcsc_errno(SCARD_F_INTERNAL_ERROR), -EIO);
}

/* No reader with this serial on any bus, no pcscd answering for it. */
static void no_reader(void **state)
{
	struct mncr_card_link *l = NULL;
	int r;

	(void)state;
	r = mncr_card_link_open(MNCR_CARD_BACKEND_USB, "NO-SUCH-READER", &l);
	assert_true(r == -ENODEV || r == -ENOMEM);
	r = mncr_card_link_open(MNCR_CARD_BACKEND_PCSC, "NO-SUCH-READER", &l);
	assert_true(r == -ENODEV || r == -ECONNREFUSED);
	assert_null(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backend_names),
		cmocka_unit_test(pcsc_errors),
		cmocka_unit_test(no_reader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
