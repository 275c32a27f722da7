/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mncr: driver for the face-recognition My Number Card reader's vendor
 * control interface. Driver-internal definitions shared by the driver.
 *
 * Object lifetime
 * ---------------
 * struct mncr_dev is reference counted (kref). probe() holds one
 * reference, dropped at the end of disconnect(); every open file holds
 * one, dropped in release(). The minor number (IDA) is freed only when the
 * last reference goes, so a minor is never reused while a file still
 * refers to the old reader. The interrupt URB, the event work and the
 * lease timer never hold a reference: disconnect() stops all three
 * (usb_poison_urb(), cancel_work_sync(), cancel_delayed_work_sync())
 * before dropping the probe reference.
 *
 * Lock ordering (outermost first; a lock is only ever taken while holding
 * locks listed above it):
 *
 *   mncr_table_lock  global mutex: minor -> device lookup in open() and
 *                    disconnect(); nothing else is taken under it except
 *                    the kref increment.
 *   f->read_mutex    serialises read() calls on one open file.
 *   dev->mode_lock   mutex: mode, visual lease (holder, flags, expiry).
 *                    Mode transitions talk to the device while holding it.
 *   dev->io_mutex    mutex: one command/response exchange at a time, the
 *                    command/response buffers, seq, "stale" and
 *                    "suspended". "disconnected" is written with both
 *                    mode_lock and io_mutex held, so either lock is enough
 *                    to read it (lock-free readers use READ_ONCE and treat
 *                    it as a hint).
 *   dev->ev_lock     spinlock (process context only): the list of open
 *                    files and every per-file event queue, ev_seq, ev_dead.
 *   dev->raw_lock    spinlock, irq-safe: ring of decoded device events
 *                    between the interrupt URB completion and evt_work.
 *                    Never held together with any other lock.
 *
 * Work items: evt_work takes mode_lock (and below); lease_work takes
 * mode_lock (and below). Neither is ever cancelled synchronously while
 * mode_lock or io_mutex is held.
 */
#ifndef _MNCR_DRIVER_H
#define _MNCR_DRIVER_H

#include <linux/completion.h>
#include <linux/device.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/usb.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <linux/mncr.h>
#include <linux/mncr_proto.h>

#define MNCR_MAX_DEVICES	32	/* minors */
#define MNCR_EVQ_LEN		64	/* event records per open file */
#define MNCR_RAW_LEN		256	/* device events awaiting evt_work */
#define MNCR_EVT_BATCH		32	/* device events handled per work run */
#define MNCR_DEFAULT_VISUAL_MS	120000	/* default visual lease */
#define MNCR_FLUSH_TIMEOUT_MS	50	/* one stale-data flush read */
#define MNCR_FRAME_MAX		(sizeof(struct mncr_frame_hdr) + \
				 MNCR_PROTO_MAX_PAYLOAD)

/* A decoded device event waiting for evt_work. */
struct mncr_raw_event {
	u8 type;		/* MNCR_EVT_* */
	u8 arg;			/* EVT_CARD: present, EVT_MODE: mode */
	u16 dropped_before;	/* device's seq gap: lost before this one */
	u16 dropped_after;	/* ring full: lost right after this one */
	u32 code;		/* EVT_ERROR: errno */
};

struct mncr_file;

struct mncr_dev {
	struct kref kref;
	struct usb_device *udev;
	struct usb_interface *intf;
	struct device *node;		/* class device mncrN */
	int minor;			/* -1 until allocated */

	/* endpoints of interface 0 */
	unsigned int out_pipe;
	unsigned int in_pipe;
	unsigned int int_pipe;
	u16 out_maxp;
	u16 in_maxp;
	u16 int_maxp;
	u8 int_interval;

	/* protocol I/O, under io_mutex */
	struct mutex io_mutex;
	bool disconnected;		/* see lock ordering above */
	bool suspended;
	bool stale;			/* a late response may be pending */
	u16 seq;
	u8 *cmd_buf;			/* header + MNCR_PROTO_MAX_PAYLOAD */
	u8 *rsp_buf;			/* rsp_buf_len bytes */
	unsigned int rsp_buf_len;
	struct urb *out_urb;		/* command */
	struct urb *in_urb;		/* response */
	bool out_done;			/* set by the completions */
	bool in_done;
	wait_queue_head_t xfer_wait;

	/* identity, fixed after probe */
	char serial[MNCR_SERIAL_LEN];
	char firmware[MNCR_FIRMWARE_LEN];
	u32 caps;
	u32 dev_max_dim;
	u32 dev_max_vectors;

