// SPDX-License-Identifier: GPL-2.0-or-later
/* The card emulator at APDU level: status words for every rule it keeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include <openssl/ec.h>

#include "card/card_collation.h"
#include "util/tlv.h"
#include "test_card_fixture.h"

#define JPKI "\x00\xA4\x04\x0C\x0A\xD3\x92\xF0\x00\x26\x01\x00\x00\x00\x01"
#define TEXT "\x00\xA4\x04\x0C\x0A\xD3\x92\x10\x00\x31\x00\x01\x01\x04\x08"

static uint8_t resp[MNCR_APDU_RESP_MAX];
static size_t resp_len;

/* Sends a literal command, returns SW1SW2; data stay in resp. */
static uint16_t send_len(struct fx *f, const char *cmd, size_t n)
{
	resp_len = sizeof(resp);
	assert_int_equal(mncr_card_emul_transmit(f->emul, (const uint8_t *)cmd, n,
						 resp, &resp_len), 0);
	assert_true(resp_len >= 2);
	resp_len -= 2;
	return (uint16_t)(resp[resp_len] << 8 | resp[resp_len + 1]);
}

#define SEND(f, lit) send_len(f, lit, sizeof(lit) - 1)

static void test_select(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_card(f, "pin"), 0);
	assert_int_equal(SEND(f, "\x00\xA4\x02\x0C\x02\x00\x0A"), 0x6A82);	/* MF */
	assert_int_equal(SEND(f, "\x00\xA4\x04\x0C\x03\xD3\x92\xF0"), 0x6A82);
	assert_int_equal(SEND(f, JPKI), 0x9000);
	assert_int_equal(SEND(f, "\x00\xA4\x02\x0C\x02\x00\x0A"), 0x9000);
	assert_int_equal(SEND(f, "\x00\xA4\x02\x0C\x02\x12\x34"), 0x6A82);
	assert_int_equal(SEND(f, "\x00\xA4\x02\x0C\x03\x00\x0A\x00"), 0x6700);
	assert_int_equal(SEND(f, "\x00\xA4\x08\x0C\x02\x00\x0A"), 0x6A86);
	assert_int_equal(SEND(f, "\x00\xA4\x02\x04\x02\x00\x0A"), 0x6A86);
}

static void test_read_binary_rules(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_card(f, "pin"), 0);
	assert_int_equal(SEND(f, JPKI), 0x9000);
	assert_int_equal(SEND(f, "\x00\xB0\x00\x00\x04"), 0x6986);	/* no EF */
	assert_int_equal(SEND(f, "\x00\xA4\x02\x0C\x02\x00\x18"), 0x9000);
	assert_int_equal(SEND(f, "\x00\xB0\x00\x00\x04"), 0x6981);	/* a key */
	assert_int_equal(SEND(f, "\x00\xA4\x02\x0C\x02\x00\x08"), 0x9000);
	assert_int_equal(SEND(f, "\x00\xB0\x00\x00"), 0x6700);		/* no Le */
	assert_int_equal(SEND(f, "\x00\xB0\x81\x00\x04"), 0x6A86);	/* SFI */
	/* Le 256 past the end: the bytes there with 9000, as real cards. */
	assert_int_equal(SEND(f, "\x00\xB0\x00\x00\x00"), 0x9000);
	assert_int_equal(resp_len, 3);
	assert_int_equal(SEND(f, "\x00\xB0\x00\x02\x01"), 0x9000);
	assert_int_equal(resp_len, 1);
	assert_int_equal(SEND(f, "\x00\xB0\x00\x03\x01"), 0x6B00);
	/* extended only when the profile says so */
	assert_int_equal(SEND(f, "\x00\xB0\x00\x00\x00\x00\x02"), 0x6700);
	assert_int_equal(SEND(f, "\x00\xA4\x02\x0C\x02\x00\x01"), 0x9000);
	assert_int_equal(SEND(f, "\x00\xB0\x00\x00\x04"), 0x6982);	/* sign cert */
}

