// SPDX-License-Identifier: GPL-2.0-or-later
#include <endian.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/usb/ch9.h>
#include <linux/usb/functionfs.h>

#include "endpoint_info.h"

unsigned endpoint_max_packet(int fd, struct sim_device *dev)
{
	struct usb_endpoint_descriptor desc;
	unsigned mp;

	memset(&desc, 0, sizeof(desc));
	if (ioctl(fd, FUNCTIONFS_ENDPOINT_DESC, &desc) == 0)
		return le16toh(desc.wMaxPacketSize) & 0x7ff;
	device_lock(dev);
	mp = dev->bulk_maxp;
	device_unlock(dev);
	return mp;
}
