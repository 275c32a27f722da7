// SPDX-License-Identifier: GPL-2.0-or-later
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <linux/usb/ch9.h>
#include <linux/usb/functionfs.h>

#include "ccid_descriptors.h"
#include "ccid_function.h"
#include "ffs_ep0.h"
#include "endpoint_info.h"
#include "log.h"
#include "sysfs_io.h"

/* First read of a message: a multiple of both packet sizes (see command_pump). */
#define FIRST_CHUNK	512
#define CCID_REQ_ABORT	0x01

void ccid_function_init(struct ccid_function *f, struct sim_device *dev)
{
	memset(f, 0, sizeof(*f));
	f->ep0 = f->ep_out = f->ep_in = f->ep_int = f->stop_fd = -1;
	f->dev = dev;
	pthread_mutex_init(&f->lock, NULL);
}

static int open_ep(const char *mount, const char *name)
{
	char path[256];
	int fd;

	if (path_join(path, sizeof(path), "%s/%s", mount, name))
		return -1;
	fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		sim_log("open %s: %s", path, strerror(errno));
	return fd;
}

static int write_blob(int fd, const struct ffs_blob *b, const char *what)
{
	if (write(fd, b->data, b->len) != (ssize_t)b->len) {
		sim_log("FunctionFS refused the CCID %s: %s", what, strerror(errno));
		return -1;
	}
	return 0;
}

int ccid_function_open(struct ccid_function *f, const char *mount)
{
	struct ffs_blob blob;

	f->ep0 = open_ep(mount, "ep0");
	if (f->ep0 < 0)
		return -1;
	fcntl(f->ep0, F_SETFL, 0);
	ccid_build_descriptors(&blob);
	if (write_blob(f->ep0, &blob, "descriptors"))
		return -1;
	ccid_build_strings(&blob);
	if (write_blob(f->ep0, &blob, "strings"))
		return -1;
	f->ep_out = open_ep(mount, CCID_EP_OUT);
	f->ep_in = open_ep(mount, CCID_EP_IN);
	f->ep_int = open_ep(mount, CCID_EP_INT);
	f->stop_fd = eventfd(0, EFD_CLOEXEC);
	return f->ep_out < 0 || f->ep_in < 0 || f->ep_int < 0 || f->stop_fd < 0 ? -1 : 0;
}

int ccid_function_attach(struct ccid_function *f, int ep_out, int ep_in,
			 int ep_int)
{
	f->ep_out = ep_out;
	f->ep_in = ep_in;
	f->ep_int = ep_int;
	f->attached = true;
	f->stop_fd = eventfd(0, EFD_CLOEXEC);
	return f->stop_fd < 0 ? -1 : 0;
}

/* Brings the slot in line with the device's card. f->lock held. */
static void sync_slot(struct ccid_function *f)
{
	struct ccid_slot *s = &f->slot;
	struct card_front front;
	const struct card_profile *profile;
	bool present;

	device_lock(f->dev);
	present = f->dev->card.present;
	profile = f->dev->card.profile;
	front = f->dev->card.front;
	device_unlock(f->dev);
	if (present == s->present && profile == s->profile)
		goto out;
	mncr_card_emul_free(s->emul);
	s->emul = NULL;
	s->present = s->powered = false;
	s->profile = NULL;
	s->changed = true;
	if (present && !f->pki_tried) {
		f->pki_tried = true;
		ccid_pki_make(&f->pki);
	}
	if (present && f->pki.key)
		s->emul = ccid_card_new(&f->pki, profile, &front);
	if (s->emul) {
		s->present = true;
		s->profile = profile;
	}
out:
	explicit_bzero(&front, sizeof(front));
}

static void send_msg(struct ccid_function *f, const uint8_t *msg, size_t len)
{
	unsigned mp = endpoint_max_packet(f->ep_in, f->dev);

	if (write(f->ep_in, msg, len) != (ssize_t)len)
		return;	/* the host went away */
	/* Whole packets: end the transfer with a ZLP or the host keeps reading. */
	if (mp && len % mp == 0 && write(f->ep_in, msg, 0) < 0 && errno != ESHUTDOWN)
		sim_log("ccid: zero-length packet: %s", strerror(errno));
}

