/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reader's camera as a UVC 1.1 device with one bulk streaming
 * endpoint (interfaces 2 and 3 of the GadgetFS device): the probe/commit
 * control requests and the stream of YUY2 640x480 frames drawn from the
 * camera scenes.
 *
 * Each frame goes out as payloads of at most UVC_PAYLOAD_MAX bytes (the
 * dwMaxPayloadTransferSize we report: uvcvideo's bulk URB size), each a
 * 2-byte header (EOH, the frame id bit that toggles per frame, EOF on the
 * last) and image bytes, one endpoint write each; a payload shorter than
 * the maximum that is a whole number of packets is followed by a ZLP.
 * uvcvideo stops a bulk stream with CLEAR_FEATURE(HALT), which the UDC
 * handles without telling us, so a write may stay blocked after a stream
 * ends; a new commit (or SET_INTERFACE) interrupts it with a signal and
 * the next stream starts on a fresh frame.
 */
#ifndef MNCR_SIM_UVC_FUNCTION_H
#define MNCR_SIM_UVC_FUNCTION_H

#include <linux/usb/ch9.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "device_state.h"
#include "scene.h"

#define UVC_INTERFACE_NAME	"mncr camera"
#define UVC_WIDTH		SCENE_WIDTH
#define UVC_HEIGHT		SCENE_HEIGHT
#define UVC_FPS			15
#define UVC_INTERVAL_100NS	(10000000u / UVC_FPS)
#define UVC_FRAME_BYTES		(UVC_WIDTH * UVC_HEIGHT * 2u)	/* YUY2 */
#define UVC_PAYLOAD_MAX		16384u
#define UVC_PAYLOAD_HDR		2u
#define UVC_CTRL_LEN		34	/* UVC 1.1 streaming control */

struct uvc_function {
	int ep_in;			/* the streaming endpoint (stable fd) */
	struct sim_device *dev;
	char models_dir[4096];
	struct scene_assets assets;	/* loaded by the stream thread */
	bool frame_clock;		/* as camera_function's */
	pthread_t stream_thread;
	bool started;

	pthread_mutex_t lock;		/* everything below */
	enum scene_kind scene;
	uint8_t probe[UVC_CTRL_LEN];	/* what the host last set */
	unsigned stream_gen;		/* +1 per commit or SET_INTERFACE */
	bool writing;			/* the stream thread may block in write */
	unsigned long frames_sent;
	double fps_measured;
};

void uvc_function_init(struct uvc_function *f, struct sim_device *dev,
		       enum scene_kind scene, bool frame_clock,
		       const char *models_dir);
/* ep_in: the streaming endpoint's fd, valid for the function's life. */
int uvc_function_start(struct uvc_function *f, int ep_in);
void uvc_function_stop(struct uvc_function *f);
void uvc_function_destroy(struct uvc_function *f);

/*
 * A class request for the VideoControl interface or (streaming true) the
 * VideoStreaming one, answered on ep0 (GadgetFS).
 */
void uvc_function_setup(struct uvc_function *f, int ep0,
			const struct usb_ctrlrequest *req, bool streaming);
/* SET_INTERFACE on the streaming interface: the stream restarts. */
void uvc_function_restart(struct uvc_function *f);

void uvc_function_set_scene(struct uvc_function *f, enum scene_kind k);
enum scene_kind uvc_function_scene(struct uvc_function *f);
void uvc_function_stats(struct uvc_function *f, unsigned long *frames,
			double *fps);

#endif
