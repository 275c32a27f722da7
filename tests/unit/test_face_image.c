// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Greyscale image loading and resampling. Every image is made here: PGM by
 * hand, PNG with libpng, JPEG with libjpeg, JPEG 2000 with openjpeg; then
 * decoded, truncated and corrupted (no crash, a clean error).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jpeglib.h>
#if __has_include(<openjpeg.h>)
#include <openjpeg.h>
#else
#include <openjpeg-2.5/openjpeg.h>
#endif
#include <png.h>

#include "face/face_image.h"

#define W 37
#define H 23

static uint8_t pattern(int x, int y)
{
	return (uint8_t)((x * 7 + y * 11 + (x * y) % 13) & 255);
}

static void check_pattern(const struct mncr_face_image *img, int tolerance)
{
	int worst = 0;

	assert_int_equal(img->w, W);
	assert_int_equal(img->h, H);
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			int d = abs(img->px[y * W + x] - pattern(x, y));

			worst = d > worst ? d : worst;
		}
	if (worst > tolerance)
		fail_msg("pixel off by %d (tolerance %d)", worst, tolerance);
}

/*
 * Decodes prefixes and many corrupted copies: no crash, no leak; a prefix
 * shorter than must_fail_below bytes must be refused.
 */
static void abuse(const uint8_t *data, size_t len, size_t must_fail_below)
{
	uint8_t *copy = malloc(len);
	unsigned int seed = 3;
	size_t step = len > 4000 ? len / 400 : 1;

	assert_non_null(copy);
	for (size_t n = 0; n < len; n += step) {
		struct mncr_face_image img;
		char err[200];
		int ret = mncr_face_image_decode(data, n, &img, err, sizeof(err));

		if (n < must_fail_below && ret == 0)
			fail_msg("a %zu-byte prefix of %zu decoded", n, len);
		if (ret)
			assert_null(img.px);
		mncr_face_image_free(&img);
	}
	for (int trial = 0; trial < 200; trial++) {
		struct mncr_face_image img;

		memcpy(copy, data, len);
		for (int k = 0; k < 4; k++) {
			seed = seed * 1103515245u + 12345u;
			copy[(seed >> 8) % len] ^= (uint8_t)(1u << (seed % 8));
		}
		mncr_face_image_decode(copy, len, &img, NULL, 0);
		mncr_face_image_free(&img);
	}
	free(copy);
}

static void test_pgm(void **state)
{
	char hdr[64];
	uint8_t buf[64 + W * H * 6];
	struct mncr_face_image img;
	char err[200];
	int n;

	(void)state;
	/* 8 bits, with a comment */
	n = snprintf(hdr, sizeof(hdr), "P5\n# made by a test\n%d %d\n255\n", W, H);
	memcpy(buf, hdr, (size_t)n);
	for (int i = 0; i < W * H; i++)
		buf[n + i] = pattern(i % W, i / W);
	assert_int_equal(mncr_face_image_decode(buf, (size_t)n + W * H, &img, err,
						sizeof(err)), 0);
	check_pattern(&img, 0);
	mncr_face_image_free(&img);
	abuse(buf, (size_t)n + W * H, (size_t)n + W * H);

	/* 16 bits, big endian, maxval 1023: v * 4 + 3 -> v */
	n = snprintf(hdr, sizeof(hdr), "P5 %d %d 1023\n", W, H);
	memcpy(buf, hdr, (size_t)n);
	for (int i = 0; i < W * H; i++) {
		int v = pattern(i % W, i / W) * 4 + 3;

		buf[n + 2 * i] = (uint8_t)(v >> 8);
		buf[n + 2 * i + 1] = (uint8_t)v;
	}
	assert_int_equal(mncr_face_image_decode(buf, (size_t)n + 2 * W * H, &img,
						err, sizeof(err)), 0);
	check_pattern(&img, 1);
	mncr_face_image_free(&img);

	/* colour: equal R, G, B is that grey */
	n = snprintf(hdr, sizeof(hdr), "P6\n%d %d\n255\n", W, H);
	memcpy(buf, hdr, (size_t)n);
	for (int i = 0; i < W * H; i++)
		memset(buf + n + 3 * i, pattern(i % W, i / W), 3);
	assert_int_equal(mncr_face_image_decode(buf, (size_t)n + 3 * W * H, &img,
						err, sizeof(err)), 0);
	check_pattern(&img, 0);
	mncr_face_image_free(&img);
	/* pure red, green, blue: BT.601 luma 76, 150, 29 */
	n = snprintf(hdr, sizeof(hdr), "P6 3 1 255 ");
	memcpy(buf, hdr, (size_t)n);
	memcpy(buf + n, "\xff\0\0\0\xff\0\0\0\xff", 9);
	assert_int_equal(mncr_face_image_decode(buf, (size_t)n + 9, &img, err,
						sizeof(err)), 0);
	assert_int_equal(img.px[0], 76);
	assert_int_equal(img.px[1], 150);
	assert_int_equal(img.px[2], 29);
	mncr_face_image_free(&img);

	assert_int_equal(mncr_face_image_decode((const uint8_t *)"P5 0 1 255\n", 11,
						&img, err, sizeof(err)), -EFBIG);
	assert_int_equal(mncr_face_image_decode((const uint8_t *)"P5 1 1 0\n\n", 10,
						&img, err, sizeof(err)), -EINVAL);
	assert_int_equal(mncr_face_image_decode((const uint8_t *)"P5 99999999 1 255\n",
						18, &img, err, sizeof(err)), -EINVAL);
	assert_int_equal(mncr_face_image_decode((const uint8_t *)"GIF89a", 6, &img,
						err, sizeof(err)), -ENOTSUP);
	assert_non_null(strstr(err, "unknown image format"));
}

