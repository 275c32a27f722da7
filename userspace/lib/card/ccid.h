/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * USB CCID 1.1 host for the reader's smart-card interface (class 0x0b):
 * message encoding and parsing as pure functions (shared with the
 * simulator and unit-tested), and a libusb-1.0 transport on top that
 * gives apdu.h its transmit callback. Short and extended APDU level only:
 * the reader does T=1 itself. See Documentation/ccid.rst.
 */
#ifndef MNCR_CCID_H
#define MNCR_CCID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MNCR_CCID_HDR_LEN	10
/* Largest extended command APDU (4 + 3 + 65535 + 2) plus the header. */
#define MNCR_CCID_MAX_MSG	(MNCR_CCID_HDR_LEN + 65544)
#define MNCR_CCID_CLASS		0x0b
#define MNCR_CCID_DESC_TYPE	0x21
#define MNCR_CCID_DESC_LEN	54
#define MNCR_CCID_ATR_MAX	33

/* Bulk OUT messages. */
#define CCID_PC_SET_PARAMETERS	0x61
#define CCID_PC_POWER_ON	0x62
#define CCID_PC_POWER_OFF	0x63
#define CCID_PC_GET_SLOT_STATUS	0x65
#define CCID_PC_ESCAPE		0x6b
#define CCID_PC_GET_PARAMETERS	0x6c
#define CCID_PC_RESET_PARAMS	0x6d
#define CCID_PC_XFR_BLOCK	0x6f
#define CCID_PC_ABORT		0x72
/* Bulk IN messages. */
#define CCID_RDR_DATA_BLOCK	0x80
#define CCID_RDR_SLOT_STATUS	0x81
#define CCID_RDR_PARAMETERS	0x82
#define CCID_RDR_ESCAPE		0x83
/* Interrupt IN. */
#define CCID_RDR_NOTIFY_SLOT	0x50
#define CCID_RDR_HW_ERROR	0x51

/* bStatus: bmICCStatus (bits 0-1) and bmCommandStatus (bits 6-7). */
#define CCID_ICC_ACTIVE		0
#define CCID_ICC_INACTIVE	1
#define CCID_ICC_ABSENT		2
#define CCID_CMD_OK		0x00
#define CCID_CMD_FAILED		0x40
#define CCID_CMD_TIME_EXT	0x80

/* bError when bmCommandStatus is FAILED. */
#define CCID_ERR_CMD_ABORTED	0xff
#define CCID_ERR_ICC_MUTE	0xfe
#define CCID_ERR_XFR_OVERRUN	0xfc
#define CCID_ERR_HW_ERROR	0xfb
#define CCID_ERR_PROTO_UNSUPP	0xf6
#define CCID_ERR_SLOT_BUSY	0xe0
#define CCID_ERR_CMD_UNSUPP	0x00
#define CCID_ERR_BAD_SLOT	5	/* offset of the bad field: bSlot */
#define CCID_ERR_BAD_LENGTH	1	/* dwLength */

/* A parsed message header (either direction). */
struct mncr_ccid_msg {
	uint8_t type;
	uint32_t length;	/* of data, bounded by what was received */
	uint8_t slot;
	uint8_t seq;
	uint8_t p[3];		/* message-specific: bStatus, bError, ... */
	const uint8_t *data;	/* into the buffer parsed */
};

/* The fields of the CCID class descriptor the host relies on. */
struct mncr_ccid_desc {
	uint16_t bcd_ccid;
	uint8_t max_slot;
	uint32_t protocols;
	uint32_t features;
	uint32_t max_msg;
};

#define CCID_FEAT_SHORT_APDU	0x00020000u
#define CCID_FEAT_EXT_APDU	0x00040000u
#define CCID_FEAT_LEVEL_MASK	0x00070000u

/*
 * Encodes header + data into out. Returns the message length, or 0 when
 * it does not fit cap or len exceeds a message.
 */
size_t mncr_ccid_encode(uint8_t *out, size_t cap, uint8_t type, uint8_t slot,
			uint8_t seq, const uint8_t p[3], const uint8_t *data,
			size_t len);

/*
 * Parses one whole message of n bytes: -EBADMSG when shorter than a
 * header or dwLength disagrees with n (too long or trailing bytes).
 */
int mncr_ccid_parse(const uint8_t *buf, size_t n, struct mncr_ccid_msg *m);

/*
 * Checks a reply against the command it answers (its type must be
 * reply_type, bSlot and bSeq those sent): -EPROTO when not. Then maps
 * bStatus/bError: 0 success, -EAGAIN time extension (wait for the next
 * reply), -ENOMEDIUM no card, -ENOTCONN card present but not powered,
 * -ETIMEDOUT card mute, -ECANCELED aborted, -EBUSY slot busy,
 * -EOPNOTSUPP command not supported, -EIO any other failure.
 */
int mncr_ccid_check_reply(const struct mncr_ccid_msg *m, uint8_t reply_type,
			  uint8_t slot, uint8_t seq);

/* ICC status bits of a reply's bStatus (CCID_ICC_*). */
static inline int mncr_ccid_icc_status(const struct mncr_ccid_msg *m)
{
	return m->p[0] & 3;
}

/*
 * RDR_to_PC_NotifySlotChange for slot 0: *present and *changed. -EBADMSG
 * when not such a message.
 */
int mncr_ccid_parse_notify(const uint8_t *buf, size_t n, bool *present,
			   bool *changed);

/* Parses the 54-byte class descriptor found in an interface's extra bytes. */
int mncr_ccid_parse_desc(const uint8_t *extra, size_t n,
			 struct mncr_ccid_desc *d);

/* The libusb transport. */
struct mncr_ccid;

/*
 * Opens the first reader (VID 0x1209 PID 0x0001) whose serial is serial
 * (NULL: any) and claims its CCID interface. -ENODEV when none is
 * found, -EBUSY when claimed elsewhere, -EPROTO on a bad descriptor.
 */
int mncr_ccid_open(const char *serial, struct mncr_ccid **out);
void mncr_ccid_close(struct mncr_ccid *c);

/* Per-exchange timeout, each time extension restarting it. */
void mncr_ccid_set_timeout(struct mncr_ccid *c, unsigned ms);
/* Time extensions seen so far (for tests and logs). */
unsigned mncr_ccid_time_extensions(const struct mncr_ccid *c);
/* True when the descriptor allows extended APDUs. */
bool mncr_ccid_extended(const struct mncr_ccid *c);

int mncr_ccid_power_on(struct mncr_ccid *c, uint8_t *atr, size_t cap,
		       size_t *atr_len);
int mncr_ccid_power_off(struct mncr_ccid *c);
/* *icc is CCID_ICC_*. */
int mncr_ccid_slot_status(struct mncr_ccid *c, int *icc);

/* mncr_apdu_transmit_fn over XfrBlock; ctx is the struct mncr_ccid. */
int mncr_ccid_transmit(void *ctx, const uint8_t *cmd, size_t n,
		       uint8_t *resp, size_t *resp_len);

/*
 * Waits up to ms for a NotifySlotChange on the interrupt endpoint.
 * -ETIMEDOUT when none came.
 */
int mncr_ccid_wait_slot_change(struct mncr_ccid *c, unsigned ms,
			       bool *present);

#endif
