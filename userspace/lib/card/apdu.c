// SPDX-License-Identifier: LGPL-2.1-or-later
#include "card/apdu.h"
#include "util/tlv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#define SHORT_CMD_MAX	(4 + 1 + 255 + 1)
#define READ_OFFSET_MAX	0x7FFF	/* P1 bit 8 set would mean an SFI */
#define TLV_HEAD_READ	16	/* enough for junk + the longest header */

static bool is_extended(const struct mncr_apdu *c)
{
	return c->extended || c->lc > 255 || c->le > MNCR_APDU_SHORT_MAX;
}

size_t mncr_apdu_size(const struct mncr_apdu *c)
{
	size_t n = 4;
	bool ext = is_extended(c);

	if (c->lc > 65535 || c->le > MNCR_APDU_EXT_MAX || (c->lc && !c->data))
		return 0;
	if (c->lc)
		n += (ext ? 3 : 1) + c->lc;
	if (c->le)
		n += ext ? (c->lc ? 2 : 3) : 1;
	return n;
}

int mncr_apdu_build(const struct mncr_apdu *c, uint8_t *out, size_t cap,
		    size_t *n)
{
	size_t need = mncr_apdu_size(c), p = 4;
	bool ext = is_extended(c);

	if (!need)
		return -EINVAL;
	if (need > cap || !out)
		return -ENOSPC;
	out[0] = c->cla;
	out[1] = c->ins;
	out[2] = c->p1;
	out[3] = c->p2;
	if (c->lc) {
		if (ext) {
			out[p++] = 0;
			out[p++] = (uint8_t)(c->lc >> 8);
		}
		out[p++] = (uint8_t)c->lc;
		memcpy(out + p, c->data, c->lc);
		p += c->lc;
	}
	if (c->le) {
		/* 256 and 65536 wrap to 00 and 0000, as the standard says. */
		if (ext && !c->lc)
			out[p++] = 0;
		if (ext)
			out[p++] = (uint8_t)(c->le >> 8);
		out[p++] = (uint8_t)c->le;
	}
	*n = p;
	return 0;
}

int mncr_apdu_parse_command(const uint8_t *b, size_t n, struct mncr_apdu *c)
{
	size_t l;

	if (!b || n < 4)
		return -EBADMSG;
	memset(c, 0, sizeof(*c));
	c->cla = b[0];
	c->ins = b[1];
	c->p1 = b[2];
	c->p2 = b[3];
	if (n == 4)
		return 0;				/* case 1 */
	if (n == 5) {
		c->le = b[4] ? b[4] : 256;		/* case 2S */
		return 0;
	}
	if (b[4]) {
		l = b[4];
		if (n != 5 + l && n != 6 + l)
			return -EBADMSG;
		c->lc = l;				/* case 3S, 4S */
		c->data = b + 5;
		if (n == 6 + l)
			c->le = b[5 + l] ? b[5 + l] : 256;
		return 0;
	}
	if (n < 7)
		return -EBADMSG;	/* 00 after the header starts 3 bytes */
	c->extended = true;
	if (n == 7) {
		l = (size_t)b[5] << 8 | b[6];		/* case 2E */
		c->le = l ? l : 65536;
		return 0;
	}
	l = (size_t)b[5] << 8 | b[6];
	if (!l || (n != 7 + l && n != 9 + l))
		return -EBADMSG;
	c->lc = l;					/* case 3E, 4E */
	c->data = b + 7;
	if (n == 9 + l) {
		l = (size_t)b[7 + l] << 8 | b[8 + l];
		c->le = l ? l : 65536;
	}
	return 0;
}

int mncr_apdu_parse_response(const uint8_t *buf, size_t n,
			     const uint8_t **data, size_t *len, uint16_t *sw)
{
	if (!buf || n < 2)
		return -EBADMSG;
	*data = buf;
	*len = n - 2;
	*sw = (uint16_t)(buf[n - 2] << 8 | buf[n - 1]);
	return 0;
}

static bool secret_ins(uint8_t cla, uint8_t ins)
{
	switch (ins) {
	case 0x20:	/* VERIFY */
	case 0x21:
	case 0x24:	/* CHANGE REFERENCE DATA */
	case 0x2C:	/* RESET RETRY COUNTER */
		return true;
	case 0x32:	/* JICSAP CHANGE KEY (CLA 80) */
		return (cla & 0x80) != 0;
	default:
		return false;
	}
}

