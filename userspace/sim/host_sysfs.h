/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host's view of us, when the host is this machine (dummy_hcd): our
 * USB device in /sys/bus/usb/devices, found by VID, PID and serial. Lets
 * plug and --daemon return only once the host has caught up.
 */
#ifndef MNCR_SIM_HOST_SYSFS_H
#define MNCR_SIM_HOST_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

/* True when the UDC's host side is on this machine (dummy_hcd). */
bool host_is_local(const char *udc);

/* Our device's name ("3-1") into out; false when the host has none. */
bool host_find_device(const char *serial, char *out, size_t len);

/*
 * Waits up to ms for interface 0 of our device to exist (present) or for
 * the device to be gone (!present). True when it happened.
 */
bool host_wait_device(const char *serial, bool present, unsigned ms);

#endif
