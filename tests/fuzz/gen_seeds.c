// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writes the seed corpora: runs host_flow() against the emulator in
 * several card variants and records what went each way; small synthetic
 * images in every format the face decoder reads (fuzz_face_jp2) and
 * certificates under fuzz_card_cert's test CAs. Usage:
 * gen_seeds CORPUS_DIR (tests/fuzz/run --seeds does this).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <png.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "emul/card_emul.h"
#include "face/face_jp2.h"
#include "fuzz_cert_build.h"
#include "host_flow.h"

#define LOG_MAX (256 * 1024)

struct rec {
	struct mncr_card_emul *emul;
	uint8_t cmds[LOG_MAX], resps[LOG_MAX];
	size_t ncmds, nresps;
	const char *dir;
	unsigned int n_single;	/* fuzz_apdu_command files written */
};

static void put(uint8_t *log, size_t *n, const uint8_t *p, size_t len)
{
	if (*n + 2 + len > LOG_MAX)
		abort();
	log[(*n)++] = (uint8_t)(len >> 8);
	log[(*n)++] = (uint8_t)len;
	memcpy(log + *n, p, len);
	*n += len;
}

static void write_file(const char *dir, const char *target, const char *name,
		       uint8_t first, const uint8_t *p, size_t n, int with_first)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, target, name);
	f = fopen(path, "wb");
	if (!f || (with_first && fputc(first, f) == EOF) ||
	    fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static int rec_transmit(void *ctx, const uint8_t *cmd, size_t n,
			uint8_t *resp, size_t *resp_len)
{
	struct rec *r = ctx;
	int ret;

	put(r->cmds, &r->ncmds, cmd, n);
	ret = mncr_card_emul_transmit(r->emul, cmd, n, resp, resp_len);
	if (!ret)
		put(r->resps, &r->nresps, resp, *resp_len);
	return ret;
}

static const char *const presets[] = {
	"pin", "pinless", "blocked", "expired", "revoked", "nosign",
};

static void profile(struct mncr_card_emul_profile *p, int preset, int bits,
		    EVP_PKEY *key, const uint8_t *cert, size_t cert_len)
{
	mncr_card_emul_preset(p, presets[preset]);
	p->chain = bits & 1;
	p->wrong_le_6c = bits & 2;
	p->extended = bits & 4;
	p->blocked_6983 = bits & 8;
	p->lead_bytes = bits & 16;
	p->auth_cert = p->sign_cert = cert;
	p->auth_cert_len = p->sign_cert_len = cert_len;
	p->auth_key = p->sign_key = key;
	/* Every variant opens with the flow's card front. */
	memcpy(p->birth_date, flow_front.birth_date, 8);
	memcpy(p->expiry_date, flow_front.expiry_year, 4);
	memcpy(p->security_code, flow_front.security_code, 4);
}

/* The TLV files themselves, for the decoder and record parsers. */
static void write_files(struct rec *r, struct mncr_apdu_io *io)
{
	static const struct {
		const struct mncr_card_key *key;
		uint16_t fid;
		uint32_t tag;
		const char *name;
	} files[] = {
		{ &mncr_card_key_text_b, MNCR_TEXT_EF_BASIC4, 0xFF20, "text_basic4" },
		{ &mncr_card_key_visual_b, MNCR_VISUAL_EF_FRONT, 0xFF20, "visual_front" },
		{ NULL, MNCR_JPKI_EF_AUTH_CERT, 0x30, "auth_cert" },	/* free */
	};
	const char *targets[] = { "fuzz_tlv", "fuzz_card_record" };
	uint8_t *obj;
	size_t len;
	int tries;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (files[i].key)
			mncr_card_verify_front(io, files[i].key, &flow_front, 0,
					       &tries);
		else
			mncr_jpki_select(io);
		if (mncr_apdu_select_fid(io, files[i].fid) ||
		    mncr_apdu_read_tlv_ef(io, files[i].tag, 65536, &obj, &len))
			abort();
		for (size_t t = 0; t < 2; t++)
			write_file(r->dir, targets[t], files[i].name, 0, obj, len, 0);
		free(obj);
	}
}

