// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TF.js weights: manifest parsing, dequantisation, size and checksum checks,
 * on manifests written here and, when scripts/fetch-models has run, on the
 * real recognition model ($MNCR_MODELS, default build/models).
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

#include "face/face_embed.h"
#include "face/face_model.h"

static const char *models_dir(void)
{
	const char *d = getenv("MNCR_MODELS");

	return d && *d ? d : "build/models";
}

static void put_f32(uint8_t *p, float f)
{
	uint32_t b;

	memcpy(&b, &f, 4);
	p[0] = (uint8_t)b;
	p[1] = (uint8_t)(b >> 8);
	p[2] = (uint8_t)(b >> 16);
	p[3] = (uint8_t)(b >> 24);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* A manifest with one tensor of each kind and its 23-byte data. */
static const char manifest[] =
	"[{\"paths\": [\"m.bin\"], \"weights\": ["
	"{\"name\": \"f\", \"shape\": [2], \"dtype\": \"float32\"},"
	"{\"name\": \"q8\", \"shape\": [2, 2], \"dtype\": \"float32\","
	" \"quantization\": {\"dtype\": \"uint8\", \"scale\": 0.5, \"min\": -1}},"
	"{\"name\": \"q16\", \"shape\": [1], \"dtype\": \"float32\","
	" \"quantization\": {\"dtype\": \"uint16\", \"scale\": 0.25, \"min\": 2}},"
	"{\"name\": \"h\", \"shape\": [1, 1, 1, 2], \"dtype\": \"float32\","
	" \"quantization\": {\"dtype\": \"float16\"}},"
	"{\"name\": \"i\", \"shape\": [], \"dtype\": \"int32\", \"group\": \"x\"}"
	"]}]";

static size_t make_bin(uint8_t *b)
{
	put_f32(b, 1.5f);
	put_f32(b + 4, -3.0f);
	b[8] = 0;		/* -1 */
	b[9] = 1;		/* -0.5 */
	b[10] = 2;		/* 0 */
	b[11] = 255;		/* 126.5 */
	b[12] = 0x10;		/* 0x0110 = 272: 272 * 0.25 + 2 = 70 */
	b[13] = 0x01;
	b[14] = 0x00;		/* half 0x3c00 = 1 */
	b[15] = 0x3c;
	b[16] = 0x00;		/* half 0xc000 = -2 */
	b[17] = 0xc0;
	b[18] = 0xfe;		/* int32 -2 */
	b[19] = 0xff;
	b[20] = 0xff;
	b[21] = 0xff;
	return 22;
}

static void test_parse_kinds(void **state)
{
	struct mncr_face_weights w;
	uint8_t bin[32];
	size_t n = make_bin(bin), dims[4] = { 2, 2 };
	const float *q8;
	char err[256];

	(void)state;
	assert_int_equal(mncr_face_weights_parse(&w, manifest, strlen(manifest), bin,
						 n, err, sizeof(err)), 0);
	assert_int_equal(w.n, 5);
	assert_string_equal(w.w[0].name, "f");
	assert_true(w.w[0].data[0] == 1.5f && w.w[0].data[1] == -3.0f);
	q8 = mncr_face_weights_get(&w, "q8", 2, dims, err, sizeof(err));
	assert_non_null(q8);
	assert_true(q8[0] == -1.0f && q8[1] == -0.5f && q8[2] == 0.0f &&
		    q8[3] == 126.5f);
	assert_true(w.w[2].data[0] == 70.0f);
	assert_int_equal(w.w[3].ndim, 4);
	assert_true(w.w[3].data[0] == 1.0f && w.w[3].data[1] == -2.0f);
	assert_int_equal(w.w[4].ndim, 0);
	assert_int_equal(w.w[4].count, 1);
	assert_true(w.w[4].data[0] == -2.0f);

	dims[1] = 3;
	assert_null(mncr_face_weights_get(&w, "q8", 2, dims, err, sizeof(err)));
	assert_string_equal(err, "tensor q8: shape [2,2], expected [2,3]");
	assert_null(mncr_face_weights_get(&w, "q8", 1, dims, err, sizeof(err)));
	assert_null(mncr_face_weights_get(&w, "nope", 1, dims, err, sizeof(err)));
	assert_string_equal(err, "tensor nope missing from the model");
	mncr_face_weights_free(&w);
	mncr_face_weights_free(&w);	/* idempotent */
}

static void test_sizes(void **state)
{
	struct mncr_face_weights w;
	uint8_t bin[32];
	size_t n = make_bin(bin);
	char err[256];

	(void)state;
	/* every truncation of the data is refused, with the tensor named */
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(mncr_face_weights_parse(&w, manifest, strlen(manifest),
							 bin, i, err, sizeof(err)),
				 -EINVAL);
		assert_non_null(strstr(err, "truncated"));
		assert_null(w.w);
	}
	assert_int_equal(mncr_face_weights_parse(&w, manifest, strlen(manifest), bin,
						 n + 1, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "1 bytes left over"));
	/* and every truncation of the manifest */
	for (size_t i = 0; i + 1 < sizeof(manifest); i++)
		assert_int_equal(mncr_face_weights_parse(&w, manifest, i, bin, n,
							 err, sizeof(err)), -EINVAL);
}

