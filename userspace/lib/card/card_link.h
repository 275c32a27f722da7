/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * "The card in reader X" over a backend chosen at run time: the libusb
 * CCID host (ccid.h) or PC/SC (pcsc.h). Either way the caller gets a
 * powered card and a struct mncr_apdu_io for the card applications.
 * auto uses libusb unless the reader's card interface is held by another
 * program (pcscd's libccid claims it), then PC/SC. A link can also wrap
 * the caller's own transport (a card emulator in a test or benchmark), so
 * that code written against the link runs unchanged over it.
 */
#ifndef MNCR_CARD_LINK_H
#define MNCR_CARD_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "card/apdu.h"
#include "card/ccid.h"

enum mncr_card_backend {
	MNCR_CARD_BACKEND_AUTO,
	MNCR_CARD_BACKEND_USB,
	MNCR_CARD_BACKEND_PCSC,
	MNCR_CARD_BACKEND_CALLER,	/* mncr_card_link_wrap(); never parsed */
};

struct mncr_card_link {
	enum mncr_card_backend backend;	/* the one in use, never AUTO */
	struct mncr_apdu_io io;
	uint8_t atr[MNCR_CCID_ATR_MAX];
	size_t atr_len;
	void *impl;	/* struct mncr_ccid, struct mncr_pcsc, or NULL (caller) */
};

/* "auto", "usb", "pcsc" -> backend; -EINVAL for anything else. */
int mncr_card_backend_parse(const char *name, enum mncr_card_backend *out);
const char *mncr_card_backend_name(enum mncr_card_backend b);

/*
 * Opens the reader with this USB serial (NULL: the only one) and powers
 * its card. Returns 0, -ENODEV no such reader, -ENOMEDIUM no card,
 * -EBUSY the interface is held (usb) or the card is held exclusively,
 * -ECONNREFUSED pcscd not running (pcsc), -EACCES no permission,
 * -EINVAL for the caller backend, or another -errno. *link is malloc'd; close it with mncr_card_link_close.
 */
int mncr_card_link_open(enum mncr_card_backend backend, const char *serial,
			struct mncr_card_link **link);
/*
 * A link over the caller's transport, its card taken as powered: io and
 * the ATR (atr_len 0: none) are copied. 0, -EINVAL (no transmit, or the
 * ATR is longer than an ATR can be) or -ENOMEM. Closing it frees only the
 * link: the transport stays the caller's.
 */
int mncr_card_link_wrap(const struct mncr_apdu_io *io, const uint8_t *atr,
			size_t atr_len, struct mncr_card_link **link);
/* Powers the card off (usb) or resets it (pcsc) and frees the link. */
void mncr_card_link_close(struct mncr_card_link *link);

#endif