bool mncr_apdu_is_secret(const uint8_t *cmd, size_t n)
{
	/* Without a data field there is nothing to hide. */
	return n >= 5 && secret_ins(cmd[0], cmd[1]);
}

int mncr_apdu_sw_tries(uint16_t sw)
{
	return (sw & 0xFFF0) == 0x63C0 ? sw & 0x0F : -1;
}

int mncr_apdu_sw_errno(uint16_t sw)
{
	if (sw == MNCR_SW_OK || sw == MNCR_SW_EOF)
		return 0;
	if ((sw & 0xFFF0) == 0x63C0)
		return (sw & 0x0F) ? -EKEYREJECTED : -EPERM;
	switch (sw) {
	case 0x6983:
	case 0x6984:
		return -EPERM;
	case 0x6982:
	case 0x6985:
		return -EACCES;
	case 0x6A82:
	case 0x6A83:
	case 0x6A88:
		return -ENOENT;
	case 0x6D00:
	case 0x6E00:
	case 0x6881:
	case 0x6882:
		return -EOPNOTSUPP;
	}
	switch (sw >> 8) {
	case 0x67:
	case 0x6A:
	case 0x6B:
	case 0x69:
		return -EINVAL;
	case 0x62:
	case 0x64:
	case 0x65:
		return -EIO;
	}
	return -EPROTO;
}

static const struct {
	uint16_t sw;
	const char *text;
} sw_texts[] = {
	{ 0x9000, "success" },
	{ 0x6281, "returned data may be corrupted" },
	{ 0x6282, "end of file reached before Le bytes" },
	{ 0x6283, "selected file deactivated" },
	{ 0x6300, "verification failed" },
	{ 0x63C0, "verification failed, no tries left (blocked)" },
	{ 0x6581, "memory failure" },
	{ 0x6700, "wrong length" },
	{ 0x6881, "logical channel not supported" },
	{ 0x6882, "secure messaging not supported" },
	{ 0x6981, "command incompatible with file structure" },
	{ 0x6982, "security status not satisfied" },
	{ 0x6983, "authentication method blocked" },
	{ 0x6984, "reference data not usable (blocked or not set)" },
	{ 0x6985, "conditions of use not satisfied" },
	{ 0x6986, "command not allowed (no current EF)" },
	{ 0x6A80, "incorrect data" },
	{ 0x6A81, "function not supported" },
	{ 0x6A82, "file or application not found" },
	{ 0x6A83, "record not found" },
	{ 0x6A86, "incorrect P1 or P2" },
	{ 0x6A88, "referenced data not found" },
	{ 0x6B00, "offset outside the file" },
	{ 0x6D00, "instruction not supported" },
	{ 0x6E00, "class not supported" },
	{ 0x6F00, "no precise diagnosis" },
};

const char *mncr_apdu_sw_text(uint16_t sw)
{
	if ((sw & 0xFFF0) == 0x63C0 && (sw & 0x0F))
		return "verification failed, tries left in SW2";
	if ((sw & 0xFF00) == 0x6100)
		return "more data available (GET RESPONSE)";
	if ((sw & 0xFF00) == 0x6C00)
		return "wrong Le, exact length in SW2";
	for (size_t i = 0; i < sizeof(sw_texts) / sizeof(sw_texts[0]); i++)
		if (sw_texts[i].sw == sw)
			return sw_texts[i].text;
	return "unknown status";
}

/* Response room for one exchange: the largest Le the io allows, plus SW. */
static size_t resp_room(const struct mncr_apdu_io *io)
{
	size_t le = io->max_le > MNCR_APDU_SHORT_MAX ? io->max_le :
		    MNCR_APDU_SHORT_MAX;

	return (le > MNCR_APDU_EXT_MAX ? MNCR_APDU_EXT_MAX : le) + 2;
}

static size_t sw2_le(uint8_t sw2)
{
	return sw2 ? sw2 : 256;
}

struct xfer {
	uint8_t *cbuf, *rbuf;
	size_t ccap, rcap;
};