static void test_bad_manifests(void **state)
{
	static const struct {
		const char *json, *why;
	} bad[] = {
		{ "{}", "not a non-empty list" },
		{ "[]", "not a non-empty list" },
		{ "[{\"weights\": []}]", "0 tensors" },
		{ "[{\"paths\": []}]", "no \"weights\" list" },
		{ "[{\"weights\": [{\"shape\": [1], \"dtype\": \"float32\"}]}]",
		  "no \"name\"" },
		{ "[{\"weights\": [{\"name\": \"a\", \"shape\": [1], \"dtype\": \"float64\"}]}]",
		  "dtype float64 not supported" },
		{ "[{\"weights\": [{\"name\": \"a\", \"shape\": [0], \"dtype\": \"float32\"}]}]",
		  "dimension 0 is not an integer" },
		{ "[{\"weights\": [{\"name\": \"a\", \"shape\": [-1], \"dtype\": \"float32\"}]}]",
		  "dimension 0" },
		{ "[{\"weights\": [{\"name\": \"a\", \"shape\": [1.5], \"dtype\": \"float32\"}]}]",
		  "dimension 0" },
		{ "[{\"weights\": [{\"name\": \"a\", \"shape\": [1,1,1,1,1], \"dtype\": \"float32\"}]}]",
		  "at most 4" },
		{ "[{\"weights\": [{\"name\": \"a\", \"shape\": 1, \"dtype\": \"float32\"}]}]",
		  "\"shape\" must be a list" },
		{ "[{\"weights\": [{\"name\": \"a\", \"shape\": [65536,65536,65536,65536], \"dtype\": \"float32\"}]}]",
		  "too many values" },
		{ "[{\"weights\": [{\"name\": \"a\", \"shape\": [1], \"dtype\": \"float32\","
		  " \"quantization\": {\"dtype\": \"uint4\", \"scale\": 1, \"min\": 0}}]}]",
		  "quantisation uint4 not supported" },
		{ "[{\"weights\": [{\"name\": \"a\", \"shape\": [1], \"dtype\": \"float32\","
		  " \"quantization\": {\"dtype\": \"uint8\", \"min\": 0}}]}]",
		  "needs numbers \"scale\" and \"min\"" },
		{ "[{\"weights\": [{\"name\": \"a\", \"shape\": [1], \"dtype\": \"float32\"},"
		  " {\"name\": \"a\", \"shape\": [1], \"dtype\": \"float32\"}]}]",
		  "tensor a twice" },
		{ "[{\"weights\": [], }]", "manifest: line 1" },
	};
	struct mncr_face_weights w;
	uint8_t bin[64] = { 0 };
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(mncr_face_weights_parse(&w, bad[i].json,
							 strlen(bad[i].json), bin,
							 8, err, sizeof(err)), -EINVAL);
		if (!strstr(err, bad[i].why))
			fail_msg("%s: got \"%s\", expected \"%s\"", bad[i].json, err,
				 bad[i].why);
	}
}

