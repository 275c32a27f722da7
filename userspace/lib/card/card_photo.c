// SPDX-License-Identifier: LGPL-2.1-or-later
/* The card's face photo through 照合番号B (card_photo.h). */
#include "card/card_photo.h"
#include "card/card_ids.h"

#include <errno.h>
#include <string.h>

int mncr_card_photo_read(const struct mncr_apdu_io *io,
			 const struct mncr_card_front *front,
			 struct mncr_visual_front *vf, bool *opened,
			 int *tries_left)
{
	int tries = -1;
	/* Selects the 券面AP and its key itself: no SELECT of our own. */
	int ret = mncr_card_verify_front(io, &mncr_card_key_visual_b, front, 0,
					 &tries);

	if (tries_left)
		*tries_left = tries;
	if (opened)
		*opened = ret == 0;
	return ret ? ret : mncr_visual_ap_read(io, vf);
}

int mncr_card_photo_read_checked(const struct mncr_apdu_io *io,
				 const struct mncr_card_front *front,
				 const struct mncr_cvca_set *ca,
				 struct mncr_visual_front *vf, bool *opened,
				 int *tries_left,
				 enum mncr_card_auth_verdict *verdict,
				 char *why, size_t why_len)
{
	int tries = -1;
	int ret = mncr_card_verify_front(io, &mncr_card_key_visual_b, front, 0,
					 &tries);
	uint8_t *obj = NULL;
	size_t len = 0;

	if (vf)
		memset(vf, 0, sizeof(*vf));
	if (tries_left)
		*tries_left = tries;
	if (opened)
		*opened = ret == 0;
	if (!vf || !verdict)
		return -EINVAL;
	if (!ret)
		ret = mncr_visual_ap_read_raw(io, &obj, &len);
	if (!ret)
		ret = mncr_visual_ap_parse(obj, len, vf);
	if (!ret) {
		/* After the parse: the check selects the MF and ends 照合番号B. */
		ret = mncr_card_authenticity(io, ca, obj, len, why, why_len);
		if (ret >= 0) {
			*verdict = (enum mncr_card_auth_verdict)ret;
			ret = 0;
		} else {
			mncr_visual_front_clear(vf);
		}
	}
	mncr_apdu_free_secret(obj, len);
	return ret;
}
