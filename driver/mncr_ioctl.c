// SPDX-License-Identifier: GPL-2.0
/*
 * mncr: ioctl dispatch, MNCR_IOC_INFO and MNCR_IOC_CARD_FRONT.
 *
 * Permissions: SET_MODE and CARD_FRONT need a file opened for writing
 * (-EBADF otherwise, as write(2) on such a file); INFO, GET_MODE and
 * MATCH work on any open file. After an unplug every ioctl is -ENODEV.
 */

#include <linux/fs.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "mncr.h"

static long mncr_ioctl_info(struct mncr_dev *dev, void __user *argp)
{
	struct mncr_info info;

	memset(&info, 0, sizeof(info));
	info.abi_version = MNCR_ABI_VERSION;
	info.proto_version = MNCR_PROTO_VERSION;
	info.caps = dev->caps;
	info.mode = READ_ONCE(dev->mode);
	info.card_present = READ_ONCE(dev->card_present);
	info.visual_timeout_ms =
		mncr_effective_timeout_ms(READ_ONCE(dev->visual_timeout_ms));
	info.match_max_dim = MNCR_MATCH_MAX_DIM;
	info.match_max_scores = MNCR_MATCH_MAX_SCORES;
	strscpy(info.serial, dev->serial, sizeof(info.serial));
	strscpy(info.firmware, dev->firmware, sizeof(info.firmware));
	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
}

/* Sensitive: the fields are never logged and every kernel copy is wiped. */
static long mncr_ioctl_card_front(struct mncr_dev *dev, void __user *argp)
{
	struct mncr_card_front cf;
	long ret;

	if (!(dev->caps & MNCR_CAP_CARD_FRONT))
		return -EOPNOTSUPP;
	memset(&cf, 0, sizeof(cf));
	ret = mncr_dev_card_front(dev, &cf);
	if (!ret && copy_to_user(argp, &cf, sizeof(cf)))
		ret = -EFAULT;
	memzero_explicit(&cf, sizeof(cf));
	return ret;
}

long mncr_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct mncr_file *f = file->private_data;
	struct mncr_dev *dev = f->dev;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case MNCR_IOC_INFO:
	case MNCR_IOC_GET_MODE:
	case MNCR_IOC_MATCH:
		break;
	case MNCR_IOC_SET_MODE:
	case MNCR_IOC_CARD_FRONT:
		if (!(file->f_mode & FMODE_WRITE))
			return -EBADF;
		break;
	default:
		return -ENOTTY;
	}
	if (READ_ONCE(dev->disconnected))
		return -ENODEV;

	switch (cmd) {
	case MNCR_IOC_INFO:
		return mncr_ioctl_info(dev, argp);
	case MNCR_IOC_GET_MODE:
		return mncr_ioctl_get_mode(dev, argp);
	case MNCR_IOC_SET_MODE:
		return mncr_ioctl_set_mode(f, argp);
	case MNCR_IOC_CARD_FRONT:
		return mncr_ioctl_card_front(dev, argp);
	default:
		return mncr_ioctl_match(dev, argp);
	}
}
