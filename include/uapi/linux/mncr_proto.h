/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mncr: the reader's vendor control interface, on the wire.
 *
 * Shared by the kernel driver and the simulated reader; specified in
 * Documentation/device-protocol.rst. All multi-byte fields are
 * little-endian. Interface 0 (class 0xff) has three endpoints:
 * bulk OUT (commands), bulk IN (responses), interrupt IN (events).
 */
#ifndef _UAPI_LINUX_MNCR_PROTO_H
#define _UAPI_LINUX_MNCR_PROTO_H

#include <linux/types.h>

#define MNCR_USB_VID		0x1209	/* pid.codes */
#define MNCR_USB_PID		0x0001	/* pid.codes test PID: see device-protocol.rst */

#define MNCR_PROTO_MAGIC	0x4E4D	/* "MN" on the wire */
#define MNCR_PROTO_VERSION	1

#define MNCR_PROTO_MAX_PAYLOAD	16384
#define MNCR_PROTO_MAX_EVENT	16	/* event payload bytes */
#define MNCR_PROTO_TIMEOUT_MS	1000	/* command to response */
#define MNCR_PROTO_MATCH_TIMEOUT_MS 5000

struct mncr_frame_hdr {
	__le16 magic;		/* MNCR_PROTO_MAGIC */
	__u8 version;		/* MNCR_PROTO_VERSION */
	__u8 type;		/* MNCR_CMD_*, response = cmd | MNCR_RESPONSE */
	__le16 seq;		/* response echoes the command's */
	__le16 status;		/* MNCR_ST_*, zero in commands and events */
	__le32 len;		/* payload bytes that follow */
} __attribute__((packed));

/* Commands (bulk OUT) and their responses (bulk IN). */
#define MNCR_CMD_GET_INFO	0x01
#define MNCR_CMD_GET_STATUS	0x02
#define MNCR_CMD_SET_MODE	0x03
#define MNCR_CMD_GET_CARD_FRONT	0x04
#define MNCR_CMD_MATCH		0x05
#define MNCR_RESPONSE		0x80

/* Events (interrupt IN). */
#define MNCR_EVT_CARD		0x41
#define MNCR_EVT_MODE		0x42
#define MNCR_EVT_ERROR		0x43

/* Response status. */
#define MNCR_ST_OK		0
#define MNCR_ST_BAD_FRAME	1
#define MNCR_ST_BAD_VERSION	2
#define MNCR_ST_UNKNOWN_CMD	3
#define MNCR_ST_BAD_ARG		4
#define MNCR_ST_NO_CARD		5
#define MNCR_ST_BUSY		6
#define MNCR_ST_UNSUPPORTED	7
#define MNCR_ST_INTERNAL	8

/* Device capabilities: the MNCR_CAP_* bits of <linux/mncr.h>. */

struct mncr_wire_info {			/* GET_INFO response */
	__le32 caps;
	__le16 match_max_dim;
	__le16 match_max_vectors;	/* per MATCH command */
	__u8 mode;
	__u8 card_present;
	__u8 reserved[2];
	char serial[32];		/* NUL-padded */
	char firmware[32];		/* NUL-padded */
} __attribute__((packed));

struct mncr_wire_status {		/* GET_STATUS response */
	__u8 mode;
	__u8 card_present;
	__u8 reserved[2];
} __attribute__((packed));

struct mncr_wire_set_mode {		/* SET_MODE command */
	__u8 mode;
	__u8 reason;			/* MNCR_REASON_* of <linux/mncr.h> */
	__u8 reserved[2];
} __attribute__((packed));

struct mncr_wire_card_front {		/* GET_CARD_FRONT response */
	char birth_date[8];
	char expiry_year[4];
	char security_code[4];
} __attribute__((packed));

/*
 * MATCH command: this header, n_probe * dim probe bytes, then
 * n_ref * dim reference bytes. Response: n_probe * n_ref __le32 scores.
 */
struct mncr_wire_match {
	__le16 dim;
	__le16 n_probe;
	__le16 n_ref;
	__le16 reserved;
} __attribute__((packed));

struct mncr_wire_evt_card {
	__u8 present;
	__u8 reserved[3];
} __attribute__((packed));

struct mncr_wire_evt_mode {
	__u8 mode;
	__u8 reason;
	__u8 reserved[2];
} __attribute__((packed));

struct mncr_wire_evt_error {
	__le32 code;			/* positive errno */
} __attribute__((packed));

#endif /* _UAPI_LINUX_MNCR_PROTO_H */
