/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CCID interface's FunctionFS instance and its three threads: ep0
 * (class requests), bulk (one PC_to_RDR message at a time, answered by
 * the slot) and notify (RDR_to_PC_NotifySlotChange on the interrupt
 * endpoint). Card insertion and removal come from the device state (the
 * control socket and the face scanner's yank change it); both threads
 * sync the slot from there, the notify thread every CCID_SYNC_MS.
 */
#ifndef MNCR_SIM_CCID_FUNCTION_H
#define MNCR_SIM_CCID_FUNCTION_H

#include <linux/usb/ch9.h>
#include <pthread.h>
#include <stdbool.h>

#include "ccid_card.h"
#include "ccid_slot.h"
#include "device_state.h"

#define CCID_SYNC_MS		20
/* Gap between time extensions of a slow card: below a host's 0.5 s timeout. */
#define CCID_TIME_EXT_MS	250

struct ccid_function {
	int ep0, ep_out, ep_in, ep_int;
	bool attached;		/* endpoints lent by a GadgetFS device */
	int stop_fd;		/* eventfd that ends the ep0 thread */
	pthread_t ep0_thread, bulk_thread, notify_thread;
	int started;		/* threads running: joined in reverse */
	struct sim_device *dev;

	pthread_mutex_t lock;	/* slot and pki; taken before the device lock */
	struct ccid_slot slot;
	struct ccid_pki pki;
	bool pki_tried;
};

/* Marks everything closed; safe to ccid_function_close afterwards. */
void ccid_function_init(struct ccid_function *f, struct sim_device *dev);

/* Writes descriptors and strings to ep0, opens the endpoints. -1 if not. */
int ccid_function_open(struct ccid_function *f, const char *mount);
/*
 * Instead of open: the endpoints of a device that serves ep0 itself
 * (GadgetFS), which passes interface 1's class requests to
 * ccid_function_setup.
 */
int ccid_function_attach(struct ccid_function *f, int ep_out, int ep_in,
			 int ep_int);
void ccid_function_setup(struct ccid_function *f, int ep0,
			 const struct usb_ctrlrequest *req);

int ccid_function_start(struct ccid_function *f);

/* Joins the threads; the caller has set stopping and unbound the UDC. */
void ccid_function_stop(struct ccid_function *f);

void ccid_function_close(struct ccid_function *f);

#endif
