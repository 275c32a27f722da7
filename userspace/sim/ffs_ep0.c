// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "ffs_ep0.h"
#include "log.h"

void ffs_ep0_loop(int ep0, int stop_fd, ffs_ep0_handler fn, void *ctx,
		  const char *who)
{
	struct usb_functionfs_event ev[4];
	struct pollfd pfd[2] = {
		{ .fd = stop_fd, .events = POLLIN },
		{ .fd = ep0, .events = POLLIN },
	};
	nfds_t nfds = 2;

	for (;;) {
		ssize_t n;

		if (poll(pfd, nfds, -1) < 0) {
			if (errno == EINTR)
				continue;
			sim_log("%s: poll ep0: %s", who, strerror(errno));
			return;
		}
		if (pfd[0].revents)
			return;
		if (!(pfd[1].revents & POLLIN))
			continue;
		n = read(ep0, ev, sizeof(ev));
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			sim_log("%s: read ep0: %s", who, strerror(errno));
			nfds = 1;
			continue;
		}
		for (size_t i = 0; i < (size_t)n / sizeof(ev[0]); i++)
			fn(ctx, &ev[i]);
	}
}

void ffs_ep0_stall(int ep0, const struct usb_ctrlrequest *setup,
		   const char *who)
{
	char none = 0;
	ssize_t n;

	if (setup->bRequestType & USB_DIR_IN)
		n = read(ep0, &none, 0);
	else
		n = write(ep0, &none, 0);
	if (n >= 0 || errno != EL2HLT)
		sim_log("%s: stalling control request %02x/%02x: %s", who,
			setup->bRequestType, setup->bRequest,
			n >= 0 ? "not stalled" : strerror(errno));
}
