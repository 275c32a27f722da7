// SPDX-License-Identifier: GPL-2.0-or-later
/* BER-TLV codec: length forms, filler, truncation, nesting, leading junk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "util/tlv.h"

static void test_tags(void **state)
{
	static const uint8_t one[] = { 0x30, 0x00 };
	static const uint8_t two[] = { 0xDF, 0x21, 0x00 };
	static const uint8_t ff10[] = { 0xFF, 0x10, 0x00 };	/* non-minimal */
	static const uint8_t three[] = { 0x5F, 0x81, 0x01, 0x00 };
	static const uint8_t four[] = { 0x5F, 0x81, 0x81, 0x01, 0x00 };
	static const uint8_t zero[] = { 0x00, 0x00 };
	struct mncr_tlv t;

	(void)state;
	assert_int_equal(mncr_tlv_parse(one, sizeof(one), &t), 0);
	assert_int_equal(t.tag, 0x30);
	assert_true(mncr_tlv_constructed(t.tag));
	assert_int_equal(mncr_tlv_tag_class(t.tag), MNCR_TLV_UNIVERSAL);
	assert_int_equal(mncr_tlv_parse(two, sizeof(two), &t), 0);
	assert_int_equal(t.tag, 0xDF21);
	assert_false(mncr_tlv_constructed(t.tag));
	assert_int_equal(mncr_tlv_tag_class(t.tag), MNCR_TLV_PRIVATE);
	assert_int_equal(mncr_tlv_parse(ff10, sizeof(ff10), &t), 0);
	assert_int_equal(t.tag, 0xFF10);
	assert_true(mncr_tlv_constructed(0xFF20));
	assert_int_equal(mncr_tlv_tag_class(0x5F4E), MNCR_TLV_APPLICATION);
	assert_int_equal(mncr_tlv_tag_class(0x81), MNCR_TLV_CONTEXT);
	assert_int_equal(mncr_tlv_parse(three, sizeof(three), &t), 0);
	assert_int_equal(t.tag, 0x5F8101);
	assert_int_equal(t.hdr_len, 4);
	assert_int_equal(mncr_tlv_parse(four, sizeof(four), &t), -EBADMSG);
	assert_int_equal(mncr_tlv_parse(zero, sizeof(zero), &t), -EBADMSG);
	/* A multi-byte tag cut short is truncated, not malformed. */
	assert_int_equal(mncr_tlv_parse(two, 1, &t), -ENODATA);
	assert_int_equal(mncr_tlv_parse(three, 2, &t), -ENODATA);
	assert_int_equal(mncr_tlv_parse(one, 0, &t), -ENODATA);
}

static void test_length_forms(void **state)
{
	uint8_t buf[0x10000 + 16];
	struct mncr_tlv t;

	(void)state;
	memset(buf, 0xAB, sizeof(buf));
	/* short form, 0 and 127 */
	buf[0] = 0x04;
	buf[1] = 0x00;
	assert_int_equal(mncr_tlv_parse(buf, 2, &t), 0);
	assert_int_equal(t.len, 0);
	assert_int_equal(t.hdr_len, 2);
	buf[1] = 0x7F;
	assert_int_equal(mncr_tlv_parse(buf, 2 + 127, &t), 0);
	assert_int_equal(t.len, 127);
	assert_ptr_equal(t.value, buf + 2);
	assert_int_equal(mncr_tlv_parse(buf, 2 + 126, &t), -ENODATA);
	/* 81 */
	buf[1] = 0x81;
	buf[2] = 0xC8;
	assert_int_equal(mncr_tlv_parse(buf, 3 + 200, &t), 0);
	assert_int_equal(t.len, 200);
	assert_int_equal(t.hdr_len, 3);
	/* 82, including the non-minimal 82 00 05 cards write */
	buf[1] = 0x82;
	buf[2] = 0x01;
	buf[3] = 0x2C;
	assert_int_equal(mncr_tlv_parse(buf, 4 + 300, &t), 0);
	assert_int_equal(t.len, 300);
	assert_int_equal(t.hdr_len, 4);
	buf[2] = 0x00;
	buf[3] = 0x05;
	assert_int_equal(mncr_tlv_parse(buf, 9, &t), 0);
	assert_int_equal(t.len, 5);
	/* 83 */
	buf[1] = 0x83;
	buf[2] = 0x01;
	buf[3] = 0x00;
	buf[4] = 0x00;
	assert_int_equal(mncr_tlv_parse(buf, 5 + 0x10000, &t), 0);
	assert_int_equal(t.len, 0x10000);
	assert_int_equal(t.hdr_len, 5);
	assert_int_equal(mncr_tlv_parse(buf, 5 + 0xFFFF, &t), -ENODATA);
	/* indefinite and over-long */
	buf[1] = 0x80;
	assert_int_equal(mncr_tlv_parse(buf, 16, &t), -EBADMSG);
	buf[1] = 0x84;
	assert_int_equal(mncr_tlv_parse(buf, 16, &t), -EBADMSG);
	buf[1] = 0xFF;
	assert_int_equal(mncr_tlv_parse(buf, 16, &t), -EBADMSG);
	/* length bytes cut off */
	buf[1] = 0x82;
	assert_int_equal(mncr_tlv_parse(buf, 3, &t), -ENODATA);
	assert_int_equal(mncr_tlv_parse(buf, 1, &t), -ENODATA);
}