/* fuzz_card_cvc: a signed card's EF 0004, GET DATA objects and record. */
static void cvc_seeds(const char *dir, EVP_PKEY *key, const uint8_t *cert,
		      size_t cert_len)
{
	struct mncr_card_emul_cv cv = { .ca_key = key, .ap_key = key };
	static struct rec r;
	struct mncr_apdu_io io = { .transmit = rec_transmit, .ctx = &r };
	struct mncr_apdu gd = { .ins = 0xCA, .le = 256 };
	struct mncr_apdu mf = { .ins = 0xA4 };
	struct mncr_card_emul_profile p;
	uint8_t buf[1024], *obj;
	size_t len;
	uint16_t sw;
	int tries;

	r.dir = dir;
	profile(&p, 0, 0, key, cert, cert_len);
	p.cv = &cv;
	p.face_key = key;
	memcpy(cv.ca_id, "9000023\x08\x05" "001", 12);
	if (mncr_card_emul_new(&p, &r.emul))
		abort();
	mncr_apdu_transceive(&io, &mf, buf, sizeof(buf), &len, &sw);
	for (int i = 0; i < 2; i++) {
		gd.p1 = i ? 0x7F : 0x00;
		gd.p2 = i ? 0x21 : 0xF8;
		if (mncr_apdu_transceive(&io, &gd, buf, sizeof(buf), &len, &sw) ||
		    sw != MNCR_SW_OK)
			abort();
		write_file(dir, "fuzz_card_cvc", i ? "getdata_7f21" : "getdata_00f8",
			   0, buf, len, 0);
	}
	mncr_card_verify_front(&io, &mncr_card_key_visual_b, &flow_front, 0, &tries);
	if (mncr_apdu_select_fid(&io, 0x0004) ||
	    mncr_apdu_read_tlv_ef(&io, 0x7F21, 4096, &obj, &len))
		abort();
	write_file(dir, "fuzz_card_cvc", "ef0004", 0, obj, len, 0);
	free(obj);
	if (mncr_apdu_select_fid(&io, MNCR_VISUAL_EF_FRONT) ||
	    mncr_apdu_read_tlv_ef(&io, 0xFF20, 65536, &obj, &len))
		abort();
	write_file(dir, "fuzz_card_cvc", "signed_front", 0, obj, len, 0);
	free(obj);
	mncr_card_emul_free(r.emul);
}

/* True if the command at cmds[at] was already logged before it. */
static int seen(const struct rec *r, size_t at)
{
	size_t len = (size_t)r->cmds[at] << 8 | r->cmds[at + 1];

	for (size_t p = 0; p < at;) {
		size_t l = (size_t)r->cmds[p] << 8 | r->cmds[p + 1];

		if (l == len && !memcmp(r->cmds + p + 2, r->cmds + at + 2, len))
			return 1;
		p += 2 + l;
	}
	return 0;
}

static void write_commands(struct rec *r)
{
	char name[32];

	for (size_t at = 0; at + 2 <= r->ncmds;) {
		size_t len = (size_t)r->cmds[at] << 8 | r->cmds[at + 1];

		if (!seen(r, at)) {
			snprintf(name, sizeof(name), "cmd%02u", r->n_single++);
			write_file(r->dir, "fuzz_apdu_command", name, 0,
				   r->cmds + at + 2, len, 0);
		}
		at += 2 + len;
	}
}

/* A JP2 file's codestream: the contents of its jp2c box. */
static const uint8_t *jp2_codestream(const uint8_t *p, size_t n, size_t *len)
{
	for (size_t at = 0; at + 8 <= n;) {
		size_t box = (size_t)p[at] << 24 | p[at + 1] << 16 |
			     p[at + 2] << 8 | p[at + 3];

		if (!box)
			box = n - at;
		if (box < 8 || box > n - at)
			break;
		if (!memcmp(p + at + 4, "jp2c", 4)) {
			*len = box - 8;
			return p + at + 8;
		}
		at += box;
	}
	abort();
}

