// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * APDU layer: CASE 1-4 short and extended, response parsing, status words,
 * 61xx/6Cxx flows against a scripted card, READ BINARY against the
 * emulator in its short, extended, chained and 6Cxx variants.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "card/apdu.h"
#include "card/card_ids.h"
#include "test_card_fixture.h"

static void check_build(const struct mncr_apdu *c, const uint8_t *want,
			size_t want_len)
{
	uint8_t buf[70000];
	struct mncr_apdu back;
	size_t n;

	assert_int_equal(mncr_apdu_size(c), want_len);
	assert_int_equal(mncr_apdu_build(c, buf, sizeof(buf), &n), 0);
	assert_int_equal(n, want_len);
	assert_memory_equal(buf, want, want_len);
	/* and back */
	assert_int_equal(mncr_apdu_parse_command(buf, n, &back), 0);
	assert_int_equal(back.cla, c->cla);
	assert_int_equal(back.ins, c->ins);
	assert_int_equal(back.p1, c->p1);
	assert_int_equal(back.p2, c->p2);
	assert_int_equal(back.lc, c->lc);
	assert_int_equal(back.le, c->le);
	if (c->lc)
		assert_memory_equal(back.data, c->data, c->lc);
	assert_int_equal(mncr_apdu_build(c, buf, want_len - 1, &n), -ENOSPC);
}

static void test_build_short(void **state)
{
	const uint8_t aid[] = { 1, 2, 3 };
	struct mncr_apdu c1 = { .ins = 0x20, .p2 = 0x80 };
	struct mncr_apdu c2 = { .ins = 0xB0, .p1 = 1, .le = 256 };
	struct mncr_apdu c2b = { .ins = 0xB0, .le = 7 };
	struct mncr_apdu c3 = { .ins = 0xA4, .p1 = 4, .p2 = 0x0C, .data = aid, .lc = 3 };
	struct mncr_apdu c4 = { .cla = 0x80, .ins = 0x2A, .p2 = 0x80, .data = aid,
				.lc = 3, .le = 256 };

	(void)state;
	check_build(&c1, (const uint8_t *)"\x00\x20\x00\x80", 4);
	check_build(&c2, (const uint8_t *)"\x00\xB0\x01\x00\x00", 5);
	check_build(&c2b, (const uint8_t *)"\x00\xB0\x00\x00\x07", 5);
	check_build(&c3, (const uint8_t *)"\x00\xA4\x04\x0C\x03\x01\x02\x03", 8);
	check_build(&c4, (const uint8_t *)"\x80\x2A\x00\x80\x03\x01\x02\x03\x00", 9);
}

static void test_build_extended(void **state)
{
	static uint8_t data[300], want[320];
	struct mncr_apdu c2 = { .ins = 0xB0, .le = 65536 };
	struct mncr_apdu c2b = { .ins = 0xB0, .le = 1000 };
	struct mncr_apdu c2f = { .ins = 0xB0, .le = 5, .extended = true };
	struct mncr_apdu c3 = { .ins = 0xD6, .data = data, .lc = 300 };
	struct mncr_apdu c4 = { .ins = 0x2A, .data = data, .lc = 300, .le = 256 };
	struct mncr_apdu c4f = { .ins = 0x2A, .data = data, .lc = 2, .le = 65536,
				 .extended = true };

	(void)state;
	memset(data, 0x55, sizeof(data));
	check_build(&c2, (const uint8_t *)"\x00\xB0\x00\x00\x00\x00\x00", 7);
	check_build(&c2b, (const uint8_t *)"\x00\xB0\x00\x00\x00\x03\xE8", 7);
	check_build(&c2f, (const uint8_t *)"\x00\xB0\x00\x00\x00\x00\x05", 7);
	memcpy(want, "\x00\xD6\x00\x00\x00\x01\x2C", 7);
	memcpy(want + 7, data, 300);
	check_build(&c3, want, 307);
	memcpy(want, "\x00\x2A\x00\x00\x00\x01\x2C", 7);
	want[307] = 0x01;	/* Le 256 takes two bytes in the extended form */
	want[308] = 0x00;
	check_build(&c4, want, 309);
	memcpy(want, "\x00\x2A\x00\x00\x00\x00\x02\x55\x55\x00\x00", 11);
	check_build(&c4f, want, 11);
}