static void test_header_only(void **state)
{
	/* The first bytes of a certificate file: header complete, value not. */
	static const uint8_t head[] = { 0x30, 0x82, 0x04, 0x4C, 0x30, 0x82 };
	size_t hdr, len;
	uint32_t tag;

	(void)state;
	assert_int_equal(mncr_tlv_header(head, sizeof(head), &tag, &hdr, &len), 0);
	assert_int_equal(tag, 0x30);
	assert_int_equal(hdr, 4);
	assert_int_equal(len, 0x44C);
	assert_int_equal(mncr_tlv_header(head, 3, &tag, &hdr, &len), -ENODATA);
}

static void test_iterate_filler(void **state)
{
	static const uint8_t buf[] = {
		0x00, 0xFF, 0xFF, 0x00,			/* leading filler */
		0xDF, 0x22, 0x02, 'a', 'b',
		0x00, 0x00, 0xFF,			/* between */
		0xFF, 0x20, 0x03, 0xDF, 0x25, 0x00,	/* FF20 is a tag */
		0xFF, 0xFF, 0x00, 0xFF,			/* trailing */
	};
	struct mncr_tlv_iter it;
	struct mncr_tlv t;

	(void)state;
	mncr_tlv_iter_init(&it, buf, sizeof(buf));
	assert_int_equal(mncr_tlv_next(&it, &t), 1);
	assert_int_equal(t.tag, 0xDF22);
	assert_int_equal(t.len, 2);
	assert_memory_equal(t.value, "ab", 2);
	assert_int_equal(mncr_tlv_next(&it, &t), 1);
	assert_int_equal(t.tag, 0xFF20);
	assert_int_equal(t.len, 3);
	assert_int_equal(mncr_tlv_next(&it, &t), 0);
	assert_int_equal(mncr_tlv_next(&it, &t), 0);
	/* all filler, empty, NULL */
	mncr_tlv_iter_init(&it, buf, 4);
	assert_int_equal(mncr_tlv_next(&it, &t), 0);
	mncr_tlv_iter_init(&it, NULL, 5);
	assert_int_equal(mncr_tlv_next(&it, &t), 0);
}

static void test_iterate_errors(void **state)
{
	static const uint8_t trunc[] = { 0xDF, 0x22, 0x05, 'a', 'b' };
	static const uint8_t bad[] = { 0x04, 0x01, 'x', 0x04, 0x80, 0x00, 0x00 };
	struct mncr_tlv_iter it;
	struct mncr_tlv t;

	(void)state;
	mncr_tlv_iter_init(&it, trunc, sizeof(trunc));
	assert_int_equal(mncr_tlv_next(&it, &t), -ENODATA);
	mncr_tlv_iter_init(&it, bad, sizeof(bad));
	assert_int_equal(mncr_tlv_next(&it, &t), 1);
	assert_int_equal(mncr_tlv_next(&it, &t), -EBADMSG);
	assert_int_equal(mncr_tlv_find(bad, sizeof(bad), 0x05, &t), -EBADMSG);
	assert_int_equal(mncr_tlv_find(bad, sizeof(bad), 0x04, &t), 0);
}