static void jpeg_seed(const char *dir, const struct mncr_face_image *img)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr jerr;
	unsigned char *buf = NULL;
	unsigned long len = 0;

	c.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &buf, &len);
	c.image_width = (JDIMENSION)img->w;
	c.image_height = (JDIMENSION)img->h;
	c.input_components = 1;
	c.in_color_space = JCS_GRAYSCALE;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, 75, TRUE);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		JSAMPROW row = img->px + (size_t)c.next_scanline * (size_t)img->w;

		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	write_file(dir, "fuzz_face_jp2", "jpeg_grey", 0, buf, len, 0);
	free(buf);
}

static void png_seed(const char *dir, const struct mncr_face_image *img)
{
	static uint8_t buf[4096];
	png_alloc_size_t len = sizeof(buf);
	png_image png;

	memset(&png, 0, sizeof(png));
	png.version = PNG_IMAGE_VERSION;
	png.width = (png_uint_32)img->w;
	png.height = (png_uint_32)img->h;
	png.format = PNG_FORMAT_GRAY;
	if (!png_image_write_to_memory(&png, buf, &len, 0, img->px, 0, NULL))
		abort();
	write_file(dir, "fuzz_face_jp2", "png_grey", 0, buf, len, 0);
}

/* Small synthetic pictures (no faces): JP2 and J2K as the card's, cut
 * short, and the other formats the decoder tells apart. */
static void image_seeds(const char *dir)
{
	static const char pgm[] = "P5\n# seed\n4 3\n255\n";
	static const char ppm[] = "P6 2 2 65535\n";
	struct mncr_face_image img;
	const uint8_t *cs;
	uint8_t *jp2, raw[64];
	size_t len, cs_len;

	for (int i = 0; i < 2; i++) {
		int w = i ? 32 : 16, h = i ? 40 : 12;

		if (mncr_face_image_alloc(&img, w, h))
			abort();
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				img.px[y * w + x] = (uint8_t)(x * 7 + y * 13 + (x ^ y) * 3);
		if (mncr_face_jp2_encode(&img, i ? 10 : 0, &jp2, &len))
			abort();
		write_file(dir, "fuzz_face_jp2", i ? "jp2_lossy" : "jp2_lossless",
			   0, jp2, len, 0);
		cs = jp2_codestream(jp2, len, &cs_len);
		write_file(dir, "fuzz_face_jp2", i ? "j2k_lossy" : "j2k_lossless",
			   0, cs, cs_len, 0);
		if (i) {
			write_file(dir, "fuzz_face_jp2", "jp2_cut", 0, jp2,
				   len / 2, 0);
			write_file(dir, "fuzz_face_jp2", "j2k_cut", 0, cs,
				   cs_len * 2 / 3, 0);
		} else {
			jpeg_seed(dir, &img);
			png_seed(dir, &img);
		}
		free(jp2);
		mncr_face_image_free(&img);
	}
	for (size_t i = 0; i < sizeof(raw); i++)
		raw[i] = (uint8_t)(i * 37);
	memcpy(raw, pgm, sizeof(pgm) - 1);
	write_file(dir, "fuzz_face_jp2", "pgm", 0, raw, sizeof(pgm) - 1 + 12, 0);
	memcpy(raw, ppm, sizeof(ppm) - 1);
	write_file(dir, "fuzz_face_jp2", "ppm16", 0, raw, sizeof(ppm) - 1 + 24, 0);
}

