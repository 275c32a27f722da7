/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The card slot through PC/SC (pcsc-lite's libpcsclite talking to pcscd,
 * which drives the reader with libccid): the same apdu.h transmit
 * callback as the libusb CCID host, for hosts where pcscd owns the
 * reader. See Documentation/card.rst, "Backends".
 */
#ifndef MNCR_PCSC_H
#define MNCR_PCSC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mncr_pcsc;

/*
 * Connects to pcscd and to the card in the reader whose PC/SC name holds
 * "(serial)" (libccid puts the USB serial number there; NULL: the first
 * reader). Returns 0, -ECONNREFUSED when pcscd does not run, -ENODEV when
 * no reader matches, -ENOMEDIUM when the reader has no card, -EBUSY when
 * another program holds the card exclusively, or -EIO. The card is held
 * in a PC/SC transaction until mncr_pcsc_close(), so no other client's
 * commands come between ours (waiting while another client holds one).
 */
int mncr_pcsc_open(const char *serial, struct mncr_pcsc **out);
void mncr_pcsc_close(struct mncr_pcsc *p);

/* The reader's PC/SC name and the card's ATR. */
const char *mncr_pcsc_reader_name(const struct mncr_pcsc *p);
int mncr_pcsc_atr(struct mncr_pcsc *p, uint8_t *atr, size_t cap,
		  size_t *atr_len);

/*
 * Waits up to ms for the reader's state to change (SCardGetStatusChange);
 * *present tells whether a card is in it afterwards. -ETIMEDOUT when
 * nothing changed.
 */
int mncr_pcsc_wait_change(struct mncr_pcsc *p, unsigned ms, bool *present);

/* mncr_apdu_transmit_fn over SCardTransmit; ctx is the struct mncr_pcsc. */
int mncr_pcsc_transmit(void *ctx, const uint8_t *cmd, size_t n,
		       uint8_t *resp, size_t *resp_len);

/* errno for a PC/SC status code (LONG), for messages and tests. */
int mncr_pcsc_errno(long rv);

#endif