/* FF20 { DF21 { }, DF22 "name", 30 { 02 01 05 } } */
static const uint8_t nested[] = {
	0xFF, 0x20, 0x0F,
	0xDF, 0x21, 0x00,
	0xDF, 0x22, 0x04, 'n', 'a', 'm', 'e',
	0x30, 0x03, 0x02, 0x01, 0x05,
	0x00, 0x00,
};

static void test_find_path(void **state)
{
	const uint32_t name[] = { 0xFF20, 0xDF22 };
	const uint32_t deep[] = { 0xFF20, 0x30, 0x02 };
	const uint32_t through_primitive[] = { 0xFF20, 0xDF22, 0x02 };
	const uint32_t missing[] = { 0xFF20, 0xDF29 };
	struct mncr_tlv t;

	(void)state;
	assert_int_equal(mncr_tlv_find_path(nested, sizeof(nested), name, 2, &t), 0);
	assert_int_equal(t.len, 4);
	assert_memory_equal(t.value, "name", 4);
	assert_int_equal(mncr_tlv_find_path(nested, sizeof(nested), deep, 3, &t), 0);
	assert_int_equal(t.len, 1);
	assert_int_equal(t.value[0], 5);
	assert_int_equal(mncr_tlv_find_path(nested, sizeof(nested),
					    through_primitive, 3, &t), -ENOENT);
	assert_int_equal(mncr_tlv_find_path(nested, sizeof(nested), missing, 2, &t),
			 -ENOENT);
	assert_int_equal(mncr_tlv_find_path(nested, sizeof(nested), name, 0, &t),
			 -EINVAL);
	/* A child that runs past its parent is truncated. */
	assert_int_equal(mncr_tlv_find_path(nested, 10, name, 2, &t), -ENODATA);
}

static void test_locate_leading_bytes(void **state)
{
	uint8_t buf[sizeof(nested) + 4];
	struct mncr_tlv t;
	size_t off;

	(void)state;
	assert_int_equal(mncr_tlv_locate(nested, sizeof(nested), 0xFF20,
					 MNCR_TLV_MAX_LEAD, &off), 0);
	assert_int_equal(off, 0);
	/* The reported variant: two extra bytes before FF 20. */
	buf[0] = 0x01;
	buf[1] = 0x02;
	memcpy(buf + 2, nested, sizeof(nested));
	assert_int_equal(mncr_tlv_locate(buf, sizeof(nested) + 2, 0xFF20,
					 MNCR_TLV_MAX_LEAD, &off), 0);
	assert_int_equal(off, 2);
	assert_int_equal(mncr_tlv_parse(buf + off, sizeof(nested), &t), 0);
	assert_int_equal(t.tag, 0xFF20);
	/* Header-only: works on the first few bytes of a file. */
	assert_int_equal(mncr_tlv_locate(buf, 6, 0xFF20, MNCR_TLV_MAX_LEAD, &off), 0);
	assert_int_equal(off, 2);
	/* Too much junk, or another tag, is not found. */
	memset(buf, 0x01, 4);
	memcpy(buf + 4, nested, 4);
	assert_int_equal(mncr_tlv_locate(buf, 8, 0xFF20, 3, &off), -ENOENT);
	assert_int_equal(mncr_tlv_locate(buf, 8, 0xFF20, 4, &off), 0);
	assert_int_equal(mncr_tlv_locate(nested, sizeof(nested), 0xFF21, 4, &off),
			 -ENOENT);
}

