/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One face-recognition My Number Card reader, opened through its node
 * (/dev/mncrN): its status, its mode (自動運転 or 目視確認) and the card
 * slot. A handle is one open descriptor; use it from one thread at a time
 * (a qualification run uses it while it runs).
 *
 * Functions return 0 or a negative errno; those that wait take a timeout
 * in milliseconds (-1: no limit) and return -ETIMEDOUT when it ran out.
 */
#ifndef MNCR_PUBLIC_READER_H
#define MNCR_PUBLIC_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mncr/export.h>

MNCR_BEGIN_DECLS

/* The reader's mode (the kernel's MNCR_MODE_* values). */
enum mncr_reader_mode {
	MNCR_READER_MODE_AUTO = 0,	/* 自動運転: the patient chooses */
	MNCR_READER_MODE_VISUAL = 1,	/* 目視確認: staff confirm by eye */
};

/* What the reader can do (bits of mncr_reader_status.caps). */
#define MNCR_READER_CAP_MATCH_ENGINE	(1U << 0)
#define MNCR_READER_CAP_CARD_FRONT	(1U << 1)
#define MNCR_READER_CAP_CCID		(1U << 2)
#define MNCR_READER_CAP_CAMERA		(1U << 3)

struct mncr_reader_status {
	size_t size;			/* set to sizeof by the caller */
	char name[16];			/* "mncr0" */
	char node[32];			/* "/dev/mncr0" */
	char serial[32];
	char firmware[32];
	enum mncr_reader_mode mode;
	bool card_present;
	uint32_t caps;			/* MNCR_READER_CAP_* */
	uint32_t reserved[8];		/* zero */
};

/* An open reader (opaque). */
struct mncr_device;

/*
 * Opens a reader: selector NULL (the only one), "mncrN", "/dev/mncrN" or
 * its serial number. writable is needed to switch modes and for a
 * qualification run. 0, -ENODEV (no reader), -ENOENT (none matches),
 * -ENOTUNIQ (several and no selector), -EACCES, -EINVAL, or another.
 */
MNCR_PUBLIC int mncr_reader_open(const char *selector, bool writable,
				 struct mncr_device **out);
/* Closes it; a 目視確認 lease taken through it ends. NULL is fine. */
MNCR_PUBLIC void mncr_reader_close(struct mncr_device *dev);

/* Fills st (st->size set by the caller, at least up to caps). */
MNCR_PUBLIC int mncr_reader_get_status(struct mncr_device *dev,
				       struct mncr_reader_status *st);

/*
 * Switches the mode (needs writable). VISUAL is a lease the kernel ends
 * when the card is removed or the handle closed.
 */
MNCR_PUBLIC int mncr_reader_set_mode(struct mncr_device *dev,
				     enum mncr_reader_mode mode);

/*
 * Waits until a card is set (0 at once when one is), up to timeout_ms:
 * 0, -ETIMEDOUT, -ENODEV (the reader is gone).
 */
MNCR_PUBLIC int mncr_reader_wait_card(struct mncr_device *dev, int timeout_ms);

/* Waits until the slot is empty: 0, -ETIMEDOUT, -ENODEV. */
MNCR_PUBLIC int mncr_reader_wait_removal(struct mncr_device *dev,
					 int timeout_ms);

MNCR_END_DECLS

#endif
