// SPDX-License-Identifier: GPL-2.0
/*
 * mncr: device events and their fan-out to open files.
 *
 * The interrupt IN URB completion only validates a frame and appends it,
 * decoded, to a small ring (raw_lock, irq-safe); evt_work handles the ring
 * in order in process context (card state, lease revert on card removal,
 * device mode changes, errors) and emits records with mncr_emit(). Every
 * open file has its own bounded queue; a full queue drops its oldest
 * record and the file's next read() starts with MNCR_EV_OVERFLOW.
 * Records carry the reader's event sequence number: strictly increasing
 * in every file, the same for one event in all files. Device events lost
 * before they reach a file (a gap in the device's event seq, or this
 * ring full) become an MNCR_EV_OVERFLOW record for every file, in place.
 */

#include <linux/ktime.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mncr.h"

#define MNCR_READ_BATCH	16	/* records copied to user per lock round */

/* ev_lock held. Drops the oldest record when the queue is full. */
static void mncr_file_push(struct mncr_file *f, const struct mncr_event *ev)
{
	if (f->count == MNCR_EVQ_LEN) {
		const struct mncr_event *old = &f->q[f->head];

		/* a dropped OVERFLOW record stands for the events it counted */
		f->lost += old->type == MNCR_EV_OVERFLOW ? old->lost : 1;
		f->lost_seq = old->seq;
		f->head = (f->head + 1) % MNCR_EVQ_LEN;
		f->count--;
	}
	f->q[(f->head + f->count) % MNCR_EVQ_LEN] = *ev;
	f->count++;
}

static void mncr_emit_record(struct mncr_dev *dev, u32 type, u32 reason,
			     u32 lost)
{
	struct mncr_event ev = {
		.type = type,
		.reason = reason,
		.mode = READ_ONCE(dev->mode),
		.lost = lost,
		.time_ns = ktime_get_ns(),
	};
	struct mncr_file *f;

	spin_lock(&dev->ev_lock);
	if (dev->ev_dead) {
		spin_unlock(&dev->ev_lock);
		return;
	}
	ev.seq = ++dev->ev_seq;
	list_for_each_entry(f, &dev->files, node)
		mncr_file_push(f, &ev);
	spin_unlock(&dev->ev_lock);
	wake_up_interruptible_poll(&dev->ev_wait, EPOLLIN | EPOLLRDNORM);
}

/**
 * mncr_emit() - queue one event record for every open file
 * @dev: the reader
 * @type: MNCR_EV_*
 * @reason: MNCR_REASON_* or a positive errno
 *
 * Process context. The record's mode is the reader's mode at this point.
 */
void mncr_emit(struct mncr_dev *dev, u32 type, u32 reason)
{
	mncr_emit_record(dev, type, reason, 0);
}

/* ---- interrupt URB ---- */

/* Atomic context: validate and decode one event frame into the ring. */
static void mncr_raw_add(struct mncr_dev *dev, const u8 *buf,
			 unsigned int len)
{
	const struct mncr_frame_hdr *h = (const struct mncr_frame_hdr *)buf;
	struct mncr_raw_event ev = { 0 };
	const u8 *p = buf + sizeof(*h);
	unsigned long flags;
	u16 seq, gap;
	u32 plen;

	if (len < sizeof(*h))
		goto bad;
	plen = le32_to_cpu(h->len);
	if (le16_to_cpu(h->magic) != MNCR_PROTO_MAGIC ||
	    h->version != MNCR_PROTO_VERSION || h->status ||
	    plen > MNCR_PROTO_MAX_EVENT || plen != len - sizeof(*h))
		goto bad;

	ev.type = h->type;
	switch (h->type) {
	case MNCR_EVT_CARD:
		if (plen < sizeof(struct mncr_wire_evt_card) || p[0] > 1)
			goto bad;
		ev.arg = p[0];
		break;
	case MNCR_EVT_MODE:
		if (plen < sizeof(struct mncr_wire_evt_mode) ||
		    p[0] > MNCR_MODE_VISUAL)
			goto bad;
		ev.arg = p[0];
		break;
	case MNCR_EVT_ERROR:
		if (plen < sizeof(struct mncr_wire_evt_error))
			goto bad;
		/* int_buf is kmalloc()ed: the payload at 12 is aligned */
		ev.code = le32_to_cpup((const __le32 *)p);
		if (!ev.code || ev.code > MAX_ERRNO)
			goto bad;
		break;
	default:
		goto bad;
	}

	spin_lock_irqsave(&dev->raw_lock, flags);
	/* the device numbers its events: a gap is events it dropped */
	seq = le16_to_cpu(h->seq);
	gap = (u16)(seq - dev->evt_seq_next);
	if (dev->evt_seq_valid && gap && gap < 0x8000) {
		ev.dropped_before = gap;
		atomic_add(gap, &dev->ev_lost);
	}
	dev->evt_seq_next = seq + 1;
	dev->evt_seq_valid = true;

	if (dev->raw_count == MNCR_RAW_LEN) {
		struct mncr_raw_event *last = &dev->raw[(dev->raw_head +
			MNCR_RAW_LEN - 1) % MNCR_RAW_LEN];

		last->dropped_after = min_t(u32, U16_MAX, last->dropped_after +
					    1 + ev.dropped_before);
		atomic_inc(&dev->ev_lost);
	} else {
		dev->raw[(dev->raw_head + dev->raw_count) % MNCR_RAW_LEN] = ev;
		dev->raw_count++;
	}
	spin_unlock_irqrestore(&dev->raw_lock, flags);
	schedule_work(&dev->evt_work);
	return;

bad:
	atomic_inc(&dev->ev_malformed);
	dev_warn_ratelimited(&dev->intf->dev,
			     "dropped malformed event (%u bytes)\n", len);
}

