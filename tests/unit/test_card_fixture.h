/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the card tests: an emulated card behind a transmit callback
 * that counts what the host sends, one RSA-2048 key per test program and
 * placeholder certificates (DER-shaped, not parsed by anything here).
 */
#ifndef MNCR_TEST_CARD_FIXTURE_H
#define MNCR_TEST_CARD_FIXTURE_H

#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "card/apdu.h"
#include "emul/card_emul.h"
#include <linux/mncr.h>

#define FX_CERT_LEN	(4 + 0x44C)	/* > 256 and no multiple of it */
#define FX_CA_LEN	(4 + 0x200)

struct fx {
	EVP_PKEY *key;
	uint8_t auth_cert[FX_CERT_LEN], sign_cert[FX_CERT_LEN];
	uint8_t ca_cert[FX_CA_LEN];
	struct mncr_card_emul_profile profile;
	struct mncr_card_emul *emul;
	struct mncr_apdu_io io;
	unsigned int commands;		/* APDUs sent */
	unsigned int verifies;		/* VERIFY with data (may spend a try) */
	unsigned int get_responses;
};

static inline void fx_placeholder_cert(uint8_t *buf, size_t len, uint8_t seed)
{
	buf[0] = 0x30;
	buf[1] = 0x82;
	buf[2] = (uint8_t)((len - 4) >> 8);
	buf[3] = (uint8_t)(len - 4);
	for (size_t i = 4; i < len; i++)
		buf[i] = (uint8_t)(seed + i * 7);
}

static inline int fx_transmit(void *ctx, const uint8_t *cmd, size_t n,
			      uint8_t *resp, size_t *resp_len)
{
	struct fx *f = ctx;

	f->commands++;
	if (n > 5 && cmd[1] == 0x20)
		f->verifies++;
	if (n >= 2 && cmd[1] == 0xC0)
		f->get_responses++;
	return mncr_card_emul_transmit(f->emul, cmd, n, resp, resp_len);
}

/* Group setup: the key and certificates, made once per program. */
static inline int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->key = EVP_RSA_gen(2048);
	if (!f->key) {
		free(f);
		return -1;
	}
	fx_placeholder_cert(f->auth_cert, sizeof(f->auth_cert), 1);
	fx_placeholder_cert(f->sign_cert, sizeof(f->sign_cert), 2);
	fx_placeholder_cert(f->ca_cert, sizeof(f->ca_cert), 3);
	*state = f;
	return 0;
}

static inline int fx_teardown(void **state)
{
	struct fx *f = *state;

	mncr_card_emul_free(f->emul);
	EVP_PKEY_free(f->key);
	free(f);
	return 0;
}

/* Fills f->profile from a preset with this program's key and certificates. */
static inline int fx_profile(struct fx *f, const char *preset)
{
	struct mncr_card_emul_profile *p = &f->profile;
	int ret = mncr_card_emul_preset(p, preset);

	if (ret)
		return ret;
	p->auth_cert = f->auth_cert;
	p->auth_cert_len = sizeof(f->auth_cert);
	p->auth_ca_cert = f->ca_cert;
	p->auth_ca_cert_len = sizeof(f->ca_cert);
	p->auth_key = f->key;
	if (p->sign_issued) {
		p->sign_cert = f->sign_cert;
		p->sign_cert_len = sizeof(f->sign_cert);
		p->sign_ca_cert = f->ca_cert;
		p->sign_ca_cert_len = sizeof(f->ca_cert);
		p->sign_key = f->key;
	}
	return 0;
}

/* (Re)starts the card from f->profile and resets the counters. */
static inline int fx_start(struct fx *f)
{
	mncr_card_emul_free(f->emul);
	f->emul = NULL;
	f->commands = f->verifies = f->get_responses = 0;
	f->io = (struct mncr_apdu_io){ .transmit = fx_transmit, .ctx = f };
	if (f->profile.extended)
		f->io.max_le = MNCR_APDU_EXT_MAX;
	return mncr_card_emul_new(&f->profile, &f->emul);
}

/* The card front of f->profile, as the reader's scanner would read it. */
static inline void fx_front(const struct fx *f, struct mncr_card_front *front)
{
	memset(front, 0, sizeof(*front));
	memcpy(front->birth_date, f->profile.birth_date, 8);
	memcpy(front->expiry_year, f->profile.expiry_date, 4);
	memcpy(front->security_code, f->profile.security_code, 4);
}

/* Preset and start in one; asserts in the caller. */
static inline int fx_card(struct fx *f, const char *preset)
{
	int ret = fx_profile(f, preset);

	return ret ? ret : fx_start(f);
}

#endif
