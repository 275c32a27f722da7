// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SIZ marker read ahead of OpenJPEG: size and tile count of J2K
 * codestreams and JP2 files built here byte by byte, the box forms (plain,
 * 64-bit length, to the end), headers that make no sense, and the decoder
 * refusing a header that declares tens of thousands of tiles before
 * OpenJPEG allocates them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "face/face_image.h"
#include "face/face_j2k_siz.h"

static size_t put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return 4;
}

/* SOC + SIZ for one 8-bit component, then EOC: 45 bytes. */
static size_t codestream(uint8_t *p, uint32_t x1, uint32_t y1, uint32_t x0,
			 uint32_t y0, uint32_t tw, uint32_t th, uint32_t tx0,
			 uint32_t ty0)
{
	static const uint8_t head[] = { 0xff, 0x4f, 0xff, 0x51, 0x00, 0x29, 0x00, 0x00 };
	size_t n = sizeof(head);

	memcpy(p, head, n);
	n += put32(p + n, x1);
	n += put32(p + n, y1);
	n += put32(p + n, x0);
	n += put32(p + n, y0);
	n += put32(p + n, tw);
	n += put32(p + n, th);
	n += put32(p + n, tx0);
	n += put32(p + n, ty0);
	p[n++] = 0x00;		/* Csiz = 1 */
	p[n++] = 0x01;
	p[n++] = 0x07;		/* 8 bits, unsigned */
	p[n++] = 0x01;
	p[n++] = 0x01;
	p[n++] = 0xff;		/* EOC */
	p[n++] = 0xd9;
	return n;
}

/* JP2 signature and file type boxes, then the codestream box. */
static size_t jp2_file(uint8_t *p, const uint8_t *cs, size_t cs_len, int form)
{
	static const uint8_t sig_ftyp[] = {
		0x00, 0x00, 0x00, 0x0c, 'j', 'P', ' ', ' ', 0x0d, 0x0a, 0x87, 0x0a,
		0x00, 0x00, 0x00, 0x14, 'f', 't', 'y', 'p', 'j', 'p', '2', ' ',
		0x00, 0x00, 0x00, 0x00, 'j', 'p', '2', ' ',
	};
	size_t n = sizeof(sig_ftyp);

	memcpy(p, sig_ftyp, n);
	if (form == 0) {		/* 32-bit length */
		n += put32(p + n, (uint32_t)(8 + cs_len));
		memcpy(p + n, "jp2c", 4);
		n += 4;
	} else if (form == 1) {		/* 64-bit length */
		n += put32(p + n, 1);
		memcpy(p + n, "jp2c", 4);
		n += 4;
		n += put32(p + n, 0);
		n += put32(p + n, (uint32_t)(16 + cs_len));
	} else {			/* to the end of the file */
		n += put32(p + n, 0);
		memcpy(p + n, "jp2c", 4);
		n += 4;
	}
	memcpy(p + n, cs, cs_len);
	return n + cs_len;
}

static void test_codestream(void **state)
{
	struct mncr_j2k_siz siz;
	uint8_t cs[64];
	size_t n;

	(void)state;
	/* a card photo: one tile */
	n = codestream(cs, 320, 400, 0, 0, 320, 400, 0, 0);
	assert_int_equal(mncr_j2k_siz_read(cs, n, 0, &siz), 0);
	assert_int_equal(siz.width, 320);
	assert_int_equal(siz.height, 400);
	assert_int_equal(siz.tiles, 1);
	/* image and tile grid offsets: 100x200 at (10, 20), 64-pixel tiles from 0 */
	n = codestream(cs, 110, 220, 10, 20, 64, 64, 0, 0);
	assert_int_equal(mncr_j2k_siz_read(cs, n, 0, &siz), 0);
	assert_int_equal(siz.width, 100);
	assert_int_equal(siz.height, 200);
	assert_int_equal(siz.tiles, 2 * 4);
	/* the fuzzer's slow one: 4128x16387 in 32x40 tiles */
	n = codestream(cs, 4128, 16387, 0, 0, 32, 40, 0, 0);
	assert_int_equal(mncr_j2k_siz_read(cs, n, 0, &siz), 0);
	assert_int_equal(siz.tiles, 129ull * 410);
	/* the largest grid: no overflow */
	n = codestream(cs, 0xffffffffu, 0xffffffffu, 0, 0, 1, 1, 0, 0);
	assert_int_equal(mncr_j2k_siz_read(cs, n, 0, &siz), 0);
	assert_true(siz.tiles == 0xffffffffull * 0xffffffffull);
}

