// SPDX-License-Identifier: LGPL-2.1-or-later
/* The flow's reader hooks over the reader's node (flow_reader.h). */
#include "flow/flow_reader.h"
#include "reader/device.h"
#include "util/clock_ms.h"

#include <errno.h>

#include <linux/mncr.h>

int mncr_flow_reader_card_present(int fd)
{
	struct mncr_info info;

	if (mncr_device_info(fd, &info) == 0 && !info.card_present)
		return -ENOMEDIUM;
	return 0;
}

int mncr_flow_reader_wait_card(int fd, unsigned int wait_s)
{
	uint64_t t0 = mncr_now_ms();
	struct mncr_event ev;

	for (;;) {
		if (mncr_flow_reader_card_present(fd) == 0)
			return 0;
		if (mncr_now_ms() - t0 >= wait_s * 1000ULL)
			return -ENOMEDIUM;
		/* An event or 200 ms, whichever first: then look again. */
		if (mncr_device_read_event(fd, &ev, 200) == -ENODEV)
			return -ENODEV;
	}
}

int mncr_flow_reader_wait_removal(int fd)
{
	struct mncr_event ev;
	int ret;

	for (;;) {
		if (mncr_flow_reader_card_present(fd) < 0)
			return 0;
		ret = mncr_device_read_event(fd, &ev, 500);
		if (ret == -ENODEV)
			return -ENODEV;
		if (ret == 1 && ev.type == MNCR_EV_CARD_REMOVED)
			return 0;
	}
}

int mncr_flow_reader_mode(int fd, unsigned int *mode)
{
	struct mncr_mode m;
	int ret = mncr_device_get_mode(fd, &m);

	if (ret < 0)
		return ret;
	*mode = m.mode;
	return 0;
}

int mncr_flow_reader_switch_visual(int fd)
{
	struct mncr_mode m;
	int ret;

	if (mncr_device_get_mode(fd, &m) < 0 || m.mode == MNCR_MODE_VISUAL)
		return 0;
	ret = mncr_device_set_mode(fd, MNCR_MODE_VISUAL, 0, 0);
	return ret < 0 ? ret : 1;
}