static void test_verify_counter(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_card(f, "pin"), 0);
	assert_int_equal(SEND(f, JPKI), 0x9000);
	assert_int_equal(SEND(f, "\x00\x20\x00\x80"), 0x6A88);	/* nothing selected */
	assert_int_equal(SEND(f, "\x00\xA4\x02\x0C\x02\x00\x18"), 0x9000);
	assert_int_equal(SEND(f, "\x00\x20\x00\x81"), 0x6A86);
	assert_int_equal(SEND(f, "\x00\x20\x00\x80"), 0x63C3);
	assert_int_equal(SEND(f, "\x00\x20\x00\x80\x04" "0000"), 0x63C2);
	assert_int_equal(SEND(f, "\x00\x20\x00\x80\x03" "123"), 0x63C1);
	assert_int_equal(SEND(f, "\x00\x20\x00\x80"), 0x63C1);
	assert_int_equal(SEND(f, "\x00\x20\x00\x80\x04" "1234"), 0x9000);
	assert_int_equal(SEND(f, "\x00\x20\x00\x80"), 0x9000);	/* verified */
	assert_int_equal(mncr_card_emul_tries(f->emul, &mncr_card_key_jpki_auth), 3);
	for (int left = 2; left >= 0; left--)
		assert_int_equal(SEND(f, "\x00\x20\x00\x80\x04" "9999"), 0x63C0 | left);
	assert_int_equal(SEND(f, "\x00\x20\x00\x80\x04" "1234"), 0x6984);
	/* Asked without data, a blocked key says 0 tries left. */
	assert_int_equal(SEND(f, "\x00\x20\x00\x80"), 0x63C0);
	assert_int_equal(SEND(f, "\x00\xA4\x02\x0C\x02\x00\x08"), 0x9000);
	assert_int_equal(SEND(f, "\x00\x20\x00\x80"), 0x6A88);	/* not a key */
}

static void test_verification_scope(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_card(f, "pin"), 0);
	assert_int_equal(SEND(f, JPKI), 0x9000);
	assert_int_equal(SEND(f, "\x00\xA4\x02\x0C\x02\x00\x18"), 0x9000);
	assert_int_equal(SEND(f, "\x00\x20\x00\x80\x04" "1234"), 0x9000);
	assert_int_equal(SEND(f, JPKI), 0x9000);	/* same DF: kept */
	assert_int_equal(SEND(f, "\x00\xA4\x02\x0C\x02\x00\x18"), 0x9000);
	assert_int_equal(SEND(f, "\x00\x20\x00\x80"), 0x9000);
	assert_int_equal(SEND(f, TEXT), 0x9000);	/* another DF: gone */
	assert_int_equal(SEND(f, JPKI), 0x9000);
	assert_int_equal(SEND(f, "\x00\xA4\x02\x0C\x02\x00\x18"), 0x9000);
	assert_int_equal(SEND(f, "\x00\x20\x00\x80"), 0x63C3);
	assert_int_equal(SEND(f, "\x00\x20\x00\x80\x04" "1234"), 0x9000);
	mncr_card_emul_reset(f->emul);			/* power cycle: gone */
	assert_int_equal(SEND(f, "\x00\xA4\x02\x0C\x02\x00\x18"), 0x6A82);
	assert_int_equal(SEND(f, JPKI), 0x9000);
	assert_int_equal(SEND(f, "\x00\xA4\x02\x0C\x02\x00\x18"), 0x9000);
	assert_int_equal(SEND(f, "\x00\x20\x00\x80"), 0x63C3);
}

