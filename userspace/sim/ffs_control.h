/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control interface's FunctionFS instance: ep0 (descriptors, then the
 * event stream: BIND, ENABLE, SETUP, ...) and the endpoint files the pumps
 * use. One thread follows ep0 and turns its events into link state.
 */
#ifndef MNCR_SIM_FFS_CONTROL_H
#define MNCR_SIM_FFS_CONTROL_H

#include <pthread.h>
#include <stdbool.h>

#include "device_state.h"

struct ffs_control {
	int ep0;
	int ep_out;		/* bulk OUT: commands */
	int ep_in;		/* bulk IN: responses */
	int ep_int;		/* interrupt IN: events */
	int stop_fd;		/* eventfd that ends the ep0 thread */
	pthread_t thread;
	bool running;
	struct sim_device *dev;
};

/*
 * Opens ep0 on the mounted FunctionFS, writes descriptors and strings,
 * opens the endpoint files. -1 after printing why.
 */
int ffs_control_open(struct ffs_control *c, const char *mount,
		     struct sim_device *dev);

int ffs_control_start(struct ffs_control *c);

/* Ends and joins the ep0 thread. */
void ffs_control_stop(struct ffs_control *c);

/* Closes every file (the ep0 thread must be stopped). */
void ffs_control_close(struct ffs_control *c);

#endif