static void test_encode(void **state)
{
	uint8_t buf[2048], hdr[MNCR_TLV_MAX_HDR], big[300];
	struct mncr_tlv_writer w;
	struct mncr_tlv t, c;
	size_t m, inner;

	(void)state;
	assert_int_equal(mncr_tlv_encode_header(0xDF21, 5, hdr), 3);
	assert_memory_equal(hdr, "\xDF\x21\x05", 3);
	assert_int_equal(mncr_tlv_encode_header(0x30, 0x80, hdr), 3);
	assert_memory_equal(hdr, "\x30\x81\x80", 3);
	assert_int_equal(mncr_tlv_encode_header(0x30, 0x100, hdr), 4);
	assert_memory_equal(hdr, "\x30\x82\x01\x00", 4);
	assert_int_equal(mncr_tlv_encode_header(0x5F8101, 0x10000, hdr), 7);
	assert_memory_equal(hdr, "\x5F\x81\x01\x83\x01\x00\x00", 7);
	assert_int_equal(mncr_tlv_encode_header(0x30, 0x1000000, hdr), -EINVAL);
	/* Not decodable as written: 1F needs more bytes, DF80 continues. */
	assert_int_equal(mncr_tlv_encode_header(0x1F, 1, hdr), -EINVAL);
	assert_int_equal(mncr_tlv_encode_header(0xDF80, 1, hdr), -EINVAL);
	assert_int_equal(mncr_tlv_encode_header(0x0130, 1, hdr), -EINVAL);
	assert_int_equal(mncr_tlv_encode_header(0, 1, hdr), -EINVAL);

	memset(big, 'x', sizeof(big));
	mncr_tlv_writer_init(&w, buf, sizeof(buf));
	m = mncr_tlv_begin(&w, 0xFF20);
	mncr_tlv_put(&w, 0xDF21, "ab", 2);
	inner = mncr_tlv_begin(&w, 0x30);
	mncr_tlv_put(&w, 0xDF27, big, sizeof(big));	/* forces 82 in both */
	mncr_tlv_end(&w, inner);
	mncr_tlv_end(&w, m);
	assert_int_equal(w.err, 0);
	assert_int_equal(mncr_tlv_parse(buf, w.len, &t), 0);
	assert_int_equal(t.hdr_len + t.len, w.len);
	assert_int_equal(t.hdr_len, 5);	/* FF 20 82 xx xx */
	assert_int_equal(mncr_tlv_find(t.value, t.len, 0xDF21, &c), 0);
	assert_memory_equal(c.value, "ab", 2);
	assert_int_equal(mncr_tlv_find(t.value, t.len, 0x30, &c), 0);
	assert_int_equal(c.len, 5 + sizeof(big));
	assert_int_equal(mncr_tlv_find(c.value, c.len, 0xDF27, &c), 0);
	assert_int_equal(c.len, sizeof(big));
	assert_memory_equal(c.value, big, sizeof(big));

	/* Out of room is sticky, including when end must grow the header. */
	mncr_tlv_writer_init(&w, buf, 5);
	mncr_tlv_put(&w, 0x04, "abcdef", 6);
	assert_int_equal(w.err, -ENOSPC);
	mncr_tlv_put(&w, 0x04, "", 0);
	assert_int_equal(w.err, -ENOSPC);
	mncr_tlv_writer_init(&w, buf, 2 + 2 + 126);
	m = mncr_tlv_begin(&w, 0x30);
	mncr_tlv_put(&w, 0x04, big, 126);
	mncr_tlv_end(&w, m);
	assert_int_equal(w.err, -ENOSPC);
	mncr_tlv_writer_init(&w, buf, sizeof(buf));
	mncr_tlv_begin(&w, 0x1F);
	assert_int_equal(w.err, -EINVAL);
	mncr_tlv_writer_init(&w, buf, sizeof(buf));
	mncr_tlv_end(&w, 10);
	assert_int_equal(w.err, -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_length_forms),
		cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_iterate_filler),
		cmocka_unit_test(test_iterate_errors),
		cmocka_unit_test(test_find_path),
		cmocka_unit_test(test_locate_leading_bytes),
		cmocka_unit_test(test_encode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