static void test_png(void **state)
{
	png_image png;
	uint8_t px[W * H * 3], *mem;
	png_alloc_size_t size = 0;
	struct mncr_face_image img;
	char err[200];

	(void)state;
	for (int colour = 0; colour < 2; colour++) {
		for (int i = 0; i < W * H; i++)
			memset(px + (colour ? 3 * i : i), pattern(i % W, i / W),
			       colour ? 3 : 1);
		memset(&png, 0, sizeof(png));
		png.version = PNG_IMAGE_VERSION;
		png.width = W;
		png.height = H;
		png.format = colour ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
		assert_true(png_image_write_to_memory(&png, NULL, &size, 0, px, 0, NULL));
		mem = malloc(size);
		assert_non_null(mem);
		assert_true(png_image_write_to_memory(&png, mem, &size, 0, px, 0, NULL));
		assert_int_equal(mncr_face_image_decode(mem, size, &img, err,
							sizeof(err)), 0);
		/* libpng's colour to grey goes through linear light: +-1 */
		check_pattern(&img, colour ? 1 : 0);
		mncr_face_image_free(&img);
		/* libpng does not insist on the final IEND chunk (12 bytes) */
		abuse(mem, size, size - 12);
		free(mem);
	}
}

static void test_jpeg(void **state)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr jerr;
	unsigned char *mem = NULL;
	unsigned long size = 0;
	uint8_t px[W * H];
	struct mncr_face_image img;
	char err[200];

	(void)state;
	for (int i = 0; i < W * H; i++)
		px[i] = pattern(i % W, i / W);
	c.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &mem, &size);
	c.image_width = W;
	c.image_height = H;
	c.input_components = 1;
	c.in_color_space = JCS_GRAYSCALE;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, 100, TRUE);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < H) {
		JSAMPROW row = px + c.next_scanline * W;

		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	assert_int_equal(mncr_face_image_decode(mem, size, &img, err, sizeof(err)), 0);
	check_pattern(&img, 8);
	mncr_face_image_free(&img);
	abuse(mem, size, size);
	/* a file */
	{
		char path[] = "/tmp/mncr-face-image-XXXXXX";
		int fd = mkstemp(path);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, mem, size), (ssize_t)size);
		close(fd);
		assert_int_equal(mncr_face_image_load(path, &img, err, sizeof(err)), 0);
		check_pattern(&img, 8);
		mncr_face_image_free(&img);
		unlink(path);
		assert_int_equal(mncr_face_image_load(path, &img, err, sizeof(err)),
				 -ENOENT);
		assert_non_null(strstr(err, path));
	}
	free(mem);
}

/* openjpeg writes into memory through these. */
struct out_mem {
	uint8_t buf[65536];
	size_t len, pos;
};

static OPJ_SIZE_T out_write(void *data, OPJ_SIZE_T n, void *user)
{
	struct out_mem *m = user;

	if (m->pos + n > sizeof(m->buf))
		return (OPJ_SIZE_T)-1;
	memcpy(m->buf + m->pos, data, n);
	m->pos += n;
	if (m->pos > m->len)
		m->len = m->pos;
	return n;
}

static OPJ_OFF_T out_skip(OPJ_OFF_T n, void *user)
{
	struct out_mem *m = user;

	m->pos += (size_t)n;
	return n;
}

