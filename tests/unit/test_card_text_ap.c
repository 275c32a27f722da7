// SPDX-License-Identifier: GPL-2.0-or-later
/* 券面事項入力補助AP: 基本4情報 via 照合番号B or PIN, and its parser. */
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
#include "test_card_fixture.h"

static void check_basic4(const struct fx *f, const struct mncr_text_basic4 *b)
{
	assert_string_equal(b->name, f->profile.name_utf8);
	assert_string_equal(b->address, f->profile.address_utf8);
	assert_memory_equal(b->birth, f->profile.birth_date, 8);
	assert_int_equal(b->birth[8], '\0');
	assert_int_equal(b->sex, f->profile.sex);
}

static void test_via_collation_b(void **state)
{
	struct fx *f = *state;
	struct mncr_card_front front;
	struct mncr_text_basic4 b;
	int tries;

	assert_int_equal(fx_card(f, "pin"), 0);
	fx_front(f, &front);
	assert_int_equal(mncr_text_ap_select(&f->io), 0);
	assert_int_equal(mncr_text_ap_read_basic4(&f->io, &b), -EACCES);
	assert_int_equal(mncr_card_verify_front(&f->io, &mncr_card_key_text_b, &front,
						0, &tries), 0);
	assert_int_equal(mncr_text_ap_read_basic4(&f->io, &b), 0);
	check_basic4(f, &b);
	mncr_text_basic4_clear(&b);
	assert_null(b.name);
	assert_null(b.address);
}

static void test_known_value(void **state)
{
	struct fx *f = *state;
	char b[] = "55021720352285";	/* spec 1.6: opens the card of this front */
	int tries;

	assert_int_equal(fx_card(f, "pin"), 0);
	assert_memory_equal(f->profile.birth_date, "19800217", 8);
	assert_int_equal(mncr_card_verify(&f->io, &mncr_card_key_text_b, b, 14, 0,
					  &tries), 0);
	assert_int_equal(mncr_card_verify(&f->io, &mncr_card_key_visual_b, b, 14, 0,
					  &tries), -EINVAL);	/* wiped by the first */
}

static void test_wrong_front(void **state)
{
	struct fx *f = *state;
	struct mncr_card_front front;
	int tries;

	assert_int_equal(fx_card(f, "pin"), 0);
	fx_front(f, &front);
	memcpy(front.security_code, "0000", 4);
	assert_int_equal(mncr_card_verify_front(&f->io, &mncr_card_key_text_b, &front,
						0, &tries), -EKEYREJECTED);
	assert_int_equal(tries, 9);
	assert_int_equal(mncr_card_emul_tries(f->emul, &mncr_card_key_text_b), 9);
	/* A front that is no date sends nothing. */
	memcpy(front.birth_date, "19801317", 8);
	f->commands = 0;
	assert_int_equal(mncr_card_verify_front(&f->io, &mncr_card_key_text_b, &front,
						0, &tries), -EINVAL);
	assert_int_equal(tries, -1);
	assert_int_equal(f->commands, 0);
}

static void test_via_pin(void **state)
{
	struct fx *f = *state;
	struct mncr_text_basic4 b;
	char pin[4] = "1234";
	int tries;

	assert_int_equal(fx_card(f, "pin"), 0);
	assert_int_equal(mncr_card_verify(&f->io, &mncr_card_key_text_pin, pin, 4, 0,
					  &tries), 0);
	assert_memory_equal(pin, "\0\0\0\0", 4);
	assert_int_equal(mncr_text_ap_read_basic4(&f->io, &b), 0);
	check_basic4(f, &b);
	mncr_text_basic4_clear(&b);
}

static void test_pinless_and_variants(void **state)
{
	struct fx *f = *state;
	struct mncr_card_front front;
	struct mncr_text_basic4 b;
	char pin[4] = "1234", addr[400];
	int tries;

	assert_int_equal(fx_card(f, "pinless"), 0);
	assert_int_equal(mncr_card_verify(&f->io, &mncr_card_key_text_pin, pin, 4, 0,
					  &tries), -EPERM);
	fx_front(f, &front);
	assert_int_equal(mncr_card_verify_front(&f->io, &mncr_card_key_text_b, &front,
						0, &tries), 0);
	assert_int_equal(mncr_text_ap_read_basic4(&f->io, &b), 0);
	check_basic4(f, &b);
	mncr_text_basic4_clear(&b);

	/* 2 junk bytes before FF 20, a long address (82 length, several
	 * READ BINARY), filler, GET RESPONSE chaining. */
	for (size_t i = 0; i + 3 < sizeof(addr); i += 3)
		memcpy(addr + i, "丁", 3);
	addr[sizeof(addr) - 1 - (sizeof(addr) - 1) % 3] = '\0';
	f->profile.address_utf8 = addr;
	f->profile.lead_bytes = true;
	f->profile.chain = true;
	f->profile.sex = '9';
	assert_int_equal(fx_start(f), 0);
	assert_int_equal(mncr_card_verify_front(&f->io, &mncr_card_key_text_b, &front,
						0, &tries), 0);
	assert_int_equal(mncr_text_ap_read_basic4(&f->io, &b), 0);
	check_basic4(f, &b);
	assert_true(strlen(b.address) > 256);
	mncr_text_basic4_clear(&b);
}

static void test_parse(void **state)
{
	static const uint8_t good[] = {
		0xFF, 0x20, 0x22,
		0xDF, 0x21, 0x08, 0, 0, 0, 0, 0, 0, 0, 0,
		0xDF, 0x22, 0x01, 'N',
		0xDF, 0x23, 0x01, 'A',
		0xDF, 0x24, 0x08, '1', '9', '8', '0', '0', '2', '1', '7',
		0xDF, 0x25, 0x01, '2',
		0x00, 0x00, 0xFF,
	};
	struct mncr_text_basic4 b;
	uint8_t bad[sizeof(good)];

	(void)state;
	assert_int_equal(mncr_text_ap_parse_basic4(good, sizeof(good), &b), 0);
	assert_string_equal(b.name, "N");
	assert_string_equal(b.address, "A");
	assert_string_equal(b.birth, "19800217");
	assert_int_equal(b.sex, '2');
	mncr_text_basic4_clear(&b);
	/* NUL inside the name */
	memcpy(bad, good, sizeof(good));
	bad[17] = 0;
	assert_int_equal(mncr_text_ap_parse_basic4(bad, sizeof(bad), &b), -EBADMSG);
	assert_null(b.name);
	/* birth not digits */
	memcpy(bad, good, sizeof(good));
	bad[25] = 'x';
	assert_int_equal(mncr_text_ap_parse_basic4(bad, sizeof(bad), &b), -EBADMSG);
	assert_null(b.name);
	assert_null(b.address);
	/* sex field missing (renamed DF26) */
	memcpy(bad, good, sizeof(good));
	bad[34] = 0x26;
	assert_int_equal(mncr_text_ap_parse_basic4(bad, sizeof(bad), &b), -EBADMSG);
	/* truncated */
	assert_int_equal(mncr_text_ap_parse_basic4(good, 20, &b), -EBADMSG);
	/* an inner length past the outer object */
	memcpy(bad, good, sizeof(good));
	bad[16] = 0x30;
	assert_int_equal(mncr_text_ap_parse_basic4(bad, sizeof(bad), &b), -EBADMSG);
	mncr_text_basic4_clear(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_via_collation_b),
		cmocka_unit_test(test_known_value),
		cmocka_unit_test(test_wrong_front),
		cmocka_unit_test(test_via_pin),
		cmocka_unit_test(test_pinless_and_variants),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
