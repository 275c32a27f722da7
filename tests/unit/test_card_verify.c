// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * VERIFY and the last-try guard against the emulated card: tries are read
 * without spending one, a card with one try left is never locked by a
 * normal call, and every secret buffer is wiped whatever the outcome.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "card/card_verify.h"
#include "test_card_fixture.h"

static bool wiped(const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i])
			return false;
	return true;
}

/* Presents a copy of pin; checks the copy was wiped. */
static int verify(struct fx *f, const struct mncr_card_key *key,
		  const char *pin, unsigned int flags, int *tries)
{
	char buf[32];
	size_t n = strlen(pin);
	int ret;

	memcpy(buf, pin, n);
	ret = mncr_card_verify(&f->io, key, buf, n, flags, tries);
	assert_true(wiped(buf, n));
	return ret;
}

static void test_status_spends_nothing(void **state)
{
	struct fx *f = *state;
	struct mncr_card_key_status st;

	assert_int_equal(fx_card(f, "pin"), 0);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(mncr_card_key_status(&f->io, &mncr_card_key_jpki_auth,
						      &st), 0);
		assert_int_equal(st.tries, 3);
		assert_false(st.verified);
		assert_false(st.blocked);
	}
	assert_int_equal(mncr_card_key_status(&f->io, &mncr_card_key_jpki_sign, &st), 0);
	assert_int_equal(st.tries, 5);
	assert_int_equal(mncr_card_key_status(&f->io, &mncr_card_key_visual_b, &st), 0);
	assert_int_equal(st.tries, 10);
	assert_int_equal(f->verifies, 0);
	assert_int_equal(mncr_card_emul_tries(f->emul, &mncr_card_key_jpki_auth), 3);
}

static void test_wrong_then_right(void **state)
{
	struct fx *f = *state;
	int tries;

	assert_int_equal(fx_card(f, "pin"), 0);
	assert_int_equal(verify(f, &mncr_card_key_jpki_auth, "0000", 0, &tries),
			 -EKEYREJECTED);
	assert_int_equal(tries, 2);
	assert_int_equal(mncr_card_emul_tries(f->emul, &mncr_card_key_jpki_auth), 2);
	assert_int_equal(verify(f, &mncr_card_key_jpki_auth, "1234", 0, &tries), 0);
	assert_int_equal(mncr_card_emul_tries(f->emul, &mncr_card_key_jpki_auth), 3);
	assert_int_equal(f->verifies, 2);
	/* Already verified in this session: nothing more is sent. */
	assert_int_equal(verify(f, &mncr_card_key_jpki_auth, "1234", 0, &tries), 0);
	assert_int_equal(f->verifies, 2);
	/* A power cycle ends it. */
	mncr_card_emul_reset(f->emul);
	assert_int_equal(verify(f, &mncr_card_key_jpki_auth, "1234", 0, &tries), 0);
	assert_int_equal(f->verifies, 3);
}

static void test_normal_calls_never_lock(void **state)
{
	struct fx *f = *state;
	int tries;

	assert_int_equal(fx_card(f, "pin"), 0);
	assert_int_equal(verify(f, &mncr_card_key_jpki_auth, "0000", 0, &tries),
			 -EKEYREJECTED);
	assert_int_equal(verify(f, &mncr_card_key_jpki_auth, "0001", 0, &tries),
			 -EKEYREJECTED);
	assert_int_equal(tries, 1);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(verify(f, &mncr_card_key_jpki_auth, "0002", 0, &tries),
				 -ECANCELED);
		assert_int_equal(tries, 1);
	}
	assert_int_equal(f->verifies, 2);
	assert_int_equal(mncr_card_emul_tries(f->emul, &mncr_card_key_jpki_auth), 1);
	/* Even the right PIN is held back: the guard cannot know it is right. */
	assert_int_equal(verify(f, &mncr_card_key_jpki_auth, "1234", 0, &tries),
			 -ECANCELED);
	assert_int_equal(f->verifies, 2);
}

static void test_last_try_with_flag(void **state)
{
	struct fx *f = *state;
	int tries;

	assert_int_equal(fx_profile(f, "pin"), 0);
	f->profile.auth_pin.tries = 1;
	assert_int_equal(fx_start(f), 0);
	/* Right PIN on the last try, allowed: counter back to 3. */
	assert_int_equal(verify(f, &mncr_card_key_jpki_auth, "1234",
				MNCR_CARD_VERIFY_LAST_TRY, &tries), 0);
	assert_int_equal(mncr_card_emul_tries(f->emul, &mncr_card_key_jpki_auth), 3);

	assert_int_equal(fx_start(f), 0);
	assert_int_equal(verify(f, &mncr_card_key_jpki_auth, "9999",
				MNCR_CARD_VERIFY_LAST_TRY, &tries), -EPERM);
	assert_int_equal(tries, 0);
	assert_int_equal(mncr_card_emul_tries(f->emul, &mncr_card_key_jpki_auth), 0);
	/* Blocked now: nothing is sent, flag or not. */
	assert_int_equal(verify(f, &mncr_card_key_jpki_auth, "1234",
				MNCR_CARD_VERIFY_LAST_TRY, &tries), -EPERM);
	assert_int_equal(f->verifies, 1);
}