static void test_build_invalid(void **state)
{
	uint8_t buf[16];
	struct mncr_apdu big_lc = { .data = buf, .lc = 65536 };
	struct mncr_apdu big_le = { .le = 65537 };
	struct mncr_apdu no_data = { .lc = 3 };
	size_t n;

	(void)state;
	assert_int_equal(mncr_apdu_size(&big_lc), 0);
	assert_int_equal(mncr_apdu_build(&big_lc, buf, sizeof(buf), &n), -EINVAL);
	assert_int_equal(mncr_apdu_build(&big_le, buf, sizeof(buf), &n), -EINVAL);
	assert_int_equal(mncr_apdu_build(&no_data, buf, sizeof(buf), &n), -EINVAL);
}

static void test_parse_command_invalid(void **state)
{
	/* Exact size, so ASan sees a read past the end (found by fuzzing). */
	const uint8_t six[6] = { 0x00, 0xB0, 0x00, 0x00, 0x00, 0x01 };
	struct mncr_apdu c;

	(void)state;
	assert_int_equal(mncr_apdu_parse_command((const uint8_t *)"\x00\xA4\x04", 3, &c),
			 -EBADMSG);
	/* Lc 2 but three data bytes and no room for an Le */
	assert_int_equal(mncr_apdu_parse_command(
		(const uint8_t *)"\x00\xA4\x04\x0C\x02\x01\x02\x03\x04", 9, &c), -EBADMSG);
	/* Lc says 5, one byte follows */
	assert_int_equal(mncr_apdu_parse_command(
		(const uint8_t *)"\x00\xA4\x04\x0C\x05\x01", 6, &c), -EBADMSG);
	/* extended with Lc 0 and more bytes */
	assert_int_equal(mncr_apdu_parse_command(
		(const uint8_t *)"\x00\xA4\x04\x0C\x00\x00\x00\x01", 8, &c), -EBADMSG);
	/* 6 bytes with B1 = 0: neither short nor extended */
	assert_int_equal(mncr_apdu_parse_command(six, sizeof(six), &c), -EBADMSG);
	assert_int_equal(mncr_apdu_parse_command(NULL, 4, &c), -EBADMSG);
}

static void test_parse_response(void **state)
{
	const uint8_t *data;
	size_t len;
	uint16_t sw;

	(void)state;
	assert_int_equal(mncr_apdu_parse_response((const uint8_t *)"\xAA\xBB\x90\x00",
						  4, &data, &len, &sw), 0);
	assert_int_equal(len, 2);
	assert_int_equal(sw, 0x9000);
	assert_int_equal(data[0], 0xAA);
	assert_int_equal(mncr_apdu_parse_response((const uint8_t *)"\x63\xC2", 2,
						  &data, &len, &sw), 0);
	assert_int_equal(len, 0);
	assert_int_equal(sw, 0x63C2);
	assert_int_equal(mncr_apdu_parse_response((const uint8_t *)"\x90", 1, &data,
						  &len, &sw), -EBADMSG);
}

static void test_status_words(void **state)
{
	(void)state;
	assert_int_equal(mncr_apdu_sw_errno(0x9000), 0);
	assert_int_equal(mncr_apdu_sw_errno(0x6282), 0);
	assert_int_equal(mncr_apdu_sw_errno(0x63C2), -EKEYREJECTED);
	assert_int_equal(mncr_apdu_sw_errno(0x63C1), -EKEYREJECTED);
	assert_int_equal(mncr_apdu_sw_errno(0x63C0), -EPERM);
	assert_int_equal(mncr_apdu_sw_errno(0x6983), -EPERM);
	assert_int_equal(mncr_apdu_sw_errno(0x6984), -EPERM);
	assert_int_equal(mncr_apdu_sw_errno(0x6982), -EACCES);
	assert_int_equal(mncr_apdu_sw_errno(0x6985), -EACCES);
	assert_int_equal(mncr_apdu_sw_errno(0x6A82), -ENOENT);
	assert_int_equal(mncr_apdu_sw_errno(0x6A88), -ENOENT);
	assert_int_equal(mncr_apdu_sw_errno(0x6A86), -EINVAL);
	assert_int_equal(mncr_apdu_sw_errno(0x6700), -EINVAL);
	assert_int_equal(mncr_apdu_sw_errno(0x6B00), -EINVAL);
	assert_int_equal(mncr_apdu_sw_errno(0x6986), -EINVAL);
	assert_int_equal(mncr_apdu_sw_errno(0x6D00), -EOPNOTSUPP);
	assert_int_equal(mncr_apdu_sw_errno(0x6E00), -EOPNOTSUPP);
	assert_int_equal(mncr_apdu_sw_errno(0x6581), -EIO);
	assert_int_equal(mncr_apdu_sw_errno(0x6110), -EPROTO);
	assert_int_equal(mncr_apdu_sw_errno(0x1234), -EPROTO);
	assert_int_equal(mncr_apdu_sw_tries(0x63C3), 3);
	assert_int_equal(mncr_apdu_sw_tries(0x63C0), 0);
	assert_int_equal(mncr_apdu_sw_tries(0x6300), -1);
	assert_int_equal(mncr_apdu_sw_tries(0x9000), -1);
	assert_string_equal(mncr_apdu_sw_text(0x6982), "security status not satisfied");
	assert_string_equal(mncr_apdu_sw_text(0x63C2),
			    "verification failed, tries left in SW2");
	assert_string_equal(mncr_apdu_sw_text(0x6120), "more data available (GET RESPONSE)");
	assert_string_equal(mncr_apdu_sw_text(0x1234), "unknown status");
}

