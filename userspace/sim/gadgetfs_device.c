// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/usb/ch9.h>
#include <linux/usb/gadgetfs.h>

#include "ffs_ep0.h"
#include "gadgetfs_device.h"
#include "log.h"
#include "sysfs_io.h"

#define UDC_CLASS_DIR	"/sys/class/udc"
#define GADGETFS_DRIVER	"USB Gadget filesystem"	/* its function in sysfs */

/*
 * dummy_hcd's endpoint files for each of ours; the number in the name is
 * the address the UDC routes by, so it goes into our descriptors.
 */
static const char *const ep_files[GFS_EP_COUNT] = {
	[GFS_EP_CTL_OUT] = "ep2out-bulk",
	[GFS_EP_CTL_IN] = "ep1in-bulk",
	[GFS_EP_CTL_INT] = "ep5in-int",
	[GFS_EP_CCID_OUT] = "ep7out-bulk",
	[GFS_EP_CCID_IN] = "ep6in-bulk",
	[GFS_EP_CCID_INT] = "ep10in-int",
	[GFS_EP_VIDEO_IN] = "ep11in-bulk",
};

static uint8_t ep_address(enum gfs_ep ep)
{
	return (uint8_t)(strtoul(ep_files[ep] + 2, NULL, 10) | gfs_ep_needs[ep].dir);
}

static void on_signal(int sig)
{
	(void)sig;	/* only to end a blocked endpoint transfer (EINTR) */
}

int gadgetfs_init(struct gadgetfs_device *g, const char *serial,
		  uint16_t bcd_device, struct sim_device *dev,
		  struct ccid_function *ccid, struct uvc_function *uvc)
{
	int p[2];