void mncr_int_complete(struct urb *urb)
{
	struct mncr_dev *dev = urb->context;
	unsigned long flags;
	int ret;

	switch (urb->status) {
	case 0:
		mncr_raw_add(dev, dev->int_buf, urb->actual_length);
		break;
	case -ENOENT:		/* killed or poisoned */
	case -ECONNRESET:	/* unlinked */
	case -ESHUTDOWN:	/* endpoint disabled, unplug */
	case -ENODEV:
		return;
	case -EPIPE:		/* halted: clear it from process context */
		spin_lock_irqsave(&dev->raw_lock, flags);
		dev->int_halted = true;
		spin_unlock_irqrestore(&dev->raw_lock, flags);
		schedule_work(&dev->evt_work);
		return;
	case -EOVERFLOW:	/* event larger than a packet */
		atomic_inc(&dev->ev_malformed);
		break;
	default:
		dev_dbg(&dev->intf->dev, "event URB status %d\n", urb->status);
		break;
	}

	ret = usb_submit_urb(urb, GFP_ATOMIC);
	if (ret && ret != -EPERM && ret != -ENODEV && ret != -ESHUTDOWN)
		dev_err_ratelimited(&dev->intf->dev,
				    "cannot resubmit event URB: %d\n", ret);
}

/* ---- evt_work ---- */

static void mncr_handle_raw(struct mncr_dev *dev,
			    const struct mncr_raw_event *ev)
{
	if (ev->dropped_before)
		mncr_emit_record(dev, MNCR_EV_OVERFLOW, 0, ev->dropped_before);
	switch (ev->type) {
	case MNCR_EVT_CARD:
		WRITE_ONCE(dev->card_present, ev->arg);
		if (ev->arg) {
			mncr_emit(dev, MNCR_EV_CARD_INSERTED, 0);
		} else {
			mncr_emit(dev, MNCR_EV_CARD_REMOVED, 0);
			mncr_mode_end(dev, MNCR_REASON_CARD_REMOVED);
		}
		break;
	case MNCR_EVT_MODE:
		mncr_mode_device_changed(dev, ev->arg);
		break;
	case MNCR_EVT_ERROR:
		mncr_emit(dev, MNCR_EV_DEVICE_ERROR, ev->code);
		break;
	}
	if (ev->dropped_after)
		mncr_emit_record(dev, MNCR_EV_OVERFLOW, 0, ev->dropped_after);
}

/* After resume: the card may have come or gone while we were away. */
static void mncr_refresh_status(struct mncr_dev *dev)
{
	u32 mode, card;

	if (mncr_dev_get_status(dev, &mode, &card))
		return;
	if (card == READ_ONCE(dev->card_present))
		return;
	WRITE_ONCE(dev->card_present, card);
	if (card) {
		mncr_emit(dev, MNCR_EV_CARD_INSERTED, 0);
	} else {
		mncr_emit(dev, MNCR_EV_CARD_REMOVED, 0);
		mncr_mode_end(dev, MNCR_REASON_CARD_REMOVED);
	}
}

void mncr_evt_work(struct work_struct *work)
{
	struct mncr_dev *dev = container_of(work, struct mncr_dev, evt_work);
	struct mncr_raw_event ev;
	bool halted, status;
	int i;

	spin_lock_irq(&dev->raw_lock);
	halted = dev->int_halted;
	dev->int_halted = false;
	status = dev->need_status;
	dev->need_status = false;
	spin_unlock_irq(&dev->raw_lock);

	if (halted) {
		usb_clear_halt(dev->udev, dev->int_pipe);
		/* fails harmlessly once the URB is poisoned */
		usb_submit_urb(dev->int_urb, GFP_NOIO);
	}
	if (status)
		mncr_refresh_status(dev);

	for (i = 0; i < MNCR_EVT_BATCH; i++) {
		spin_lock_irq(&dev->raw_lock);
		if (!dev->raw_count) {
			spin_unlock_irq(&dev->raw_lock);
			return;
		}
		ev = dev->raw[dev->raw_head];
		dev->raw_head = (dev->raw_head + 1) % MNCR_RAW_LEN;
		dev->raw_count--;
		spin_unlock_irq(&dev->raw_lock);

		mncr_handle_raw(dev, &ev);
	}
	/* more pending: yield to other work, then carry on */
	schedule_work(&dev->evt_work);
}

