// SPDX-License-Identifier: LGPL-2.1-or-later
/* The card's face photo through 照合番号B (card_photo.h). */
#include "card/card_photo.h"
#include "card/card_ids.h"

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
