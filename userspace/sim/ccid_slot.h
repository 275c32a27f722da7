/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reader's one CCID slot: card presence and power as the host sees
 * them, and the answer to each PC_to_RDR message (CCID 1.1 chapter 6).
 * No I/O here: the function's threads feed messages in and send what
 * comes out, so the rules are testable on their own.
 */
#ifndef MNCR_SIM_CCID_SLOT_H
#define MNCR_SIM_CCID_SLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emul/card_emul.h"
#include "card_profiles.h"
#include "card/ccid.h"

/* A My Number Card's contact ATR (T=1; no historical bytes): card.md. */
#define CCID_SIM_ATR { 0x3b, 0xe0, 0x00, 0xff, 0x81, 0x31, 0xfe, 0x45, 0x14 }

struct ccid_slot {
	bool present;			/* as last synced from the device */
	bool powered;
	bool changed;			/* a NotifySlotChange is owed */
	const struct card_profile *profile;
	struct mncr_card_emul *emul;	/* NULL while absent */
};

/* What the caller must do besides sending the reply. */
enum ccid_action {
	CCID_ACT_NONE,
	CCID_ACT_YANK,		/* pull the card out (yank profile) */
};

/*
 * Handles one whole message of n bytes, writing the reply to out (room
 * for MNCR_CCID_MAX_MSG). Returns the reply length, 0 when the message is
 * too short to answer. *act says what else to do.
 */
size_t ccid_slot_handle(struct ccid_slot *s, const uint8_t *in, size_t n,
			uint8_t *out, enum ccid_action *act);

/* A time extension reply to the XfrBlock in in (bSeq echoed). */
size_t ccid_slot_time_extension(const struct ccid_slot *s, const uint8_t *in,
				uint8_t *out);

/* bmSlotICCState of a NotifySlotChange. */
uint8_t ccid_slot_notify_state(const struct ccid_slot *s);

#endif
