// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "host_sysfs.h"
#include "sysfs_io.h"

#define USB_DEVICES "/sys/bus/usb/devices"

bool host_is_local(const char *udc)
{
	return strncmp(udc, "dummy_udc", 9) == 0;
}

static bool attr_is(const char *dev, const char *attr, const char *want)
{
	char path[320], val[64];

	return path_join(path, sizeof(path), USB_DEVICES "/%s/%s", dev, attr) == 0 &&
	       attr_read(path, val, sizeof(val)) == 0 && strcmp(val, want) == 0;
}

bool host_find_device(const char *serial, char *out, size_t len)
{
	struct dirent *e;
	bool found = false;
	DIR *d = opendir(USB_DEVICES);

	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		/* Devices only: interfaces have a ':' in their names. */
		if (e->d_name[0] == '.' || strchr(e->d_name, ':'))
			continue;
		if (attr_is(e->d_name, "idVendor", "1209") &&
		    attr_is(e->d_name, "idProduct", "0001") &&
		    attr_is(e->d_name, "serial", serial)) {
			snprintf(out, len, "%s", e->d_name);
			found = true;
		}
	}
	closedir(d);
	return found;
}

static bool interface_up(const char *serial)
{
	char dev[64], path[192];
	struct stat st;

	if (!host_find_device(serial, dev, sizeof(dev)))
		return false;
	/* Interfaces appear after SET_CONFIGURATION: name "DEV:1.0". */
	return path_join(path, sizeof(path), USB_DEVICES "/%s:1.0/bInterfaceClass",
			 dev) == 0 && stat(path, &st) == 0;
}

bool host_wait_device(const char *serial, bool present, unsigned ms)
{
	const struct timespec tick = { 0, 20 * 1000000L };
	char dev[64];

	for (unsigned waited = 0;; waited += 20) {
		if (present ? interface_up(serial) :
			      !host_find_device(serial, dev, sizeof(dev)))
			return true;
		if (waited >= ms)
			return false;
		nanosleep(&tick, NULL);
	}
}
