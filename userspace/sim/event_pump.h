/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The event thread: sends queued events (card, mode, error, floods) on the
 * interrupt IN endpoint, one 16-byte frame per transfer, in order; and the
 * "evflood" frames, malformed or endless, ahead of everything else.
 */
#ifndef MNCR_SIM_EVENT_PUMP_H
#define MNCR_SIM_EVENT_PUMP_H

#include <pthread.h>
#include <stdbool.h>

#include "device_state.h"

struct event_pump {
	struct sim_device *dev;
	int ep_int;
	pthread_t thread;
	bool running;
};

int event_pump_start(struct event_pump *p);

/*
 * Device lock held: flood the interrupt endpoint with @n frames of @kind
 * (EVFLOOD_ENDLESS: until stopped), or stop with EVFLOOD_NONE. Stopping a
 * card flood sends one last card event with the truth.
 */
void event_flood_set(struct sim_device *dev, enum evflood_kind kind,
		     unsigned long n);
void event_pump_join(struct event_pump *p);

#endif