/* One exchange of cur; the data it returns point into x->rbuf. */
static int exchange(const struct mncr_apdu_io *io, struct xfer *x,
		    const struct mncr_apdu *cur, const uint8_t **data,
		    size_t *len, uint16_t *sw)
{
	size_t cn, rn = x->rcap;
	int ret;

	ret = mncr_apdu_build(cur, x->cbuf, x->ccap, &cn);
	if (ret)
		return ret == -ENOSPC ? -EINVAL : ret;
	ret = io->transmit(io->ctx, x->cbuf, cn, x->rbuf, &rn);
	OPENSSL_cleanse(x->cbuf, cn);	/* it may hold a PIN */
	if (ret)
		return ret < 0 ? ret : -EIO;
	if (rn > x->rcap)
		return -EPROTO;
	return mncr_apdu_parse_response(x->rbuf, rn, data, len, sw) ?
	       -EPROTO : 0;
}

static int chain(const struct mncr_apdu_io *io, struct xfer *x,
		 const struct mncr_apdu *cmd, uint8_t *resp, size_t cap,
		 size_t *resp_len, uint16_t *sw)
{
	const struct mncr_apdu get_response = { .ins = 0xC0 };
	struct mncr_apdu cur = *cmd;
	bool resent = false, fetching = false;
	size_t total = 0, len;
	const uint8_t *data;
	uint16_t s;
	int ret;

	for (;;) {
		ret = exchange(io, x, &cur, &data, &len, &s);
		if (ret)
			return ret;
		if ((s >> 8) == 0x6C) {
			/*
			 * Same command, exact Le; a second 6C is a broken card.
			 * A secret is never presented twice: the card may have
			 * counted the first try already.
			 */
			if (resent || (cur.lc && secret_ins(cur.cla, cur.ins)))
				return -EPROTO;
			resent = true;
			cur.le = sw2_le(s & 0xFF);
			continue;
		}
		if (len > cap - total)
			return -EMSGSIZE;
		if (len)
			memcpy(resp + total, data, len);
		total += len;
		if ((s >> 8) == 0x61) {
			/* Each GET RESPONSE must bring data, or we loop forever. */
			if (fetching && !len)
				return -EPROTO;
			cur = get_response;
			cur.le = sw2_le(s & 0xFF);
			resent = false;
			fetching = true;
			continue;
		}
		*resp_len = total;
		*sw = s;
		return 0;
	}
}

int mncr_apdu_transceive(const struct mncr_apdu_io *io,
			 const struct mncr_apdu *cmd, uint8_t *resp,
			 size_t cap, size_t *resp_len, uint16_t *sw)
{
	uint8_t csmall[SHORT_CMD_MAX + 3], rsmall[MNCR_APDU_SHORT_MAX + 2];
	struct xfer x = { csmall, rsmall, sizeof(csmall), sizeof(rsmall) };
	size_t need;
	int ret;

	if (!io || !io->transmit || !cmd || !resp_len || !sw || (!resp && cap))
		return -EINVAL;
	need = mncr_apdu_size(cmd);
	if (!need)
		return -EINVAL;
	/* A 6Cxx re-send may add an Le field of up to 3 bytes. */
	if (need + 3 > x.ccap) {
		x.ccap = need + 3;
		x.cbuf = malloc(x.ccap);
	}
	if (resp_room(io) > x.rcap) {
		x.rcap = resp_room(io);
		x.rbuf = malloc(x.rcap);
	}
	if (!x.cbuf || !x.rbuf)
		ret = -ENOMEM;
	else
		ret = chain(io, &x, cmd, resp, cap, resp_len, sw);
	/* Responses may hold personal data; commands were wiped as sent. */
	if (x.rbuf)
		OPENSSL_cleanse(x.rbuf, x.rcap);
	if (x.cbuf != csmall)
		free(x.cbuf);
	if (x.rbuf != rsmall)
		free(x.rbuf);
	return ret;
}