static ssize_t ep_read(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n;
}

/*
 * Reads one message. Returns its length, 0 for nothing usable (ZLP),
 * -1 when the link is down. A message longer than we take is cut to
 * its header, which the slot then rejects for its dwLength.
 */
static ssize_t receive(struct ccid_function *f, uint8_t *in)
{
	ssize_t n = ep_read(f->ep_out, in, FIRST_CHUNK), r;
	size_t total;

	if (n < 0)
		return errno == EOVERFLOW ? 0 : -1;
	if (n < MNCR_CCID_HDR_LEN || n < FIRST_CHUNK)
		return n;
	total = MNCR_CCID_HDR_LEN + ((size_t)in[1] | (size_t)in[2] << 8 |
				     (size_t)in[3] << 16 | (size_t)in[4] << 24);
	if (total <= FIRST_CHUNK)
		return n;
	if (total > MNCR_CCID_MAX_MSG) {
		/* Drain to the short packet; answer from the header. */
		do
			r = ep_read(f->ep_out, in + MNCR_CCID_HDR_LEN, FIRST_CHUNK);
		while (r == FIRST_CHUNK);
		return MNCR_CCID_HDR_LEN;
	}
	r = ep_read(f->ep_out, in + n, total - (size_t)n);
	if (r < 0)
		return errno == EOVERFLOW ? 0 : -1;
	return n + r;
}

/* A slow card keeps the host waiting with time extensions. */
static bool slow_card(struct ccid_function *f, const uint8_t *in, size_t n)
{
	bool slow;

	if (n < MNCR_CCID_HDR_LEN || in[0] != CCID_PC_XFR_BLOCK)
		return false;
	pthread_mutex_lock(&f->lock);
	sync_slot(f);
	slow = f->slot.powered && f->slot.profile && f->slot.profile->front_delay_ms;
	pthread_mutex_unlock(&f->lock);
	return slow;
}

static void time_extensions(struct ccid_function *f, const uint8_t *in,
			    uint8_t *out)
{
	unsigned waited = 0, total;

	pthread_mutex_lock(&f->lock);
	total = f->slot.profile ? f->slot.profile->front_delay_ms : 0;
	pthread_mutex_unlock(&f->lock);
	while (waited < total) {
		if (!device_sleep(f->dev, CCID_TIME_EXT_MS))
			return;
		waited += CCID_TIME_EXT_MS;
		pthread_mutex_lock(&f->lock);
		size_t len = ccid_slot_time_extension(&f->slot, in, out);
		pthread_mutex_unlock(&f->lock);
		send_msg(f, out, len);
	}
}

static void *bulk_thread(void *arg)
{
	struct ccid_function *f = arg;
	uint8_t *in = malloc(MNCR_CCID_MAX_MSG + FIRST_CHUNK);
	uint8_t *out = malloc(MNCR_CCID_MAX_MSG);

	while (in && out) {
		enum ccid_action act;
		ssize_t n = receive(f, in);
		size_t len;

		if (n < 0) {
			/* Not enabled (yet, or any more): the host reset the slot. */
			pthread_mutex_lock(&f->lock);
			f->slot.powered = false;
			pthread_mutex_unlock(&f->lock);
			if (!device_sleep(f->dev, 10))
				break;
			continue;
		}
		if (slow_card(f, in, (size_t)n))
			time_extensions(f, in, out);
		pthread_mutex_lock(&f->lock);
		sync_slot(f);
		len = ccid_slot_handle(&f->slot, in, (size_t)n, out, &act);
		if (act == CCID_ACT_YANK) {
			/* Under our lock, so the notify thread cannot see it half done. */
			device_lock(f->dev);
			device_remove_card(f->dev);
			device_unlock(f->dev);
		}
		pthread_mutex_unlock(&f->lock);
		/* The command may have carried a PIN. */
		explicit_bzero(in, (size_t)n);
		if (len)
			send_msg(f, out, len);
	}
	if (!in || !out)
		sim_log("ccid: out of memory");
	free(in);
	free(out);
	return NULL;
}

