/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Finding readers: everything here comes from sysfs (class "mncr"), so it
 * works without access to the device nodes. The sysfs root is a parameter
 * so tests can point it at a tree of their own.
 */
#ifndef MNCR_READER_H
#define MNCR_READER_H

#include <stddef.h>
#include <stdint.h>
#include <linux/mncr.h>

#define MNCR_MAX_READERS 32

struct mncr_reader {
	char name[16];			/* "mncr0" */
	char node[32];			/* "/dev/mncr0" */
	char serial[MNCR_SERIAL_LEN];
	char firmware[MNCR_FIRMWARE_LEN];
	uint32_t mode;			/* MNCR_MODE_* */
	int card_present;		/* 0 or 1 */
	uint32_t visual_timeout_ms;
	uint32_t caps;			/* MNCR_CAP_* */
	char usb_device[32];		/* USB device name, "1-1" */
	char ccid_interface[48];	/* "1-1:1.1", "" without one */
	char camera[32];		/* "/dev/video0", "" without one */
};

/*
 * Lists readers, ordered by number. sysfs_root NULL means "/sys".
 * Returns the number found (0 when none) or -errno.
 */
int mncr_reader_list(const char *sysfs_root, struct mncr_reader *out,
		     size_t max);

/*
 * Finds one reader. selector: NULL (the only reader), "mncrN", "/dev/mncrN"
 * or a serial number. Returns 0, -ENODEV (no reader at all), -ENOENT (none
 * matches the selector) or -ENOTUNIQ (several readers and no selector).
 */
int mncr_reader_find(const char *sysfs_root, const char *selector,
		     struct mncr_reader *out);

/* Parses the sysfs "capabilities" attribute: a number, or words. */
uint32_t mncr_caps_parse(const char *text);

#endif