static void test_blocked_and_pinless(void **state)
{
	struct fx *f = *state;
	struct mncr_card_key_status st;
	int tries;

	assert_int_equal(fx_card(f, "blocked"), 0);
	assert_int_equal(verify(f, &mncr_card_key_jpki_auth, "1234", 0, &tries), -EPERM);
	assert_int_equal(tries, 0);
	f->profile.blocked_6983 = true;
	assert_int_equal(fx_start(f), 0);
	assert_int_equal(mncr_card_key_status(&f->io, &mncr_card_key_jpki_auth, &st), 0);
	assert_true(st.blocked);
	assert_int_equal(verify(f, &mncr_card_key_jpki_auth, "1234",
				MNCR_CARD_VERIFY_LAST_TRY, &tries), -EPERM);
	assert_int_equal(f->verifies, 0);

	assert_int_equal(fx_card(f, "pinless"), 0);
	assert_int_equal(mncr_card_key_status(&f->io, &mncr_card_key_jpki_auth, &st), 0);
	assert_true(st.blocked);
	assert_int_equal(verify(f, &mncr_card_key_jpki_auth, "1234", 0, &tries), -EPERM);
	assert_int_equal(verify(f, &mncr_card_key_text_pin, "1234", 0, &tries), -EPERM);
	assert_int_equal(f->verifies, 0);
}

static void test_bad_form_sends_nothing(void **state)
{
	struct fx *f = *state;
	int tries;

	assert_int_equal(fx_card(f, "pin"), 0);
	assert_int_equal(verify(f, &mncr_card_key_jpki_auth, "12a4", 0, &tries), -EINVAL);
	assert_int_equal(verify(f, &mncr_card_key_jpki_auth, "12345", 0, &tries), -EINVAL);
	assert_int_equal(verify(f, &mncr_card_key_jpki_auth, "123", 0, &tries), -EINVAL);
	assert_int_equal(verify(f, &mncr_card_key_jpki_sign, "abc123", 0, &tries), -EINVAL);
	assert_int_equal(verify(f, &mncr_card_key_jpki_sign, "ABC12", 0, &tries), -EINVAL);
	assert_int_equal(verify(f, &mncr_card_key_jpki_sign, "ABCDEFGHIJ1234567", 0,
				&tries), -EINVAL);
	assert_int_equal(verify(f, &mncr_card_key_text_b, "5502172035228", 0, &tries),
			 -EINVAL);
	assert_int_equal(tries, -1);
	assert_int_equal(f->commands, 0);
	assert_true(mncr_card_secret_valid(&mncr_card_key_jpki_sign, "ABC123", 6));
	assert_true(mncr_card_secret_valid(&mncr_card_key_jpki_sign,
					   "ABCDEFGHIJ123456", 16));
	assert_int_equal(verify(f, &mncr_card_key_jpki_sign, "ABC123", 0, &tries), 0);
}

/* A card that will not say how many tries are left. */
static uint16_t status_answer;

static int silent_transmit(void *ctx, const uint8_t *cmd, size_t n,
			   uint8_t *resp, size_t *resp_len)
{
	if (n == 4 && cmd[1] == 0x20) {
		resp[0] = status_answer >> 8;
		resp[1] = status_answer & 0xFF;
		*resp_len = 2;
		return 0;
	}
	return fx_transmit(ctx, cmd, n, resp, resp_len);
}

static void test_unknown_count(void **state)
{
	struct fx *f = *state;
	int tries;

	assert_int_equal(fx_card(f, "pin"), 0);
	f->io.transmit = silent_transmit;
	status_answer = 0x6A86;
	assert_int_equal(verify(f, &mncr_card_key_jpki_auth, "1234", 0, &tries),
			 -ECANCELED);
	assert_int_equal(tries, -1);
	assert_int_equal(f->verifies, 0);
	assert_int_equal(verify(f, &mncr_card_key_jpki_auth, "1234",
				MNCR_CARD_VERIFY_LAST_TRY, &tries), 0);
	assert_int_equal(f->verifies, 1);
	/* 6300: no retry counter, so nothing to guard. */
	mncr_card_emul_reset(f->emul);
	status_answer = 0x6300;
	assert_int_equal(verify(f, &mncr_card_key_jpki_auth, "1234", 0, &tries), 0);
	assert_int_equal(f->verifies, 2);
}

static int dead_transmit(void *ctx, const uint8_t *cmd, size_t n,
			 uint8_t *resp, size_t *resp_len)
{
	(void)ctx;
	(void)cmd;
	(void)n;
	(void)resp;
	(void)resp_len;
	return -ENODEV;
}

static void test_wiped_on_transport_error(void **state)
{
	struct fx *f = *state;
	int tries;

	assert_int_equal(fx_card(f, "pin"), 0);
	f->io.transmit = dead_transmit;
	assert_int_equal(verify(f, &mncr_card_key_jpki_auth, "1234", 0, &tries), -ENODEV);
	assert_int_equal(mncr_card_verify(&f->io, &mncr_card_key_jpki_auth, NULL, 4,
					  0, &tries), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_spends_nothing),
		cmocka_unit_test(test_wrong_then_right),
		cmocka_unit_test(test_normal_calls_never_lock),
		cmocka_unit_test(test_last_try_with_flag),
		cmocka_unit_test(test_blocked_and_pinless),
		cmocka_unit_test(test_bad_form_sends_nothing),
		cmocka_unit_test(test_unknown_count),
		cmocka_unit_test(test_wiped_on_transport_error),
	};

	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