static void *notify_thread(void *arg)
{
	struct ccid_function *f = arg;

	while (device_sleep(f->dev, CCID_SYNC_MS)) {
		uint8_t msg[2] = { CCID_RDR_NOTIFY_SLOT, 0 };
		bool send;

		pthread_mutex_lock(&f->lock);
		sync_slot(f);
		send = f->slot.changed;
		msg[1] = ccid_slot_notify_state(&f->slot);
		f->slot.changed = false;
		pthread_mutex_unlock(&f->lock);
		/* Blocks until the host polls; fails while not enabled: retry then. */
		if (send && write(f->ep_int, msg, sizeof(msg)) != sizeof(msg)) {
			pthread_mutex_lock(&f->lock);
			f->slot.changed = true;
			pthread_mutex_unlock(&f->lock);
		}
	}
	return NULL;
}

/* Class requests: ABORT is acknowledged (the bulk Abort does the work); others stall. */
void ccid_function_setup(struct ccid_function *f, int ep0,
			 const struct usb_ctrlrequest *req)
{
	char none = 0;

	(void)f;
	if (req->bRequestType == (USB_DIR_OUT | USB_TYPE_CLASS | USB_RECIP_INTERFACE) &&
	    req->bRequest == CCID_REQ_ABORT && le16toh(req->wLength) == 0) {
		if (read(ep0, &none, 0) < 0)
			sim_log("ccid: ABORT status stage: %s", strerror(errno));
		return;
	}
	ffs_ep0_stall(ep0, req, "ccid");
}

/* Link state comes from the control function; only SETUP is ours. */
static void handle(void *ctx, const struct usb_functionfs_event *ev)
{
	struct ccid_function *f = ctx;

	if (ev->type == FUNCTIONFS_SETUP)
		ccid_function_setup(f, f->ep0, &ev->u.setup);
}

static void *ep0_thread(void *arg)
{
	struct ccid_function *f = arg;

	ffs_ep0_loop(f->ep0, f->stop_fd, handle, f, "ccid");
	return NULL;
}

int ccid_function_start(struct ccid_function *f)
{
	void *(*fn[3])(void *) = { ep0_thread, bulk_thread, notify_thread };
	pthread_t *th[3] = { &f->ep0_thread, &f->bulk_thread, &f->notify_thread };

	/*
	 * The card key takes seconds to generate under emulation: do it before
	 * the reader reports ready, not in the middle of a card session.
	 */
	f->pki_tried = true;
	if (ccid_pki_make(&f->pki) < 0) {
		sim_log("ccid: no card key, certificates or photo: not plugged");
		return -1;
	}
	for (int i = 0; i < 3; i++) {
		int err = 0;

		/* Attached to a device that serves ep0 itself: no thread of ours. */
		if (i == 0 && f->ep0 < 0) {
			f->started = 1;
			continue;
		}
		err = pthread_create(th[i], NULL, fn[i], f);

		if (err) {
			sim_log("ccid: cannot start a thread: %s", strerror(err));
			return -1;
		}
		f->started = i + 1;
	}
	return 0;
}

void ccid_function_stop(struct ccid_function *f)
{
	pthread_t *th[3] = { &f->ep0_thread, &f->bulk_thread, &f->notify_thread };
	uint64_t one = 1;

	if (f->started && write(f->stop_fd, &one, sizeof(one)) != sizeof(one))
		sim_log("ccid: cannot wake the ep0 thread: %s", strerror(errno));
	while (f->started > 1)
		pthread_join(*th[--f->started], NULL);
	if (f->started && f->ep0 >= 0)
		pthread_join(*th[0], NULL);
	f->started = 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void ccid_function_close(struct ccid_function *f)
{
	/* Attached endpoints belong to the device that lent them. */
	if (!f->attached) {
		close_fd(&f->ep_int);
		close_fd(&f->ep_in);
		close_fd(&f->ep_out);
	}
	close_fd(&f->ep0);
	close_fd(&f->stop_fd);
	mncr_card_emul_free(f->slot.emul);
	f->slot.emul = NULL;
	ccid_pki_free(&f->pki);
	pthread_mutex_destroy(&f->lock);
}