int mncr_apdu_run(const struct mncr_apdu_io *io, const struct mncr_apdu *cmd,
		  uint8_t *resp, size_t cap, size_t *resp_len, uint16_t *sw)
{
	size_t len;
	uint16_t s;
	int ret;

	ret = mncr_apdu_transceive(io, cmd, resp, cap, resp_len ? resp_len : &len,
				   &s);
	if (ret)
		return ret;
	if (sw)
		*sw = s;
	return mncr_apdu_sw_errno(s);
}

/* SELECT without FCI (P2 0C); a card that sends some anyway is tolerated. */
static int select_file(const struct mncr_apdu_io *io, uint8_t p1,
		  const uint8_t *id, size_t len)
{
	struct mncr_apdu cmd = {
		.ins = 0xA4, .p1 = p1, .p2 = 0x0C, .data = id, .lc = len,
	};
	uint8_t fci[MNCR_APDU_SHORT_MAX];
	size_t n;

	if (!id || !len || len > 16)
		return -EINVAL;
	return mncr_apdu_run(io, &cmd, fci, sizeof(fci), &n, NULL);
}

int mncr_apdu_select_aid(const struct mncr_apdu_io *io, const uint8_t *aid,
			 size_t len)
{
	return select_file(io, 0x04, aid, len);
}

int mncr_apdu_select_fid(const struct mncr_apdu_io *io, uint16_t fid)
{
	const uint8_t id[2] = { fid >> 8, fid & 0xFF };

	return select_file(io, 0x02, id, sizeof(id));
}

int mncr_apdu_read_binary(const struct mncr_apdu_io *io, size_t offset,
			  uint8_t *buf, size_t n, size_t *got)
{
	size_t chunk = resp_room(io) - 2, done = 0, len, off;
	struct mncr_apdu cmd = { .ins = 0xB0 };
	uint16_t sw;
	int ret;

	if (!io || !got || (!buf && n))
		return -EINVAL;
	while (done < n) {
		off = offset + done;
		if (off > READ_OFFSET_MAX)
			return -EFBIG;
		cmd.p1 = (uint8_t)(off >> 8);
		cmd.p2 = (uint8_t)off;
		cmd.le = n - done < chunk ? n - done : chunk;
		ret = mncr_apdu_transceive(io, &cmd, buf + done, cmd.le, &len,
					   &sw);
		if (ret)
			return ret;
		if (sw == MNCR_SW_WRONG_OFFSET)
			break;			/* offset at or past the end */
		if (sw != MNCR_SW_OK && sw != MNCR_SW_EOF)
			return mncr_apdu_sw_errno(sw);
		done += len;
		if (sw == MNCR_SW_EOF || len < cmd.le)
			break;
	}
	*got = done;
	return 0;
}

int mncr_apdu_read_tlv_ef(const struct mncr_apdu_io *io, uint32_t tag,
			  size_t max, uint8_t **obj, size_t *len)
{
	uint8_t head[TLV_HEAD_READ], *out;
	size_t got, off, hdr, vlen, total, have, more;
	uint32_t t;
	int ret;

	if (!obj || !len)
		return -EINVAL;
	ret = mncr_apdu_read_binary(io, 0, head, sizeof(head), &got);
	if (ret)
		return ret;
	if (mncr_tlv_locate(head, got, tag, MNCR_TLV_MAX_LEAD, &off) ||
	    mncr_tlv_header(head + off, got - off, &t, &hdr, &vlen)) {
		ret = -EBADMSG;
		goto out;
	}
	if (vlen > max || hdr + vlen > max) {
		ret = -EFBIG;
		goto out;
	}
	total = hdr + vlen;
	out = malloc(total);
	if (!out) {
		ret = -ENOMEM;
		goto out;
	}
	have = got - off < total ? got - off : total;
	memcpy(out, head + off, have);
	if (have < total) {
		ret = mncr_apdu_read_binary(io, off + have, out + have,
					    total - have, &more);
		if (!ret && have + more < total)
			ret = -EBADMSG;		/* the file ends inside the object */
		if (ret) {
			mncr_apdu_free_secret(out, total);
			goto out;
		}
	}
	*obj = out;
	*len = total;
out:
	OPENSSL_cleanse(head, sizeof(head));
	return ret;
}

void mncr_apdu_free_secret(void *buf, size_t len)
{
	if (!buf)
		return;
	OPENSSL_cleanse(buf, len);
	free(buf);
}
