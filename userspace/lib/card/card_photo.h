/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The card's face photo and front fields: 照合番号B from the card front
 * opens the 券面AP through the last-try guard (card_collation.h), then
 * EF 0002 is read (card_visual_ap.h). The one sequence behind qualify's
 * reference photo, mncr card info/photo and the fuzzers' host flow.
 */
#ifndef MNCR_CARD_PHOTO_H
#define MNCR_CARD_PHOTO_H

#include <stdbool.h>

#include "card/apdu.h"
#include "card/card_authenticity.h"
#include "card/card_collation.h"
#include "card/card_visual_ap.h"

/*
 * Fills vf (clear it with mncr_visual_front_clear()). Returns 0, or the
 * -errno of mncr_card_verify_front() (tries_left as there; *opened false:
 * nothing was read) or of mncr_visual_ap_read() (*opened true). opened
 * and tries_left may be NULL.
 */
int mncr_card_photo_read(const struct mncr_apdu_io *io,
			 const struct mncr_card_front *front,
			 struct mncr_visual_front *vf, bool *opened,
			 int *tries_left);

/*
 * As mncr_card_photo_read(), then whether the record is genuine and the
 * chip the one it was issued on (mncr_card_authenticity() over the record
 * just read): *verdict and why. Returns as mncr_card_photo_read(), or the
 * check's -errno (the card went away); vf is then empty. A photo whose
 * verdict is not AUTHENTIC must not be used as the holder's.
 */
int mncr_card_photo_read_checked(const struct mncr_apdu_io *io,
				 const struct mncr_card_front *front,
				 const struct mncr_cvca_set *ca,
				 struct mncr_visual_front *vf, bool *opened,
				 int *tries_left,
				 enum mncr_card_auth_verdict *verdict,
				 char *why, size_t why_len);

#endif