	memset(g, 0, sizeof(*g));
	snprintf(g->serial, sizeof(g->serial), "%s", serial);
	g->id = (struct gfs_identity) { .serial = g->serial, .bcd_device = bcd_device };
	g->ep0 = g->stop_fd = g->placeholder = g->placeholder_w = -1;
	for (int i = 0; i < GFS_EP_COUNT; i++)
		g->stable[i] = -1;
	g->dev = dev;
	g->ccid = ccid;
	g->uvc = uvc;
	/* No SA_RESTART: the signal must end a blocked transfer. */
	if (sigaction(SIGUSR1, &(struct sigaction) { .sa_handler = on_signal }, NULL)) {
		sim_log("SIGUSR1: %s", strerror(errno));
		return -1;
	}
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK)) {
		sim_log("pipe: %s", strerror(errno));
		return -1;
	}
	g->placeholder = p[0];
	g->placeholder_w = p[1];
	for (int i = 0; i < GFS_EP_COUNT; i++) {
		g->stable[i] = fcntl(g->placeholder, F_DUPFD_CLOEXEC, 0);
		if (g->stable[i] < 0) {
			sim_log("dup: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* The device file: the one entry that is not an endpoint. */
static int find_device_file(struct gadgetfs_device *g)
{
	DIR *d = opendir(GADGETFS_MOUNT);
	struct dirent *e;
	int err = -1;

	if (!d) {
		sim_log("open %s: %s", GADGETFS_MOUNT, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || strncmp(e->d_name, "ep", 2) == 0)
			continue;
		err = path_join(g->udc_file, sizeof(g->udc_file), GADGETFS_MOUNT "/%s",
				e->d_name);
		break;
	}
	closedir(d);
	if (err)
		sim_log("%s has no device file: is a UDC (dummy_hcd) loaded?",
			GADGETFS_MOUNT);
	return err;
}

int gadgetfs_mount(struct gadgetfs_device *g)
{
	if (mkdir(GADGETFS_MOUNT, 0755) && errno != EEXIST) {
		sim_log("mkdir %s: %s", GADGETFS_MOUNT, strerror(errno));
		return -1;
	}
	/* Mounted already (by us before, or by hand): one GadgetFS per system. */
	if (mount("gadgetfs", GADGETFS_MOUNT, "gadgetfs", MS_NOSUID | MS_NODEV, NULL) &&
	    errno != EBUSY) {
		sim_log("mount gadgetfs on %s: %s%s", GADGETFS_MOUNT, strerror(errno),
			errno == ENODEV ? " (modprobe gadgetfs)" : "");
		return -1;
	}
	return find_device_file(g);
}

/* The UDC GadgetFS bound to: the one whose function is GadgetFS. */
static void find_udc(struct gadgetfs_device *g)
{
	DIR *d = opendir(UDC_CLASS_DIR);
	struct dirent *e;
	char path[320], fn[64];

	g->udc[0] = '\0';
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' ||
		    path_join(path, sizeof(path), UDC_CLASS_DIR "/%s/function", e->d_name) ||
		    attr_read(path, fn, sizeof(fn)))
			continue;
		if (strcmp(fn, GADGETFS_DRIVER) == 0 &&
		    strlen(e->d_name) < sizeof(g->udc)) {
			memcpy(g->udc, e->d_name, strlen(e->d_name) + 1);
			break;
		}
	}
	closedir(d);
}

int gadgetfs_add_io_thread(struct gadgetfs_device *g, pthread_t t)
{
	if (g->n_io_threads == (int)(sizeof(g->io_threads) / sizeof(g->io_threads[0])))
		return -1;
	g->io_threads[g->n_io_threads++] = t;
	return 0;
}

/*
 * Placeholders back on every endpoint, then every I/O thread interrupted:
 * a transfer already in flight ends with EINTR, and the retry finds the
 * placeholder (the signal comes after the dup3, so none is missed).
 */
static void unconfigure(struct gadgetfs_device *g)
{
	for (int i = 0; i < GFS_EP_COUNT; i++)
		if (dup3(g->placeholder, g->stable[i], O_CLOEXEC) < 0)
			sim_log("dup3: %s", strerror(errno));
	for (int i = 0; i < g->n_io_threads; i++)
		pthread_kill(g->io_threads[i], SIGUSR1);
	g->configured = false;
	device_lock(g->dev);
	device_link_disable(g->dev);
	device_unlock(g->dev);
}

/* Opens and enables every endpoint file; true when all are live. */
static bool configure(struct gadgetfs_device *g)
{
	int fds[GFS_EP_COUNT];
	bool ok = true;

	for (int i = 0; i < GFS_EP_COUNT; i++) {
		uint8_t cfg[GFS_EP_CONFIG_LEN];
		char path[192];
		size_t len = gfs_build_ep_config(cfg, (enum gfs_ep)i, ep_address(i));

		fds[i] = -1;
		if (path_join(path, sizeof(path), GADGETFS_MOUNT "/%s", ep_files[i]))
			continue;
		/* EBUSY: an interrupted transfer still holds the old file. */
		for (int try = 0; try < 50; try++) {
			fds[i] = open(path, O_RDWR | O_CLOEXEC);
			if (fds[i] >= 0 || errno != EBUSY)
				break;
			usleep(10000);
		}
		if (fds[i] < 0 || write(fds[i], cfg, len) != (ssize_t)len) {
			sim_log("endpoint %s (%s): %s", ep_files[i],
				gfs_ep_needs[i].what, strerror(errno));
			ok = false;
		}
	}
	for (int i = 0; i < GFS_EP_COUNT; i++) {
		if (ok && dup3(fds[i], g->stable[i], O_CLOEXEC) < 0) {
			sim_log("dup3: %s", strerror(errno));
			ok = false;
		}
		if (fds[i] >= 0)
			close(fds[i]);
	}
	return ok;
}

static void ack(int ep0, const char *what)
{
	char none = 0;

	if (read(ep0, &none, 0) < 0)
		sim_log("%s: status stage: %s", what, strerror(errno));
}

static void reply(int ep0, const struct usb_ctrlrequest *r, const void *d,
		  size_t len)
{
	size_t want = le16toh(r->wLength);

	if (write(ep0, d, len < want ? len : want) < 0)
		sim_log("ep0 reply %02x/%02x: %s", r->bRequestType, r->bRequest,
			strerror(errno));
}

static void set_configuration(struct gadgetfs_device *g, unsigned value)
{
	if (g->configured)
		unconfigure(g);
	if (value == 1) {
		if (configure(g)) {
			g->configured = true;
			device_lock(g->dev);
			g->dev->bulk_maxp = g->speed == USB_SPEED_HIGH ? 512 : 64;
			device_link_enable(g->dev);
			device_unlock(g->dev);
		} else {
			unconfigure(g);
		}
	}
	/* GadgetFS does not let us stall this one. */
	ack(g->ep0, "SET_CONFIGURATION");
}

static void standard_request(struct gadgetfs_device *g,
			     const struct usb_ctrlrequest *r)
{
	uint8_t buf[256];
	unsigned value = le16toh(r->wValue), index = le16toh(r->wIndex);
	size_t len;

	switch (r->bRequest) {
	case USB_REQ_GET_DESCRIPTOR:
		if (r->bRequestType != USB_DIR_IN || value >> 8 != USB_DT_STRING)
			break;
		if ((value & 0xff) && index != 0x0409)
			break;
		len = gfs_build_string(buf, sizeof(buf), value & 0xff, &g->id);
		if (!len)
			break;
		reply(g->ep0, r, buf, len);
		return;
	case USB_REQ_SET_CONFIGURATION:
		set_configuration(g, value);
		return;
	case USB_REQ_SET_INTERFACE:
		if (index >= GFS_INTERFACES || value != 0)
			break;
		if (index == GFS_IF_VIDEO_STREAMING)
			uvc_function_restart(g->uvc);
		ack(g->ep0, "SET_INTERFACE");
		return;
	case USB_REQ_GET_INTERFACE:
		if (index >= GFS_INTERFACES)
			break;
		buf[0] = 0;
		reply(g->ep0, r, buf, 1);
		return;
	case USB_REQ_GET_STATUS:
		buf[0] = buf[1] = 0;
		reply(g->ep0, r, buf, 2);
		return;
	default:
		break;
	}
	ffs_ep0_stall(g->ep0, r, "device");
}

static void setup(struct gadgetfs_device *g, const struct usb_ctrlrequest *r)
{
	unsigned iface = le16toh(r->wIndex) & 0xff;

	device_lock(g->dev);
	if (g->dev->suspended)
		device_link_suspend(g->dev, false);
	device_unlock(g->dev);
	if ((r->bRequestType & USB_TYPE_MASK) == USB_TYPE_STANDARD) {
		standard_request(g, r);
		return;
	}
	if ((r->bRequestType & USB_RECIP_MASK) == USB_RECIP_INTERFACE &&
	    iface == GFS_IF_CCID) {
		ccid_function_setup(g->ccid, g->ep0, r);
		return;
	}
	if ((r->bRequestType & USB_RECIP_MASK) == USB_RECIP_INTERFACE &&
	    (iface == GFS_IF_VIDEO_CONTROL || iface == GFS_IF_VIDEO_STREAMING)) {
		uvc_function_setup(g->uvc, g->ep0, r, iface == GFS_IF_VIDEO_STREAMING);
		return;
	}
	/* Interface 0 answers no control requests, as with FunctionFS. */
	ffs_ep0_stall(g->ep0, r, "device");
}

static void event(struct gadgetfs_device *g, const struct usb_gadgetfs_event *ev)
{
	switch (ev->type) {
	case GADGETFS_CONNECT:
		g->speed = ev->u.speed;
		device_lock(g->dev);
		device_link_bind(g->dev);
		device_unlock(g->dev);
		break;
	case GADGETFS_DISCONNECT:
		if (g->configured)
			unconfigure(g);
		break;
	case GADGETFS_SUSPEND:
		device_lock(g->dev);
		device_link_suspend(g->dev, true);
		device_unlock(g->dev);
		break;
	case GADGETFS_SETUP:
		setup(g, &ev->u.setup);
		break;
	default:
		break;
	}
}

static void *ep0_thread(void *arg)
{
	struct gadgetfs_device *g = arg;
	struct usb_gadgetfs_event ev[4];
	struct pollfd pfd[2] = {
		{ .fd = g->stop_fd, .events = POLLIN },
		{ .fd = g->ep0, .events = POLLIN },
	};

	for (;;) {
		ssize_t n;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			sim_log("poll ep0: %s", strerror(errno));
			return NULL;
		}
		if (pfd[0].revents)
			return NULL;
		if (!(pfd[1].revents & POLLIN))
			continue;
		n = read(g->ep0, ev, sizeof(ev));
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			sim_log("read ep0: %s", strerror(errno));
			return NULL;
		}
		for (size_t i = 0; i < (size_t)n / sizeof(ev[0]); i++)
			event(g, &ev[i]);
	}
}

