// SPDX-License-Identifier: GPL-2.0-or-later
/* Card kind: PIN card vs PIN-less (顔認証) card, decided without a try. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "card/card_kind.h"
#include "test_card_fixture.h"

static enum mncr_card_kind detect(struct fx *f, struct mncr_card_kind_info *info)
{
	assert_int_equal(mncr_card_kind_detect(&f->io, info), 0);
	assert_int_equal(f->verifies, 0);	/* never spends a try */
	return info->kind;
}

static enum mncr_card_kind preset_kind(struct fx *f, const char *name)
{
	struct mncr_card_kind_info info;

	assert_int_equal(fx_card(f, name), 0);
	return detect(f, &info);
}

static void test_presets(void **state)
{
	struct fx *f = *state;
	struct mncr_card_kind_info info;

	assert_int_equal(preset_kind(f, "pin"), MNCR_CARD_KIND_PIN);
	assert_int_equal(preset_kind(f, "pinless"), MNCR_CARD_KIND_PINLESS);
	assert_int_equal(preset_kind(f, "blocked"), MNCR_CARD_KIND_PIN_BLOCKED);
	assert_int_equal(preset_kind(f, "expired"), MNCR_CARD_KIND_PIN);
	assert_int_equal(preset_kind(f, "revoked"), MNCR_CARD_KIND_PIN);
	assert_int_equal(preset_kind(f, "nosign"), MNCR_CARD_KIND_PIN);
	assert_int_equal(fx_card(f, "pin"), 0);
	detect(f, &info);
	assert_true(info.state_known);
	assert_true(info.auth_cert);
	assert_true(info.sign_cert);
	assert_int_equal(info.auth_tries, 3);
	assert_int_equal(fx_card(f, "pinless"), 0);
	detect(f, &info);
	assert_false(info.sign_cert);
	assert_int_equal(info.auth_tries, 0);
}

static void test_edge_cards(void **state)
{
	struct fx *f = *state;
	struct mncr_card_kind_info info;

	/* One try left is still a PIN card: the guard protects that try. */
	assert_int_equal(fx_profile(f, "pin"), 0);
	f->profile.auth_pin.tries = 1;
	assert_int_equal(fx_start(f), 0);
	assert_int_equal(detect(f, &info), MNCR_CARD_KIND_PIN);
	assert_int_equal(info.auth_tries, 1);
	/* Blocked PIN without a signature certificate looks PIN-less. */
	assert_int_equal(fx_profile(f, "nosign"), 0);
	f->profile.auth_pin.tries = 0;
	assert_int_equal(fx_start(f), 0);
	assert_int_equal(detect(f, &info), MNCR_CARD_KIND_PINLESS);
	/* 6983 instead of 6984 decides the same. */
	assert_int_equal(fx_profile(f, "blocked"), 0);
	f->profile.blocked_6983 = true;
	assert_int_equal(fx_start(f), 0);
	assert_int_equal(detect(f, &info), MNCR_CARD_KIND_PIN_BLOCKED);
	/* No user-authentication certificate: no オン資 with this card. */
	assert_int_equal(fx_profile(f, "pin"), 0);
	f->profile.auth_issued = false;
	assert_int_equal(fx_start(f), 0);
	assert_int_equal(detect(f, &info), MNCR_CARD_KIND_NO_AUTH_CERT);
}

/* A card that hides one answer: the state file or the PIN status. */
static int hide;

static int hiding_transmit(void *ctx, const uint8_t *cmd, size_t n,
			   uint8_t *resp, size_t *resp_len)
{
	bool status = n == 4 && cmd[1] == 0x20;
	bool state_file = n == 7 && cmd[1] == 0xA4 && cmd[6] == 0x08;

	if ((hide == 1 && state_file) || (hide == 2 && status) ||
	    (hide == 3 && n >= 2 && cmd[1] == 0xA4 && cmd[2] == 0x04)) {
		resp[0] = hide == 2 ? 0x6D : 0x6A;
		resp[1] = hide == 2 ? 0x00 : 0x82;
		*resp_len = 2;
		return 0;
	}
	return fx_transmit(ctx, cmd, n, resp, resp_len);
}

static void test_unknown(void **state)
{
	struct fx *f = *state;
	struct mncr_card_kind_info info;

	/* No state file, usable PIN: a PIN card all the same. */
	assert_int_equal(fx_card(f, "pin"), 0);
	f->io.transmit = hiding_transmit;
	hide = 1;
	assert_int_equal(detect(f, &info), MNCR_CARD_KIND_PIN);
	assert_false(info.state_known);
	/* No state file, PIN unusable: cannot tell PIN-less from blocked. */
	assert_int_equal(fx_card(f, "pinless"), 0);
	f->io.transmit = hiding_transmit;
	assert_int_equal(detect(f, &info), MNCR_CARD_KIND_UNKNOWN);
	/* No PIN status at all. */
	hide = 2;
	assert_int_equal(detect(f, &info), MNCR_CARD_KIND_UNKNOWN);
	assert_int_equal(info.auth_tries, -1);
	/* No JPKI AP: an error, not a kind. */
	hide = 3;
	assert_int_equal(mncr_card_kind_detect(&f->io, &info), -ENOENT);
	hide = 0;
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(mncr_card_kind_name(MNCR_CARD_KIND_PIN), "pin");
	assert_string_equal(mncr_card_kind_name(MNCR_CARD_KIND_PINLESS), "pinless");
	assert_string_equal(mncr_card_kind_name(MNCR_CARD_KIND_PIN_BLOCKED), "pin_blocked");
	assert_string_equal(mncr_card_kind_name(MNCR_CARD_KIND_NO_AUTH_CERT),
			    "no_auth_cert");
	assert_string_equal(mncr_card_kind_name(MNCR_CARD_KIND_UNKNOWN), "unknown");
	assert_true(mncr_card_kind_pin_entry(MNCR_CARD_KIND_PIN));
	assert_false(mncr_card_kind_pin_entry(MNCR_CARD_KIND_PINLESS));
	assert_false(mncr_card_kind_pin_entry(MNCR_CARD_KIND_PIN_BLOCKED));
	assert_false(mncr_card_kind_pin_entry(MNCR_CARD_KIND_UNKNOWN));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_presets),
		cmocka_unit_test(test_edge_cards),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