static OPJ_BOOL out_seek(OPJ_OFF_T n, void *user)
{
	struct out_mem *m = user;

	m->pos = (size_t)n;
	return OPJ_TRUE;
}

static void opj_print(const char *msg, void *user)
{
	(void)user;
	print_message("openjpeg: %s", msg);
}

/* Lossless (reversible 5/3) greyscale JP2 or J2K of the pattern. */
static void make_jp2(struct out_mem *m, int jp2, int prec)
{
	opj_image_cmptparm_t cp = { 0 };
	opj_cparameters_t params;
	opj_image_t *image;
	opj_codec_t *codec;
	opj_stream_t *stream;

	memset(m, 0, sizeof(*m));
	cp.dx = cp.dy = 1;
	cp.w = W;
	cp.h = H;
	cp.prec = (OPJ_UINT32)prec;
	image = opj_image_create(1, &cp, OPJ_CLRSPC_GRAY);
	assert_non_null(image);
	image->x1 = W;
	image->y1 = H;
	for (int i = 0; i < W * H; i++)
		image->comps[0].data[i] = pattern(i % W, i / W) << (prec - 8);
	opj_set_default_encoder_parameters(&params);
	params.tcp_numlayers = 1;
	params.tcp_rates[0] = 0;
	params.cp_disto_alloc = 1;
	params.numresolution = 3;	/* 6 would need 32 pixels */
	codec = opj_create_compress(jp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K);
	assert_non_null(codec);
	opj_set_error_handler(codec, opj_print, NULL);
	assert_true(opj_setup_encoder(codec, &params, image));
	stream = opj_stream_default_create(OPJ_FALSE);
	assert_non_null(stream);
	opj_stream_set_user_data(stream, m, NULL);
	opj_stream_set_write_function(stream, out_write);
	opj_stream_set_skip_function(stream, out_skip);
	opj_stream_set_seek_function(stream, out_seek);
	assert_true(opj_start_compress(codec, image, stream));
	assert_true(opj_encode(codec, stream));
	assert_true(opj_end_compress(codec, stream));
	opj_stream_destroy(stream);
	opj_destroy_codec(codec);
	opj_image_destroy(image);
}

static void test_jp2(void **state)
{
	struct out_mem *m = malloc(sizeof(*m));
	struct mncr_face_image img;
	char err[200];

	(void)state;
	assert_non_null(m);
	for (int jp2 = 0; jp2 < 2; jp2++) {
		make_jp2(m, jp2, 8);
		assert_true(m->len > 12);
		assert_int_equal(mncr_face_image_decode(m->buf, m->len, &img, err,
							sizeof(err)), 0);
		check_pattern(&img, 0);
		mncr_face_image_free(&img);
		/* openjpeg may decode a truncated stream in part: no crash */
		abuse(m->buf, m->len, 0);
	}
	/* 12-bit samples are scaled to 8 bits */
	make_jp2(m, 1, 12);
	assert_int_equal(mncr_face_image_decode(m->buf, m->len, &img, err,
						sizeof(err)), 0);
	check_pattern(&img, 1);
	mncr_face_image_free(&img);
	/* the JP2 signature with nothing usable after it */
	assert_int_not_equal(mncr_face_image_decode(m->buf, 40, &img, err,
						    sizeof(err)), 0);
	assert_non_null(strstr(err, "JPEG 2000"));
	free(m);
}

