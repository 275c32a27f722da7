// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <linux/mncr_proto.h>

#include "event_pump.h"
#include "log.h"
#include "protocol.h"

void event_flood_set(struct sim_device *dev, enum evflood_kind kind,
		     unsigned long n)
{
	uint8_t truth[4] = { dev->card.present, 0, 0, 0 };

	if (kind == EVFLOOD_NONE && dev->evflood == EVFLOOD_CARD &&
	    dev->evflood_left)
		device_queue_event(dev, MNCR_EVT_CARD, truth);
	dev->evflood = kind;
	dev->evflood_left = kind == EVFLOOD_NONE ? 0 : n;
	pthread_cond_broadcast(&dev->cond);
}

/* Lock held: a flood frame is due; *flood says which (NONE: a real event). */
static bool next_flood(struct sim_device *dev, struct sim_event *ev,
		       enum evflood_kind *flood)
{
	if (!dev->evflood || !dev->evflood_left)
		return false;
	*flood = dev->evflood;
	if (dev->evflood_left != EVFLOOD_ENDLESS)
		dev->evflood_left--;
	if (*flood == EVFLOOD_CARD) {
		/* a bouncing card; stopping sends the truth */
		memset(ev, 0, sizeof(*ev));
		ev->type = MNCR_EVT_CARD;
		ev->payload[0] = (uint8_t)(dev->evflood_left & 1);
		*flood = EVFLOOD_NONE;
		if (!dev->evflood_left)
			event_flood_set(dev, EVFLOOD_NONE, 0);
	}
	return true;
}

/*
 * Waits for an event the host can take. Returns false when stopping.
 * *gen is the ENABLE generation it was taken under; *flood the kind of a
 * malformed flood frame to send instead of *ev (EVFLOOD_NONE: *ev).
 */
static bool next_event(struct sim_device *dev, struct sim_event *ev,
		       enum evflood_kind *flood, uint16_t *seq, unsigned *gen,
		       unsigned failed_gen)
{
	bool ok;

	*flood = EVFLOOD_NONE;
	device_lock(dev);
	for (;;) {
		if (dev->stopping)
			break;
		/* After a failed write, only a new ENABLE re-arms the endpoint. */
		if (dev->enabled && dev->enable_gen != failed_gen &&
		    (next_flood(dev, ev, flood) || device_next_event(dev, ev)))
			break;
		pthread_cond_wait(&dev->cond, &dev->lock);
	}
	ok = !dev->stopping;
	*seq = dev->event_seq++;
	*gen = dev->enable_gen;
	device_unlock(dev);
	return ok;
}

static void *event_thread(void *arg)
{
	struct event_pump *p = arg;
	struct sim_device *dev = p->dev;
	uint8_t frame[FAULT_EVENT_FRAME_MAX];
	unsigned gen, failed = DEVICE_ANY_GEN;
	uint64_t rng = 0x6576666c6f6f64ULL ^ (uint64_t)getpid();
	enum evflood_kind flood;
	struct sim_event ev;
	uint16_t seq;

	_Static_assert(PROTO_EVENT_FRAME <= FAULT_EVENT_FRAME_MAX, "event frame");
	while (next_event(dev, &ev, &flood, &seq, &gen, failed)) {
		size_t len = flood ? fault_event_frame(flood, frame, seq, &rng) :
				     proto_event_frame(frame, &ev, seq);
		ssize_t n;

		/* Blocks until the host polls; unbinding ends it (ESHUTDOWN). */
		do
			n = write(p->ep_int, frame, len);
		while (n < 0 && errno == EINTR);
		/* a malformed frame the host refused: the link is still up */
		if (flood && n < 0 && errno != ESHUTDOWN)
			n = (ssize_t)len;
		if (n == (ssize_t)len) {
			device_lock(dev);
			dev->events_sent++;
			device_unlock(dev);
			failed = DEVICE_ANY_GEN;
		} else {
			/* The host went away with it: a reconnecting host re-reads state. */
			failed = gen;
		}
	}
	return NULL;
}

int event_pump_start(struct event_pump *p)
{
	int err = pthread_create(&p->thread, NULL, event_thread, p);

	if (err) {
		sim_log("cannot start the event thread: %s", strerror(err));
		return -1;
	}
	p->running = true;
	return 0;
}

void event_pump_join(struct event_pump *p)
{
	if (p->running)
		pthread_join(p->thread, NULL);
	p->running = false;
}