static void test_is_secret(void **state)
{
	(void)state;
	assert_true(mncr_apdu_is_secret((const uint8_t *)"\x00\x20\x00\x80\x04" "1234", 9));
	assert_false(mncr_apdu_is_secret((const uint8_t *)"\x00\x20\x00\x80", 4));
	assert_true(mncr_apdu_is_secret((const uint8_t *)"\x00\x24\x01\x80\x04" "1234", 9));
	assert_true(mncr_apdu_is_secret((const uint8_t *)"\x80\x32\x00\x80\x04" "1234", 9));
	assert_false(mncr_apdu_is_secret((const uint8_t *)"\x00\x32\x00\x80\x01\x00", 6));
	assert_false(mncr_apdu_is_secret((const uint8_t *)"\x00\xB0\x00\x00\x00", 5));
}

/* A scripted card: each step checks the command and gives the response. */
struct step {
	const char *cmd;
	size_t cmd_len;
	const char *resp;
	size_t resp_len;
};

#define STEP(c, r) { c, sizeof(c) - 1, r, sizeof(r) - 1 }

struct script {
	const struct step *steps;
	size_t n, at;
	int fail;		/* transport error to return, 0 none */
};

static int script_transmit(void *ctx, const uint8_t *cmd, size_t n,
			   uint8_t *resp, size_t *resp_len)
{
	struct script *s = ctx;
	const struct step *st;

	if (s->fail)
		return s->fail;
	assert_true(s->at < s->n);
	st = &s->steps[s->at++];
	assert_int_equal(n, st->cmd_len);
	assert_memory_equal(cmd, st->cmd, n);
	assert_true(st->resp_len <= *resp_len);
	memcpy(resp, st->resp, st->resp_len);
	*resp_len = st->resp_len;
	return 0;
}

static int run_script(const struct step *steps, size_t n,
		      const struct mncr_apdu *cmd, uint8_t *resp, size_t cap,
		      size_t *len, uint16_t *sw)
{
	struct script s = { steps, n, 0, 0 };
	struct mncr_apdu_io io = { script_transmit, &s, 0 };
	int ret = mncr_apdu_transceive(&io, cmd, resp, cap, len, sw);

	if (!ret)
		assert_int_equal(s.at, s.n);	/* every step was used */
	return ret;
}

static void test_get_response_chain(void **state)
{
	static const struct step steps[] = {
		STEP("\x80\x2A\x00\x80\x02\xAA\xBB\x00", "\x61\x05"),
		STEP("\x00\xC0\x00\x00\x05", "12345\x61\x00"),
		STEP("\x00\xC0\x00\x00\x00", "678\x90\x00"),
	};
	struct mncr_apdu c = { .cla = 0x80, .ins = 0x2A, .p2 = 0x80,
			       .data = (const uint8_t *)"\xAA\xBB", .lc = 2, .le = 256 };
	uint8_t resp[300];
	size_t len;
	uint16_t sw;

	(void)state;
	assert_int_equal(run_script(steps, 3, &c, resp, sizeof(resp), &len, &sw), 0);
	assert_int_equal(sw, 0x9000);
	assert_int_equal(len, 8);
	assert_memory_equal(resp, "12345678", 8);
	/* Too little room: -EMSGSIZE, not an overrun. */
	assert_int_equal(run_script(steps, 3, &c, resp, 6, &len, &sw), -EMSGSIZE);
}

