// SPDX-License-Identifier: GPL-2.0
/*
 * mncr: USB binding, reader lifetime and the character device.
 *
 * Binds interface 0 (vendor class) of the face-recognition My Number Card
 * reader only; its CCID and UVC interfaces stay with their own drivers.
 * One /dev/mncrN per reader. Lifetime and lock ordering: see mncr.h.
 */

#include <linux/cdev.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/suspend.h>
#include <linux/usb.h>

#include "mncr.h"

unsigned int mncr_max_visual_timeout_ms = 600000;
module_param_named(max_visual_timeout_ms, mncr_max_visual_timeout_ms, uint,
		   0644);
MODULE_PARM_DESC(max_visual_timeout_ms,
		 "Upper limit of a visual-mode lease in ms (default 600000)");

bool mncr_use_simd = true;
module_param_named(simd, mncr_use_simd, bool, 0644);
MODULE_PARM_DESC(simd, "Use AVX2 for kernel-side matching when available (default Y)");

static dev_t mncr_devt;
static struct cdev mncr_cdev;
static DEFINE_IDA(mncr_ida);
static DEFINE_MUTEX(mncr_table_lock);
static struct mncr_dev *mncr_table[MNCR_MAX_DEVICES];

static struct class mncr_class = {
	.name = "mncr",
	.dev_groups = mncr_groups,
};

static void mncr_dev_release(struct kref *kref)
{
	struct mncr_dev *dev = container_of(kref, struct mncr_dev, kref);

	usb_free_urb(dev->int_urb);
	usb_free_urb(dev->in_urb);
	usb_free_urb(dev->out_urb);
	kfree(dev->int_buf);
	kfree(dev->rsp_buf);
	kfree(dev->cmd_buf);
	usb_put_intf(dev->intf);
	usb_put_dev(dev->udev);
	if (dev->minor >= 0)
		ida_free(&mncr_ida, dev->minor);
	mutex_destroy(&dev->io_mutex);
	mutex_destroy(&dev->mode_lock);
	kfree(dev);
}

void mncr_dev_put(struct mncr_dev *dev)
{
	kref_put(&dev->kref, mncr_dev_release);
}

/* ---- character device ---- */

static int mncr_open(struct inode *inode, struct file *file)
{
	unsigned int minor = iminor(inode);
	struct mncr_dev *dev = NULL;
	struct mncr_file *f;
	int ret;

	mutex_lock(&mncr_table_lock);
	if (minor < MNCR_MAX_DEVICES)
		dev = mncr_table[minor];
	if (dev)
		kref_get(&dev->kref);
	mutex_unlock(&mncr_table_lock);
	if (!dev)
		return -ENODEV;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f) {
		ret = -ENOMEM;
		goto err_put;
	}
	f->dev = dev;
	ret = mncr_events_open(dev, f);
	if (ret)
		goto err_free;
	file->private_data = f;
	return stream_open(inode, file);

err_free:
	kfree(f);
err_put:
	mncr_dev_put(dev);
	return ret;
}

static int mncr_release(struct inode *inode, struct file *file)
{
	struct mncr_file *f = file->private_data;
	struct mncr_dev *dev = f->dev;

	mncr_mode_file_closed(f);
	mncr_events_close(f);
	kfree(f);
	mncr_dev_put(dev);
	return 0;
}

static const struct file_operations mncr_fops = {
	.owner = THIS_MODULE,
	.open = mncr_open,
	.release = mncr_release,
	.read = mncr_read,
	.poll = mncr_poll,
	.unlocked_ioctl = mncr_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	/* no .llseek: stream_open() makes lseek() -ESPIPE */
};

/* ---- USB ---- */

static bool mncr_maxp_ok(const struct usb_endpoint_descriptor *ep,
			 unsigned int min)
{
	unsigned int maxp = usb_endpoint_maxp(ep);

	return maxp >= min && maxp <= 1024;
}

/* The descriptor's polling interval in usb_fill_int_urb()'s units. */
static int mncr_int_interval(struct usb_device *udev,
			     const struct usb_endpoint_descriptor *ep)
{
	unsigned int us = usb_decode_interval(ep, udev->speed);

	if (udev->speed >= USB_SPEED_HIGH)
		return clamp(ilog2(max(us / 125, 1U)) + 1, 1, 16);
	return clamp(us / 1000, 1U, 255U);
}

