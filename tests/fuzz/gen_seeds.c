// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writes the seed corpora: runs host_flow() against the emulator in
 * several card variants and records what went each way. Usage:
 * gen_seeds CORPUS_DIR (tests/fuzz/run --seeds does this).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "card_emul.h"
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
	EVP_PKEY_free(key);
	return 0;
}
