// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The card emulator under arbitrary command sequences. Input: one byte of
 * profile bits (preset, chaining, 6Cxx, extended, 6983, leading bytes),
 * then commands as [u16 BE length][bytes]. Checks that every response is
 * well formed and that a retry counter only ever goes down by one, or
 * back to its maximum on a good VERIFY.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "card/apdu.h"
#include "emul/card_emul.h"

static EVP_PKEY *key;		/* one per process: RSA-2048 takes time */
static uint8_t cert[300];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	key = EVP_RSA_gen(2048);
	if (!key)
		abort();
	memset(cert, 0x11, sizeof(cert));
	cert[0] = 0x30;
	cert[1] = 0x82;
	cert[2] = 0x01;
	cert[3] = 0x28;
	return 0;
}

static const struct mncr_card_key *const keys[] = {
	&mncr_card_key_jpki_auth, &mncr_card_key_jpki_sign,
	&mncr_card_key_text_pin, &mncr_card_key_text_b, &mncr_card_key_visual_b,
};
#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const presets[] = {
		"pin", "pinless", "blocked", "expired", "revoked", "nosign",
	};
	static uint8_t resp[MNCR_APDU_RESP_MAX];
	struct mncr_card_emul_profile p;
	struct mncr_card_emul *e;
	int before[N_KEYS], after;
	size_t len, rlen;

	if (!size)
		return 0;
	mncr_card_emul_preset(&p, presets[(data[0] >> 5) % 6]);
	p.chain = data[0] & 1;
	p.wrong_le_6c = data[0] & 2;
	p.extended = data[0] & 4;
	p.blocked_6983 = data[0] & 8;
	p.lead_bytes = data[0] & 16;
	p.auth_cert = p.sign_cert = cert;
	p.auth_cert_len = p.sign_cert_len = sizeof(cert);
	p.auth_key = p.sign_key = key;
	if (mncr_card_emul_new(&p, &e))
		abort();
	data++;
	size--;
	while (size >= 2) {
		len = (size_t)data[0] << 8 | data[1];
		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		for (size_t k = 0; k < N_KEYS; k++)
			before[k] = mncr_card_emul_tries(e, keys[k]);
		rlen = sizeof(resp);
		if (mncr_card_emul_transmit(e, data, len, resp, &rlen) ||
		    rlen < 2 || rlen > sizeof(resp))
			abort();
		for (size_t k = 0; k < N_KEYS; k++) {
			after = mncr_card_emul_tries(e, keys[k]);
			if (after != before[k] && after != before[k] - 1 &&
			    after < before[k])
				abort();
			if (after > before[k] && !(resp[rlen - 2] == 0x90 &&
						   resp[rlen - 1] == 0x00))
				abort();	/* restored only by a good VERIFY */
		}
		data += len;
		size -= len;
	}
	mncr_card_emul_free(e);
	return 0;
}