static void test_resample(void **state)
{
	struct mncr_face_image src, dst;
	double mean_in = 0, mean_out = 0;

	(void)state;
	assert_int_equal(mncr_face_image_alloc(&src, 100, 80), 0);
	for (int y = 0; y < 80; y++)
		for (int x = 0; x < 100; x++)
			src.px[y * 100 + x] = (uint8_t)(2 * x + y);	/* a plane */

	/* a crop at scale 1 is an exact copy */
	assert_int_equal(mncr_face_image_alloc(&dst, 50, 40), 0);
	assert_int_equal(mncr_face_image_resample(&src, 20, 30, 50, 40, &dst), 0);
	for (int y = 0; y < 40; y++)
		for (int x = 0; x < 50; x++)
			assert_int_equal(dst.px[y * 50 + x], src.px[(y + 30) * 100 + x + 20]);
	mncr_face_image_free(&dst);

	/* enlarging a plane by 3 is bilinear: exact inside, to rounding */
	assert_int_equal(mncr_face_image_alloc(&dst, 60, 60), 0);
	assert_int_equal(mncr_face_image_resample(&src, 10, 10, 20, 20, &dst), 0);
	for (int y = 0; y < 60; y++)
		for (int x = 0; x < 60; x++) {
			double sx = 10 + (x + 0.5) / 3 - 0.5, sy = 10 + (y + 0.5) / 3 - 0.5;

			assert_true(fabs(dst.px[y * 60 + x] - (2 * sx + sy)) <= 0.5 + 1e-9);
		}
	mncr_face_image_free(&dst);

	/* shrinking keeps the mean (every pixel counts) */
	for (int i = 0; i < 100 * 80; i++) {
		src.px[i] = (i * 2654435761u >> 24) & 255;	/* noise */
		mean_in += src.px[i];
	}
	assert_int_equal(mncr_face_image_alloc(&dst, 25, 20), 0);
	assert_int_equal(mncr_face_image_resample(&src, 0, 0, 100, 80, &dst), 0);
	for (int i = 0; i < 25 * 20; i++)
		mean_out += dst.px[i];
	assert_true(fabs(mean_in / 8000 - mean_out / 500) < 1.0);
	mncr_face_image_free(&dst);

	/* outside the source the edge repeats: a constant stays constant */
	memset(src.px, 77, 100 * 80);
	assert_int_equal(mncr_face_image_alloc(&dst, 150, 150), 0);
	assert_int_equal(mncr_face_image_resample(&src, -40.5, -70.25, 200, 220.5,
						  &dst), 0);
	for (int i = 0; i < 150 * 150; i++)
		assert_int_equal(dst.px[i], 77);

	assert_int_equal(mncr_face_image_resample(&src, 0, 0, 0, 10, &dst), -EINVAL);
	assert_int_equal(mncr_face_image_resample(&src, NAN, 0, 10, 10, &dst),
			 -EINVAL);
	assert_int_equal(mncr_face_image_resample(&src, 0, 0, INFINITY, 10, &dst),
			 -EINVAL);
	assert_int_equal(mncr_face_image_resample(NULL, 0, 0, 10, 10, &dst), -EINVAL);
	mncr_face_image_free(&dst);
	mncr_face_image_free(&src);
	assert_int_equal(mncr_face_image_alloc(&src, 0, 5), -EINVAL);
	assert_int_equal(mncr_face_image_alloc(&src, 5, MNCR_FACE_IMAGE_MAX_SIDE + 1),
			 -EINVAL);
}

/*
 * A 193-byte J2K header declaring 16 components of 16384x4096 (an empty
 * tile): OpenJPEG would allocate every component, 4.3 GB. Refused before
 * decoding (found by fuzz_face_jp2's author writing headers by hand).
 */
static const uint8_t j2k_huge[] = {
	0xff, 0x4f, 0xff, 0x51, 0x00, 0x56, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00,
	0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x07, 0x01, 0x01, 0x07, 0x01, 0x01,
	0x07, 0x01, 0x01, 0x07, 0x01, 0x01, 0x07, 0x01, 0x01, 0x07, 0x01, 0x01,
	0x07, 0x01, 0x01, 0x07, 0x01, 0x01, 0x07, 0x01, 0x01, 0x07, 0x01, 0x01,
	0x07, 0x01, 0x01, 0x07, 0x01, 0x01, 0x07, 0x01, 0x01, 0x07, 0x01, 0x01,
	0x07, 0x01, 0x01, 0x07, 0x01, 0x01, 0xff, 0x52, 0x00, 0x0c, 0x00, 0x00,
	0x00, 0x01, 0x00, 0x01, 0x04, 0x04, 0x00, 0x01, 0xff, 0x5c, 0x00, 0x07,
	0x40, 0x40, 0x48, 0x48, 0x50, 0xff, 0x90, 0x00, 0x0a, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x4e, 0x00, 0x01, 0xff, 0x93, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff,
	0xd9,
};

static void test_jp2_bounds(void **state)
{
	struct mncr_face_image img;
	char err[160];

	(void)state;
	assert_int_equal(mncr_face_image_decode(j2k_huge, sizeof(j2k_huge), &img,
						err, sizeof(err)), -EFBIG);
	assert_null(img.px);
	assert_non_null(strstr(err, "too large"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pgm),
		cmocka_unit_test(test_png),
		cmocka_unit_test(test_jpeg),
		cmocka_unit_test(test_jp2),
		cmocka_unit_test(test_jp2_bounds),
		cmocka_unit_test(test_resample),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
