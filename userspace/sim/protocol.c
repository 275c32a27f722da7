// SPDX-License-Identifier: GPL-2.0-or-later
#include <assert.h>
#include <endian.h>
#include <string.h>

#include <linux/mncr.h>

#include "face/match.h"
#include "protocol.h"

void proto_hdr_decode(const uint8_t *buf, struct proto_hdr *h)
{
	struct mncr_frame_hdr w;

	memcpy(&w, buf, sizeof(w));
	h->magic = le16toh(w.magic);
	h->version = w.version;
	h->type = w.type;
	h->seq = le16toh(w.seq);
	h->status = le16toh(w.status);
	h->len = le32toh(w.len);
}

void proto_hdr_encode(uint8_t *buf, uint8_t type, uint16_t seq,
		      uint16_t status, uint32_t len)
{
	struct mncr_frame_hdr w = {
		.magic = htole16(MNCR_PROTO_MAGIC),
		.version = MNCR_PROTO_VERSION,
		.type = type,
		.seq = htole16(seq),
		.status = htole16(status),
		.len = htole32(len),
	};

	memcpy(buf, &w, sizeof(w));
}

size_t proto_status_frame(uint8_t *out, uint8_t cmd_type, uint16_t seq,
			  uint16_t status)
{
	proto_hdr_encode(out, cmd_type | MNCR_RESPONSE, seq, status, 0);
	return PROTO_HDR_LEN;
}

static size_t ok_frame(uint8_t *out, const struct proto_hdr *h,
		       const void *payload, size_t len)
{
	proto_hdr_encode(out, h->type | MNCR_RESPONSE, h->seq, MNCR_ST_OK,
			 (uint32_t)len);
	if (len)
		memcpy(out + PROTO_HDR_LEN, payload, len);
	return PROTO_HDR_LEN + len;
}

static size_t get_info(struct sim_device *dev, const struct proto_hdr *h,
		       uint8_t *out)
{
	struct mncr_wire_info info;
	uint32_t caps = MNCR_CAP_CARD_FRONT;

	memset(&info, 0, sizeof(info));
	device_lock(dev);
	if (dev->engine) {
		caps |= MNCR_CAP_MATCH_ENGINE;
		info.match_max_dim = htole16(SIM_MATCH_MAX_DIM);
		info.match_max_vectors = htole16(SIM_MATCH_MAX_VECTORS);
	}
	info.caps = htole32(caps);
	info.mode = dev->mode;
	info.card_present = dev->card.present;
	/* strncpy is right here: the wire fields are NUL-padded. */
	strncpy(info.serial, dev->serial, sizeof(info.serial));
	strncpy(info.firmware, dev->firmware, sizeof(info.firmware));
	device_unlock(dev);
	return ok_frame(out, h, &info, sizeof(info));
}

static size_t get_status(struct sim_device *dev, const struct proto_hdr *h,
			 uint8_t *out)
{
	struct mncr_wire_status st;

	memset(&st, 0, sizeof(st));
	device_lock(dev);
	st.mode = dev->mode;
	st.card_present = dev->card.present;
	device_unlock(dev);
	return ok_frame(out, h, &st, sizeof(st));
}

static size_t set_mode(struct sim_device *dev, const struct proto_hdr *h,
		       const uint8_t *payload, uint8_t *out)
{
	struct mncr_wire_set_mode req;

	if (h->len != sizeof(req))
		return proto_status_frame(out, h->type, h->seq, MNCR_ST_BAD_ARG);
	memcpy(&req, payload, sizeof(req));
	if ((req.mode != MNCR_MODE_AUTO && req.mode != MNCR_MODE_VISUAL) ||
	    req.reserved[0] || req.reserved[1])
		return proto_status_frame(out, h->type, h->seq, MNCR_ST_BAD_ARG);
	device_lock(dev);
	/* The host asked, so the host knows: no EVT_MODE. */
	dev->mode = req.mode;
	dev->last_reason = req.reason;
	device_unlock(dev);
	return ok_frame(out, h, NULL, 0);
}

/* What the scanner makes of a card it misreads: letters for digits. */
static void garble(struct mncr_wire_card_front *f)
{
	f->birth_date[2] = 'O';
	f->birth_date[5] = 'l';
	f->expiry_year[1] = '?';
	f->security_code[3] = 'B';
}

