/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reader as one GadgetFS device (legacy gadgetfs module): the whole
 * descriptor set from us, every class, vendor and most standard control
 * requests through one ep0 file, endpoint files configured when the host
 * sets the configuration.
 *
 * The functions (control pumps, CCID, UVC) keep one fd per endpoint for
 * their whole life: the "stable" fds. While the host has not configured
 * us they hold a placeholder on which every read says EAGAIN and every
 * write fails; SET_CONFIGURATION dup2()s the configured endpoint files
 * onto them, a disconnect or unplug puts the placeholder back. A transfer
 * in flight keeps its own file until the UDC ends it (ESHUTDOWN).
 *
 * GadgetFS serves one device per system, on the first free UDC; plugging
 * is opening its device file and writing the descriptors, unplugging is
 * closing it. Endpoint files are named by the UDC (dummy_hcd's here).
 */
#ifndef MNCR_SIM_GADGETFS_DEVICE_H
#define MNCR_SIM_GADGETFS_DEVICE_H

#include <pthread.h>
#include <stdbool.h>

#include "ccid_function.h"
#include "device_state.h"
#include "gadgetfs_descriptors.h"
#include "uvc_function.h"

#define GADGETFS_MOUNT	"/dev/gadget"

struct gadgetfs_device {
	char serial[32];
	struct gfs_identity id;
	char udc_file[160];		/* GADGETFS_MOUNT/<udc> */
	char udc[64];			/* bound UDC, "" while unplugged */
	int ep0;			/* -1 while unplugged */
	int stable[GFS_EP_COUNT];	/* what the functions read and write */
	int placeholder;		/* pipe read end: EAGAIN / EBADF */
	int placeholder_w;
	int stop_fd;			/* ends the ep0 thread */
	pthread_t thread;
	bool running;
	bool configured;
	int speed;			/* enum usb_device_speed at CONNECT */
	struct sim_device *dev;
	struct ccid_function *ccid;	/* interface 1's class requests */
	struct uvc_function *uvc;	/* interfaces 2 and 3 */
	/*
	 * Threads that block in endpoint I/O. GadgetFS holds an endpoint's
	 * lock for a whole transfer and dummy_hcd does not end transfers
	 * when the gadget unbinds, so a thread left blocked would hang the
	 * unbind for good: unconfiguring interrupts them (SIGUSR1).
	 */
	pthread_t io_threads[8];
	int n_io_threads;
};

int gadgetfs_init(struct gadgetfs_device *g, const char *serial,
		  uint16_t bcd_device, struct sim_device *dev,
		  struct ccid_function *ccid, struct uvc_function *uvc);
/* A thread that reads or writes the stable endpoints. */
int gadgetfs_add_io_thread(struct gadgetfs_device *g, pthread_t t);
/* Mounts GadgetFS at GADGETFS_MOUNT if needed and finds its device file. */
int gadgetfs_mount(struct gadgetfs_device *g);
/* Plug: descriptors written, the ep0 thread serving. */
int gadgetfs_plug(struct gadgetfs_device *g);
/* Unplug: the ep0 thread stopped, the device file closed. */
int gadgetfs_unplug(struct gadgetfs_device *g);
void gadgetfs_destroy(struct gadgetfs_device *g);

#endif
