// SPDX-License-Identifier: LGPL-2.1-or-later
#include "reader/device.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int ioctl_ret(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

int mncr_device_open(const char *node, int writable)
{
	int fd = open(node, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int mncr_device_info(int fd, struct mncr_info *info)
{
	memset(info, 0, sizeof(*info));
	return ioctl_ret(fd, MNCR_IOC_INFO, info);
}

int mncr_device_get_mode(int fd, struct mncr_mode *mode)
{
	memset(mode, 0, sizeof(*mode));
	return ioctl_ret(fd, MNCR_IOC_GET_MODE, mode);
}

int mncr_device_set_mode(int fd, uint32_t mode, uint32_t timeout_ms,
			 uint32_t flags)
{
	struct mncr_mode m = {
		.mode = mode, .timeout_ms = timeout_ms, .flags = flags,
	};

	return ioctl_ret(fd, MNCR_IOC_SET_MODE, &m);
}

int mncr_device_card_front(int fd, struct mncr_card_front *front)
{
	memset(front, 0, sizeof(*front));
	return ioctl_ret(fd, MNCR_IOC_CARD_FRONT, front);
}

int mncr_device_match(int fd, const int8_t *probe, size_t n_probe,
		      const int8_t *ref, size_t n_ref, size_t dim,
		      int32_t *scores, uint32_t *flags)
{
	struct mncr_match m = {
		.dim = (uint32_t)dim,
		.n_probe = (uint32_t)n_probe,
		.n_ref = (uint32_t)n_ref,
		.flags = flags ? *flags : 0,
		.probe = (uintptr_t)probe,
		.ref = (uintptr_t)ref,
		.scores = (uintptr_t)scores,
	};
	int ret;

	if (dim > UINT32_MAX || n_probe > UINT32_MAX || n_ref > UINT32_MAX)
		return -E2BIG;
	ret = ioctl_ret(fd, MNCR_IOC_MATCH, &m);
	if (ret == 0 && flags)
		*flags = m.flags;
	return ret;
}

int mncr_device_read_event(int fd, struct mncr_event *ev, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int ret;

	ret = poll(&p, 1, timeout_ms);
	if (ret < 0)
		return -errno;
	if (ret == 0)
		return 0;
	n = read(fd, ev, sizeof(*ev));
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	if (n != (ssize_t)sizeof(*ev))
		return -EIO;
	return 1;
}