static void test_wrong_le(void **state)
{
	static const struct step resend[] = {
		STEP("\x00\xB0\x00\x00\x10", "\x6C\x03"),
		STEP("\x00\xB0\x00\x00\x03", "abc\x90\x00"),
	};
	static const struct step twice[] = {
		STEP("\x00\xB0\x00\x00\x10", "\x6C\x03"),
		STEP("\x00\xB0\x00\x00\x03", "\x6C\x02"),
	};
	static const struct step then_chain[] = {
		STEP("\x00\xB0\x00\x00\x10", "\x6C\x00"),
		STEP("\x00\xB0\x00\x00\x00", "ab\x61\x01"),
		STEP("\x00\xC0\x00\x00\x01", "c\x62\x82"),
	};
	static const struct step case1[] = {
		STEP("\x00\x20\x00\x80", "\x6C\x02"),
		STEP("\x00\x20\x00\x80\x02", "xy\x90\x00"),
	};
	static const struct step secret[] = {	/* found by fuzz_apdu_response */
		STEP("\x00\x20\x00\x80\x04" "1234", "\x6C\xFF"),
	};
	struct mncr_apdu c = { .ins = 0xB0, .le = 16 };
	struct mncr_apdu v = { .ins = 0x20, .p2 = 0x80 };
	struct mncr_apdu pin = { .ins = 0x20, .p2 = 0x80,
				 .data = (const uint8_t *)"1234", .lc = 4 };
	uint8_t resp[300];
	size_t len;
	uint16_t sw;

	(void)state;
	assert_int_equal(run_script(resend, 2, &c, resp, sizeof(resp), &len, &sw), 0);
	assert_int_equal(len, 3);
	assert_int_equal(sw, 0x9000);
	assert_int_equal(run_script(twice, 2, &c, resp, sizeof(resp), &len, &sw), -EPROTO);
	assert_int_equal(run_script(then_chain, 3, &c, resp, sizeof(resp), &len, &sw), 0);
	assert_int_equal(len, 3);
	assert_int_equal(sw, 0x6282);
	assert_memory_equal(resp, "abc", 3);
	assert_int_equal(run_script(case1, 2, &v, resp, sizeof(resp), &len, &sw), 0);
	assert_int_equal(len, 2);
	/* A VERIFY is never sent twice: the first may have cost a try. */
	assert_int_equal(run_script(secret, 1, &pin, resp, sizeof(resp), &len, &sw),
			 -EPROTO);
}

static void test_broken_cards(void **state)
{
	static const struct step empty_get_response[] = {
		STEP("\x00\xB0\x00\x00\x10", "\x61\x10"),
		STEP("\x00\xC0\x00\x00\x10", "\x61\x10"),
	};
	static const struct step short_resp[] = {
		STEP("\x00\xB0\x00\x00\x10", "\x90"),
	};
	struct mncr_apdu c = { .ins = 0xB0, .le = 16 };
	struct script s = { NULL, 0, 0, -ENODEV };
	struct mncr_apdu_io io = { script_transmit, &s, 0 };
	uint8_t resp[300];
	size_t len;
	uint16_t sw;

	(void)state;
	assert_int_equal(run_script(empty_get_response, 2, &c, resp, sizeof(resp),
				    &len, &sw), -EPROTO);
	assert_int_equal(run_script(short_resp, 1, &c, resp, sizeof(resp), &len, &sw),
			 -EPROTO);
	assert_int_equal(mncr_apdu_transceive(&io, &c, resp, sizeof(resp), &len, &sw),
			 -ENODEV);
	assert_int_equal(mncr_apdu_transceive(NULL, &c, resp, sizeof(resp), &len, &sw),
			 -EINVAL);
}

/* READ BINARY of a whole certificate from the emulator, every variant. */
static void read_cert(struct fx *f, unsigned int want_commands)
{
	uint8_t *der = NULL;
	size_t len;

	assert_int_equal(fx_start(f), 0);
	assert_int_equal(mncr_apdu_select_aid(&f->io, mncr_card_aid_jpki,
					      MNCR_CARD_AID_LEN), 0);
	assert_int_equal(mncr_apdu_select_fid(&f->io, MNCR_JPKI_EF_AUTH_CERT), 0);
	f->commands = 0;
	assert_int_equal(mncr_apdu_read_tlv_ef(&f->io, 0x30, 8192, &der, &len), 0);
	assert_int_equal(len, FX_CERT_LEN);
	assert_memory_equal(der, f->auth_cert, len);
	assert_int_equal(f->commands, want_commands);
	free(der);
}

