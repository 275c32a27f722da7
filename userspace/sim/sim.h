/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One simulated reader: its state, its gadget, its FunctionFS files and
 * threads, and the cable (plug, unplug).
 */
#ifndef MNCR_SIM_SIM_H
#define MNCR_SIM_SIM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "camera_function.h"
#include "ccid_function.h"
#include "command_pump.h"
#include "device_state.h"
#include "event_pump.h"
#include "ffs_control.h"
#include "gadget_configfs.h"
#include "gadgetfs_device.h"
#include "options.h"
#include "uvc_function.h"

/* How long plug, unplug and start wait for the host to catch up. */
#define SIM_HOST_WAIT_MS	10000

struct sim {
	struct sim_options opt;
	struct sim_device dev;
	struct gadget gadget;
	struct ffs_control ffs;
	struct command_pump cmd;
	struct event_pump evt;
	struct ccid_function ccid;	/* interface 1: the card slot */
	struct camera_function cam;	/* interface 2: the camera */
	/* --gadget gadgetfs: one device, the camera UVC on interfaces 2-3 */
	struct gadgetfs_device gfs;
	struct uvc_function uvc;
	pthread_mutex_t udc_lock;	/* plug, unplug, disconnect fault */
	char last_udc[64];		/* where plug binds again */
	int lock_fd;			/* flock on /run/mncr-sim/SERIAL.lock */
	bool initialized;		/* sim_init done, sim_stop not yet */
	bool created;			/* the gadget is ours to remove */
	bool mounted;
};

/* Sets everything to "nothing done yet". -1 when paths do not fit. */
int sim_init(struct sim *s, const struct sim_options *opt);

/* Takes the serial's lock: -1 (printed) when another instance has it. */
int sim_lock_serial(struct sim *s);

/*
 * Builds and plugs the reader; returns 0 once the host has configured it
 * (with --daemon that is required, else a warning). -1 after printing
 * why; sim_stop then cleans up what was done.
 */
int sim_start(struct sim *s);

/* Unplugs, stops the threads, removes the gadget. Once per sim_init. */
void sim_stop(struct sim *s);

/* Cable in and out; msg gets a short note for the reply. 0 or -1. */
int sim_plug(struct sim *s, char *msg, size_t len);
int sim_unplug(struct sim *s, bool wait_host, char *msg, size_t len);

/* The UDC the reader is plugged into, "" when unplugged. */
const char *sim_udc(const struct sim *s);
/* The camera, whichever kind the reader has. */
void sim_camera_set_scene(struct sim *s, enum scene_kind k);
enum scene_kind sim_camera_scene(struct sim *s);
void sim_camera_stats(struct sim *s, unsigned long *frames, double *fps);

#endif
