/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What kind of card is in the slot, as far as the reader must know: can
 * the patient authenticate with the 4-digit PIN, or only by face / staff
 * check? The chip has no public "PIN-less card" marker, so the answer is
 * derived from two facts, without spending a try:
 *
 *   JPKI EF 0008   is the 利用者証明用 certificate there (byte 1 = 8F),
 *                  is the 署名用 certificate there (byte 0 = 8F);
 *   PIN 0018       tries left from an empty VERIFY (63Cx, 6983/6984).
 *
 *   no auth certificate                  -> NO_AUTH_CERT (unusable here)
 *   PIN tries >= 1 (or verified)         -> PIN
 *   PIN unusable, sign certificate there -> PIN_BLOCKED (a PIN card: a
 *                                           顔認証 card never has one)
 *   PIN unusable, no sign certificate    -> PINLESS (顔認証マイナンバー
 *                                           カード, or a card that looks
 *                                           the same to the reader)
 *   anything not answered                -> UNKNOWN
 *
 * Only PIN offers PIN entry. PINLESS is claimed only with both facts in
 * hand; a child's card with a blocked PIN also lands there, and for the
 * reader it behaves the same (no PIN entry possible).
 */
#ifndef MNCR_CARD_KIND_H
#define MNCR_CARD_KIND_H

#include <stdbool.h>

#include "card/apdu.h"

enum mncr_card_kind {
	MNCR_CARD_KIND_UNKNOWN,
	MNCR_CARD_KIND_PIN,
	MNCR_CARD_KIND_PIN_BLOCKED,
	MNCR_CARD_KIND_PINLESS,
	MNCR_CARD_KIND_NO_AUTH_CERT,
};

struct mncr_card_kind_info {
	enum mncr_card_kind kind;
	bool state_known;	/* EF 0008 was read */
	bool auth_cert;
	bool sign_cert;
	int auth_tries;		/* -1 unknown */
};

/*
 * Selects the JPKI AP and fills info. Returns 0 when the card answered
 * (kind may still be UNKNOWN), -errno when the transport failed or the
 * card has no JPKI AP (-ENOENT).
 */
int mncr_card_kind_detect(const struct mncr_apdu_io *io,
			  struct mncr_card_kind_info *info);

/* "pin", "pin_blocked", "pinless", "no_auth_cert", "unknown" */
const char *mncr_card_kind_name(enum mncr_card_kind kind);

/* True only for MNCR_CARD_KIND_PIN. */
bool mncr_card_kind_pin_entry(enum mncr_card_kind kind);

#endif
