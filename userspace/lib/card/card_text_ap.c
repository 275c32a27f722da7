// SPDX-License-Identifier: LGPL-2.1-or-later
#include "card/card_text_ap.h"
#include "card/card_field.h"
#include "card/card_ids.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

int mncr_text_ap_select(const struct mncr_apdu_io *io)
{
	return mncr_apdu_select_aid(io, mncr_card_aid_text, MNCR_CARD_AID_LEN);
}

static void free_string(char *s)
{
	if (s)
		mncr_apdu_free_secret(s, strlen(s));
}

void mncr_text_basic4_clear(struct mncr_text_basic4 *b)
{
	if (!b)
		return;
	free_string(b->name);
	free_string(b->address);
	OPENSSL_cleanse(b, sizeof(*b));
	memset(b, 0, sizeof(*b));
}

int mncr_text_ap_parse_basic4(const uint8_t *buf, size_t n,
			      struct mncr_text_basic4 *out)
{
	struct mncr_tlv outer;
	char sex[2];
	int ret;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	ret = mncr_card_field_outer(buf, n, MNCR_TAG_BASIC4, &outer);
	if (!ret)
		ret = mncr_card_field_string(&outer, 0xDF22, &out->name);
	if (!ret)
		ret = mncr_card_field_string(&outer, 0xDF23, &out->address);
	if (!ret)
		ret = mncr_card_field_digits(&outer, 0xDF24, 8, out->birth);
	if (!ret)
		ret = mncr_card_field_digits(&outer, 0xDF25, 1, sex);
	if (ret) {
		mncr_text_basic4_clear(out);
		return ret == -ENOMEM ? ret : -EBADMSG;
	}
	out->sex = sex[0];
	return 0;
}

int mncr_text_ap_read_basic4(const struct mncr_apdu_io *io,
			     struct mncr_text_basic4 *out)
{
	uint8_t *obj;
	size_t len;
	int ret;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	ret = mncr_apdu_select_fid(io, MNCR_TEXT_EF_BASIC4);
	if (!ret)
		ret = mncr_apdu_read_tlv_ef(io, MNCR_TAG_BASIC4,
					    MNCR_TEXT_BASIC4_MAX, &obj, &len);
	if (ret)
		return ret;
	ret = mncr_text_ap_parse_basic4(obj, len, out);
	mncr_apdu_free_secret(obj, len);
	return ret;
}