int gadgetfs_plug(struct gadgetfs_device *g)
{
	static uint8_t blob[GFS_BLOB_MAX];
	uint8_t addr[GFS_EP_COUNT];
	size_t len;
	int err;

	for (int i = 0; i < GFS_EP_COUNT; i++)
		addr[i] = ep_address(i);
	len = gfs_build_device(blob, sizeof(blob), addr, &g->id);
	if (!len) {
		sim_log("the descriptors do not fit GadgetFS's %d bytes", GFS_CONFIG_MAX);
		return -1;
	}
	g->ep0 = open(g->udc_file, O_RDWR | O_CLOEXEC);
	if (g->ep0 < 0) {
		sim_log("open %s: %s%s", g->udc_file, strerror(errno),
			errno == EBUSY ? " (another simulator holds GadgetFS)" : "");
		return -1;
	}
	if (write(g->ep0, blob, len) != (ssize_t)len) {
		sim_log("GadgetFS refused our descriptors: %s", strerror(errno));
		close(g->ep0);
		g->ep0 = -1;
		return -1;
	}
	g->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (g->stop_fd < 0)
		goto fail;
	err = pthread_create(&g->thread, NULL, ep0_thread, g);
	if (err) {
		sim_log("cannot start the ep0 thread: %s", strerror(err));
		goto fail;
	}
	g->running = true;
	find_udc(g);
	device_lock(g->dev);
	g->dev->plugged = true;
	device_unlock(g->dev);
	return 0;
fail:
	gadgetfs_unplug(g);
	return -1;
}

