// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The card-photo sequence against the emulator: 照合番号B opens the 券面AP
 * and the record comes back; a wrong front reads nothing and says so with
 * the tries left; the last try is never spent; a closed AP is told apart
 * (opened) from a failed read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "card/card_photo.h"
#include "test_card_fixture.h"

static void test_reads_the_photo(void **state)
{
	struct fx *f = *state;
	struct mncr_visual_front v = { 0 };
	struct mncr_card_front front;
	bool opened = false;
	int tries = 99;

	assert_int_equal(fx_card(f, "pin"), 0);
	fx_front(f, &front);
	assert_int_equal(mncr_card_photo_read(&f->io, &front, &v, &opened, &tries), 0);
	assert_true(opened);
	assert_true(tries >= -1 && tries <= 15);
	assert_int_equal(f->verifies, 1);
	assert_string_equal(v.expiry, "20350217");
	assert_memory_equal(v.birth, f->profile.birth_date, 8);
	assert_int_equal(mncr_photo_format(v.photo, v.photo_len), MNCR_PHOTO_JP2);
	mncr_visual_front_clear(&v);
	/* Optional outputs. */
	assert_int_equal(mncr_card_photo_read(&f->io, &front, &v, NULL, NULL), 0);
	mncr_visual_front_clear(&v);
}

static void test_wrong_front_reads_nothing(void **state)
{
	struct fx *f = *state;
	struct mncr_visual_front v = { 0 };
	struct mncr_card_front front;
	bool opened = true;
	int tries = 99;

	assert_int_equal(fx_card(f, "pin"), 0);
	fx_front(f, &front);
	front.security_code[3] = front.security_code[3] == '0' ? '1' : '0';
	assert_int_equal(mncr_card_photo_read(&f->io, &front, &v, &opened, &tries),
			 -EKEYREJECTED);
	assert_false(opened);
	assert_int_equal(tries, f->profile.collation_max - 1);
	assert_int_equal(tries, mncr_card_emul_tries(f->emul, &mncr_card_key_visual_b));
	assert_null(v.photo);
}

/* One try left: the guard refuses and no VERIFY with data goes out. */
static void test_last_try_is_kept(void **state)
{
	struct fx *f = *state;
	struct mncr_visual_front v = { 0 };
	struct mncr_card_front front;
	bool opened = true;

	assert_int_equal(fx_profile(f, "pin"), 0);
	f->profile.collation_tries = 1;
	assert_int_equal(fx_start(f), 0);
	fx_front(f, &front);
	assert_int_equal(mncr_card_photo_read(&f->io, &front, &v, &opened, NULL),
			 -ECANCELED);
	assert_false(opened);
	assert_int_equal(f->verifies, 0);
	assert_int_equal(mncr_card_emul_tries(f->emul, &mncr_card_key_visual_b), 1);
	assert_null(v.photo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_the_photo),
		cmocka_unit_test(test_wrong_front_reads_nothing),
		cmocka_unit_test(test_last_try_is_kept),
	};

	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
