// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "ccid_slot.h"

/* T=1 parameters (CCID 1.1 table 6.2-9): Fi/Di 372/1, LRC, BWI 4 CWI 5, IFSC 254. */
static const uint8_t t1_params[7] = { 0x11, 0x10, 0x00, 0x45, 0x00, 0xfe, 0x00 };

static uint8_t icc_status(const struct ccid_slot *s)
{
	if (!s->present)
		return CCID_ICC_ABSENT;
	return s->powered ? CCID_ICC_ACTIVE : CCID_ICC_INACTIVE;
}

/* The reply type that answers a command type. */
static uint8_t reply_type(uint8_t cmd)
{
	switch (cmd) {
	case CCID_PC_POWER_ON:
	case CCID_PC_XFR_BLOCK:
		return CCID_RDR_DATA_BLOCK;
	case CCID_PC_GET_PARAMETERS:
	case CCID_PC_RESET_PARAMS:
	case CCID_PC_SET_PARAMETERS:
		return CCID_RDR_PARAMETERS;
	case CCID_PC_ESCAPE:
		return CCID_RDR_ESCAPE;
	default:
		return CCID_RDR_SLOT_STATUS;
	}
}

static size_t reply(const struct mncr_ccid_msg *m, uint8_t *out, uint8_t cmd_status,
		    uint8_t err, uint8_t p2, const uint8_t *data, size_t len)
{
	const uint8_t p[3] = { (uint8_t)(cmd_status | m->p[0]), err, p2 };

	return mncr_ccid_encode(out, MNCR_CCID_MAX_MSG, reply_type(m->type),
				m->slot, m->seq, p, data, len);
}

/* A failure: bStatus = FAILED | icc, bError = err. */
static size_t refuse(const struct ccid_slot *s, struct mncr_ccid_msg *m,
		   uint8_t *out, uint8_t err)
{
	m->p[0] = m->slot == 0 ? icc_status(s) : CCID_ICC_ABSENT;
	return reply(m, out, CCID_CMD_FAILED, err, 0, NULL, 0);
}

static size_t answer_ok(const struct ccid_slot *s, struct mncr_ccid_msg *m,
		 uint8_t *out, uint8_t p2, const uint8_t *data, size_t len)
{
	m->p[0] = icc_status(s);
	return reply(m, out, CCID_CMD_OK, 0, p2, data, len);
}

static size_t power_on(struct ccid_slot *s, struct mncr_ccid_msg *m, uint8_t *out)
{
	static const uint8_t atr[] = CCID_SIM_ATR;

	if (m->length)
		return refuse(s, m, out, CCID_ERR_BAD_LENGTH);
	if (!s->present || !s->emul)
		return refuse(s, m, out, CCID_ERR_ICC_MUTE);
	/* A (re)power is a cold reset of the card. */
	mncr_card_emul_reset(s->emul);
	s->powered = true;
	return answer_ok(s, m, out, 0, atr, sizeof(atr));
}

static size_t xfr_block(struct ccid_slot *s, struct mncr_ccid_msg *m,
			uint8_t *out, enum ccid_action *act)
{
	size_t room = MNCR_CCID_MAX_MSG - MNCR_CCID_HDR_LEN;
	uint8_t *resp = out + MNCR_CCID_HDR_LEN;
	int r;

	if (!s->present || !s->powered || !s->emul)
		return refuse(s, m, out, CCID_ERR_ICC_MUTE);
	/* wLevelParameter: APDU level without chaining wants 0. */
	if (m->p[1] || m->p[2])
		return refuse(s, m, out, 8);
	if (m->length < 4)
		return refuse(s, m, out, CCID_ERR_BAD_LENGTH);
	if (s->profile && s->profile->yank_on_read && m->data[1] == 0xb0) {
		/* The card leaves while the command is on its way. */
		*act = CCID_ACT_YANK;
		mncr_card_emul_free(s->emul);
		s->emul = NULL;
		s->profile = NULL;
		s->present = s->powered = false;
		s->changed = true;
		return refuse(s, m, out, CCID_ERR_ICC_MUTE);
	}
	r = mncr_card_emul_transmit(s->emul, m->data, m->length, resp, &room);
	if (r)
		return refuse(s, m, out, CCID_ERR_XFR_OVERRUN);
	m->p[0] = icc_status(s);
	{
		const uint8_t p[3] = { m->p[0], 0, 0 };
		size_t n = mncr_ccid_encode(out, MNCR_CCID_HDR_LEN, CCID_RDR_DATA_BLOCK,
					    m->slot, m->seq, p, NULL, 0);

		/* Header first (room is the data length), data already in place. */
		out[1] = (uint8_t)room;
		out[2] = (uint8_t)(room >> 8);
		out[3] = (uint8_t)(room >> 16);
		out[4] = 0;
		if (s->profile && s->profile->front_garbled)
			out[1] ^= 0x05;	/* dwLength disagrees with the bytes sent */
		return n + room;
	}
}