	/* mode and visual lease, under mode_lock (mode: READ_ONCE outside) */
	struct mutex mode_lock;
	u32 mode;
	const struct mncr_file *lease_holder;	/* identity only */
	u32 lease_flags;
	unsigned long lease_expires;	/* jiffies */
	struct delayed_work lease_work;
	u32 visual_timeout_ms;		/* sysfs default, READ/WRITE_ONCE */

	u32 card_present;		/* written by evt_work, READ_ONCE */

	/* event fan-out */
	spinlock_t ev_lock;		/* files, queues, ev_seq, ev_dead */
	struct list_head files;
	u64 ev_seq;
	bool ev_dead;			/* reader gone: read() -> -ENODEV */
	wait_queue_head_t ev_wait;

	/* interrupt URB -> evt_work */
	struct urb *int_urb;
	u8 *int_buf;
	spinlock_t raw_lock;		/* raw ring and flags below */
	unsigned int raw_head;
	unsigned int raw_count;
	bool int_halted;		/* -EPIPE: evt_work clears the halt */
	bool evt_seq_valid;		/* evt_seq_next is known */
	u16 evt_seq_next;		/* device's next event seq */
	bool need_status;		/* after resume: refresh card state */
	struct mncr_raw_event raw[MNCR_RAW_LEN];
	struct work_struct evt_work;

	atomic_t ev_malformed;		/* malformed device events dropped */
	atomic_t ev_lost;		/* device events lost (ring full) */
};

/* One open file: its own event queue. */
struct mncr_file {
	struct mncr_dev *dev;
	struct list_head node;		/* in dev->files, under ev_lock */
	struct mutex read_mutex;
	unsigned int head;		/* under ev_lock */
	unsigned int count;
	u32 lost;			/* records dropped since last read */
	u64 lost_seq;			/* seq of the newest dropped record */
	struct mncr_event q[MNCR_EVQ_LEN];
};

/* mncr_core.c */
extern unsigned int mncr_max_visual_timeout_ms;
extern bool mncr_use_simd;
void mncr_dev_put(struct mncr_dev *dev);

/* mncr_proto.c: callers of mncr_command() hold io_mutex */
static inline u8 *mncr_cmd_payload(struct mncr_dev *dev)
{
	return dev->cmd_buf + sizeof(struct mncr_frame_hdr);
}

static inline u8 *mncr_rsp_payload(struct mncr_dev *dev)
{
	return dev->rsp_buf + sizeof(struct mncr_frame_hdr);
}

int mncr_command(struct mncr_dev *dev, u8 type, size_t len, size_t rsp_len,
		 unsigned int timeout_ms);
int mncr_dev_get_info(struct mncr_dev *dev);
int mncr_dev_get_status(struct mncr_dev *dev, u32 *mode, u32 *card_present);
int mncr_dev_set_mode(struct mncr_dev *dev, u32 mode, u32 reason);
int mncr_dev_card_front(struct mncr_dev *dev, struct mncr_card_front *cf);

/* mncr_event.c */
void mncr_emit(struct mncr_dev *dev, u32 type, u32 reason);
void mncr_int_complete(struct urb *urb);
void mncr_evt_work(struct work_struct *work);
int mncr_events_open(struct mncr_dev *dev, struct mncr_file *f);
void mncr_events_close(struct mncr_file *f);
void mncr_events_hangup(struct mncr_dev *dev);
ssize_t mncr_read(struct file *file, char __user *buf, size_t count,
		  loff_t *ppos);
__poll_t mncr_poll(struct file *file, struct poll_table_struct *wait);

/* mncr_mode.c */
u32 mncr_effective_timeout_ms(u32 ms);
void mncr_lease_work(struct work_struct *work);
long mncr_ioctl_get_mode(struct mncr_dev *dev, void __user *argp);
long mncr_ioctl_set_mode(struct mncr_file *f, void __user *argp);
int mncr_mode_init(struct mncr_dev *dev, u32 device_mode);
void mncr_mode_file_closed(struct mncr_file *f);
void mncr_mode_end(struct mncr_dev *dev, u32 reason);
void mncr_mode_device_changed(struct mncr_dev *dev, u32 mode);
void mncr_mode_disconnect(struct mncr_dev *dev);
void mncr_mode_suspend(struct mncr_dev *dev);
void mncr_mode_resume(struct mncr_dev *dev);

/* mncr_match.c */
void mncr_match_setup(void);
long mncr_ioctl_match(struct mncr_dev *dev, void __user *argp);

/* mncr_match_avx2.c (x86-64 only) */
void mncr_score_avx2(const s8 *probe, unsigned int np, const s8 *const *ref,
		     unsigned int nr, unsigned int dim, s32 *scores,
		     s16 *wide);

/* mncr_ioctl.c */
long mncr_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

/* mncr_sysfs.c */
extern const struct attribute_group *mncr_groups[];

#endif /* _MNCR_DRIVER_H */
