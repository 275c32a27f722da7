// SPDX-License-Identifier: LGPL-2.1-or-later
/* mncr/reader.h over the internal reader, device and flow_reader modules. */
#include "api/api_device.h"
#include "reader/device.h"
#include "flow/flow_reader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/mncr.h>

_Static_assert(MNCR_READER_MODE_AUTO == MNCR_MODE_AUTO &&
	       MNCR_READER_MODE_VISUAL == MNCR_MODE_VISUAL, "mode values");
_Static_assert(MNCR_READER_CAP_MATCH_ENGINE == MNCR_CAP_MATCH_ENGINE &&
	       MNCR_READER_CAP_CARD_FRONT == MNCR_CAP_CARD_FRONT &&
	       MNCR_READER_CAP_CCID == MNCR_CAP_CCID &&
	       MNCR_READER_CAP_CAMERA == MNCR_CAP_CAMERA, "caps values");

int mncr_reader_open(const char *selector, bool writable,
		     struct mncr_device **out)
{
	struct mncr_device *dev;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	ret = mncr_reader_find(NULL, selector && *selector ? selector : NULL,
			       &dev->r);
	if (ret == 0)
		ret = mncr_device_open(dev->r.node, writable);
	if (ret < 0) {
		free(dev);
		return ret;
	}
	dev->fd = ret;
	dev->writable = writable;
	*out = dev;
	return 0;
}

void mncr_reader_close(struct mncr_device *dev)
{
	if (!dev)
		return;
	close(dev->fd);
	free(dev);
}

/* The fields up to caps are the first version's; later ones need size. */
#define STATUS_MIN (offsetof(struct mncr_reader_status, caps) + sizeof(uint32_t))

int mncr_reader_get_status(struct mncr_device *dev,
			   struct mncr_reader_status *st)
{
	struct mncr_reader_status s = { .size = sizeof(s) };
	struct mncr_info info;
	int ret;

	if (!dev || !st || st->size < STATUS_MIN)
		return -EINVAL;
	ret = mncr_device_info(dev->fd, &info);
	if (ret < 0)
		return ret;
	snprintf(s.name, sizeof(s.name), "%s", dev->r.name);
	snprintf(s.node, sizeof(s.node), "%s", dev->r.node);
	snprintf(s.serial, sizeof(s.serial), "%s", dev->r.serial);
	snprintf(s.firmware, sizeof(s.firmware), "%s", dev->r.firmware);
	s.mode = info.mode == MNCR_MODE_VISUAL ? MNCR_READER_MODE_VISUAL :
		 MNCR_READER_MODE_AUTO;
	s.card_present = info.card_present != 0;
	s.caps = info.caps;
	s.size = st->size < sizeof(s) ? st->size : sizeof(s);
	memcpy(st, &s, s.size);
	return 0;
}

int mncr_reader_set_mode(struct mncr_device *dev, enum mncr_reader_mode mode)
{
	if (!dev || (mode != MNCR_READER_MODE_AUTO &&
		     mode != MNCR_READER_MODE_VISUAL))
		return -EINVAL;
	if (!dev->writable)
		return -EBADF;
	return mncr_device_set_mode(dev->fd, (uint32_t)mode, 0, 0);
}

int mncr_reader_wait_card(struct mncr_device *dev, int timeout_ms)
{
	if (!dev)
		return -EINVAL;
	return mncr_flow_reader_wait_slot(dev->fd, true, timeout_ms, NULL);
}

int mncr_reader_wait_removal(struct mncr_device *dev, int timeout_ms)
{
	if (!dev)
		return -EINVAL;
	return mncr_flow_reader_wait_slot(dev->fd, false, timeout_ms, NULL);
}
