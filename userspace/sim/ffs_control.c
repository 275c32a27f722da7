// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <linux/usb/functionfs.h>

#include "ffs_control.h"
#include "ffs_descriptors.h"
#include "ffs_ep0.h"
#include "log.h"
#include "sysfs_io.h"

static int write_blob(int fd, const struct ffs_blob *blob, const char *what)
{
	ssize_t n = write(fd, blob->data, blob->len);

	if (n != (ssize_t)blob->len) {
		sim_log("FunctionFS refused our %s: %s", what,
			n < 0 ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}

static int open_ep(const char *mount, const char *name)
{
	char path[256];
	int fd;

	if (path_join(path, sizeof(path), "%s/%s", mount, name))
		return -1;
	/*
	 * Non-blocking only changes what happens while the host has not
	 * enabled us: EAGAIN instead of sleeping until it does. Transfers
	 * still block until they complete.
	 */
	fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		sim_log("open %s: %s", path, strerror(errno));
	return fd;
}

int ffs_control_open(struct ffs_control *c, const char *mount,
		     struct sim_device *dev)
{
	struct ffs_blob blob;

	memset(c, 0, sizeof(*c));
	c->ep0 = c->ep_out = c->ep_in = c->ep_int = c->stop_fd = -1;
	c->dev = dev;

	c->ep0 = open_ep(mount, "ep0");
	if (c->ep0 < 0)
		return -1;
	/* ep0 itself we poll, then read blocking. */
	fcntl(c->ep0, F_SETFL, 0);
	ffs_build_descriptors(&blob, dev->descriptors);
	if (write_blob(c->ep0, &blob, "descriptors"))
		return -1;
	ffs_build_strings(&blob);
	if (write_blob(c->ep0, &blob, "strings"))
		return -1;

	c->ep_out = open_ep(mount, FFS_EP_OUT);
	c->ep_in = open_ep(mount, FFS_EP_IN);
	c->ep_int = open_ep(mount, FFS_EP_INT);
	c->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (c->ep_out < 0 || c->ep_in < 0 || c->ep_int < 0 || c->stop_fd < 0)
		return -1;
	return 0;
}

static void handle(void *ctx, const struct usb_functionfs_event *ev)
{
	struct ffs_control *c = ctx;
	struct sim_device *dev = c->dev;

	/* Nothing on interface 0 answers control requests. */
	if (ev->type == FUNCTIONFS_SETUP) {
		ffs_ep0_stall(c->ep0, &ev->u.setup, "control");
		return;
	}
	device_lock(dev);
	switch (ev->type) {
	case FUNCTIONFS_BIND:
		device_link_bind(dev);
		break;
	case FUNCTIONFS_UNBIND:
		device_link_unbind(dev);
		break;
	case FUNCTIONFS_ENABLE:
		device_link_enable(dev);
		break;
	case FUNCTIONFS_DISABLE:
		device_link_disable(dev);
		break;
	case FUNCTIONFS_SUSPEND:
		device_link_suspend(dev, true);
		break;
	case FUNCTIONFS_RESUME:
		device_link_suspend(dev, false);
		break;
	default:
		break;
	}
	device_unlock(dev);
}

static void *ep0_thread(void *arg)
{
	struct ffs_control *c = arg;

	ffs_ep0_loop(c->ep0, c->stop_fd, handle, c, "control");
	return NULL;
}

int ffs_control_start(struct ffs_control *c)
{
	int err = pthread_create(&c->thread, NULL, ep0_thread, c);

	if (err) {
		sim_log("cannot start the ep0 thread: %s", strerror(err));
		return -1;
	}
	c->running = true;
	return 0;
}

void ffs_control_stop(struct ffs_control *c)
{
	uint64_t one = 1;

	if (!c->running)
		return;
	if (write(c->stop_fd, &one, sizeof(one)) != sizeof(one))
		sim_log("cannot wake the ep0 thread: %s", strerror(errno));
	pthread_join(c->thread, NULL);
	c->running = false;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void ffs_control_close(struct ffs_control *c)
{
	close_fd(&c->ep_int);
	close_fd(&c->ep_in);
	close_fd(&c->ep_out);
	close_fd(&c->ep0);
	close_fd(&c->stop_fd);
}
