/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mncr: face-recognition My Number Card reader, character device ABI.
 *
 * One node per reader, /dev/mncrN. Documented in
 * Documentation/driver-abi.rst. Structures only grow at the end, and
 * every structure carries reserved space that must be zero on input.
 */
#ifndef _UAPI_LINUX_MNCR_H
#define _UAPI_LINUX_MNCR_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define MNCR_ABI_VERSION	1

/* Reader modes. */
#define MNCR_MODE_AUTO		0	/* 自動運転: patient chooses face or PIN */
#define MNCR_MODE_VISUAL	1	/* 目視確認: staff confirm identity by eye */

/* Capabilities (struct mncr_info.caps, sysfs "capabilities"). */
#define MNCR_CAP_MATCH_ENGINE	(1U << 0)	/* device scores templates */
#define MNCR_CAP_CARD_FRONT	(1U << 1)	/* card-face scanner */
#define MNCR_CAP_CCID		(1U << 2)	/* CCID card interface */
#define MNCR_CAP_CAMERA		(1U << 3)	/* UVC camera interface */

#define MNCR_SERIAL_LEN		32
#define MNCR_FIRMWARE_LEN	32

struct mncr_info {
	__u32 abi_version;		/* MNCR_ABI_VERSION */
	__u32 proto_version;		/* device control protocol version */
	__u32 caps;			/* MNCR_CAP_* */
	__u32 mode;			/* MNCR_MODE_* */
	__u32 card_present;		/* 0 or 1 */
	__u32 visual_timeout_ms;	/* default visual lease length */
	__u32 match_max_dim;		/* MNCR_MATCH_MAX_DIM */
	__u32 match_max_scores;		/* MNCR_MATCH_MAX_SCORES */
	char serial[MNCR_SERIAL_LEN];	/* NUL-terminated */
	char firmware[MNCR_FIRMWARE_LEN];	/* NUL-terminated */
	__u32 reserved[8];
};

/* Mode lease flags (struct mncr_mode.flags). */
/*
 * The visual lease normally ends when the file that took it is closed.
 * DETACH keeps it past close; the timeout and card-session reverts still
 * apply.
 */
#define MNCR_MODE_F_DETACH	(1U << 0)

struct mncr_mode {
	__u32 mode;		/* MNCR_MODE_* */
	__u32 timeout_ms;	/* in: VISUAL lease, 0 = default; out: remaining */
	__u32 flags;		/* in: MNCR_MODE_F_*; out: flags of the lease */
	__u32 reserved;		/* must be zero */
};

/*
 * Card-front fields read by the reader's card-face scanner when a card is
 * set. Together they form 照合番号B. Sensitive: delivered only to a file
 * opened for writing, never logged, wiped when the card session ends.
 * All fields are ASCII digits, not NUL-terminated.
 */
struct mncr_card_front {
	char birth_date[8];	/* Gregorian "YYYYMMDD" */
	char expiry_year[4];	/* card expiry, Gregorian "YYYY" */
	char security_code[4];	/* 4 digits printed under the photo */
	__u32 reserved[4];
};

/*
 * Face match: int8 templates, scores are exact int32 dot products,
 * scores[p * n_ref + r] = sum_i probe[p][i] * ref[r][i].
 */
#define MNCR_MATCH_MAX_DIM	512
#define MNCR_MATCH_MAX_SCORES	65536	/* n_probe * n_ref */
#define MNCR_MATCH_MAX_VECTORS	65536	/* n_probe + n_ref */

/* struct mncr_match.flags */
#define MNCR_MATCH_F_KERNEL	(1U << 0)	/* in: do not use the device */
#define MNCR_MATCH_F_DEVICE	(1U << 16)	/* out: the device scored */

struct mncr_match {
	__u32 dim;		/* 1..MNCR_MATCH_MAX_DIM */
	__u32 n_probe;		/* >= 1 */
	__u32 n_ref;		/* >= 1 */
	__u32 flags;		/* MNCR_MATCH_F_* */
	__u64 probe;		/* user pointer: n_probe * dim __s8 */
	__u64 ref;		/* user pointer: n_ref * dim __s8 */
	__u64 scores;		/* user pointer: n_probe * n_ref __s32 */
	__u32 reserved[4];	/* must be zero */
};

#define MNCR_IOC_MAGIC		0xB9

#define MNCR_IOC_INFO		_IOR(MNCR_IOC_MAGIC, 0x00, struct mncr_info)
#define MNCR_IOC_GET_MODE	_IOR(MNCR_IOC_MAGIC, 0x01, struct mncr_mode)
#define MNCR_IOC_SET_MODE	_IOW(MNCR_IOC_MAGIC, 0x02, struct mncr_mode)
#define MNCR_IOC_CARD_FRONT	_IOR(MNCR_IOC_MAGIC, 0x03, struct mncr_card_front)
#define MNCR_IOC_MATCH		_IOWR(MNCR_IOC_MAGIC, 0x04, struct mncr_match)

/* Events, read() in whole records from the node. */
#define MNCR_EV_CARD_INSERTED	1
#define MNCR_EV_CARD_REMOVED	2
#define MNCR_EV_MODE_CHANGED	3	/* reason: MNCR_REASON_*, mode: new */
#define MNCR_EV_DEVICE_ERROR	4	/* reason: positive errno */
#define MNCR_EV_OVERFLOW	5	/* lost: events dropped for this file */

/* Why the mode changed (struct mncr_event.reason for MODE_CHANGED). */
#define MNCR_REASON_REQUEST	1	/* MNCR_IOC_SET_MODE */
#define MNCR_REASON_TIMEOUT	2	/* visual lease timed out */
#define MNCR_REASON_CARD_REMOVED 3	/* card session ended */
#define MNCR_REASON_HOLDER_CLOSED 4	/* lease holder closed its file */
#define MNCR_REASON_UNPLUG	5	/* reader disconnected */
#define MNCR_REASON_SUSPEND	6	/* reader suspended */
#define MNCR_REASON_DEVICE	7	/* changed on the device itself */
#define MNCR_REASON_RESYNC	8	/* answer lost: reader set back to AUTO */

struct mncr_event {
	__u32 type;		/* MNCR_EV_* */
	__u32 reason;		/* MNCR_REASON_* or errno */
	__u32 mode;		/* reader mode after the event */
	__u32 lost;		/* MNCR_EV_OVERFLOW: events dropped */
	__u64 seq;		/* per-reader event sequence number */
	__u64 time_ns;		/* CLOCK_MONOTONIC */
};

#endif /* _UAPI_LINUX_MNCR_H */