static void test_sign_rules(void **state)
{
	struct fx *f = *state;
	char cmd[5 + 246 + 1];

	assert_int_equal(fx_card(f, "pin"), 0);
	assert_int_equal(SEND(f, JPKI), 0x9000);
	assert_int_equal(SEND(f, "\x80\x2A\x00\x80\x01\x00\x00"), 0x6986);
	assert_int_equal(SEND(f, "\x00\xA4\x02\x0C\x02\x00\x0A"), 0x9000);
	assert_int_equal(SEND(f, "\x80\x2A\x00\x80\x01\x00\x00"), 0x6A88);
	assert_int_equal(SEND(f, "\x00\xA4\x02\x0C\x02\x00\x17"), 0x9000);
	assert_int_equal(SEND(f, "\x80\x2A\x00\x80\x01\x00\x00"), 0x6982);
	assert_int_equal(SEND(f, "\x80\x2A\x01\x80\x01\x00\x00"), 0x6A86);
	assert_int_equal(SEND(f, "\x00\xA4\x02\x0C\x02\x00\x18"), 0x9000);
	assert_int_equal(SEND(f, "\x00\x20\x00\x80\x04" "1234"), 0x9000);
	assert_int_equal(SEND(f, "\x00\xA4\x02\x0C\x02\x00\x17"), 0x9000);
	memcpy(cmd, "\x80\x2A\x00\x80\xF6", 5);
	memset(cmd + 5, 0x11, 246);
	cmd[5 + 246] = 0;
	assert_int_equal(send_len(f, cmd, sizeof(cmd)), 0x6700);	/* > 245 */
	cmd[4] = (char)0xF5;
	assert_int_equal(send_len(f, cmd, sizeof(cmd) - 1), 0x9000);
	assert_int_equal(resp_len, 256);
	assert_int_equal(SEND(f, "\x00\x2A\x9E\x9A\x01\x00\x00"), 0x6D00);	/* ISO PSO */
}

static void test_misc_commands(void **state)
{
	struct fx *f = *state;
	size_t small = 3;

	assert_int_equal(fx_card(f, "pin"), 0);
	assert_int_equal(SEND(f, "\x00\xC0\x00\x00\x10"), 0x6985);
	assert_int_equal(SEND(f, "\x84\xB0\x00\x00\x04"), 0x6E00);
	/* GET DATA: a card without the 券面AP's PKI has no 00F8. */
	assert_int_equal(SEND(f, "\x00\xCA\x00\xF8\x00"), 0x6A88);
	assert_int_equal(SEND(f, "\x80\x32\x00\x80\x01\x00"), 0x6D00);
	assert_int_equal(SEND(f, "\x00\xA4\x04"), 0x6700);
	assert_int_equal(SEND(f, JPKI), 0x9000);
	assert_int_equal(SEND(f, "\x00\xA4\x02\x0C\x02\x00\x0A"), 0x9000);
	assert_int_equal(mncr_card_emul_transmit(f->emul,
		(const uint8_t *)"\x00\xB0\x00\x00\x10", 5, resp, &small), -ENOBUFS);
	assert_int_equal(mncr_card_emul_transmit(NULL,
		(const uint8_t *)"\x00\xB0\x00\x00\x10", 5, resp, &small), -EINVAL);
}

static void test_chain_rules(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_profile(f, "pin"), 0);
	f->profile.chain = true;
	f->profile.extended = true;
	assert_int_equal(fx_start(f), 0);
	assert_int_equal(SEND(f, JPKI), 0x9000);
	assert_int_equal(SEND(f, "\x00\xA4\x02\x0C\x02\x00\x0A"), 0x9000);
	assert_int_equal(SEND(f, "\x00\xB0\x00\x00\x00\x01\x2C"), 0x6100);	/* 300 */
	assert_int_equal(resp_len, 0);
	assert_int_equal(SEND(f, "\x00\xC0\x00\x00\x00"), 0x612C);
	assert_int_equal(resp_len, 256);
	assert_int_equal(SEND(f, "\x00\xC0\x00\x00\x2C"), 0x9000);
	assert_int_equal(resp_len, 44);
	/* Another command drops what was not fetched. */
	assert_int_equal(SEND(f, "\x00\xB0\x00\x00\x10"), 0x6110);
	assert_int_equal(SEND(f, "\x00\xA4\x02\x0C\x02\x00\x0A"), 0x9000);
	assert_int_equal(SEND(f, "\x00\xC0\x00\x00\x10"), 0x6985);
	f->profile.chain = f->profile.extended = false;
}

