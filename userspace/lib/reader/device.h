/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The reader's character device: thin wrappers over the ioctl and event
 * ABI of <linux/mncr.h> that return 0 or -errno.
 */
#ifndef MNCR_DEVICE_H
#define MNCR_DEVICE_H

#include <stddef.h>
#include <stdint.h>
#include <linux/mncr.h>

/* Opens a node; writable is needed to switch modes and read card fronts. */
int mncr_device_open(const char *node, int writable);	/* fd or -errno */
int mncr_device_info(int fd, struct mncr_info *info);
int mncr_device_get_mode(int fd, struct mncr_mode *mode);
int mncr_device_set_mode(int fd, uint32_t mode, uint32_t timeout_ms,
			 uint32_t flags);
/* The caller wipes *front with OPENSSL_cleanse/explicit_bzero after use. */
int mncr_device_card_front(int fd, struct mncr_card_front *front);
/* Scores; *flags in: MNCR_MATCH_F_*, out: with MNCR_MATCH_F_DEVICE. */
int mncr_device_match(int fd, const int8_t *probe, size_t n_probe,
		      const int8_t *ref, size_t n_ref, size_t dim,
		      int32_t *scores, uint32_t *flags);
/*
 * Waits up to timeout_ms (-1: forever) for one event. Returns 1 with *ev
 * filled, 0 on timeout, -ENODEV once the reader is gone, -EINTR on a
 * signal, or another -errno.
 */
int mncr_device_read_event(int fd, struct mncr_event *ev, int timeout_ms);

#endif
