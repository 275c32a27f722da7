/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reader's camera: interface 2, a FunctionFS instance with one bulk IN
 * endpoint streaming greyscale frames (camera_stream.h) drawn by scene.h,
 * up to CAMERA_FPS a second while the host reads.
 *
 * Why not the kernel's uvc function: on Debian's 6.1 kernel usb_f_uvc
 * streams over isochronous endpoints only, and dummy_hcd (like
 * usbip-vudc) fails every isochronous transfer; FunctionFS, which could
 * offer a bulk streaming interface, refuses the video class's
 * class-specific descriptors. So the simulator sends the camera's frames
 * over a vendor-specific bulk interface and libmncr's camera module reads
 * either that or a real UVC node (camera.h).
 */
#ifndef MNCR_SIM_CAMERA_FUNCTION_H
#define MNCR_SIM_CAMERA_FUNCTION_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "device_state.h"
#include "scene.h"

#define CAMERA_FPS	15
#define CAMERA_EP_IN	"ep1"

struct camera_function {
	int ep0, ep_in;
	int stop_fd;		/* eventfd that ends the ep0 thread */
	pthread_t ep0_thread, stream_thread;
	int started;
	struct sim_device *dev;

	char models_dir[4096];
	struct scene_assets assets;	/* loaded by the stream thread */

	/* Scene time: false, the wall clock (a slow host misses frames, as
	 * with a real camera); true, frames_sent (every frame of the scene
	 * in order, however slowly it is read: reproducible). */
	bool frame_clock;

	pthread_mutex_t lock;		/* scene, counters */
	enum scene_kind scene;
	unsigned long frames_sent;
	double fps_measured;		/* over the last few seconds of sending */
};

void camera_function_init(struct camera_function *f, struct sim_device *dev,
			  enum scene_kind scene, bool frame_clock);

/*
 * Writes descriptors and strings, opens the endpoint. The stream thread
 * loads the scene pictures (models from models_dir) when it starts; a
 * failure is logged and the camera then shows the empty room.
 */
int camera_function_open(struct camera_function *f, const char *mount,
			 const char *models_dir);

int camera_function_start(struct camera_function *f);

/* Joins the threads; the caller has set stopping and unbound the UDC. */
void camera_function_stop(struct camera_function *f);

void camera_function_close(struct camera_function *f);

void camera_function_set_scene(struct camera_function *f, enum scene_kind k);
enum scene_kind camera_function_scene(struct camera_function *f);
/* Frames the host has taken and the rate lately. */
void camera_function_stats(struct camera_function *f, unsigned long *frames,
			   double *fps);

#endif
