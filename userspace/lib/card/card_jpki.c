// SPDX-License-Identifier: LGPL-2.1-or-later
#include "card/card_jpki.h"
#include "card/card_ids.h"

#include <errno.h>
#include <string.h>

int mncr_jpki_select(const struct mncr_apdu_io *io)
{
	return mncr_apdu_select_aid(io, mncr_card_aid_jpki, MNCR_CARD_AID_LEN);
}

int mncr_jpki_read_cert(const struct mncr_apdu_io *io, enum mncr_jpki_cert which,
			uint8_t **der, size_t *len)
{
	static const uint16_t fids[] = {
		[MNCR_JPKI_CERT_AUTH] = MNCR_JPKI_EF_AUTH_CERT,
		[MNCR_JPKI_CERT_AUTH_CA] = MNCR_JPKI_EF_AUTH_CA_CERT,
		[MNCR_JPKI_CERT_SIGN] = MNCR_JPKI_EF_SIGN_CERT,
		[MNCR_JPKI_CERT_SIGN_CA] = MNCR_JPKI_EF_SIGN_CA_CERT,
	};
	int ret;

	if ((unsigned int)which >= sizeof(fids) / sizeof(fids[0]))
		return -EINVAL;
	ret = mncr_apdu_select_fid(io, fids[which]);
	if (ret)
		return ret;
	return mncr_apdu_read_tlv_ef(io, MNCR_TAG_CERT, MNCR_JPKI_CERT_MAX, der,
				     len);
}

int mncr_jpki_cert_state(const struct mncr_apdu_io *io,
			 struct mncr_jpki_cert_state *out)
{
	size_t got;
	int ret;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	ret = mncr_apdu_select_fid(io, MNCR_JPKI_EF_CERT_STATE);
	if (!ret)
		ret = mncr_apdu_read_binary(io, 0, out->raw, sizeof(out->raw),
					    &got);
	if (ret)
		return ret;
	if (got < 2)
		return -EBADMSG;
	out->sign = out->raw[0] == 0x8F;
	out->auth = out->raw[1] == 0x8F;
	return 0;
}

int mncr_jpki_token(const struct mncr_apdu_io *io, enum mncr_jpki_token *type,
		    char label[MNCR_JPKI_LABEL_LEN + 1])
{
	static const struct {
		const char *label;
		enum mncr_jpki_token type;
	} known[] = {
		{ "JPKIAPICCTOKEN2", MNCR_JPKI_TOKEN_CARD },
		{ "JPKIAPGPSETOKEN", MNCR_JPKI_TOKEN_ANDROID },
		{ "JPKIAPIOSTOKEN", MNCR_JPKI_TOKEN_IPHONE },
	};
	uint8_t raw[MNCR_JPKI_LABEL_LEN];
	size_t got, n;
	int ret;

	if (!type || !label)
		return -EINVAL;
	ret = mncr_apdu_select_fid(io, MNCR_JPKI_EF_TOKEN_INFO);
	if (!ret)
		ret = mncr_apdu_read_binary(io, 0, raw, sizeof(raw), &got);
	if (ret)
		return ret;
	/* PKCS#11 labels are blank-padded; some tokens pad with NUL. */
	for (n = 0; n < got && raw[n] >= 0x20 && raw[n] < 0x7F; n++)
		label[n] = (char)raw[n];
	while (n && label[n - 1] == ' ')
		n--;
	label[n] = '\0';
	*type = MNCR_JPKI_TOKEN_UNKNOWN;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(label, known[i].label) == 0)
			*type = known[i].type;
	return 0;
}

int mncr_jpki_sign(const struct mncr_apdu_io *io, enum mncr_jpki_key key,
		   const uint8_t *digest_info, size_t len, uint8_t *sig,
		   size_t cap, size_t *sig_len)
{
	struct mncr_apdu cmd = {
		.cla = 0x80, .ins = 0x2A, .p1 = 0x00, .p2 = 0x80,
		.data = digest_info, .lc = len, .le = MNCR_APDU_SHORT_MAX,
	};
	size_t n;
	int ret;

	if (!digest_info || !len || len > MNCR_JPKI_DIGEST_INFO_MAX || !sig ||
	    !sig_len || (key != MNCR_JPKI_AUTH && key != MNCR_JPKI_SIGN))
		return -EINVAL;
	ret = mncr_apdu_select_fid(io, key == MNCR_JPKI_AUTH ?
				   MNCR_JPKI_KEY_AUTH : MNCR_JPKI_KEY_SIGN);
	if (ret)
		return ret;
	ret = mncr_apdu_run(io, &cmd, sig, cap, &n, NULL);
	if (ret)
		return ret;
	if (n != MNCR_JPKI_SIG_LEN)
		return -EBADMSG;
	*sig_len = n;
	return 0;
}

int mncr_jpki_digest_info(const char *md, const uint8_t *hash,
			  size_t hash_len, uint8_t *out, size_t cap, size_t *n)
{
	/* DER prefixes from RFC 8017 9.2, note 1. */
	static const struct {
		const char *md;
		size_t hash_len;
		uint8_t prefix[19];
	} algs[] = {
		{ "SHA256", 32, { 0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86,
				  0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
				  0x00, 0x04, 0x20 } },
		{ "SHA384", 48, { 0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86,
				  0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05,
				  0x00, 0x04, 0x30 } },
		{ "SHA512", 64, { 0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86,
				  0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05,
				  0x00, 0x04, 0x40 } },
	};

	if (!md || !hash || !out || !n)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (strcmp(md, algs[i].md) != 0)
			continue;
		if (hash_len != algs[i].hash_len)
			return -EINVAL;
		if (cap < sizeof(algs[i].prefix) + hash_len)
			return -ENOSPC;
		memcpy(out, algs[i].prefix, sizeof(algs[i].prefix));
		memcpy(out + sizeof(algs[i].prefix), hash, hash_len);
		*n = sizeof(algs[i].prefix) + hash_len;
		return 0;
	}
	return -EINVAL;
}