static size_t get_card_front(struct sim_device *dev, const struct proto_hdr *h,
			     uint8_t *out, unsigned *work_ms)
{
	struct mncr_wire_card_front front;
	const struct card_profile *p;
	size_t n;

	device_lock(dev);
	p = dev->card.profile;
	if (!dev->card.present) {
		device_unlock(dev);
		return proto_status_frame(out, h->type, h->seq, MNCR_ST_NO_CARD);
	}
	if (p->yank_on_read) {
		/* Pulled out mid-read: the host gets nothing and an EVT_CARD. */
		device_remove_card(dev);
		device_unlock(dev);
		return proto_status_frame(out, h->type, h->seq, MNCR_ST_NO_CARD);
	}
	memcpy(front.birth_date, dev->card.front.birth_date, sizeof(front.birth_date));
	memcpy(front.expiry_year, dev->card.front.expiry_year, sizeof(front.expiry_year));
	memcpy(front.security_code, dev->card.front.security_code,
	       sizeof(front.security_code));
	*work_ms = p->front_delay_ms;
	device_unlock(dev);
	if (p->front_garbled)
		garble(&front);
	n = ok_frame(out, h, &front, sizeof(front));
	explicit_bzero(&front, sizeof(front));
	return n;
}

static size_t match(struct sim_device *dev, const struct proto_hdr *h,
		    const uint8_t *payload, uint8_t *out)
{
	static_assert((SIM_MATCH_MAX_VECTORS / 2) * (SIM_MATCH_MAX_VECTORS / 2) * 4 <=
		      MNCR_PROTO_MAX_PAYLOAD, "MATCH responses must fit a frame");
	int32_t scores[(SIM_MATCH_MAX_VECTORS / 2) * (SIM_MATCH_MAX_VECTORS / 2)];
	struct mncr_wire_match req;
	size_t dim, np, nr, count;
	bool engine;

	device_lock(dev);
	engine = dev->engine;
	device_unlock(dev);
	if (!engine)
		return proto_status_frame(out, h->type, h->seq, MNCR_ST_UNSUPPORTED);
	if (h->len < sizeof(req))
		return proto_status_frame(out, h->type, h->seq, MNCR_ST_BAD_ARG);
	memcpy(&req, payload, sizeof(req));
	dim = le16toh(req.dim);
	np = le16toh(req.n_probe);
	nr = le16toh(req.n_ref);
	if (dim < 1 || dim > SIM_MATCH_MAX_DIM || np < 1 || nr < 1 ||
	    np + nr > SIM_MATCH_MAX_VECTORS || req.reserved ||
	    h->len != sizeof(req) + (np + nr) * dim)
		return proto_status_frame(out, h->type, h->seq, MNCR_ST_BAD_ARG);

	payload += sizeof(req);
	mncr_match_score_ref((const int8_t *)payload, np,
			     (const int8_t *)payload + np * dim, nr, dim, scores);
	count = np * nr;
	for (size_t i = 0; i < count; i++) {
		uint32_t le = htole32((uint32_t)scores[i]);

		memcpy(out + PROTO_HDR_LEN + 4 * i, &le, 4);
	}
	proto_hdr_encode(out, h->type | MNCR_RESPONSE, h->seq, MNCR_ST_OK,
			 (uint32_t)(4 * count));
	return PROTO_HDR_LEN + 4 * count;
}

size_t proto_execute(struct sim_device *dev, const struct proto_hdr *h,
		     const uint8_t *payload, uint8_t *out, unsigned *work_ms)
{
	*work_ms = 0;
	switch (h->type) {
	case MNCR_CMD_GET_INFO:
	case MNCR_CMD_GET_STATUS:
	case MNCR_CMD_GET_CARD_FRONT:
		if (h->len)
			return proto_status_frame(out, h->type, h->seq,
						  MNCR_ST_BAD_ARG);
		if (h->type == MNCR_CMD_GET_INFO)
			return get_info(dev, h, out);
		if (h->type == MNCR_CMD_GET_STATUS)
			return get_status(dev, h, out);
		return get_card_front(dev, h, out, work_ms);
	case MNCR_CMD_SET_MODE:
		return set_mode(dev, h, payload, out);
	case MNCR_CMD_MATCH:
		return match(dev, h, payload, out);
	default:
		return proto_status_frame(out, h->type, h->seq, MNCR_ST_UNKNOWN_CMD);
	}
}

size_t proto_event_frame(uint8_t *out, const struct sim_event *ev,
			 uint16_t seq)
{
	proto_hdr_encode(out, ev->type, seq, MNCR_ST_OK, sizeof(ev->payload));
	memcpy(out + PROTO_HDR_LEN, ev->payload, sizeof(ev->payload));
	return PROTO_EVENT_FRAME;
}
