// SPDX-License-Identifier: LGPL-2.1-or-later
/* The flow's reader hooks over the reader's node (flow_reader.h). */
#include "flow/flow_reader.h"
#include "reader/device.h"
#include "util/clock_ms.h"

#include <errno.h>
#include <limits.h>

#include <linux/mncr.h>

int mncr_flow_reader_card_present(int fd)
{
	struct mncr_info info;

	if (mncr_device_info(fd, &info) == 0 && !info.card_present)
		return -ENOMEDIUM;
	return 0;
}

int mncr_flow_reader_wait_slot(int fd, bool want_card, int timeout_ms,
			       const atomic_int *stop)
{
	uint64_t t0 = mncr_now_ms();
	struct mncr_event ev;
	int ret, wait;

	for (;;) {
		if ((mncr_flow_reader_card_present(fd) == 0) == want_card)
			return 0;
		if (stop && atomic_load(stop))
			return -ECANCELED;
		wait = 200;
		if (timeout_ms >= 0) {
			uint64_t spent = mncr_now_ms() - t0;

			if (spent >= (uint64_t)timeout_ms)
				return -ETIMEDOUT;
			if ((uint64_t)timeout_ms - spent < 200)
				wait = (int)((uint64_t)timeout_ms - spent);
		}
		/* An event or 200 ms, whichever first: then look again. */
		ret = mncr_device_read_event(fd, &ev, wait);
		if (ret == -ENODEV)
			return -ENODEV;
		if (ret == 1 && !want_card && ev.type == MNCR_EV_CARD_REMOVED)
			return 0;
	}
}

int mncr_flow_reader_wait_card(int fd, unsigned int wait_s)
{
	int ret = mncr_flow_reader_wait_slot(fd, true,
					     wait_s > INT_MAX / 1000 ? INT_MAX :
					     (int)wait_s * 1000, NULL);

	return ret == -ETIMEDOUT ? -ENOMEDIUM : ret;
}

int mncr_flow_reader_wait_removal(int fd)
{
	return mncr_flow_reader_wait_slot(fd, false, -1, NULL);
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