static void test_text_offsets(void **state)
{
	struct fx *f = *state;
	struct mncr_card_front front;
	char b[MNCR_CARD_COLLATION_B_LEN + 1];
	char cmd[5 + 14];
	struct mncr_tlv outer, table;
	uint8_t file[600];
	size_t n = 0;

	assert_int_equal(fx_card(f, "pin"), 0);
	fx_front(f, &front);
	assert_int_equal(mncr_card_collation_b(&front, b), 0);
	assert_int_equal(SEND(f, TEXT), 0x9000);
	assert_int_equal(SEND(f, "\x00\xA4\x02\x0C\x02\x00\x15"), 0x9000);
	memcpy(cmd, "\x00\x20\x00\x80\x0E", 5);
	memcpy(cmd + 5, b, 14);
	assert_int_equal(send_len(f, cmd, sizeof(cmd)), 0x9000);
	assert_int_equal(SEND(f, "\x00\xA4\x02\x0C\x02\x00\x02"), 0x9000);
	assert_int_equal(SEND(f, "\x00\xB0\x00\x00\x00"), 0x9000);
	n = resp_len;
	memcpy(file, resp, n);
	assert_int_equal(mncr_tlv_parse(file, n, &outer), 0);
	assert_int_equal(outer.tag, 0xFF20);
	/* Filler follows the object. */
	assert_true(n > outer.hdr_len + outer.len);
	assert_int_equal(file[outer.hdr_len + outer.len], 0x00);
	assert_int_equal(mncr_tlv_find(outer.value, outer.len, 0xDF21, &table), 0);
	assert_int_equal(table.len, 8);
	for (int i = 0; i < 4; i++) {
		size_t off = (size_t)table.value[2 * i] << 8 | table.value[2 * i + 1];

		assert_true(off + 1 < n);
		assert_int_equal(file[off], 0xDF);
		assert_int_equal(file[off + 1], 0x22 + i);
	}
}

static void test_profiles(void **state)
{
	struct fx *f = *state;
	struct mncr_card_emul_profile p;
	struct mncr_card_emul *e;
	EVP_PKEY *ec;

	assert_int_equal(mncr_card_emul_preset(&p, "nosuch"), -ENOENT);
	assert_int_equal(mncr_card_emul_preset(&p, "pin"), 0);
	assert_true(p.auth_issued && p.sign_issued);
	assert_int_equal(mncr_card_emul_new(&p, &e), -EINVAL);	/* no certs */
	assert_int_equal(fx_profile(f, "pin"), 0);
	p = f->profile;
	ec = EVP_EC_gen("P-256");
	assert_non_null(ec);
	p.auth_key = ec;
	assert_int_equal(mncr_card_emul_new(&p, &e), -EINVAL);	/* not RSA-2048 */
	EVP_PKEY_free(ec);
	p = f->profile;
	memcpy(p.birth_date, "19800230", 8);
	assert_int_equal(mncr_card_emul_new(&p, &e), -EINVAL);
	p = f->profile;
	p.auth_pin.tries = 4;	/* more than max */
	assert_int_equal(mncr_card_emul_new(&p, &e), -EINVAL);
	assert_int_equal(mncr_card_emul_preset(&p, "pinless"), 0);
	assert_false(p.sign_issued);
	assert_null(p.auth_pin.secret);
	assert_int_equal(fx_card(f, "nosign"), 0);
	assert_int_equal(mncr_card_emul_tries(f->emul, &mncr_card_key_jpki_sign), 0);
	assert_int_equal(mncr_card_emul_tries(f->emul, &mncr_card_key_visual_b), 10);
	mncr_card_emul_free(NULL);
	mncr_card_emul_reset(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_read_binary_rules),
		cmocka_unit_test(test_verify_counter),
		cmocka_unit_test(test_verification_scope),
		cmocka_unit_test(test_sign_rules),
		cmocka_unit_test(test_misc_commands),
		cmocka_unit_test(test_chain_rules),
		cmocka_unit_test(test_text_offsets),
		cmocka_unit_test(test_profiles),
	};

	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