/* ---- per-file queues, read(), poll() ---- */

int mncr_events_open(struct mncr_dev *dev, struct mncr_file *f)
{
	int ret = 0;

	mutex_init(&f->read_mutex);
	spin_lock(&dev->ev_lock);
	if (dev->ev_dead)
		ret = -ENODEV;
	else
		list_add_tail(&f->node, &dev->files);
	spin_unlock(&dev->ev_lock);
	return ret;
}

void mncr_events_close(struct mncr_file *f)
{
	struct mncr_dev *dev = f->dev;

	spin_lock(&dev->ev_lock);
	list_del(&f->node);
	spin_unlock(&dev->ev_lock);
	mutex_destroy(&f->read_mutex);
}

/* disconnect(): no more records; readers drain their queue, then -ENODEV. */
void mncr_events_hangup(struct mncr_dev *dev)
{
	spin_lock(&dev->ev_lock);
	dev->ev_dead = true;
	spin_unlock(&dev->ev_lock);
	wake_up_interruptible_all(&dev->ev_wait);
}

static bool mncr_file_ready(struct mncr_file *f)
{
	struct mncr_dev *dev = f->dev;
	bool ready;

	spin_lock(&dev->ev_lock);
	ready = f->count || f->lost || dev->ev_dead;
	spin_unlock(&dev->ev_lock);
	return ready;
}

/* ev_lock held: move up to @max records into @out. */
static unsigned int mncr_file_take(struct mncr_file *f,
				   struct mncr_event *out, unsigned int max)
{
	unsigned int n = 0;

	if (f->lost && max) {
		out[n++] = (struct mncr_event) {
			.type = MNCR_EV_OVERFLOW,
			.mode = READ_ONCE(f->dev->mode),
			.lost = f->lost,
			.seq = f->lost_seq,
			.time_ns = ktime_get_ns(),
		};
		f->lost = 0;
	}
	while (n < max && f->count) {
		out[n++] = f->q[f->head];
		f->head = (f->head + 1) % MNCR_EVQ_LEN;
		f->count--;
	}
	return n;
}

/* ev_lock held: records taken but not delivered count as lost. */
static void mncr_file_untake(struct mncr_file *f,
			     const struct mncr_event *ev, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		f->lost += ev[i].type == MNCR_EV_OVERFLOW ? ev[i].lost : 1;
		if (ev[i].seq > f->lost_seq)
			f->lost_seq = ev[i].seq;
	}
}

ssize_t mncr_read(struct file *file, char __user *buf, size_t count,
		  loff_t *ppos)
{
	struct mncr_file *f = file->private_data;
	struct mncr_dev *dev = f->dev;
	struct mncr_event ev[MNCR_READ_BATCH];
	unsigned int max, n, done;
	size_t left;
	bool dead;
	int ret;

	if (count < sizeof(struct mncr_event))
		return -EINVAL;
	max = min_t(size_t, count / sizeof(struct mncr_event),
		    MNCR_READ_BATCH);

	if (mutex_lock_interruptible(&f->read_mutex))
		return -ERESTARTSYS;
	for (;;) {
		spin_lock(&dev->ev_lock);
		n = mncr_file_take(f, ev, max);
		dead = dev->ev_dead;
		spin_unlock(&dev->ev_lock);
		if (n)
			break;
		if (dead) {
			ret = -ENODEV;
			goto out;
		}
		if (file->f_flags & O_NONBLOCK) {
			ret = -EAGAIN;
			goto out;
		}
		mutex_unlock(&f->read_mutex);
		if (wait_event_interruptible(dev->ev_wait, mncr_file_ready(f)))
			return -ERESTARTSYS;
		if (mutex_lock_interruptible(&f->read_mutex))
			return -ERESTARTSYS;
	}

	left = copy_to_user(buf, ev, n * sizeof(ev[0]));
	done = n - DIV_ROUND_UP(left, sizeof(ev[0]));
	if (done < n) {
		spin_lock(&dev->ev_lock);
		mncr_file_untake(f, ev + done, n - done);
		spin_unlock(&dev->ev_lock);
	}
	ret = done ? done * sizeof(ev[0]) : -EFAULT;
out:
	mutex_unlock(&f->read_mutex);
	return ret;
}

__poll_t mncr_poll(struct file *file, struct poll_table_struct *wait)
{
	struct mncr_file *f = file->private_data;
	struct mncr_dev *dev = f->dev;
	__poll_t mask = 0;

	poll_wait(file, &dev->ev_wait, wait);
	spin_lock(&dev->ev_lock);
	if (f->count || f->lost)
		mask |= EPOLLIN | EPOLLRDNORM;
	if (dev->ev_dead)
		mask |= EPOLLHUP | EPOLLERR;
	spin_unlock(&dev->ev_lock);
	return mask;
}