static int mncr_probe(struct usb_interface *intf,
		      const struct usb_device_id *id)
{
	struct usb_endpoint_descriptor *bulk_in, *bulk_out, *int_in;
	struct mncr_dev *dev;
	int ret, minor;

	if (usb_find_common_endpoints(intf->cur_altsetting, &bulk_in,
				      &bulk_out, &int_in, NULL)) {
		dev_err(&intf->dev, "missing bulk IN, bulk OUT or interrupt IN endpoint\n");
		return -ENODEV;
	}
	if (!mncr_maxp_ok(bulk_in, 8) || !mncr_maxp_ok(bulk_out, 8) ||
	    !mncr_maxp_ok(int_in, sizeof(struct mncr_frame_hdr))) {
		dev_err(&intf->dev, "unusable endpoint max packet size\n");
		return -ENODEV;
	}

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	kref_init(&dev->kref);
	dev->minor = -1;
	dev->udev = usb_get_dev(interface_to_usbdev(intf));
	dev->intf = usb_get_intf(intf);
	mutex_init(&dev->io_mutex);
	mutex_init(&dev->mode_lock);
	spin_lock_init(&dev->ev_lock);
	spin_lock_init(&dev->raw_lock);
	INIT_LIST_HEAD(&dev->files);
	init_waitqueue_head(&dev->ev_wait);
	init_waitqueue_head(&dev->xfer_wait);
	INIT_WORK(&dev->evt_work, mncr_evt_work);
	INIT_DELAYED_WORK(&dev->lease_work, mncr_lease_work);
	dev->visual_timeout_ms = MNCR_DEFAULT_VISUAL_MS;

	dev->out_pipe = usb_sndbulkpipe(dev->udev,
					usb_endpoint_num(bulk_out));
	dev->in_pipe = usb_rcvbulkpipe(dev->udev, usb_endpoint_num(bulk_in));
	dev->int_pipe = usb_rcvintpipe(dev->udev, usb_endpoint_num(int_in));
	dev->out_maxp = usb_endpoint_maxp(bulk_out);
	dev->in_maxp = usb_endpoint_maxp(bulk_in);
	dev->int_maxp = usb_endpoint_maxp(int_in);
	dev->int_interval = mncr_int_interval(dev->udev, int_in);

	ret = -ENOMEM;
	dev->cmd_buf = kmalloc(MNCR_FRAME_MAX, GFP_KERNEL);
	dev->rsp_buf_len = round_up(MNCR_FRAME_MAX, dev->in_maxp);
	dev->rsp_buf = kmalloc(dev->rsp_buf_len, GFP_KERNEL);
	dev->int_buf = kmalloc(dev->int_maxp, GFP_KERNEL);
	dev->out_urb = usb_alloc_urb(0, GFP_KERNEL);
	dev->in_urb = usb_alloc_urb(0, GFP_KERNEL);
	dev->int_urb = usb_alloc_urb(0, GFP_KERNEL);
	if (!dev->cmd_buf || !dev->rsp_buf || !dev->int_buf ||
	    !dev->out_urb || !dev->in_urb || !dev->int_urb)
		goto err;
	usb_set_intfdata(intf, dev);

	/* drain anything a previous host left, then identify */
	dev->stale = true;
	ret = mncr_dev_get_info(dev);
	if (ret == -EPROTO || ret == -ETIMEDOUT)
		ret = mncr_dev_get_info(dev);
	if (ret) {
		dev_err(&intf->dev, "GET_INFO failed: %d\n", ret);
		ret = -ENODEV;
		goto err;
	}
	ret = mncr_mode_init(dev, dev->mode);
	if (ret) {
		dev_err(&intf->dev, "cannot end the reader's visual mode: %d\n",
			ret);
		ret = -ENODEV;
		goto err_lease;
	}

	minor = ida_alloc_max(&mncr_ida, MNCR_MAX_DEVICES - 1, GFP_KERNEL);
	if (minor < 0) {
		ret = minor;
		goto err_lease;
	}
	dev->minor = minor;

	usb_fill_int_urb(dev->int_urb, dev->udev, dev->int_pipe, dev->int_buf,
			 dev->int_maxp, mncr_int_complete, dev,
			 dev->int_interval);
	ret = usb_submit_urb(dev->int_urb, GFP_KERNEL);
	if (ret)
		goto err_lease;

	mutex_lock(&mncr_table_lock);
	mncr_table[minor] = dev;
	mutex_unlock(&mncr_table_lock);

	dev->node = device_create(&mncr_class, &intf->dev,
				  MKDEV(MAJOR(mncr_devt), minor), dev,
				  "mncr%d", minor);
	if (IS_ERR(dev->node)) {
		ret = PTR_ERR(dev->node);
		goto err_table;
	}

	dev_info(&intf->dev, "mncr%d: reader %s, firmware %s, caps %#x\n",
		 minor, dev->serial, dev->firmware, dev->caps);
	return 0;

err_table:
	mutex_lock(&mncr_table_lock);
	mncr_table[minor] = NULL;
	mutex_unlock(&mncr_table_lock);
	usb_poison_urb(dev->int_urb);
	cancel_work_sync(&dev->evt_work);
err_lease:
	cancel_delayed_work_sync(&dev->lease_work);
err:
	usb_set_intfdata(intf, NULL);
	mncr_dev_put(dev);
	return ret;
}

