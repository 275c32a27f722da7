/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The flow's card hooks over a card transport (apdu.h): what each hook
 * asks of the chip, with which key and which guard, in one place. A CLI or
 * GUI wraps these in its struct mncr_flow_hooks.
 */
#ifndef MNCR_FLOW_CARD_H
#define MNCR_FLOW_CARD_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/mncr.h>

#include "card/apdu.h"
#include "card/card_kind.h"
#include "card/card_text_ap.h"

/* card_kind hook: mncr_card_kind_detect(); spends no PIN try. */
int mncr_flow_card_kind(const struct mncr_apdu_io *io,
			struct mncr_card_kind_info *info);

/*
 * pin_verify hook: the JPKI 利用者証明用 PIN through the last-try guard;
 * the last try only when last_try (the patient was told and chose it).
 * Returns as mncr_card_verify(); pin is wiped.
 */
int mncr_flow_card_pin_verify(const struct mncr_apdu_io *io, char *pin,
			      size_t len, bool last_try, int *tries_left);

/*
 * basic4 hook: 基本4情報 from the 券面事項入力補助AP, opened with 照合番号B
 * built from the card-front fields (never the PIN, never the last try of
 * 照合番号B). Returns 0 or -errno as mncr_card_verify_front() and
 * mncr_text_ap_read_basic4(); out is then empty.
 */
int mncr_flow_card_basic4(const struct mncr_apdu_io *io,
			  const struct mncr_card_front *front,
			  struct mncr_text_basic4 *out);

#endif
