/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reader's state, shared by the USB threads and the control socket:
 * link (bound, enabled), mode, card, match engine, fault knobs and the
 * queue of events waiting for the interrupt endpoint. One mutex guards it;
 * the condition variable is broadcast on every change a thread may wait
 * for.
 */
#ifndef MNCR_SIM_DEVICE_STATE_H
#define MNCR_SIM_DEVICE_STATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "card_profiles.h"
#include "faults.h"

#define SIM_EVENT_QUEUE	32	/* undelivered events kept; oldest dropped */
#define SIM_MAX_DELAY_MS 60000

struct sim_event {
	uint8_t type;		/* MNCR_EVT_* */
	uint8_t payload[4];
};

struct sim_card {
	bool present;
	const struct card_profile *profile;
	struct card_front front;	/* sensitive: wiped on removal */
};

struct sim_device {
	pthread_mutex_t lock;
	pthread_cond_t cond;

	/* Fixed at start. */
	char serial[32];
	char firmware[32];
	enum desc_fault descriptors;	/* interface 0 as described (--descriptors) */

	bool stopping;

	/* USB link, from FunctionFS events and our UDC writes. */
	bool plugged;		/* our gadget is bound to a UDC */
	bool bound;		/* FUNCTIONFS_BIND seen, no UNBIND since */
	bool enabled;		/* host configured us (FUNCTIONFS_ENABLE) */
	bool suspended;
	unsigned enable_gen;	/* +1 per ENABLE: endpoints were (re)armed */
	unsigned bulk_maxp;	/* GadgetFS: bulk packet size at this speed */

	/* The reader. */
	uint8_t mode;		/* MNCR_MODE_* */
	uint8_t last_reason;	/* of the last SET_MODE, 0 before any */
	bool engine;
	struct sim_card card;

	/* Test knobs. */
	enum fault_kind fault;
	long fault_left;	/* responses still faulted, -1: until "fault none" */
	unsigned delay_ms;	/* before every response */
	unsigned flood_left;	/* card bounce events still to send */
	enum evflood_kind evflood;	/* "evflood": what floods the events */
	unsigned long evflood_left;	/* frames still to send, or EVFLOOD_ENDLESS */

	uint64_t commands;	/* command frames handled */
	uint64_t events_sent;

	struct sim_event queue[SIM_EVENT_QUEUE];
	unsigned q_head, q_len;
	uint16_t event_seq;
};

void device_init(struct sim_device *dev, const char *serial,
		 const char *firmware, bool engine);
void device_destroy(struct sim_device *dev);

void device_lock(struct sim_device *dev);
void device_unlock(struct sim_device *dev);

/* The rest expect the lock held. */

/* Queues an event if the host can receive it (enabled); else drops it. */
void device_queue_event(struct sim_device *dev, uint8_t type,
			const uint8_t payload[4]);
/* Pops the next event, queued ones before flood ones. False when none. */
bool device_next_event(struct sim_device *dev, struct sim_event *out);

void device_insert_card(struct sim_device *dev,
			const struct card_profile *profile,
			const struct card_front *front);
/* False when there was no card. */
bool device_remove_card(struct sim_device *dev);

/* A mode change made on the reader itself: EVT_MODE, reason DEVICE. */
void device_set_mode_local(struct sim_device *dev, uint8_t mode);

/*
 * Link transitions from FunctionFS events. All but BIND and the power
 * events reset the reader (auto mode, no queued events): it lost its host
 * or the host configured it afresh.
 */
void device_link_bind(struct sim_device *dev);
void device_link_unbind(struct sim_device *dev);
void device_link_enable(struct sim_device *dev);
void device_link_disable(struct sim_device *dev);
void device_link_suspend(struct sim_device *dev, bool suspended);

/*
 * Takes the fault for the response about to be sent, counting it down,
 * and the configured delay.
 */
enum fault_kind device_take_fault(struct sim_device *dev, unsigned *delay_ms);

/* These two take the lock themselves. */

#define DEVICE_ANY_GEN	(~0u)
/*
 * Waits until the host has configured us with an ENABLE other than
 * after_gen (the gen an I/O failed under: its endpoints are gone until
 * the next ENABLE), or any ENABLE with DEVICE_ANY_GEN. Returns that gen,
 * or -1 when stopping.
 */
long device_wait_enabled(struct sim_device *dev, unsigned after_gen);

/* Sleeps ms unless stopping; false when cut short. */
bool device_sleep(struct sim_device *dev, unsigned ms);

/*
 * Waits up to ms for enabled to become want; true when it did. Used by
 * plug and unplug to report when the host has caught up.
 */
bool device_wait_link(struct sim_device *dev, bool want, unsigned ms);

#endif