static void cert_seeds(const char *dir, EVP_PKEY *rsa)
{
	static const char root_cn[] = FUZZ_ROOT_CN;
	static const char mid_cn[] = FUZZ_MID_CN;
	const time_t from = FUZZ_CA_FROM, to = FUZZ_CA_TO;
	EVP_PKEY *root = fuzz_ca_key(root_cn), *mid = fuzz_ca_key(mid_cn);
	EVP_PKEY *ec = EVP_EC_gen("P-256");
	const struct {
		const char *name, *cn, *issuer_cn;
		long serial;
		time_t from, to;
		EVP_PKEY *key, *issuer_key;
		int ca;
	} certs[] = {
		{ "root", root_cn, root_cn, 1, from, to, root, root, 1 },
		{ "intermediate", mid_cn, root_cn, 2, from, to, mid, root, 1 },
		{ "leaf_mid", "mncr fuzz leaf", mid_cn, 3, from, to, rsa, mid, 0 },
		{ "leaf_expired", "mncr fuzz leaf", root_cn, 4, 946684800,
		  978307200, rsa, root, 0 },
		{ "leaf_revoked", "mncr fuzz leaf", root_cn, 666, from, to, rsa,
		  root, 0 },
		{ "leaf_ec", "mncr fuzz leaf", root_cn, 5, from, to, ec, root, 0 },
		{ "self_signed", "mncr fuzz leaf", "mncr fuzz leaf", 6, from,
		  to, rsa, rsa, 0 },
	};

	if (!root || !mid || !ec)
		abort();
	for (size_t i = 0; i < sizeof(certs) / sizeof(certs[0]); i++) {
		X509 *x = fuzz_make_cert(certs[i].cn, certs[i].serial,
					 certs[i].from, certs[i].to, certs[i].key,
					 certs[i].issuer_cn, certs[i].issuer_key,
					 certs[i].ca);
		uint8_t *der = NULL;
		int n = x ? i2d_X509(x, &der) : 0;

		if (n <= 0)
			abort();
		write_file(dir, "fuzz_card_cert", certs[i].name, 0, der,
			   (size_t)n, 0);
		if (i == 2)
			write_file(dir, "fuzz_card_cert", "leaf_mid_cut", 0,
				   der, (size_t)n / 2, 0);
		OPENSSL_free(der);
		X509_free(x);
	}
	EVP_PKEY_free(root);
	EVP_PKEY_free(mid);
	EVP_PKEY_free(ec);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int preset, bits;
	} variants[] = {
		{ "pin", 0, 0 }, { "pin_chain", 0, 1 }, { "pin_6c", 0, 2 },
		{ "pin_extended", 0, 4 }, { "pin_lead", 0, 16 },
		{ "pinless", 1, 0 }, { "blocked", 2, 0 }, { "blocked_6983", 2, 8 },
		{ "nosign", 5, 0 },
	};
	static struct rec r;
	struct mncr_card_emul_profile p;
	struct mncr_apdu_io io = { .transmit = rec_transmit, .ctx = &r };
	uint8_t cert[300];
	EVP_PKEY *key;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_seeds CORPUS_DIR\n");
		return 2;
	}
	r.dir = argv[1];
	key = EVP_RSA_gen(2048);
	if (!key)
		return 1;
	memset(cert, 0x11, sizeof(cert));
	memcpy(cert, "\x30\x82\x01\x28", 4);
	for (size_t v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
		int bits = variants[v].bits;

		profile(&p, variants[v].preset, bits, key, cert, sizeof(cert));
		if (mncr_card_emul_new(&p, &r.emul))
			return 1;
		io.max_le = bits & 4 ? MNCR_APDU_EXT_MAX : 0;
		r.ncmds = r.nresps = 0;
		host_flow(&io);
		write_file(r.dir, "fuzz_apdu_response", variants[v].name,
			   (bits & 4) ? 1 : 0, r.resps, r.nresps, 1);
		write_file(r.dir, "fuzz_card_emul", variants[v].name,
			   (uint8_t)(variants[v].preset << 5 | bits), r.cmds,
			   r.ncmds, 1);
		if (v == 0) {
			write_commands(&r);
			mncr_card_emul_reset(r.emul);
			write_files(&r, &io);
		}
		mncr_card_emul_free(r.emul);
	}
	image_seeds(r.dir);
	cert_seeds(r.dir, key);
	cvc_seeds(r.dir, key, cert, sizeof(cert));
	EVP_PKEY_free(key);
	return 0;
}