static void mncr_disconnect(struct usb_interface *intf)
{
	struct mncr_dev *dev = usb_get_intfdata(intf);
	int minor = dev->minor;

	/* no new opens, no sysfs */
	mutex_lock(&mncr_table_lock);
	mncr_table[minor] = NULL;
	mutex_unlock(&mncr_table_lock);
	device_unregister(dev->node);

	/* no more device events */
	usb_poison_urb(dev->int_urb);
	cancel_work_sync(&dev->evt_work);

	/* no more device I/O; visual mode ends (UNPLUG); timer gone */
	mncr_mode_disconnect(dev);

	/* readers drain what is queued, then get -ENODEV */
	mncr_events_hangup(dev);

	usb_set_intfdata(intf, NULL);
	dev_info(&intf->dev, "mncr%d: disconnected\n", minor);
	mncr_dev_put(dev);
}

static int mncr_suspend(struct usb_interface *intf, pm_message_t message)
{
	struct mncr_dev *dev = usb_get_intfdata(intf);

	if (!dev)
		return 0;
	mncr_mode_suspend(dev);
	usb_poison_urb(dev->int_urb);
	cancel_work_sync(&dev->evt_work);
	return 0;
}

static int mncr_resume(struct usb_interface *intf)
{
	struct mncr_dev *dev = usb_get_intfdata(intf);
	int ret;

	if (!dev)
		return 0;
	mncr_mode_resume(dev);
	/* the card may have come or gone meanwhile, the device restarted */
	spin_lock_irq(&dev->raw_lock);
	dev->need_status = true;
	dev->evt_seq_valid = false;
	spin_unlock_irq(&dev->raw_lock);
	usb_unpoison_urb(dev->int_urb);
	ret = usb_submit_urb(dev->int_urb, GFP_NOIO);
	if (ret)
		dev_err(&intf->dev, "cannot restart events: %d\n", ret);
	schedule_work(&dev->evt_work);
	return ret;
}

/*
 * Before system sleep, while user space still runs (and so does a reader
 * simulated there): end every visual lease, reason SUSPEND. mncr_suspend()
 * ends one taken since then.
 */
static int mncr_pm_notify(struct notifier_block *nb, unsigned long action,
			  void *data)
{
	struct mncr_dev *devs[MNCR_MAX_DEVICES];
	int i, n = 0;

	if (action != PM_SUSPEND_PREPARE && action != PM_HIBERNATION_PREPARE)
		return NOTIFY_DONE;
	mutex_lock(&mncr_table_lock);
	for (i = 0; i < MNCR_MAX_DEVICES; i++) {
		if (!mncr_table[i])
			continue;
		kref_get(&mncr_table[i]->kref);
		devs[n++] = mncr_table[i];
	}
	mutex_unlock(&mncr_table_lock);
	for (i = 0; i < n; i++) {
		mncr_mode_end(devs[i], MNCR_REASON_SUSPEND);
		mncr_dev_put(devs[i]);
	}
	return NOTIFY_OK;
}

static struct notifier_block mncr_pm_nb = {
	.notifier_call = mncr_pm_notify,
};

static const struct usb_device_id mncr_ids[] = {
	{ USB_DEVICE_AND_INTERFACE_INFO(MNCR_USB_VID, MNCR_USB_PID,
					USB_CLASS_VENDOR_SPEC, 0, 0) },
	{ }
};
MODULE_DEVICE_TABLE(usb, mncr_ids);

static struct usb_driver mncr_driver = {
	.name = "mncr",
	.probe = mncr_probe,
	.disconnect = mncr_disconnect,
	.suspend = mncr_suspend,
	.resume = mncr_resume,
	.reset_resume = mncr_resume,
	.id_table = mncr_ids,
	.supports_autosuspend = 0,
};

static int __init mncr_init(void)
{
	int ret;

	mncr_match_setup();
	ret = alloc_chrdev_region(&mncr_devt, 0, MNCR_MAX_DEVICES, "mncr");
	if (ret)
		return ret;
	cdev_init(&mncr_cdev, &mncr_fops);
	mncr_cdev.owner = THIS_MODULE;
	ret = cdev_add(&mncr_cdev, mncr_devt, MNCR_MAX_DEVICES);
	if (ret)
		goto err_region;
	ret = class_register(&mncr_class);
	if (ret)
		goto err_cdev;
	ret = register_pm_notifier(&mncr_pm_nb);
	if (ret)
		goto err_class;
	ret = usb_register(&mncr_driver);
	if (ret)
		goto err_pm;
	return 0;

err_pm:
	unregister_pm_notifier(&mncr_pm_nb);
err_class:
	class_unregister(&mncr_class);
err_cdev:
	cdev_del(&mncr_cdev);
err_region:
	unregister_chrdev_region(mncr_devt, MNCR_MAX_DEVICES);
	return ret;
}

static void __exit mncr_exit(void)
{
	usb_deregister(&mncr_driver);
	unregister_pm_notifier(&mncr_pm_nb);
	class_unregister(&mncr_class);
	cdev_del(&mncr_cdev);
	unregister_chrdev_region(mncr_devt, MNCR_MAX_DEVICES);
	ida_destroy(&mncr_ida);
}

module_init(mncr_init);
module_exit(mncr_exit);

MODULE_DESCRIPTION("Face-recognition My Number Card reader control interface");
MODULE_AUTHOR("mncr developers");
MODULE_LICENSE("GPL");
