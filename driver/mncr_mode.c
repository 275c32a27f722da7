// SPDX-License-Identifier: GPL-2.0
/*
 * mncr: reader mode and the visual-mode lease.
 *
 * Visual mode (目視確認) is a lease held by the struct file that asked for
 * it. The kernel ends it, switching the reader back to AUTO and telling
 * every open file why, when:
 *   - the card is removed (the end of the card session),
 *   - the lease times out (delayed work),
 *   - the holder's file is released (unless MNCR_MODE_F_DETACH),
 *   - a writer asks for AUTO,
 *   - the reader is unplugged, or the system is about to sleep (PM
 *     notifier, while user space still runs) or the reader is suspended.
 * A mode change made on the device itself is mirrored with reason DEVICE;
 * a device-initiated visual mode has no holder but the same timeout and
 * card-session limits. At probe the reader is put back to AUTO.
 *
 * The driver and the reader must not disagree about the mode: a mode
 * command whose answer is lost may have run, so after one the driver
 * re-reads the reader and switches it to AUTO if it is visual with no
 * lease here, or resets a reader that no longer answers.
 *
 * All state here is under dev->mode_lock, taken before io_mutex (see the
 * lock ordering in mncr.h).
 */

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/uaccess.h>

#include "mncr.h"

#define MNCR_RESYNC_TRIES	3	/* rounds before the reader is reset */
#define MNCR_RESYNC_BACKOFF_MS	100	/* then 200 ms between rounds */

/* Lease length for a request of @ms (0: the reader's default), capped. */
u32 mncr_effective_timeout_ms(u32 ms)
{
	u32 cap = max(READ_ONCE(mncr_max_visual_timeout_ms), 1U);

	return min(ms, cap);
}

/* mode_lock held */
static void mncr_lease_arm(struct mncr_dev *dev, u32 ms)
{
	unsigned long delay = msecs_to_jiffies(ms);

	dev->lease_expires = jiffies + delay;
	mod_delayed_work(system_wq, &dev->lease_work, delay);
}

/*
 * A failed mode command whose answer was lost or unreadable may or may not
 * have run on the reader. A status answer (busy, bad argument, ...) means
 * it did not, and -ENODEV means the reader is gone (it starts in AUTO).
 */
static bool mncr_answer_lost(int err)
{
	return err == -ETIMEDOUT || err == -EPROTO || err == -EIO;
}

/*
 * Re-read the reader's mode and switch it to AUTO while it reports visual,
 * MNCR_RESYNC_TRIES rounds with back-off. Returns 0 once the reader said
 * AUTO (*was_visual: it had to be switched), else the last error.
 */
static int mncr_reader_to_auto(struct mncr_dev *dev, u32 reason,
			       bool *was_visual)
{
	u32 mode, card;
	int i, ret = -EIO;

	*was_visual = false;
	for (i = 0; i < MNCR_RESYNC_TRIES; i++) {
		if (i)
			msleep(MNCR_RESYNC_BACKOFF_MS << (i - 1));
		ret = mncr_dev_get_status(dev, &mode, &card);
		if (!ret && mode == MNCR_MODE_AUTO)
			return 0;
		if (!ret) {
			*was_visual = true;
			ret = mncr_dev_set_mode(dev, MNCR_MODE_AUTO, reason);
			if (!ret)
				return 0;
		}
		if (ret == -ENODEV)
			break;
	}
	return ret;
}

/*
 * mode_lock held, the driver's mode AUTO: a mode command failed with @err,
 * so the reader may be in visual mode with no lease here, where nothing
 * would ever end it. Bring it to AUTO; a reader that does not answer is
 * reset, which ends visual mode (device-protocol.rst), except on the way
 * to sleep. Listeners get DEVICE_ERROR, and MODE_CHANGED (RESYNC) when the
 * reader was found visual or reset. Returns 0 once the reader said AUTO.
 */
static int mncr_resync_locked(struct mncr_dev *dev, int err, u32 reason)
{
	bool was_visual;
	int ret;

	lockdep_assert_held(&dev->mode_lock);
	mncr_emit(dev, MNCR_EV_DEVICE_ERROR, -err);
	if (!mncr_answer_lost(err) || dev->disconnected)
		return err;
	ret = mncr_reader_to_auto(dev, MNCR_REASON_RESYNC, &was_visual);
	if (ret && ret != -ENODEV && reason != MNCR_REASON_SUSPEND) {
		dev_warn(&dev->intf->dev,
			 "reader does not answer (%d): resetting it to end visual mode\n",
			 ret);
		usb_queue_reset_device(dev->intf);
		was_visual = true;
	}
	if (was_visual)
		mncr_emit(dev, MNCR_EV_MODE_CHANGED, MNCR_REASON_RESYNC);
	return ret;
}