static void test_nonsense(void **state)
{
	struct mncr_j2k_siz siz;
	uint8_t cs[64];
	size_t n;

	(void)state;
	n = codestream(cs, 320, 400, 0, 0, 320, 400, 0, 0);
	assert_int_equal(mncr_j2k_siz_read(cs, 39, 0, &siz), -ENOENT);
	assert_int_equal(mncr_j2k_siz_read(NULL, n, 0, &siz), -ENOENT);
	assert_int_equal(mncr_j2k_siz_read(cs, n, 0, NULL), -ENOENT);
	cs[3] = 0x52;				/* COD where SIZ belongs */
	assert_int_equal(mncr_j2k_siz_read(cs, n, 0, &siz), -ENOENT);
	n = codestream(cs, 320, 400, 320, 0, 320, 400, 0, 0);	/* empty */
	assert_int_equal(mncr_j2k_siz_read(cs, n, 0, &siz), -ENOENT);
	n = codestream(cs, 320, 400, 0, 0, 0, 400, 0, 0);	/* no tile width */
	assert_int_equal(mncr_j2k_siz_read(cs, n, 0, &siz), -ENOENT);
	n = codestream(cs, 320, 400, 10, 10, 64, 64, 11, 0);	/* tile grid after the image */
	assert_int_equal(mncr_j2k_siz_read(cs, n, 0, &siz), -ENOENT);
	n = codestream(cs, 320, 400, 100, 0, 64, 64, 0, 0);	/* first tile misses the image */
	assert_int_equal(mncr_j2k_siz_read(cs, n, 0, &siz), -ENOENT);
	/* a J2K codestream read as JP2 has no boxes */
	n = codestream(cs, 320, 400, 0, 0, 320, 400, 0, 0);
	assert_int_equal(mncr_j2k_siz_read(cs, n, 1, &siz), -ENOENT);
}

static void test_jp2_boxes(void **state)
{
	struct mncr_j2k_siz siz;
	uint8_t cs[64], f[160];
	size_t n, m;

	(void)state;
	n = codestream(cs, 300, 400, 0, 0, 300, 400, 0, 0);
	for (int form = 0; form < 3; form++) {
		m = jp2_file(f, cs, n, form);
		memset(&siz, 0, sizeof(siz));
		assert_int_equal(mncr_j2k_siz_read(f, m, 1, &siz), 0);
		assert_int_equal(siz.width, 300);
		assert_int_equal(siz.height, 400);
		assert_int_equal(siz.tiles, 1);
	}
	/* the codestream box longer than the file */
	m = jp2_file(f, cs, n, 0);
	assert_int_equal(mncr_j2k_siz_read(f, m - 1, 1, &siz), -ENOENT);
	/* a box shorter than its own header */
	f[12 + 3] = 4;
	assert_int_equal(mncr_j2k_siz_read(f, m, 1, &siz), -ENOENT);
	/* no codestream box */
	m = jp2_file(f, cs, n, 0);
	memcpy(f + 32 + 4, "xml ", 4);
	assert_int_equal(mncr_j2k_siz_read(f, m, 1, &siz), -ENOENT);
}

/* The decoder refuses what SIZ declares before OpenJPEG allocates for it. */
static void test_decoder_refuses(void **state)
{
	struct mncr_face_image img;
	uint8_t cs[64], f[160];
	char err[160];
	size_t n, m;

	(void)state;
	n = codestream(cs, 4128, 16387, 0, 0, 32, 40, 0, 0);
	assert_int_equal(mncr_face_image_decode(cs, n, &img, err, sizeof(err)),
			 -EFBIG);
	assert_null(img.px);
	assert_string_equal(err, "JPEG 2000: size 4128x16387 in 52890 tiles");
	m = jp2_file(f, cs, n, 2);
	assert_int_equal(mncr_face_image_decode(f, m, &img, err, sizeof(err)),
			 -EFBIG);
	assert_non_null(strstr(err, "52890 tiles"));
	/* larger than any image we take, in one tile */
	n = codestream(cs, MNCR_FACE_IMAGE_MAX_SIDE + 1, 8, 0, 0,
		       MNCR_FACE_IMAGE_MAX_SIDE + 1, 8, 0, 0);
	assert_int_equal(mncr_face_image_decode(cs, n, &img, err, sizeof(err)),
			 -EFBIG);
	/* a sane header goes on to OpenJPEG, which finds no tile data */
	n = codestream(cs, 32, 32, 0, 0, 32, 32, 0, 0);
	assert_int_equal(mncr_face_image_decode(cs, n, &img, err, sizeof(err)),
			 -EINVAL);
	assert_null(img.px);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codestream),
		cmocka_unit_test(test_nonsense),
		cmocka_unit_test(test_jp2_boxes),
		cmocka_unit_test(test_decoder_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