static void test_dequantize_half_sha(void **state)
{
	const uint8_t q[4] = { 0, 1, 128, 255 };
	float out[4];
	char hex[65];

	(void)state;
	/* a real recognition tensor's parameters: value = q * scale + min */
	mncr_face_dequantize_u8(q, 4, 0.0005260649557207145, -0.07101876902229645,
				out);
	assert_true(out[0] == (float)-0.07101876902229645);
	assert_true(out[1] == (float)(0.0005260649557207145 - 0.07101876902229645));
	assert_true(out[2] == (float)(128 * 0.0005260649557207145 - 0.07101876902229645));
	assert_true(out[3] == (float)(255 * 0.0005260649557207145 - 0.07101876902229645));

	assert_true(mncr_face_half_to_float(0x3c00) == 1.0f);
	assert_true(mncr_face_half_to_float(0xc000) == -2.0f);
	assert_true(mncr_face_half_to_float(0x7bff) == 65504.0f);
	assert_true(mncr_face_half_to_float(0x3555) == 0x1.554p-2f);
	assert_true(mncr_face_half_to_float(0x0001) == 0x1p-24f);
	assert_true(mncr_face_half_to_float(0x03ff) == 0x1.ff8p-15f);
	assert_true(mncr_face_half_to_float(0x0000) == 0.0f);
	assert_true(signbit(mncr_face_half_to_float(0x8000)));
	assert_true(isinf(mncr_face_half_to_float(0x7c00)));
	assert_true(isinf(mncr_face_half_to_float(0xfc00)) &&
		    mncr_face_half_to_float(0xfc00) < 0);
	assert_true(isnan(mncr_face_half_to_float(0x7e00)));

	assert_int_equal(mncr_face_sha256_hex("abc", 3, hex), 0);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* Files in a temporary directory: shards, checksums, truncation. */
static void test_files(void **state)
{
	char dir[] = "/tmp/mncr-face-model-XXXXXX", path[256], shard[256];
	char mpath[256], err[512], hex_m[65], hex_a[65], hex_b[65], hex_c[65];
	const char *two = "[{\"paths\": [\"a.bin\", \"b.bin\"], \"weights\": ["
			  "{\"name\": \"x\", \"shape\": [3], \"dtype\": \"float32\"}]},"
			  "{\"paths\": [\"c.bin\"], \"weights\": ["
			  "{\"name\": \"y\", \"shape\": [2], \"dtype\": \"float32\","
			  " \"quantization\": {\"dtype\": \"uint8\", \"scale\": 1, \"min\": 0}}]}]";
	uint8_t data[16] = { 0 };
	struct mncr_face_weights w;

	(void)state;
	assert_non_null(mkdtemp(dir));
	put_f32(data, 1.0f);
	put_f32(data + 4, 2.0f);
	put_f32(data + 8, 3.0f);
	snprintf(mpath, sizeof(mpath), "%s/m.json", dir);
	write_file(mpath, two, strlen(two));
	/* x split across two shards at an odd offset */
	snprintf(shard, sizeof(shard), "%s/a.bin", dir);
	write_file(shard, data, 5);
	snprintf(shard, sizeof(shard), "%s/b.bin", dir);
	write_file(shard, data + 5, 7);
	snprintf(shard, sizeof(shard), "%s/c.bin", dir);
	write_file(shard, "\x07\x09", 2);
	assert_int_equal(mncr_face_weights_load(&w, mpath, NULL, 0, err, sizeof(err)), 0);
	assert_int_equal(w.n, 2);
	assert_true(w.w[0].data[0] == 1.0f && w.w[0].data[2] == 3.0f);
	assert_true(w.w[1].data[0] == 7.0f && w.w[1].data[1] == 9.0f);
	mncr_face_weights_free(&w);
	/* the same by directory and manifest name */
	assert_int_equal(mncr_face_weights_load_in(&w, dir, "m.json", NULL, 0, err,
						   sizeof(err)), 0);
	assert_int_equal(w.n, 2);
	mncr_face_weights_free(&w);
	assert_int_equal(mncr_face_weights_load_in(&w, NULL, "m.json", NULL, 0, err,
						   sizeof(err)), -EINVAL);
	assert_string_equal(err, "no model directory");
	assert_null(w.w);
	{
		char longdir[5000];

		memset(longdir, 'd', sizeof(longdir) - 1);
		longdir[sizeof(longdir) - 1] = '\0';
		assert_int_equal(mncr_face_weights_load_in(&w, longdir, "m.json", NULL,
							   0, err, sizeof(err)),
				 -ENAMETOOLONG);
		assert_string_equal(err, "model directory name too long (4999 bytes)");
	}

	/* checksums: right, wrong, missing */
	mncr_face_sha256_hex(two, strlen(two), hex_m);
	mncr_face_sha256_hex(data, 5, hex_a);
	mncr_face_sha256_hex(data + 5, 7, hex_b);
	mncr_face_sha256_hex("\x07\x09", 2, hex_c);
	{
		struct mncr_face_checksum sums[] = {
			{ "m.json", hex_m }, { "a.bin", hex_a }, { "b.bin", hex_b },
			{ "c.bin", "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD" },
		};

		assert_int_equal(mncr_face_weights_load(&w, mpath, sums, 3, err,
							sizeof(err)), -EBADMSG);
		assert_non_null(strstr(err, "c.bin: no checksum known"));
		assert_int_equal(mncr_face_weights_load(&w, mpath, sums, 4, err,
							sizeof(err)), -EBADMSG);
		assert_non_null(strstr(err, "c.bin: sha256 "));
		assert_non_null(strstr(err, "expected BA7816BF"));
		assert_null(w.w);
		sums[3].sha256 = hex_c;
		sums[0].sha256 = hex_a;		/* the manifest is checked first */
		assert_int_equal(mncr_face_weights_load(&w, mpath, sums, 4, err,
							sizeof(err)), -EBADMSG);
		assert_non_null(strstr(err, "m.json: sha256 "));
		sums[0].sha256 = hex_m;
		assert_int_equal(mncr_face_weights_load(&w, mpath, sums, 4, err,
							sizeof(err)), 0);
		assert_int_equal(w.n, 2);
		mncr_face_weights_free(&w);
	}

	/* a truncated shard: the group no longer holds its tensors */
	snprintf(shard, sizeof(shard), "%s/b.bin", dir);
	write_file(shard, data + 5, 6);
	assert_int_equal(mncr_face_weights_load(&w, mpath, NULL, 0, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "truncated"));
	/* a shard too long for its group */
	write_file(shard, data + 5, 8);
	assert_int_equal(mncr_face_weights_load(&w, mpath, NULL, 0, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "group 0 holds 13 bytes, its tensors need 12"));
	/* a missing shard */
	unlink(shard);
	assert_int_equal(mncr_face_weights_load(&w, mpath, NULL, 0, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "b.bin"));
	/* a shard path leaving the directory */
	write_file(mpath, "[{\"paths\": [\"../x.bin\"], \"weights\": []}]", 40);
	assert_int_equal(mncr_face_weights_load(&w, mpath, NULL, 0, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "plain file name"));
	/* a directory is not a manifest */
	assert_int_equal(mncr_face_weights_load(&w, dir, NULL, 0, err, sizeof(err)),
			 -EINVAL);

	for (const char *f = "m.json\0a.bin\0b.bin\0c.bin\0"; *f; f += strlen(f) + 1) {
		snprintf(path, sizeof(path), "%s/%s", dir, f);
		unlink(path);
	}
	assert_int_equal(rmdir(dir), 0);
}

/* The real model: 117 tensors, checksums, a corrupt and a truncated copy. */
static void test_real_model(void **state)
{
	static const struct mncr_face_checksum sums[] = {
		{ MNCR_FACE_EMBED_MANIFEST, MNCR_FACE_EMBED_MANIFEST_SHA256 },
		{ MNCR_FACE_EMBED_BIN, MNCR_FACE_EMBED_BIN_SHA256 },
	};
	char path[512], dir[] = "/tmp/mncr-face-real-XXXXXX", copy[512], err[512];
	const size_t fc_dims[2] = { 256, 128 }, f_dims[4] = { 7, 7, 3, 32 };
	struct mncr_face_weights w;
	struct mncr_face_net *net;
	uint8_t *bin, *man;
	size_t bin_len, man_len;

	(void)state;
	snprintf(path, sizeof(path), "%s/%s", models_dir(), MNCR_FACE_EMBED_MANIFEST);
	if (access(path, R_OK)) {
		print_message("skipped: %s missing: run scripts/fetch-models\n", path);
		skip();
	}
	assert_int_equal(mncr_face_weights_load(&w, path, sums, 2, err, sizeof(err)), 0);
	assert_int_equal(w.n, 117);
	assert_non_null(mncr_face_weights_get(&w, "fc", 2, fc_dims, err, sizeof(err)));
	assert_non_null(mncr_face_weights_get(&w, "conv32_down/conv/filters", 4,
					      f_dims, err, sizeof(err)));
	/* the first value of the first tensor: q * scale + min, q = bin[0] */
	snprintf(path, sizeof(path), "%s/%s", models_dir(), MNCR_FACE_EMBED_BIN);
	assert_int_equal(mncr_face_read_file(path, MNCR_FACE_MAX_FILE, &bin, &bin_len), 0);
	assert_int_equal(bin_len, 6444032);
	assert_true(w.w[0].data[0] ==
		    (float)(bin[0] * 0.0005260649557207145 - 0.07101876902229645));
	mncr_face_weights_free(&w);

	/* a copy with one byte changed fails its checksum */
	snprintf(path, sizeof(path), "%s/%s", models_dir(), MNCR_FACE_EMBED_MANIFEST);
	assert_int_equal(mncr_face_read_file(path, MNCR_FACE_MAX_FILE, &man, &man_len), 0);
	assert_non_null(mkdtemp(dir));
	snprintf(copy, sizeof(copy), "%s/%s", dir, MNCR_FACE_EMBED_MANIFEST);
	write_file(copy, man, man_len);
	snprintf(copy, sizeof(copy), "%s/%s", dir, MNCR_FACE_EMBED_BIN);
	bin[1000] ^= 1;
	write_file(copy, bin, bin_len);
	assert_int_equal(mncr_face_net_load(&net, dir, err, sizeof(err)), -EBADMSG);
	assert_null(net);
	assert_non_null(strstr(err, MNCR_FACE_EMBED_BIN ": sha256 "));
	/* a truncated copy, checked without sums, is refused cleanly */
	bin[1000] ^= 1;
	write_file(copy, bin, bin_len - 4096);
	snprintf(path, sizeof(path), "%s/%s", dir, MNCR_FACE_EMBED_MANIFEST);
	assert_int_equal(mncr_face_weights_load(&w, path, NULL, 0, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "truncated"));
	print_message("truncated model: %s\n", err);
	/* a model with a tensor of the wrong shape is refused by the net */
	{
		char *p = strstr((char *)man, "\"fc\",\"shape\":[256,128]");

		assert_non_null(p);
		memcpy(p, "\"fc\",\"shape\":[128,256]", 22);
		assert_int_equal(mncr_face_weights_parse(&w, (char *)man, man_len, bin,
							 bin_len, err, sizeof(err)), 0);
		assert_int_equal(mncr_face_net_from_weights(&net, &w, err, sizeof(err)),
				 -EINVAL);
		assert_string_equal(err, "tensor fc: shape [128,256], expected [256,128]");
		mncr_face_weights_free(&w);
	}
	unlink(copy);
	unlink(path);
	rmdir(dir);
	free(bin);
	free(man);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_kinds),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_bad_manifests),
		cmocka_unit_test(test_dequantize_half_sha),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_real_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
