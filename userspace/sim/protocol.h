/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device side of the control protocol (<linux/mncr_proto.h>,
 * Documentation/device-protocol.rst): header checks, the five commands,
 * response and event frames. No USB here: frames in, frames out.
 */
#ifndef MNCR_SIM_PROTOCOL_H
#define MNCR_SIM_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#include <linux/mncr_proto.h>

#include "device_state.h"

#define PROTO_HDR_LEN		sizeof(struct mncr_frame_hdr)
#define PROTO_MAX_FRAME		(PROTO_HDR_LEN + MNCR_PROTO_MAX_PAYLOAD)
#define PROTO_EVENT_FRAME	(PROTO_HDR_LEN + 4)

/* What GET_INFO advertises for the match engine. */
#define SIM_MATCH_MAX_DIM	512
/*
 * n_probe + n_ref per MATCH. 128 keeps the worst response, 64 x 64
 * scores, within MNCR_PROTO_MAX_PAYLOAD.
 */
#define SIM_MATCH_MAX_VECTORS	128

struct proto_hdr {
	uint16_t magic;
	uint8_t version;
	uint8_t type;
	uint16_t seq;
	uint16_t status;
	uint32_t len;
};

/* buf holds at least PROTO_HDR_LEN bytes. */
void proto_hdr_decode(const uint8_t *buf, struct proto_hdr *h);
void proto_hdr_encode(uint8_t *buf, uint8_t type, uint16_t seq,
		      uint16_t status, uint32_t len);

/*
 * A response with no payload: the status of a failed command or a bad
 * frame. Returns its length.
 */
size_t proto_status_frame(uint8_t *out, uint8_t cmd_type, uint16_t seq,
			  uint16_t status);

/*
 * Runs one complete command (header already checked: magic, version and
 * the payload length all right) against the device and writes the
 * response frame to out (PROTO_MAX_FRAME bytes). Returns its length.
 * *work_ms is how long the reader "takes" on top (a slow card).
 */
size_t proto_execute(struct sim_device *dev, const struct proto_hdr *h,
		     const uint8_t *payload, uint8_t *out, unsigned *work_ms);

/* An event frame, PROTO_EVENT_FRAME bytes. */
size_t proto_event_frame(uint8_t *out, const struct sim_event *ev,
			 uint16_t seq);

#endif
