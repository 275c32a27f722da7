// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "event_pump.h"
#include "log.h"
#include "protocol.h"

/*
 * Waits for an event the host can take. Returns false when stopping.
 * *gen is the ENABLE generation it was taken under.
 */
static bool next_event(struct sim_device *dev, struct sim_event *ev,
		       uint16_t *seq, unsigned *gen, unsigned failed_gen)
{
	bool ok;

	device_lock(dev);
	for (;;) {
		if (dev->stopping)
			break;
		/* After a failed write, only a new ENABLE re-arms the endpoint. */
		if (dev->enabled && dev->enable_gen != failed_gen &&
		    device_next_event(dev, ev))
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
	uint8_t frame[PROTO_EVENT_FRAME];
	unsigned gen, failed = DEVICE_ANY_GEN;
	struct sim_event ev;
	uint16_t seq;

	while (next_event(dev, &ev, &seq, &gen, failed)) {
		size_t len = proto_event_frame(frame, &ev, seq);
		ssize_t n;

		/* Blocks until the host polls; unbinding ends it (ESHUTDOWN). */
		do
			n = write(p->ep_int, frame, len);
		while (n < 0 && errno == EINTR);
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
