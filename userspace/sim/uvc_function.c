// SPDX-License-Identifier: GPL-2.0-or-later
#include <endian.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <linux/usb/video.h>

#include "endpoint_info.h"
#include "ffs_ep0.h"
#include "log.h"
#include "uvc_function.h"

#define RETRY_MS	20	/* while no stream is committed or the link is down */

enum sent { SENT, RESTARTED, BROKEN };

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The one streaming control we support, as GET_CUR/MIN/MAX/DEF return it. */
static void fill_ctrl(uint8_t c[UVC_CTRL_LEN])
{
	struct uvc_streaming_control s = {
		.bFormatIndex = 1,
		.bFrameIndex = 1,
		.dwFrameInterval = htole32(UVC_INTERVAL_100NS),
		.dwMaxVideoFrameSize = htole32(UVC_FRAME_BYTES),
		.dwMaxPayloadTransferSize = htole32(UVC_PAYLOAD_MAX),
		.dwClockFrequency = htole32(48000000),
		.bmFramingInfo = 3,	/* FID and EOF are used */
		.bPreferedVersion = 1,
		.bMinVersion = 1,
		.bMaxVersion = 1,
	};

	_Static_assert(sizeof(s) == UVC_CTRL_LEN, "UVC 1.1 streaming control");
	memcpy(c, &s, sizeof(s));
}

void uvc_function_init(struct uvc_function *f, struct sim_device *dev,
		       enum scene_kind scene, bool frame_clock,
		       const char *models_dir)
{
	memset(f, 0, sizeof(*f));
	f->ep_in = -1;
	f->dev = dev;
	f->scene = scene;
	f->frame_clock = frame_clock;
	snprintf(f->models_dir, sizeof(f->models_dir), "%s", models_dir ? models_dir : "");
	fill_ctrl(f->probe);
	pthread_mutex_init(&f->lock, NULL);
}

static void answer_in(int ep0, const struct usb_ctrlrequest *req,
		      const void *data, size_t len)
{
	size_t want = le16toh(req->wLength);

	if (write(ep0, data, len < want ? len : want) < 0)
		sim_log("camera: control reply %02x: %s", req->bRequest,
			strerror(errno));
}

/* A new stream: the thread drops the frame it is sending and starts anew. */
static void restart_locked(struct uvc_function *f)
{
	f->stream_gen++;
	if (f->writing)
		pthread_kill(f->stream_thread, SIGUSR1);
}

void uvc_function_restart(struct uvc_function *f)
{
	pthread_mutex_lock(&f->lock);
	restart_locked(f);
	pthread_mutex_unlock(&f->lock);
}

void uvc_function_setup(struct uvc_function *f, int ep0,
			const struct usb_ctrlrequest *req, bool streaming)
{
	unsigned cs = le16toh(req->wValue) >> 8;
	unsigned len = le16toh(req->wLength);
	bool class_if = (req->bRequestType & (USB_TYPE_MASK | USB_RECIP_MASK)) ==
			(USB_TYPE_CLASS | USB_RECIP_INTERFACE);
	uint8_t buf[UVC_CTRL_LEN];
	ssize_t n;

	/* VideoControl has no controls; on streaming, probe and commit only. */
	if (!class_if || !streaming ||
	    (cs != UVC_VS_PROBE_CONTROL && cs != UVC_VS_COMMIT_CONTROL)) {
		ffs_ep0_stall(ep0, req, "camera");
		return;
	}
	switch (req->bRequest) {
	case UVC_SET_CUR:
		if (len > sizeof(buf)) {
			ffs_ep0_stall(ep0, req, "camera");
			return;
		}
		/* Read the data stage at once: the host's next request may come. */
		n = read(ep0, buf, len);
		if (n < 0) {
			sim_log("camera: SET_CUR data: %s", strerror(errno));
			return;
		}
		pthread_mutex_lock(&f->lock);
		/* One format, one frame size, one interval: the rest is ours. */
		fill_ctrl(f->probe);
		if (cs == UVC_VS_COMMIT_CONTROL)
			restart_locked(f);
		pthread_mutex_unlock(&f->lock);
		return;
	case UVC_GET_CUR:
	case UVC_GET_MIN:
	case UVC_GET_MAX:
	case UVC_GET_DEF:
		pthread_mutex_lock(&f->lock);
		memcpy(buf, f->probe, sizeof(buf));
		pthread_mutex_unlock(&f->lock);
		answer_in(ep0, req, buf, sizeof(buf));
		return;
	case UVC_GET_LEN:
		buf[0] = UVC_CTRL_LEN;
		buf[1] = 0;
		answer_in(ep0, req, buf, 2);
		return;
	case UVC_GET_INFO:
		buf[0] = 0x03;	/* GET and SET supported */
		answer_in(ep0, req, buf, 1);
		return;
	default:
		ffs_ep0_stall(ep0, req, "camera");
	}
}