/*
 * mode_lock held: end visual mode for @reason. Unless the reader is gone,
 * tell the device first; whether or not it obeys, the driver's mode is
 * AUTO afterwards, and a failure is resynchronised (above). Returns 0 once
 * the reader confirmed AUTO.
 */
static int mncr_revert_locked(struct mncr_dev *dev, u32 reason,
			      bool tell_device)
{
	int ret = 0;

	lockdep_assert_held(&dev->mode_lock);
	dev->lease_holder = NULL;
	dev->lease_flags = 0;
	if (dev->mode != MNCR_MODE_VISUAL)
		return 0;
	if (tell_device)
		ret = mncr_dev_set_mode(dev, MNCR_MODE_AUTO, reason);
	WRITE_ONCE(dev->mode, MNCR_MODE_AUTO);
	cancel_delayed_work(&dev->lease_work);
	mncr_emit(dev, MNCR_EV_MODE_CHANGED, reason);
	if (ret) {
		dev_dbg(&dev->intf->dev, "revert (reason %u) not confirmed: %d\n",
			reason, ret);
		ret = mncr_resync_locked(dev, ret, reason);
	}
	return ret;
}

void mncr_lease_work(struct work_struct *work)
{
	struct mncr_dev *dev = container_of(to_delayed_work(work),
					    struct mncr_dev, lease_work);

	mutex_lock(&dev->mode_lock);
	if (dev->mode == MNCR_MODE_VISUAL && !dev->disconnected) {
		if (time_before(jiffies, dev->lease_expires))
			mod_delayed_work(system_wq, &dev->lease_work,
					 dev->lease_expires - jiffies);
		else
			mncr_revert_locked(dev, MNCR_REASON_TIMEOUT, true);
	}
	mutex_unlock(&dev->mode_lock);
}

/*
 * Probe: no lease exists on this host yet, so a reader still in visual
 * mode (e.g. unplugged while leased, which it could not be told) is put
 * back to AUTO with reason UNPLUG. Nobody has the node open yet. A reader
 * that cannot be brought to AUTO is refused.
 */
int mncr_mode_init(struct mncr_dev *dev, u32 device_mode)
{
	bool was_visual;
	int ret = 0;

	mutex_lock(&dev->mode_lock);
	if (device_mode == MNCR_MODE_VISUAL &&
	    mncr_dev_set_mode(dev, MNCR_MODE_AUTO, MNCR_REASON_UNPLUG))
		ret = mncr_reader_to_auto(dev, MNCR_REASON_UNPLUG, &was_visual);
	dev->mode = MNCR_MODE_AUTO;
	mutex_unlock(&dev->mode_lock);
	return ret;
}

long mncr_ioctl_get_mode(struct mncr_dev *dev, void __user *argp)
{
	struct mncr_mode m = { 0 };

	if (mutex_lock_interruptible(&dev->mode_lock))
		return -ERESTARTSYS;
	m.mode = dev->mode;
	if (dev->mode == MNCR_MODE_VISUAL) {
		long left = (long)(dev->lease_expires - jiffies);

		m.timeout_ms = left > 0 ? jiffies_to_msecs(left) : 0;
		m.flags = dev->lease_flags;
	}
	mutex_unlock(&dev->mode_lock);
	return copy_to_user(argp, &m, sizeof(m)) ? -EFAULT : 0;
}

