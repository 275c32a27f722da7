// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>
#include <time.h>

#include <linux/mncr.h>
#include <linux/mncr_proto.h>

#include "device_state.h"

void device_init(struct sim_device *dev, const char *serial,
		 const char *firmware, bool engine)
{
	pthread_condattr_t attr;

	memset(dev, 0, sizeof(*dev));
	pthread_mutex_init(&dev->lock, NULL);
	/* Monotonic: timed waits must not jump with the wall clock. */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&dev->cond, &attr);
	pthread_condattr_destroy(&attr);
	strncpy(dev->serial, serial, sizeof(dev->serial) - 1);
	strncpy(dev->firmware, firmware, sizeof(dev->firmware) - 1);
	dev->mode = MNCR_MODE_AUTO;
	dev->engine = engine;
	dev->fault = FAULT_NONE;
}

void device_destroy(struct sim_device *dev)
{
	explicit_bzero(&dev->card, sizeof(dev->card));
	pthread_cond_destroy(&dev->cond);
	pthread_mutex_destroy(&dev->lock);
}

void device_lock(struct sim_device *dev)
{
	pthread_mutex_lock(&dev->lock);
}

void device_unlock(struct sim_device *dev)
{
	pthread_mutex_unlock(&dev->lock);
}

void device_queue_event(struct sim_device *dev, uint8_t type,
			const uint8_t payload[4])
{
	struct sim_event *ev;

	/* Nobody to tell: the host reads the state when it configures us. */
	if (!dev->enabled)
		return;
	if (dev->q_len == SIM_EVENT_QUEUE) {
		dev->q_head = (dev->q_head + 1) % SIM_EVENT_QUEUE;
		dev->q_len--;
	}
	ev = &dev->queue[(dev->q_head + dev->q_len) % SIM_EVENT_QUEUE];
	ev->type = type;
	memcpy(ev->payload, payload, sizeof(ev->payload));
	dev->q_len++;
	pthread_cond_broadcast(&dev->cond);
}

bool device_next_event(struct sim_device *dev, struct sim_event *out)
{
	if (dev->q_len) {
		*out = dev->queue[dev->q_head];
		dev->q_head = (dev->q_head + 1) % SIM_EVENT_QUEUE;
		dev->q_len--;
		return true;
	}
	if (dev->flood_left) {
		/* A bouncing card: alternates, and the last one is the truth. */
		memset(out, 0, sizeof(*out));
		out->type = MNCR_EVT_CARD;
		out->payload[0] = dev->card.present ^ ((dev->flood_left - 1) & 1);
		dev->flood_left--;
		return true;
	}
	return false;
}

static void card_event(struct sim_device *dev, bool present)
{
	uint8_t payload[4] = { present, 0, 0, 0 };

	device_queue_event(dev, MNCR_EVT_CARD, payload);
}

void device_insert_card(struct sim_device *dev,
			const struct card_profile *profile,
			const struct card_front *front)
{
	/* Swapping cards is a removal and an insertion. */
	device_remove_card(dev);
	dev->card.present = true;
	dev->card.profile = profile;
	dev->card.front = front ? *front : profile->front;
	card_event(dev, true);
}

bool device_remove_card(struct sim_device *dev)
{
	if (!dev->card.present)
		return false;
	explicit_bzero(&dev->card, sizeof(dev->card));
	card_event(dev, false);
	return true;
}

void device_set_mode_local(struct sim_device *dev, uint8_t mode)
{
	uint8_t payload[4] = { mode, MNCR_REASON_DEVICE, 0, 0 };

	if (dev->mode == mode)
		return;
	dev->mode = mode;
	device_queue_event(dev, MNCR_EVT_MODE, payload);
}

/* A reader that loses its host (or power) comes back in auto mode. */
static void link_down(struct sim_device *dev)
{
	dev->enabled = false;
	dev->suspended = false;
	dev->mode = MNCR_MODE_AUTO;
	dev->q_len = 0;
	dev->flood_left = 0;
	pthread_cond_broadcast(&dev->cond);
}

void device_link_bind(struct sim_device *dev)
{
	dev->bound = true;
	pthread_cond_broadcast(&dev->cond);
}

void device_link_unbind(struct sim_device *dev)
{
	dev->bound = false;
	link_down(dev);
}

void device_link_enable(struct sim_device *dev)
{
	/*
	 * FunctionFS drops a pending DISABLE or UNBIND when ENABLE follows
	 * quickly, so ENABLE itself must leave the state a reset leaves: the
	 * host (re)configured us, a new session starts in auto mode.
	 */
	link_down(dev);
	dev->bound = true;
	dev->enabled = true;
	dev->enable_gen++;
	pthread_cond_broadcast(&dev->cond);
}

void device_link_disable(struct sim_device *dev)
{
	link_down(dev);
}

void device_link_suspend(struct sim_device *dev, bool suspended)
{
	dev->suspended = suspended;
	pthread_cond_broadcast(&dev->cond);
}

enum fault_kind device_take_fault(struct sim_device *dev, unsigned *delay_ms)
{
	enum fault_kind kind = dev->fault;

	*delay_ms = dev->delay_ms;
	if (kind != FAULT_NONE && dev->fault_left > 0 && --dev->fault_left == 0)
		dev->fault = FAULT_NONE;
	return kind;
}

static void deadline_after(struct timespec *ts, unsigned ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

long device_wait_enabled(struct sim_device *dev, unsigned after_gen)
{
	long gen;

	device_lock(dev);
	while (!dev->stopping &&
	       !(dev->enabled && (after_gen == DEVICE_ANY_GEN ||
				  dev->enable_gen != after_gen)))
		pthread_cond_wait(&dev->cond, &dev->lock);
	gen = dev->stopping ? -1 : (long)dev->enable_gen;
	device_unlock(dev);
	return gen;
}

bool device_sleep(struct sim_device *dev, unsigned ms)
{
	struct timespec deadline;
	int rc = 0;

	if (!ms)
		return true;
	deadline_after(&deadline, ms);
	device_lock(dev);
	while (!dev->stopping && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&dev->cond, &dev->lock, &deadline);
	rc = !dev->stopping;
	device_unlock(dev);
	return rc;
}

bool device_wait_link(struct sim_device *dev, bool want, unsigned ms)
{
	struct timespec deadline;
	bool ok;
	int rc = 0;

	deadline_after(&deadline, ms);
	device_lock(dev);
	while (!dev->stopping && dev->enabled != want && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&dev->cond, &dev->lock, &deadline);
	ok = dev->enabled == want;
	device_unlock(dev);
	return ok;
}
