/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command thread: reads command transfers from bulk OUT, runs them,
 * writes each response to bulk IN as one transfer, and applies the
 * injected faults and delays on the way out.
 */
#ifndef MNCR_SIM_COMMAND_PUMP_H
#define MNCR_SIM_COMMAND_PUMP_H

#include <pthread.h>
#include <stdbool.h>

#include "device_state.h"

struct command_pump {
	struct sim_device *dev;
	int ep_out;
	int ep_in;
	/* The "disconnect" fault: unbinds the UDC. */
	void (*disconnect)(void *ctx);
	void *ctx;
	pthread_t thread;
	bool running;
};

int command_pump_start(struct command_pump *p);

/* Joins; call after dev->stopping is set and the UDC unbound. */
void command_pump_join(struct command_pump *p);

#endif
