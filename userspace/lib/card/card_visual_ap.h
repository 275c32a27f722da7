/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * 券面事項確認AP (券面AP): the card-face record EF 0002, opened with
 * 照合番号B (or A):
 *
 *   mncr_card_verify_front(io, &mncr_card_key_visual_b, &front, 0, &tries);
 *   mncr_visual_ap_read(io, &face);
 *
 * The face photo (DF27) is returned as the card stores it, normally
 * JPEG 2000 in a JP2 box; decoding it is the face code's job.
 */
#ifndef MNCR_CARD_VISUAL_AP_H
#define MNCR_CARD_VISUAL_AP_H

#include <stddef.h>
#include <stdint.h>

#include "card/apdu.h"

#define MNCR_VISUAL_FRONT_MAX	(64 * 1024)

struct mncr_visual_front {
	char birth[9];		/* DF22, Gregorian YYYYMMDD */
	char sex;		/* DF23, '1' '2' '9' '0' */
	char expiry[9];		/* DF29, YYYYMMDD; "" if the card has none */
	uint8_t *photo;		/* DF27, raw bytes */
	size_t photo_len;
};

enum mncr_photo_format {
	MNCR_PHOTO_UNKNOWN,
	MNCR_PHOTO_JP2,		/* 00 00 00 0C 6A 50 20 20 */
	MNCR_PHOTO_J2K,		/* bare codestream FF 4F FF 51 */
};

int mncr_visual_ap_select(const struct mncr_apdu_io *io);

/* Reads and parses EF 0002; the AP must be selected and opened. */
int mncr_visual_ap_read(const struct mncr_apdu_io *io,
			struct mncr_visual_front *out);

/*
 * EF 0002 as stored, from its tag (mncr_apdu_read_tlv_ef()): *obj is
 * malloc'd, free it with mncr_apdu_free_secret(). For its signature.
 */
int mncr_visual_ap_read_raw(const struct mncr_apdu_io *io, uint8_t **obj,
			    size_t *len);

/* Parses the contents of EF 0002; -EBADMSG if a field is missing or bad. */
int mncr_visual_ap_parse(const uint8_t *buf, size_t n,
			 struct mncr_visual_front *out);

/* Wipes and frees; safe on an empty or cleared struct. */
void mncr_visual_front_clear(struct mncr_visual_front *f);

enum mncr_photo_format mncr_photo_format(const uint8_t *p, size_t n);

#endif
