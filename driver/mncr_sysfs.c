// SPDX-License-Identifier: GPL-2.0
/*
 * mncr: sysfs attributes of the class device /sys/class/mncr/mncrN.
 *
 * Its "device" link is the USB interface (whose parent is the USB device),
 * so userspace finds the same reader's CCID and UVC interfaces as
 * siblings. The attributes exist exactly while the reader is bound:
 * disconnect() removes the class device before it drops its reference,
 * and device removal waits for running show/store calls.
 */

#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/sysfs.h>

#include "mncr.h"

static struct mncr_dev *to_mncr(struct device *d)
{
	return dev_get_drvdata(d);
}

static ssize_t mode_show(struct device *d, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  READ_ONCE(to_mncr(d)->mode) == MNCR_MODE_VISUAL ?
			  "visual" : "auto");
}
static DEVICE_ATTR_RO(mode);

static ssize_t serial_show(struct device *d, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", to_mncr(d)->serial);
}
static DEVICE_ATTR_RO(serial);

static ssize_t firmware_show(struct device *d, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%s\n", to_mncr(d)->firmware);
}
static DEVICE_ATTR_RO(firmware);

static ssize_t card_present_show(struct device *d,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(to_mncr(d)->card_present));
}
static DEVICE_ATTR_RO(card_present);

static ssize_t visual_timeout_ms_show(struct device *d,
				      struct device_attribute *attr,
				      char *buf)
{
	struct mncr_dev *dev = to_mncr(d);

	return sysfs_emit(buf, "%u\n",
			  mncr_effective_timeout_ms(READ_ONCE(dev->visual_timeout_ms)));
}

/* 1 .. max_visual_timeout_ms; root only (mode 0644). */
static ssize_t visual_timeout_ms_store(struct device *d,
				       struct device_attribute *attr,
				       const char *buf, size_t count)
{
	struct mncr_dev *dev = to_mncr(d);
	u32 ms;
	int ret;

	ret = kstrtou32(buf, 0, &ms);
	if (ret)
		return ret;
	if (!ms || ms > READ_ONCE(mncr_max_visual_timeout_ms))
		return -EINVAL;
	WRITE_ONCE(dev->visual_timeout_ms, ms);
	return count;
}
static DEVICE_ATTR_RW(visual_timeout_ms);

static const char * const mncr_cap_names[] = {
	"match_engine", "card_front", "ccid", "camera",
};

/* "0x0000000f match_engine card_front ccid camera" */
static ssize_t capabilities_show(struct device *d,
				 struct device_attribute *attr, char *buf)
{
	u32 caps = to_mncr(d)->caps;
	ssize_t len;
	unsigned int i;

	len = sysfs_emit(buf, "0x%08x", caps);
	for (i = 0; i < ARRAY_SIZE(mncr_cap_names); i++)
		if (caps & BIT(i))
			len += sysfs_emit_at(buf, len, " %s", mncr_cap_names[i]);
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}
static DEVICE_ATTR_RO(capabilities);

static ssize_t protocol_version_show(struct device *d,
				     struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", MNCR_PROTO_VERSION);
}
static DEVICE_ATTR_RO(protocol_version);

static ssize_t match_device_limits_show(struct device *d,
					struct device_attribute *attr,
					char *buf)
{
	struct mncr_dev *dev = to_mncr(d);

	return sysfs_emit(buf, "%u %u\n", dev->dev_max_dim,
			  dev->dev_max_vectors);
}
static DEVICE_ATTR_RO(match_device_limits);

static ssize_t events_malformed_show(struct device *d,
				     struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&to_mncr(d)->ev_malformed));
}
static DEVICE_ATTR_RO(events_malformed);

static ssize_t events_lost_show(struct device *d,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&to_mncr(d)->ev_lost));
}
static DEVICE_ATTR_RO(events_lost);

static struct attribute *mncr_attrs[] = {
	&dev_attr_mode.attr,
	&dev_attr_serial.attr,
	&dev_attr_firmware.attr,
	&dev_attr_card_present.attr,
	&dev_attr_visual_timeout_ms.attr,
	&dev_attr_capabilities.attr,
	&dev_attr_protocol_version.attr,
	&dev_attr_match_device_limits.attr,
	&dev_attr_events_malformed.attr,
	&dev_attr_events_lost.attr,
	NULL
};

static const struct attribute_group mncr_group = {
	.attrs = mncr_attrs,
};

const struct attribute_group *mncr_groups[] = {
	&mncr_group,
	NULL
};
