// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Backend choice and the PC/SC error mapping (the transports themselves
 * run in the test bed: card_profiles.sh, card_profiles_pcsc.sh), that
 * without a reader both backends fail cleanly with the documented errnos,
 * and a link wrapped around the caller's transport (the card emulator).
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
#include "test_card_fixture.h"

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
	assert_string_equal(mncr_card_backend_name(MNCR_CARD_BACKEND_CALLER), "caller");
	/* The caller's link is made, never chosen by name. */
	assert_int_equal(mncr_card_backend_parse("caller", &b), -EINVAL);
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

/* The emulator behind a wrapped link: the card applications reach it. */
static void wrapped_emulator(void **state)
{
	static const uint8_t atr[] = { 0x3b, 0xe0, 0x00, 0xff, 0x81, 0x31, 0xfe, 0x45, 0x14 };
	struct fx *f = *state;
	struct mncr_card_link *l = NULL;

	assert_int_equal(fx_card(f, "pinless"), 0);
	assert_int_equal(mncr_card_link_wrap(&f->io, atr, sizeof(atr), &l), 0);
	assert_int_equal(l->backend, MNCR_CARD_BACKEND_CALLER);
	assert_null(l->impl);
	assert_int_equal(l->atr_len, sizeof(atr));
	assert_memory_equal(l->atr, atr, sizeof(atr));
	assert_int_equal(mncr_apdu_select_aid(&l->io, mncr_card_aid_jpki,
					      MNCR_CARD_AID_LEN), 0);
	assert_int_equal(f->commands, 1);
	/* An AID the card does not hold: its answer comes back through. */
	assert_int_equal(mncr_apdu_select_aid(&l->io, (const uint8_t *)"NO-SUCH-AP",
					      MNCR_CARD_AID_LEN), -ENOENT);
	assert_int_equal(f->commands, 2);
	/* Closing frees the link only: the card still answers. */
	mncr_card_link_close(l);
	assert_int_equal(mncr_apdu_select_aid(&f->io, mncr_card_aid_text,
					      MNCR_CARD_AID_LEN), 0);
}

static void wrap_refuses(void **state)
{
	struct fx *f = *state;
	struct mncr_apdu_io none = { 0 };
	uint8_t atr[MNCR_CCID_ATR_MAX + 1] = { 0x3b };
	struct mncr_card_link *l = NULL;

	assert_int_equal(fx_card(f, "pinless"), 0);
	assert_int_equal(mncr_card_link_wrap(&none, NULL, 0, &l), -EINVAL);
	assert_int_equal(mncr_card_link_wrap(NULL, NULL, 0, &l), -EINVAL);
	assert_int_equal(mncr_card_link_wrap(&f->io, atr, sizeof(atr), &l), -EINVAL);
	assert_int_equal(mncr_card_link_wrap(&f->io, NULL, 2, &l), -EINVAL);
	assert_null(l);
	assert_int_equal(mncr_card_link_open(MNCR_CARD_BACKEND_CALLER, NULL, &l),
			 -EINVAL);
	assert_null(l);
	/* No ATR is allowed. */
	assert_int_equal(mncr_card_link_wrap(&f->io, NULL, 0, &l), 0);
	assert_int_equal(l->atr_len, 0);
	mncr_card_link_close(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backend_names),
		cmocka_unit_test(pcsc_errors),
		cmocka_unit_test(no_reader),
		cmocka_unit_test(wrapped_emulator),
		cmocka_unit_test(wrap_refuses),
	};

	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