int gadgetfs_unplug(struct gadgetfs_device *g)
{
	uint64_t one = 1;

	if (g->running) {
		if (write(g->stop_fd, &one, sizeof(one)) != sizeof(one))
			sim_log("cannot wake the ep0 thread: %s", strerror(errno));
		pthread_join(g->thread, NULL);
		g->running = false;
	}
	if (g->stop_fd >= 0)
		close(g->stop_fd);
	g->stop_fd = -1;
	unconfigure(g);
	/* Closing the device file unregisters the gadget: the host sees it go. */
	if (g->ep0 >= 0)
		close(g->ep0);
	g->ep0 = -1;
	g->udc[0] = '\0';
	device_lock(g->dev);
	g->dev->plugged = false;
	device_link_unbind(g->dev);
	device_unlock(g->dev);
	return 0;
}

void gadgetfs_destroy(struct gadgetfs_device *g)
{
	if (g->ep0 >= 0)
		gadgetfs_unplug(g);
	for (int i = 0; i < GFS_EP_COUNT; i++)
		if (g->stable[i] >= 0)
			close(g->stable[i]);
	if (g->placeholder >= 0)
		close(g->placeholder);
	if (g->placeholder_w >= 0)
		close(g->placeholder_w);
	g->placeholder = g->placeholder_w = -1;
}
