// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The 券面AP authenticity parsers on arbitrary bytes: card-verifiable
 * certificates (with and without 7F21), the signed 券面 record and its
 * DigestInfo, and the offline verdict over them with no CA configured.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "card/card_authenticity.h"
#include "card/card_face_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(const uint8_t *p, size_t len, const uint8_t *data, size_t size)
{
	if (p < data || len > size || p - data > (ptrdiff_t)(size - len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t di[MNCR_FACE_RECORD_DI_LEN];
	struct mncr_card_auth_input in = {
		.record = data, .record_len = size, .ap_cert = data,
		.ap_cert_len = size, .mf_cert = { data, data },
		.mf_cert_len = { size, size },
	};
	struct mncr_face_record r;
	struct mncr_cvc c;
	char why[160];
	int ret, v;

	if (mncr_cvc_parse(data, size, &c) == 0) {
		inside(c.body, MNCR_CVC_BODY_LEN, data, size);
		inside(c.sig, MNCR_CARD_RSA_BYTES, data, size);
		if (!(c.key.mod[0] & 0x80) || !(c.key.exp[c.key.exp_len - 1] & 1))
			abort();
	}
	ret = mncr_face_record_parse(data, size, &r);
	if (ret == 0) {
		for (size_t i = 0; i < MNCR_FACE_RECORD_GROUPS; i++)
			inside(r.group[i], r.group_len[i], data, size);
		inside(r.sig, MNCR_CARD_RSA_BYTES, data, size);
		inside(r.photo, r.photo_len, data, size);
		if (mncr_face_record_digest_info(&r, di))
			abort();
	} else if (ret != -EBADMSG && ret != -ENOENT) {
		abort();
	}
	v = mncr_card_auth_check_data(NULL, &in, why, sizeof(why));
	if (v == MNCR_CARD_AUTHENTIC || v == MNCR_CARD_CLONE || v < 0 ||
	    v >= MNCR_CARD_AUTH_VERDICT_COUNT)
		abort();
	return 0;
}
