// SPDX-License-Identifier: GPL-2.0-or-later
/* 券面AP: the card-face record via 照合番号B/A, photo bytes, parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "card/card_collation.h"
#include "card/card_text_ap.h"
#include "card/card_verify.h"
#include "card/card_visual_ap.h"
#include "test_card_fixture.h"

static void read_front(struct fx *f, struct mncr_visual_front *v)
{
	struct mncr_card_front front;
	int tries;

	fx_front(f, &front);
	assert_int_equal(mncr_card_verify_front(&f->io, &mncr_card_key_visual_b,
						&front, 0, &tries), 0);
	assert_int_equal(mncr_visual_ap_read(&f->io, v), 0);
	assert_memory_equal(v->birth, f->profile.birth_date, 8);
	assert_memory_equal(v->expiry, f->profile.expiry_date, 8);
	assert_int_equal(v->sex, f->profile.sex);
}

static void test_via_collation_b(void **state)
{
	struct fx *f = *state;
	struct mncr_visual_front v;

	assert_int_equal(fx_card(f, "pin"), 0);
	assert_int_equal(mncr_visual_ap_select(&f->io), 0);
	assert_int_equal(mncr_visual_ap_read(&f->io, &v), -EACCES);
	read_front(f, &v);
	assert_string_equal(v.expiry, "20350217");
	assert_int_equal(mncr_photo_format(v.photo, v.photo_len), MNCR_PHOTO_JP2);
	mncr_visual_front_clear(&v);
	assert_null(v.photo);
	assert_int_equal(v.photo_len, 0);
}

static void test_photo_bytes(void **state)
{
	struct fx *f = *state;
	struct mncr_visual_front v;
	static uint8_t photo[9000];

	memcpy(photo, "\x00\x00\x00\x0C\x6A\x50\x20\x20", 8);
	for (size_t i = 8; i < sizeof(photo); i++)
		photo[i] = (uint8_t)(i * 31 + 7);
	assert_int_equal(fx_profile(f, "expired"), 0);
	f->profile.photo = photo;
	f->profile.photo_len = sizeof(photo);
	f->profile.sex = '2';
	for (int variant = 0; variant < 3; variant++) {
		f->profile.extended = variant == 1;
		f->profile.chain = variant == 2;
		assert_int_equal(fx_start(f), 0);
		read_front(f, &v);
		assert_string_equal(v.expiry, "20210330");
		assert_int_equal(v.photo_len, sizeof(photo));
		assert_memory_equal(v.photo, photo, sizeof(photo));
		mncr_visual_front_clear(&v);
	}
	f->profile.extended = f->profile.chain = false;
	f->profile.photo = NULL;
}

static void test_other_keys(void **state)
{
	struct fx *f = *state;
	struct mncr_visual_front v;
	struct mncr_card_front front;
	char a[] = "000000000000", birth[] = "550217";
	int tries;

	assert_int_equal(fx_card(f, "pin"), 0);
	/* 照合番号B given to the text AP does not open the 券面AP. */
	fx_front(f, &front);
	assert_int_equal(mncr_card_verify_front(&f->io, &mncr_card_key_text_b, &front,
						0, &tries), 0);
	assert_int_equal(mncr_visual_ap_select(&f->io), 0);
	assert_int_equal(mncr_visual_ap_read(&f->io, &v), -EACCES);
	assert_int_equal(mncr_card_verify(&f->io, &mncr_card_key_visual_a, a, 12, 0,
					  &tries), 0);
	assert_int_equal(mncr_visual_ap_read(&f->io, &v), 0);
	mncr_visual_front_clear(&v);
	/* The birth-date key is a key of its own (it opens EF 0001, not 0002). */
	mncr_card_emul_reset(f->emul);
	assert_int_equal(mncr_card_verify(&f->io, &mncr_card_key_visual_birth, birth,
					  6, 0, &tries), 0);
	assert_int_equal(mncr_visual_ap_read(&f->io, &v), -EACCES);
}

static void test_parse(void **state)
{
	static const uint8_t good[] = {
		0xFF, 0x20, 0x16,
		0xDF, 0x22, 0x08, '1', '9', '8', '9', '0', '1', '0', '8',
		0xDF, 0x23, 0x01, '1',
		0xDF, 0x27, 0x04, 0xFF, 0x4F, 0xFF, 0x51,
		0xFF, 0xFF,
	};
	uint8_t bad[sizeof(good)];
	struct mncr_visual_front v;

	(void)state;
	assert_int_equal(mncr_visual_ap_parse(good, sizeof(good), &v), 0);
	assert_string_equal(v.birth, "19890108");
	assert_string_equal(v.expiry, "");	/* tolerated */
	assert_int_equal(v.photo_len, 4);
	assert_int_equal(mncr_photo_format(v.photo, v.photo_len), MNCR_PHOTO_J2K);
	mncr_visual_front_clear(&v);
	memcpy(bad, good, sizeof(good));
	bad[19] = 0x28;		/* no photo */
	assert_int_equal(mncr_visual_ap_parse(bad, sizeof(bad), &v), -EBADMSG);
	assert_null(v.photo);
	memcpy(bad, good, sizeof(good));
	bad[17] = 'M';		/* sex not a digit */
	assert_int_equal(mncr_visual_ap_parse(bad, sizeof(bad), &v), -EBADMSG);
	assert_int_equal(mncr_visual_ap_parse(good, 10, &v), -EBADMSG);
	assert_int_equal(mncr_photo_format((const uint8_t *)"GIF89a", 6),
			 MNCR_PHOTO_UNKNOWN);
	assert_int_equal(mncr_photo_format(NULL, 0), MNCR_PHOTO_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_via_collation_b),
		cmocka_unit_test(test_photo_bytes),
		cmocka_unit_test(test_other_keys),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
