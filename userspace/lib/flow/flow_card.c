// SPDX-License-Identifier: LGPL-2.1-or-later
#include "flow/flow_card.h"
#include "card/card_collation.h"
#include "card/card_verify.h"

#include <string.h>

int mncr_flow_card_kind(const struct mncr_apdu_io *io,
			struct mncr_card_kind_info *info)
{
	return mncr_card_kind_detect(io, info);
}

int mncr_flow_card_pin_verify(const struct mncr_apdu_io *io, char *pin,
			      size_t len, bool last_try, int *tries_left)
{
	return mncr_card_verify(io, &mncr_card_key_jpki_auth, pin, len,
				last_try ? MNCR_CARD_VERIFY_LAST_TRY : 0,
				tries_left);
}

int mncr_flow_card_basic4(const struct mncr_apdu_io *io,
			  const struct mncr_card_front *front,
			  struct mncr_text_basic4 *out)
{
	int tries, ret;

	memset(out, 0, sizeof(*out));
	/* No flags: a 照合番号B down to its last try is left alone. */
	ret = mncr_card_verify_front(io, &mncr_card_key_text_b, front, 0, &tries);
	if (ret < 0)
		return ret;
	return mncr_text_ap_read_basic4(io, out);
}
