// SPDX-License-Identifier: LGPL-2.1-or-later
#include "card/card_verify.h"

#include <errno.h>
#include <openssl/crypto.h>

static int select_key(const struct mncr_apdu_io *io,
		      const struct mncr_card_key *key)
{
	int ret = mncr_apdu_select_aid(io, key->aid, MNCR_CARD_AID_LEN);

	return ret ? ret : mncr_apdu_select_fid(io, key->fid);
}

/* The status of the selected key EF, from its answer to an empty VERIFY. */
static int query(const struct mncr_apdu_io *io,
		 struct mncr_card_key_status *st)
{
	const struct mncr_apdu cmd = { .ins = 0x20, .p2 = 0x80 };
	uint8_t scratch[MNCR_APDU_SHORT_MAX];
	size_t n;
	uint16_t sw;
	int ret;

	*st = (struct mncr_card_key_status){ .tries = -1 };
	ret = mncr_apdu_transceive(io, &cmd, scratch, sizeof(scratch), &n, &sw);
	if (ret)
		return ret;
	if (sw == MNCR_SW_OK) {
		st->verified = true;
	} else if (mncr_apdu_sw_tries(sw) >= 0) {
		st->tries = mncr_apdu_sw_tries(sw);
		st->blocked = st->tries == 0;
	} else if (sw == MNCR_SW_BLOCKED || sw == MNCR_SW_REF_UNUSABLE) {
		st->tries = 0;
		st->blocked = true;
	} else if (sw == 0x6300) {
		st->unlimited = true;
	}
	/* Anything else leaves the count unknown, which the guard respects. */
	return 0;
}

int mncr_card_key_status(const struct mncr_apdu_io *io,
			 const struct mncr_card_key *key,
			 struct mncr_card_key_status *st)
{
	int ret;

	if (!io || !key || !st)
		return -EINVAL;
	ret = select_key(io, key);
	return ret ? ret : query(io, st);
}

bool mncr_card_secret_valid(const struct mncr_card_key *key,
			    const char *secret, size_t len)
{
	if (!key || !secret || len < key->min_len || len > key->max_len)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = secret[i];

		if (c >= '0' && c <= '9')
			continue;
		if (key->charset == MNCR_CHARSET_UPPER_ALNUM &&
		    c >= 'A' && c <= 'Z')
			continue;
		return false;
	}
	return true;
}

static int present(const struct mncr_apdu_io *io, const char *secret,
		   size_t len, int *tries)
{
	const struct mncr_apdu cmd = {
		.ins = 0x20, .p2 = 0x80,
		.data = (const uint8_t *)secret, .lc = len,
	};
	size_t n;
	uint16_t sw;
	int ret;

	ret = mncr_apdu_transceive(io, &cmd, NULL, 0, &n, &sw);
	if (ret)
		return ret;
	if (mncr_apdu_sw_tries(sw) >= 0)
		*tries = mncr_apdu_sw_tries(sw);
	else if (sw == MNCR_SW_BLOCKED || sw == MNCR_SW_REF_UNUSABLE)
		*tries = 0;
	return mncr_apdu_sw_errno(sw);
}

static int verify(const struct mncr_apdu_io *io,
		  const struct mncr_card_key *key, const char *secret,
		  size_t len, unsigned int flags, int *tries)
{
	struct mncr_card_key_status st;
	int ret;

	if (!io || !key || !mncr_card_secret_valid(key, secret, len))
		return -EINVAL;
	ret = mncr_card_key_status(io, key, &st);
	if (ret)
		return ret;
	*tries = st.tries;
	if (st.verified)
		return 0;
	if (st.blocked)
		return -EPERM;
	if (!st.unlimited && st.tries < 2 &&
	    !(flags & MNCR_CARD_VERIFY_LAST_TRY))
		return -ECANCELED;
	return present(io, secret, len, tries);
}

int mncr_card_verify(const struct mncr_apdu_io *io,
		     const struct mncr_card_key *key, char *secret,
		     size_t len, unsigned int flags, int *tries_left)
{
	int tries = -1, ret;

	ret = verify(io, key, secret, len, flags, &tries);
	if (secret)
		OPENSSL_cleanse(secret, len);
	if (tries_left)
		*tries_left = tries;
	return ret;
}