static size_t set_parameters(struct ccid_slot *s, struct mncr_ccid_msg *m,
			     uint8_t *out)
{
	if (m->p[0] != 1)	/* bProtocolNum: T=1 only */
		return refuse(s, m, out, 7);
	if (m->length != sizeof(t1_params))
		return refuse(s, m, out, CCID_ERR_BAD_LENGTH);
	if (!s->present)
		return refuse(s, m, out, CCID_ERR_ICC_MUTE);
	/* Automatic parameters: keep ours, report them. */
	return answer_ok(s, m, out, 1, t1_params, sizeof(t1_params));
}

size_t ccid_slot_handle(struct ccid_slot *s, const uint8_t *in, size_t n,
			uint8_t *out, enum ccid_action *act)
{
	struct mncr_ccid_msg m;

	*act = CCID_ACT_NONE;
	if (n < MNCR_CCID_HDR_LEN)
		return 0;
	if (mncr_ccid_parse(in, n, &m)) {
		/* dwLength and the transfer disagree: answer from the header alone. */
		m = (struct mncr_ccid_msg) { .type = in[0], .slot = in[5], .seq = in[6] };
		return refuse(s, &m, out, CCID_ERR_BAD_LENGTH);
	}
	if (m.slot != 0)
		return refuse(s, &m, out, CCID_ERR_BAD_SLOT);
	switch (m.type) {
	case CCID_PC_POWER_ON:
		return power_on(s, &m, out);
	case CCID_PC_POWER_OFF:
		s->powered = false;
		return answer_ok(s, &m, out, 1, NULL, 0);	/* bClockStatus 1: stopped */
	case CCID_PC_GET_SLOT_STATUS:
		if (!s->present)
			return refuse(s, &m, out, CCID_ERR_ICC_MUTE);
		return answer_ok(s, &m, out, s->powered ? 0 : 1, NULL, 0);
	case CCID_PC_XFR_BLOCK:
		return xfr_block(s, &m, out, act);
	case CCID_PC_GET_PARAMETERS:
	case CCID_PC_RESET_PARAMS:
		if (!s->present)
			return refuse(s, &m, out, CCID_ERR_ICC_MUTE);
		return answer_ok(s, &m, out, 1, t1_params, sizeof(t1_params));
	case CCID_PC_SET_PARAMETERS:
		return set_parameters(s, &m, out);
	case CCID_PC_ABORT:
		/* Nothing runs in the background: there is nothing to abort. */
		return answer_ok(s, &m, out, 0, NULL, 0);
	default:
		return refuse(s, &m, out, CCID_ERR_CMD_UNSUPP);
	}
}

size_t ccid_slot_time_extension(const struct ccid_slot *s, const uint8_t *in,
				uint8_t *out)
{
	/* bError of a time extension is the BWT multiplier. */
	const uint8_t p[3] = { (uint8_t)(CCID_CMD_TIME_EXT | icc_status(s)), 1, 0 };

	return mncr_ccid_encode(out, MNCR_CCID_MAX_MSG, CCID_RDR_DATA_BLOCK,
				in[5], in[6], p, NULL, 0);
}

uint8_t ccid_slot_notify_state(const struct ccid_slot *s)
{
	return (uint8_t)((s->present ? 1 : 0) | (s->changed ? 2 : 0));
}
