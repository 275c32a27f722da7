// SPDX-License-Identifier: GPL-2.0-or-later
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <linux/usb/ch9.h>
#include <linux/usb/functionfs.h>

#include "camera_function.h"
#include "camera/camera_stream.h"
#include "ffs_ep0.h"
#include "log.h"
#include "sysfs_io.h"

#define FRAME_LEN	(MNCR_CAM_HDR_LEN + SCENE_WIDTH * SCENE_HEIGHT)
#define RETRY_MS	20	/* while the host has not configured us */
#define SEND_CHUNK	65536	/* a multiple of every packet size */

struct speed_descs {
	struct usb_interface_descriptor intf;
	struct usb_endpoint_descriptor_no_audio in;
} __attribute__((packed));

struct descs_v2 {
	struct usb_functionfs_descs_head_v2 head;
	__le32 fs_count;
	__le32 hs_count;
	struct speed_descs fs;
	struct speed_descs hs;
} __attribute__((packed));

struct strings {
	struct usb_functionfs_strings_head head;
	__le16 lang;
	char name[sizeof(MNCR_CAM_IF_NAME)];
} __attribute__((packed));

static void fill_speed(struct speed_descs *d, uint16_t max_packet)
{
	d->intf = (struct usb_interface_descriptor) {
		.bLength = USB_DT_INTERFACE_SIZE,
		.bDescriptorType = USB_DT_INTERFACE,
		.bNumEndpoints = 1,
		.bInterfaceClass = MNCR_CAM_IF_CLASS,
		.bInterfaceSubClass = MNCR_CAM_IF_SUBCLASS,
		.bInterfaceProtocol = MNCR_CAM_IF_PROTOCOL,
		.iInterface = 1,
	};
	d->in = (struct usb_endpoint_descriptor_no_audio) {
		.bLength = USB_DT_ENDPOINT_SIZE,
		.bDescriptorType = USB_DT_ENDPOINT,
		.bEndpointAddress = 1 | USB_DIR_IN,
		.bmAttributes = USB_ENDPOINT_XFER_BULK,
		.wMaxPacketSize = htole16(max_packet),
	};
}

static int write_descriptors(int ep0)
{
	struct descs_v2 d;
	struct strings s;

	memset(&d, 0, sizeof(d));
	d.head.magic = htole32(FUNCTIONFS_DESCRIPTORS_MAGIC_V2);
	d.head.length = htole32(sizeof(d));
	d.head.flags = htole32(FUNCTIONFS_HAS_FS_DESC | FUNCTIONFS_HAS_HS_DESC);
	d.fs_count = htole32(2);
	d.hs_count = htole32(2);
	fill_speed(&d.fs, 64);
	fill_speed(&d.hs, 512);
	memset(&s, 0, sizeof(s));
	s.head.magic = htole32(FUNCTIONFS_STRINGS_MAGIC);
	s.head.length = htole32(sizeof(s));
	s.head.str_count = htole32(1);
	s.head.lang_count = htole32(1);
	s.lang = htole16(0x0409);
	memcpy(s.name, MNCR_CAM_IF_NAME, sizeof(s.name));
	if (write(ep0, &d, sizeof(d)) != (ssize_t)sizeof(d) ||
	    write(ep0, &s, sizeof(s)) != (ssize_t)sizeof(s)) {
		sim_log("FunctionFS refused the camera's descriptors: %s",
			strerror(errno));
		return -1;
	}
	return 0;
}

void camera_function_init(struct camera_function *f, struct sim_device *dev,
			  enum scene_kind scene, bool frame_clock)
{
	memset(f, 0, sizeof(*f));
	f->ep0 = f->ep_in = f->stop_fd = -1;
	f->dev = dev;
	f->scene = scene;
	f->frame_clock = frame_clock;
	pthread_mutex_init(&f->lock, NULL);
}

