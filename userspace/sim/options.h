/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line of "mncr-sim" (serving) and its checks. */
#ifndef MNCR_SIM_OPTIONS_H
#define MNCR_SIM_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "faults.h"
#include "gadget_configfs.h"

#define SIM_DEFAULT_SERIAL	"SIM0001"
#define SIM_DEFAULT_FIRMWARE	"1.0.0"
#define SIM_SOCKET_MAX		108	/* sun_path */

struct sim_options {
	char serial[SIM_SERIAL_MAX + 1];
	const char *card;		/* profile inserted at start, or NULL */
	char camera[32];		/* camera scenario (scene.h), default person */
	bool camera_frame_clock;	/* --camera-clock frame */
	const char *models;		/* face models for the scenes, or NULL */
	bool engine;
	char firmware[32];
	uint16_t bcd_device;		/* from firmware MAJOR.MINOR */
	const char *udc;		/* forced UDC, or NULL */
	char socket_path[SIM_SOCKET_MAX];
	bool daemon;
	const char *log_path;		/* daemon's stderr after start */
	enum desc_fault descriptors;	/* wrong descriptors, for host tests */
	bool gadgetfs;			/* --gadget gadgetfs: one device, UVC camera */
};

/*
 * Parses the serving command line. Returns 0 to serve, 1 after printing
 * help, -1 after printing a usage error.
 */
int options_parse(int argc, char **argv, struct sim_options *o);

void options_usage(FILE *f);

/* [A-Za-z0-9_-], 1..SIM_SERIAL_MAX characters. */
bool options_serial_ok(const char *s);

/* /run/mncr-sim/SERIAL.sock; -1 when it does not fit. */
int options_default_socket(const char *serial, char *out, size_t len);

#endif
