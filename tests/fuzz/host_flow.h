/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host side of a card session as the reader runs it: kind detection,
 * JPKI token and certificate, 券面AP via 照合番号B, 基本4情報, PIN and
 * signature. fuzz_apdu_response runs it against hostile responses;
 * gen_seeds runs it against the emulator to record seed inputs. Each step
 * runs whatever the previous one returned (the 券面AP's record is read, as
 * by qualify and mncr card, only once 照合番号B opened it).
 */
#ifndef MNCR_FUZZ_HOST_FLOW_H
#define MNCR_FUZZ_HOST_FLOW_H

#include <stdlib.h>
#include <string.h>

#include "card/apdu.h"
#include "card/card_collation.h"
#include "card/card_jpki.h"
#include "card/card_kind.h"
#include "card/card_photo.h"
#include "card/card_text_ap.h"
#include "card/card_verify.h"
#include "card/card_visual_ap.h"

/* The "pin" preset's card front. */
static const struct mncr_card_front flow_front = {
	.birth_date = { '1', '9', '8', '0', '0', '2', '1', '7' },
	.expiry_year = { '2', '0', '3', '5' },
	.security_code = { '2', '2', '8', '5' },
};

static void flow_abort_unless(int cond)
{
	if (!cond)
		abort();
}

static void host_flow(const struct mncr_apdu_io *io)
{
	char label[MNCR_JPKI_LABEL_LEN + 1], pin[4];
	uint8_t *der, hash[32], di[64], sig[MNCR_JPKI_SIG_LEN];
	struct mncr_card_kind_info kind;
	struct mncr_visual_front face;
	struct mncr_text_basic4 b4;
	enum mncr_jpki_token token;
	size_t len;
	int tries, ret;

	if (!mncr_card_kind_detect(io, &kind))
		flow_abort_unless(kind.auth_tries >= -1 && kind.auth_tries <= 15);
	mncr_jpki_select(io);
	if (!mncr_jpki_token(io, &token, label))
		flow_abort_unless(strlen(label) <= MNCR_JPKI_LABEL_LEN);
	if (!mncr_jpki_read_cert(io, MNCR_JPKI_CERT_AUTH, &der, &len)) {
		flow_abort_unless(len >= 2 && der[0] == 0x30);
		free(der);
	}
	if (!mncr_card_photo_read(io, &flow_front, &face, NULL, &tries))
		mncr_visual_front_clear(&face);
	flow_abort_unless(tries >= -1 && tries <= 15);
	mncr_card_verify_front(io, &mncr_card_key_text_b, &flow_front, 0, &tries);
	if (!mncr_text_ap_read_basic4(io, &b4))
		mncr_text_basic4_clear(&b4);
	memcpy(pin, "1234", 4);
	ret = mncr_card_verify(io, &mncr_card_key_jpki_auth, pin, 4, 0, &tries);
	flow_abort_unless(!memcmp(pin, "\0\0\0\0", 4));	/* wiped */
	if (!ret) {
		memset(hash, 0x42, sizeof(hash));
		mncr_jpki_digest_info("SHA256", hash, sizeof(hash), di, sizeof(di),
				      &len);
		mncr_jpki_sign(io, MNCR_JPKI_AUTH, di, len, sig, sizeof(sig), &len);
	}
}

#endif