/* Grey to YUY2: the grey level is the luma, the chroma neutral. */
static void grey_to_yuy2(const uint8_t *grey, uint8_t *out)
{
	for (size_t i = 0; i < (size_t)UVC_WIDTH * UVC_HEIGHT; i += 2) {
		out[2 * i] = grey[i];
		out[2 * i + 1] = 128;
		out[2 * i + 2] = grey[i + 1];
		out[2 * i + 3] = 128;
	}
}

/* One endpoint write; false and errno when it failed or was interrupted. */
static bool write_payload(struct uvc_function *f, const uint8_t *p, size_t len,
			  unsigned gen, enum sent *why)
{
	ssize_t w;

	pthread_mutex_lock(&f->lock);
	if (gen != f->stream_gen) {
		pthread_mutex_unlock(&f->lock);
		*why = RESTARTED;
		return false;
	}
	f->writing = true;
	pthread_mutex_unlock(&f->lock);
	w = write(f->ep_in, p, len);
	pthread_mutex_lock(&f->lock);
	f->writing = false;
	if (w < 0 && errno == EINTR)
		*why = RESTARTED;
	else if (w != (ssize_t)len)
		*why = BROKEN;
	pthread_mutex_unlock(&f->lock);
	return w == (ssize_t)len;
}

static enum sent send_frame(struct uvc_function *f, const uint8_t *frame,
			    uint8_t *payload, uint8_t fid, unsigned gen)
{
	const size_t room = UVC_PAYLOAD_MAX - UVC_PAYLOAD_HDR;
	unsigned mp = endpoint_max_packet(f->ep_in, f->dev);
	enum sent why = SENT;

	for (size_t off = 0; off < UVC_FRAME_BYTES; off += room) {
		size_t n = UVC_FRAME_BYTES - off < room ? UVC_FRAME_BYTES - off : room;
		size_t len = UVC_PAYLOAD_HDR + n;

		payload[0] = UVC_PAYLOAD_HDR;
		payload[1] = UVC_STREAM_EOH | fid |
			     (off + n == UVC_FRAME_BYTES ? UVC_STREAM_EOF : 0);
		memcpy(payload + UVC_PAYLOAD_HDR, frame + off, n);
		if (!write_payload(f, payload, len, gen, &why))
			return why;
		/* A short payload must end with a short packet. */
		if (len < UVC_PAYLOAD_MAX && mp && len % mp == 0 &&
		    !write_payload(f, payload, 0, gen, &why))
			return why;
	}
	return SENT;
}

/* Waits for a committed stream; false when the simulator stops. */
static bool wait_stream(struct uvc_function *f, unsigned *gen)
{
	for (;;) {
		pthread_mutex_lock(&f->lock);
		*gen = f->stream_gen;
		pthread_mutex_unlock(&f->lock);
		if (*gen)
			return true;
		if (!device_sleep(f->dev, RETRY_MS))
			return false;
	}
}