/* Caller checked FMODE_WRITE. */
long mncr_ioctl_set_mode(struct mncr_file *f, void __user *argp)
{
	struct mncr_dev *dev = f->dev;
	struct mncr_mode m;
	u32 ms;
	int ret = 0;

	if (copy_from_user(&m, argp, sizeof(m)))
		return -EFAULT;
	if (m.reserved || (m.flags & ~MNCR_MODE_F_DETACH) ||
	    m.mode > MNCR_MODE_VISUAL)
		return -EINVAL;
	ms = mncr_effective_timeout_ms(m.timeout_ms ? m.timeout_ms :
				       READ_ONCE(dev->visual_timeout_ms));

	if (mutex_lock_interruptible(&dev->mode_lock))
		return -ERESTARTSYS;
	if (dev->disconnected) {
		ret = -ENODEV;
		goto out;
	}

	if (m.mode == MNCR_MODE_AUTO) {
		ret = mncr_revert_locked(dev, MNCR_REASON_REQUEST, true);
		goto out;
	}

	if (dev->mode == MNCR_MODE_VISUAL) {
		/* held by another file: busy; own or unheld: renew/take over */
		if (dev->lease_holder && dev->lease_holder != f) {
			ret = -EBUSY;
			goto out;
		}
	} else {
		ret = mncr_dev_set_mode(dev, MNCR_MODE_VISUAL,
					MNCR_REASON_REQUEST);
		if (ret) {
			/* it may have run: never leave it visual, unleased */
			if (mncr_answer_lost(ret))
				mncr_resync_locked(dev, ret, MNCR_REASON_REQUEST);
			goto out;
		}
		WRITE_ONCE(dev->mode, MNCR_MODE_VISUAL);
		mncr_emit(dev, MNCR_EV_MODE_CHANGED, MNCR_REASON_REQUEST);
	}
	dev->lease_holder = f;
	dev->lease_flags = m.flags;
	mncr_lease_arm(dev, ms);
out:
	mutex_unlock(&dev->mode_lock);
	return ret;
}

/* release() of @f: a lease it holds ends, unless it was detached. */
void mncr_mode_file_closed(struct mncr_file *f)
{
	struct mncr_dev *dev = f->dev;

	mutex_lock(&dev->mode_lock);
	if (dev->lease_holder == f) {
		if ((dev->lease_flags & MNCR_MODE_F_DETACH) || dev->disconnected)
			dev->lease_holder = NULL;
		else
			mncr_revert_locked(dev, MNCR_REASON_HOLDER_CLOSED, true);
	}
	mutex_unlock(&dev->mode_lock);
}

/*
 * End visual mode for @reason, telling the device: the card session ended
 * (evt_work) or the system is about to sleep (PM notifier).
 */
void mncr_mode_end(struct mncr_dev *dev, u32 reason)
{
	mutex_lock(&dev->mode_lock);
	if (!dev->disconnected)
		mncr_revert_locked(dev, reason, true);
	mutex_unlock(&dev->mode_lock);
}

/* evt_work: the device reports its mode; mirror a change. */
void mncr_mode_device_changed(struct mncr_dev *dev, u32 mode)
{
	mutex_lock(&dev->mode_lock);
	if (dev->disconnected || mode == dev->mode)
		goto out;
	if (mode == MNCR_MODE_AUTO) {
		mncr_revert_locked(dev, MNCR_REASON_DEVICE, false);
	} else {
		WRITE_ONCE(dev->mode, MNCR_MODE_VISUAL);
		dev->lease_holder = NULL;
		dev->lease_flags = 0;
		mncr_lease_arm(dev, mncr_effective_timeout_ms(READ_ONCE(dev->visual_timeout_ms)));
		mncr_emit(dev, MNCR_EV_MODE_CHANGED, MNCR_REASON_DEVICE);
	}
out:
	mutex_unlock(&dev->mode_lock);
}

/*
 * disconnect(): no more device I/O from here on, the mode becomes AUTO
 * (reason UNPLUG) and the lease timer is gone when this returns.
 */
void mncr_mode_disconnect(struct mncr_dev *dev)
{
	mutex_lock(&dev->mode_lock);
	mutex_lock(&dev->io_mutex);
	dev->disconnected = true;
	mutex_unlock(&dev->io_mutex);
	mncr_revert_locked(dev, MNCR_REASON_UNPLUG, false);
	mutex_unlock(&dev->mode_lock);
	cancel_delayed_work_sync(&dev->lease_work);
}

/* suspend(): end visual mode (reason SUSPEND), then stop device I/O. */
void mncr_mode_suspend(struct mncr_dev *dev)
{
	mutex_lock(&dev->mode_lock);
	mncr_revert_locked(dev, MNCR_REASON_SUSPEND, true);
	mutex_lock(&dev->io_mutex);
	dev->suspended = true;
	mutex_unlock(&dev->io_mutex);
	mutex_unlock(&dev->mode_lock);
	cancel_delayed_work_sync(&dev->lease_work);
}

void mncr_mode_resume(struct mncr_dev *dev)
{
	mutex_lock(&dev->io_mutex);
	dev->suspended = false;
	dev->stale = true;
	mutex_unlock(&dev->io_mutex);
}