static void test_read_variants(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_profile(f, "pin"), 0);
	/* 16-byte head, then 256 + 256 + 256 + 256 + 92 */
	read_cert(f, 6);
	f->profile.extended = true;	/* head, then the rest at once */
	read_cert(f, 2);
	f->profile.extended = false;
	f->profile.chain = true;	/* every read: 61xx + GET RESPONSE */
	read_cert(f, 12);
	assert_int_equal(f->get_responses, 6);
	f->profile.chain = false;
}

static void test_read_binary_eof(void **state)
{
	struct fx *f = *state;
	uint8_t buf[64];
	size_t got;

	assert_int_equal(fx_profile(f, "pin"), 0);
	for (int v = 0; v < 2; v++) {
		f->profile.wrong_le_6c = v;	/* 6282 or 6C03 at the end */
		assert_int_equal(fx_start(f), 0);
		assert_int_equal(mncr_apdu_select_aid(&f->io, mncr_card_aid_jpki,
						      MNCR_CARD_AID_LEN), 0);
		assert_int_equal(mncr_apdu_select_fid(&f->io, MNCR_JPKI_EF_CERT_STATE), 0);
		assert_int_equal(mncr_apdu_read_binary(&f->io, 0, buf, sizeof(buf), &got), 0);
		assert_int_equal(got, 3);
		assert_memory_equal(buf, "\x8F\x8F\x00", 3);
		assert_int_equal(mncr_apdu_read_binary(&f->io, 1, buf, 2, &got), 0);
		assert_int_equal(got, 2);
		/* at or past the end: 6B00, nothing read */
		assert_int_equal(mncr_apdu_read_binary(&f->io, 3, buf, 2, &got), 0);
		assert_int_equal(got, 0);
		assert_int_equal(mncr_apdu_read_binary(&f->io, 0x8000, buf, 2, &got),
				 -EFBIG);
	}
	f->profile.wrong_le_6c = false;
	/* A protected EF: the status word's errno. */
	assert_int_equal(mncr_apdu_select_fid(&f->io, MNCR_JPKI_EF_SIGN_CERT), 0);
	assert_int_equal(mncr_apdu_read_binary(&f->io, 0, buf, 4, &got), -EACCES);
	assert_int_equal(mncr_apdu_select_fid(&f->io, 0x7777), -ENOENT);
	assert_int_equal(mncr_apdu_select_aid(&f->io, (const uint8_t *)"\xD3\x92", 2),
			 -ENOENT);
}

static void test_read_tlv_errors(void **state)
{
	struct fx *f = *state;
	uint8_t *obj;
	size_t len;

	assert_int_equal(fx_card(f, "pin"), 0);
	assert_int_equal(mncr_apdu_select_aid(&f->io, mncr_card_aid_jpki,
					      MNCR_CARD_AID_LEN), 0);
	assert_int_equal(mncr_apdu_select_fid(&f->io, MNCR_JPKI_EF_AUTH_CERT), 0);
	assert_int_equal(mncr_apdu_read_tlv_ef(&f->io, 0x30, 100, &obj, &len), -EFBIG);
	assert_int_equal(mncr_apdu_read_tlv_ef(&f->io, 0xFF20, 8192, &obj, &len),
			 -EBADMSG);
	/* token info is no TLV file */
	assert_int_equal(mncr_apdu_select_fid(&f->io, MNCR_JPKI_EF_TOKEN_INFO), 0);
	assert_int_equal(mncr_apdu_read_tlv_ef(&f->io, 0x30, 8192, &obj, &len),
			 -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_short),
		cmocka_unit_test(test_build_extended),
		cmocka_unit_test(test_build_invalid),
		cmocka_unit_test(test_parse_command_invalid),
		cmocka_unit_test(test_parse_response),
		cmocka_unit_test(test_status_words),
		cmocka_unit_test(test_is_secret),
		cmocka_unit_test(test_get_response_chain),
		cmocka_unit_test(test_wrong_le),
		cmocka_unit_test(test_broken_cards),
		cmocka_unit_test(test_read_variants),
		cmocka_unit_test(test_read_binary_eof),
		cmocka_unit_test(test_read_tlv_errors),
	};

	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