static void *stream_thread(void *arg)
{
	struct uvc_function *f = arg;
	static const struct scene_assets none;
	uint8_t *grey = malloc((size_t)UVC_WIDTH * UVC_HEIGHT);
	uint8_t *frame = malloc(UVC_FRAME_BYTES);
	uint8_t *payload = malloc(UVC_PAYLOAD_MAX);
	struct mncr_face_image img = { UVC_WIDTH, UVC_HEIGHT, grey };
	enum scene_kind prepared = SCENE_COUNT;
	bool have_assets = false;
	unsigned long sent_in_window = 0;
	double t0, window = 0;
	uint8_t fid = 0;
	char err[512];

	if (!grey || !frame || !payload) {
		sim_log("camera: out of memory");
		goto out;
	}
	if (setpriority(PRIO_PROCESS, (id_t)gettid(), 10))
		sim_log("camera: cannot lower the stream thread's priority: %s",
			strerror(errno));
	if (scene_assets_init(&f->assets, f->models_dir, NULL, err, sizeof(err)))
		sim_log("camera: %s; it shows an empty room", err);
	else
		have_assets = true;
	t0 = now_s();
	for (;;) {
		unsigned gen;
		unsigned long n;
		enum scene_kind k;
		enum sent r;
		double now, next;

		if (!wait_stream(f, &gen))
			break;
		now = now_s();
		pthread_mutex_lock(&f->lock);
		k = f->scene;
		n = f->frame_clock ? f->frames_sent :
		    (unsigned long)((now - t0) * UVC_FPS);
		pthread_mutex_unlock(&f->lock);
		if (have_assets && k != prepared) {
			if (scene_assets_prepare(&f->assets, k, err, sizeof(err)))
				sim_log("camera: %s: %s; it shows an empty room",
					scene_name(k), err);
			prepared = k;
			continue;	/* that took a while: take the time again */
		}
		scene_render(have_assets ? &f->assets : &none, k, n, UVC_FPS, &img);
		grey_to_yuy2(grey, frame);
		r = send_frame(f, frame, payload, fid, gen);
		/* A new frame id for every frame, and for a new stream's first. */
		fid ^= UVC_STREAM_FID;
		if (r == RESTARTED)
			continue;
		if (r == BROKEN) {
			if (!device_sleep(f->dev, RETRY_MS))
				break;
			continue;
		}
		pthread_mutex_lock(&f->lock);
		f->frames_sent++;
		sent_in_window++;
		if (now_s() - window >= 2.0) {
			if (window > 0)
				f->fps_measured = (double)sent_in_window / (now_s() - window);
			window = now_s();
			sent_in_window = 0;
		}
		pthread_mutex_unlock(&f->lock);
		/* At most UVC_FPS; the frame clock never catches up in a burst. */
		next = (f->frame_clock ? now + 1.0 / UVC_FPS :
			t0 + (double)(n + 1) / UVC_FPS) - now_s();
		if (next > 0 && !device_sleep(f->dev, (unsigned)(next * 1000) + 1))
			break;
	}
out:
	free(grey);
	free(frame);
	free(payload);
	return NULL;
}

int uvc_function_start(struct uvc_function *f, int ep_in)
{
	int err;

	/* The device's SIGUSR1 handler (no SA_RESTART) ends a blocked write. */
	f->ep_in = ep_in;
	err = pthread_create(&f->stream_thread, NULL, stream_thread, f);
	if (err) {
		sim_log("camera: cannot start the stream thread: %s", strerror(err));
		return -1;
	}
	f->started = true;
	return 0;
}

void uvc_function_stop(struct uvc_function *f)
{
	if (!f->started)
		return;
	/* device_sleep sees the device stopping; a blocked write, the signal. */
	uvc_function_restart(f);
	pthread_join(f->stream_thread, NULL);
	f->started = false;
}

void uvc_function_destroy(struct uvc_function *f)
{
	scene_assets_free(&f->assets);
	pthread_mutex_destroy(&f->lock);
}

void uvc_function_set_scene(struct uvc_function *f, enum scene_kind k)
{
	pthread_mutex_lock(&f->lock);
	f->scene = k;
	pthread_mutex_unlock(&f->lock);
}

enum scene_kind uvc_function_scene(struct uvc_function *f)
{
	enum scene_kind k;

	pthread_mutex_lock(&f->lock);
	k = f->scene;
	pthread_mutex_unlock(&f->lock);
	return k;
}

void uvc_function_stats(struct uvc_function *f, unsigned long *frames,
			double *fps)
{
	pthread_mutex_lock(&f->lock);
	*frames = f->frames_sent;
	*fps = f->fps_measured;
	pthread_mutex_unlock(&f->lock);
}
