/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The flow's reader hooks over the reader's node (/dev/mncrN, device.h):
 * is the card in, wait for one, wait until it is out, the mode, and the
 * staff's 目視確認 switch. Each blocks at most as its comment says; a CLI
 * or GUI wraps them in its struct mncr_flow_hooks and says what happened.
 */
#ifndef MNCR_FLOW_READER_H
#define MNCR_FLOW_READER_H

#include <stdatomic.h>
#include <stdbool.h>

/* -ENOMEDIUM when the node says the card is out, else 0 (also on error). */
int mncr_flow_reader_card_present(int fd);

/*
 * Waits up to wait_s seconds for a card (the node's card_present, woken
 * by its events): 0, -ENOMEDIUM none came, -ENODEV the reader is gone.
 */
int mncr_flow_reader_wait_card(int fd, unsigned int wait_s);

/*
 * wait_removal hook: returns once the card is out (no time limit: the
 * session ends only then), 0, or -ENODEV when the reader is gone.
 */
int mncr_flow_reader_wait_removal(int fd);

/*
 * Waits until the slot is full (want_card) or empty, up to timeout_ms
 * (-1: no limit), looking at *stop (NULL: none) at least every 200 ms:
 * 0, -ETIMEDOUT, -ENODEV (the reader is gone), -ECANCELED (*stop set).
 */
int mncr_flow_reader_wait_slot(int fd, bool want_card, int timeout_ms,
			       const atomic_int *stop);

/* reader_mode hook: MNCR_MODE_AUTO or MNCR_MODE_VISUAL in *mode. */
int mncr_flow_reader_mode(int fd, unsigned int *mode);

/*
 * The staff chose 目視確認: switches the reader to visual mode, a lease
 * the kernel ends when the card is removed or this descriptor is closed.
 * 1 switched, 0 nothing to do (already visual, or the mode unreadable),
 * or -errno from the switch.
 */
int mncr_flow_reader_switch_visual(int fd);

#endif
