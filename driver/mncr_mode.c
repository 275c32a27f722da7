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
 * All state here is under dev->mode_lock, taken before io_mutex (see the
 * lock ordering in mncr.h).
 */

#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/uaccess.h>

#include "mncr.h"

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
 * mode_lock held: end visual mode for @reason. Unless the reader is gone,
 * tell the device first; whether or not it obeys, the driver's mode is
 * AUTO afterwards, and a failure is reported as MNCR_EV_DEVICE_ERROR.
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
		mncr_emit(dev, MNCR_EV_DEVICE_ERROR, -ret);
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
 * back to AUTO with reason UNPLUG. Nobody has the node open yet.
 */
void mncr_mode_init(struct mncr_dev *dev, u32 device_mode)
{
	mutex_lock(&dev->mode_lock);
	if (device_mode == MNCR_MODE_VISUAL &&
	    mncr_dev_set_mode(dev, MNCR_MODE_AUTO, MNCR_REASON_UNPLUG))
		dev_dbg(&dev->intf->dev, "cannot end stale visual mode\n");
	dev->mode = MNCR_MODE_AUTO;
	mutex_unlock(&dev->mode_lock);
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
		if (ret)
			goto out;
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