static int open_ep(const char *mount, const char *name, int flags)
{
	char path[256];
	int fd;

	if (path_join(path, sizeof(path), "%s/%s", mount, name))
		return -1;
	fd = open(path, O_RDWR | O_CLOEXEC | flags);
	if (fd < 0)
		sim_log("open %s: %s", path, strerror(errno));
	return fd;
}

int camera_function_open(struct camera_function *f, const char *mount,
			 const char *models_dir)
{
	snprintf(f->models_dir, sizeof(f->models_dir), "%s", models_dir);
	f->ep0 = open_ep(mount, "ep0", 0);
	if (f->ep0 < 0 || write_descriptors(f->ep0))
		return -1;
	/* Non-blocking: a write fails at once while the host has not configured us. */
	f->ep_in = open_ep(mount, CAMERA_EP_IN, O_NONBLOCK);
	f->stop_fd = eventfd(0, EFD_CLOEXEC);
	return f->ep_in < 0 || f->stop_fd < 0 ? -1 : 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Frames sent in the last few seconds give the rate. */
struct rate {
	double t[16];
	unsigned n;
};

static double rate_add(struct rate *r, double t)
{
	unsigned len = r->n < 16 ? r->n + 1 : 16;
	double first;

	r->t[r->n++ % 16] = t;
	if (len < 2)
		return 0;
	first = r->t[(r->n - len) % 16];
	return t > first ? (len - 1) / (t - first) : 0;
}

/*
 * One frame as one bulk transfer, written in whole-packet chunks (the
 * host reads on until the short packet at the end) so FunctionFS never
 * needs one large contiguous kernel buffer. Blocks while the host reads.
 */
static ssize_t send_frame(int fd, const uint8_t *buf)
{
	size_t off = 0;

	while (off < FRAME_LEN) {
		size_t n = FRAME_LEN - off < SEND_CHUNK ? FRAME_LEN - off : SEND_CHUNK;
		ssize_t w = write(fd, buf + off, n);

		if (w < 0 && off)
			return (ssize_t)off;	/* the transfer is broken: give up */
		if (w < 0)
			return -1;
		off += (size_t)w;
	}
	return (ssize_t)off;
}

static void *stream_thread(void *arg)
{
	struct camera_function *f = arg;
	static const struct scene_assets none;
	uint8_t *buf = malloc(FRAME_LEN);
	struct mncr_face_image img = { SCENE_WIDTH, SCENE_HEIGHT, NULL };
	double t0 = now_s();
	struct rate rate = { { 0 }, 0 };
	int last_err = 0;
	enum scene_kind prepared = SCENE_COUNT;
	bool have_assets = false;

	char err[512];

	if (!buf) {
		sim_log("camera: out of memory");
		return NULL;
	}
	/* Off the start-up path, at low priority: tests not using it barely pay. */
	if (setpriority(PRIO_PROCESS, (id_t)gettid(), 10))
		sim_log("camera: cannot lower the stream thread's priority: %s",
			strerror(errno));
	if (scene_assets_init(&f->assets, f->models_dir, NULL, err, sizeof(err)))
		sim_log("camera: %s; it shows an empty room", err);
	else
		have_assets = true;
	t0 = now_s();
	img.px = buf + MNCR_CAM_HDR_LEN;
	for (;;) {
		double now = now_s(), fps;
		/* frames_sent: only this thread writes it, so no lock to read */
		unsigned long n = f->frame_clock ? f->frames_sent :
				  (unsigned long)((now - t0) * CAMERA_FPS);
		struct mncr_cam_frame_hdr h = {
			.format = MNCR_CAM_FMT_GREY, .width = SCENE_WIDTH,
			.height = SCENE_HEIGHT, .seq = (uint32_t)n,
		};
		enum scene_kind k;
		double next;
		ssize_t w;

		pthread_mutex_lock(&f->lock);
		k = f->scene;
		pthread_mutex_unlock(&f->lock);
		if (have_assets && k != prepared) {
			double t = now_s();

			if (scene_assets_prepare(&f->assets, k, err, sizeof(err)))
				sim_log("camera: %s: %s; it shows an empty room",
					scene_name(k), err);
			else if (k != SCENE_NOBODY)
				sim_log("camera: %s ready in %.0f ms", scene_name(k),
					1000 * (now_s() - t));
			prepared = k;
			continue;	/* that took a while: take the time again */
		}
		scene_render(have_assets ? &f->assets : &none, k, n,
			     CAMERA_FPS, &img);
		mncr_cam_hdr_encode(buf, &h);
		/* Blocks until the host has read it all, or the link goes. */
		w = send_frame(f->ep_in, buf);
		if (w != FRAME_LEN) {
			int e = w < 0 ? errno : EIO;

			/* Not configured yet (EAGAIN) is the normal wait. */
			if (e != last_err && e != EAGAIN && e != ESHUTDOWN)
				sim_log("camera: sending a frame: %s", strerror(e));
			last_err = e;
			if (!device_sleep(f->dev, RETRY_MS))
				break;
			continue;
		}
		last_err = 0;
		fps = rate_add(&rate, now_s());
		pthread_mutex_lock(&f->lock);
		f->frames_sent++;
		f->fps_measured = fps;
		pthread_mutex_unlock(&f->lock);
		/* At most CAMERA_FPS; the frame clock never catches up in a burst. */
		next = (f->frame_clock ? now + 1.0 / CAMERA_FPS :
			t0 + (double)(n + 1) / CAMERA_FPS) - now_s();
		if (next > 0 && !device_sleep(f->dev, (unsigned)(next * 1000) + 1))
			break;
	}
	free(buf);
	return NULL;
}

/* No requests of its own: anything addressed to the interface stalls. */
static void handle(void *ctx, const struct usb_functionfs_event *ev)
{
	const struct camera_function *f = ctx;

	if (ev->type == FUNCTIONFS_SETUP)
		ffs_ep0_stall(f->ep0, &ev->u.setup, "camera");
}

static void *ep0_thread(void *arg)
{
	struct camera_function *f = arg;

	ffs_ep0_loop(f->ep0, f->stop_fd, handle, f, "camera");
	return NULL;
}

int camera_function_start(struct camera_function *f)
{
	void *(*fn[2])(void *) = { ep0_thread, stream_thread };
	pthread_t *th[2] = { &f->ep0_thread, &f->stream_thread };

	for (int i = 0; i < 2; i++) {
		int err = pthread_create(th[i], NULL, fn[i], f);

		if (err) {
			sim_log("camera: cannot start a thread: %s", strerror(err));
			return -1;
		}
		f->started = i + 1;
	}
	return 0;
}

void camera_function_stop(struct camera_function *f)
{
	pthread_t *th[2] = { &f->ep0_thread, &f->stream_thread };
	uint64_t one = 1;

	if (f->started && write(f->stop_fd, &one, sizeof(one)) != sizeof(one))
		sim_log("camera: cannot wake the ep0 thread: %s", strerror(errno));
	while (f->started > 0)
		pthread_join(*th[--f->started], NULL);
}

void camera_function_close(struct camera_function *f)
{
	int *fds[3] = { &f->ep0, &f->ep_in, &f->stop_fd };

	for (int i = 0; i < 3; i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
	/* The stream thread is joined: nobody else looks at the assets. */
	scene_assets_free(&f->assets);
}

void camera_function_set_scene(struct camera_function *f, enum scene_kind k)
{
	pthread_mutex_lock(&f->lock);
	f->scene = k;
	pthread_mutex_unlock(&f->lock);
}

enum scene_kind camera_function_scene(struct camera_function *f)
{
	enum scene_kind k;

	pthread_mutex_lock(&f->lock);
	k = f->scene;
	pthread_mutex_unlock(&f->lock);
	return k;
}

void camera_function_stats(struct camera_function *f, unsigned long *frames,
			   double *fps)
{
	pthread_mutex_lock(&f->lock);
	*frames = f->frames_sent;
	*fps = f->fps_measured;
	pthread_mutex_unlock(&f->lock);
}
