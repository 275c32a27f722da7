// SPDX-License-Identifier: LGPL-2.1-or-later
#include "card/card_visual_ap.h"
#include "card/card_field.h"
#include "card/card_ids.h"

#include <errno.h>
#include <string.h>
#include <openssl/crypto.h>

int mncr_visual_ap_select(const struct mncr_apdu_io *io)
{
	return mncr_apdu_select_aid(io, mncr_card_aid_visual, MNCR_CARD_AID_LEN);
}

void mncr_visual_front_clear(struct mncr_visual_front *f)
{
	if (!f)
		return;
	mncr_apdu_free_secret(f->photo, f->photo_len);
	OPENSSL_cleanse(f, sizeof(*f));
	memset(f, 0, sizeof(*f));
}

int mncr_visual_ap_parse(const uint8_t *buf, size_t n,
			 struct mncr_visual_front *out)
{
	struct mncr_tlv outer;
	char sex[2];
	int ret;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	ret = mncr_card_field_outer(buf, n, MNCR_TAG_FRONT, &outer);
	if (!ret)
		ret = mncr_card_field_digits(&outer, 0xDF22, 8, out->birth);
	if (!ret)
		ret = mncr_card_field_digits(&outer, 0xDF23, 1, sex);
	if (!ret)
		ret = mncr_card_field_bytes(&outer, 0xDF27, &out->photo,
					    &out->photo_len);
	if (!ret) {
		/* Expiry sits after the signature; tolerate a card without. */
		ret = mncr_card_field_digits(&outer, 0xDF29, 8, out->expiry);
		if (ret == -ENOENT)
			ret = 0;
	}
	if (ret) {
		mncr_visual_front_clear(out);
		return ret == -ENOMEM ? ret : -EBADMSG;
	}
	out->sex = sex[0];
	return 0;
}

int mncr_visual_ap_read_raw(const struct mncr_apdu_io *io, uint8_t **obj,
			    size_t *len)
{
	int ret = mncr_apdu_select_fid(io, MNCR_VISUAL_EF_FRONT);

	return ret ? ret : mncr_apdu_read_tlv_ef(io, MNCR_TAG_FRONT,
						 MNCR_VISUAL_FRONT_MAX, obj, len);
}

int mncr_visual_ap_read(const struct mncr_apdu_io *io,
			struct mncr_visual_front *out)
{
	uint8_t *obj;
	size_t len;
	int ret;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	ret = mncr_visual_ap_read_raw(io, &obj, &len);
	if (ret)
		return ret;
	ret = mncr_visual_ap_parse(obj, len, out);
	mncr_apdu_free_secret(obj, len);
	return ret;
}

enum mncr_photo_format mncr_photo_format(const uint8_t *p, size_t n)
{
	static const uint8_t jp2[] = { 0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20 };
	static const uint8_t j2k[] = { 0xFF, 0x4F, 0xFF, 0x51 };

	if (p && n >= sizeof(jp2) && !memcmp(p, jp2, sizeof(jp2)))
		return MNCR_PHOTO_JP2;
	if (p && n >= sizeof(j2k) && !memcmp(p, j2k, sizeof(j2k)))
		return MNCR_PHOTO_J2K;
	return MNCR_PHOTO_UNKNOWN;
}
