// SPDX-License-Identifier: LGPL-2.1-or-later
#include "util/tlv.h"

#include <errno.h>
#include <string.h>

uint8_t mncr_tlv_tag_first(uint32_t tag)
{
	while (tag > 0xFF)
		tag >>= 8;
	return (uint8_t)tag;
}

int mncr_tlv_tag_class(uint32_t tag)
{
	return mncr_tlv_tag_first(tag) >> 6;
}

bool mncr_tlv_constructed(uint32_t tag)
{
	return mncr_tlv_tag_first(tag) & 0x20;
}

static int tag_decode(const uint8_t *buf, size_t n, uint32_t *tag,
		      size_t *tag_len)
{
	uint32_t t;
	size_t i;

	if (n == 0)
		return -ENODATA;
	t = buf[0];
	if ((buf[0] & 0x1F) != 0x1F) {
		*tag = t;
		*tag_len = 1;
		return 0;
	}
	for (i = 1;; i++) {
		/* Over-long before truncated: FF FF FF is wrong, not short. */
		if (i >= MNCR_TLV_MAX_TAG)
			return -EBADMSG;
		if (i >= n)
			return -ENODATA;
		t = t << 8 | buf[i];
		if (!(buf[i] & 0x80))
			break;
	}
	*tag = t;
	*tag_len = i + 1;
	return 0;
}

int mncr_tlv_header(const uint8_t *buf, size_t n, uint32_t *tag,
		    size_t *hdr_len, size_t *len)
{
	size_t tl, k, v = 0;
	uint8_t b;
	int ret;

	if (!buf && n)
		return -EINVAL;
	ret = tag_decode(buf, n, tag, &tl);
	if (ret)
		return ret;
	if (buf[0] == 0x00)
		return -EBADMSG;	/* 00 is filler, never a tag */
	if (tl >= n)
		return -ENODATA;
	b = buf[tl];
	if (b < 0x80) {
		*hdr_len = tl + 1;
		*len = b;
		return 0;
	}
	k = b & 0x7F;
	if (k == 0 || k > 3)
		return -EBADMSG;	/* indefinite, or more than 16 MiB */
	if (n - tl - 1 < k)
		return -ENODATA;
	for (size_t i = 0; i < k; i++)
		v = v << 8 | buf[tl + 1 + i];
	*hdr_len = tl + 1 + k;
	*len = v;
	return 0;
}

int mncr_tlv_parse(const uint8_t *buf, size_t n, struct mncr_tlv *out)
{
	size_t hdr, len;
	uint32_t tag;
	int ret;

	ret = mncr_tlv_header(buf, n, &tag, &hdr, &len);
	if (ret)
		return ret;
	if (len > n - hdr)
		return -ENODATA;
	out->tag = tag;
	out->hdr_len = hdr;
	out->len = len;
	out->value = buf + hdr;
	return 0;
}

void mncr_tlv_iter_init(struct mncr_tlv_iter *it, const uint8_t *buf,
			size_t n)
{
	it->p = buf;
	it->left = buf ? n : 0;
}

static bool is_filler(const uint8_t *p, size_t left)
{
	if (p[0] == 0x00)
		return true;
	return p[0] == 0xFF && (left == 1 || p[1] == 0xFF || p[1] == 0x00);
}

int mncr_tlv_next(struct mncr_tlv_iter *it, struct mncr_tlv *out)
{
	struct mncr_tlv t;
	int ret;

	while (it->left && is_filler(it->p, it->left)) {
		it->p++;
		it->left--;
	}
	if (!it->left)
		return 0;
	ret = mncr_tlv_parse(it->p, it->left, &t);
	if (ret)
		return ret;
	it->p += t.hdr_len + t.len;
	it->left -= t.hdr_len + t.len;
	*out = t;
	return 1;
}

int mncr_tlv_find(const uint8_t *buf, size_t n, uint32_t tag,
		  struct mncr_tlv *out)
{
	struct mncr_tlv_iter it;
	struct mncr_tlv t;
	int ret;

	mncr_tlv_iter_init(&it, buf, n);
	while ((ret = mncr_tlv_next(&it, &t)) > 0) {
		if (t.tag == tag) {
			*out = t;
			return 0;
		}
	}
	return ret ? ret : -ENOENT;
}

int mncr_tlv_find_path(const uint8_t *buf, size_t n, const uint32_t *path,
		       size_t depth, struct mncr_tlv *out)
{
	struct mncr_tlv t;
	int ret;

	if (!depth || !path)
		return -EINVAL;
	for (size_t i = 0; i < depth; i++) {
		if (i && !mncr_tlv_constructed(t.tag))
			return -ENOENT;
		ret = mncr_tlv_find(buf, n, path[i], &t);
		if (ret)
			return ret;
		buf = t.value;
		n = t.len;
	}
	*out = t;
	return 0;
}

int mncr_tlv_locate(const uint8_t *buf, size_t n, uint32_t tag,
		    size_t max_lead, size_t *offset)
{
	size_t hdr, len;
	uint32_t t;

	for (size_t off = 0; off <= max_lead && off < n; off++) {
		if (mncr_tlv_header(buf + off, n - off, &t, &hdr, &len) == 0 &&
		    t == tag) {
			*offset = off;
			return 0;
		}
	}
	return -ENOENT;
}

/* Encoded tag bytes, most significant first; 0 if tag is not well formed. */
static size_t tag_encode(uint32_t tag, uint8_t *out)
{
	uint8_t b[MNCR_TLV_MAX_TAG];
	size_t n = 0, got;
	uint32_t back;

	if (!tag)
		return 0;
	for (uint32_t t = tag; t; t >>= 8) {
		if (n == MNCR_TLV_MAX_TAG)
			return 0;
		b[n++] = t & 0xFF;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = b[n - 1 - i];
	/* Round trip through the decoder so only decodable tags go out. */
	if (tag_decode(out, n, &back, &got) || got != n || back != tag ||
	    out[0] == 0x00)
		return 0;
	return n;
}

int mncr_tlv_encode_header(uint32_t tag, size_t len, uint8_t *out)
{
	size_t n = tag_encode(tag, out), k;

	if (!n)
		return -EINVAL;
	if (len < 0x80) {
		out[n] = (uint8_t)len;
		return (int)n + 1;
	}
	k = len <= 0xFF ? 1 : len <= 0xFFFF ? 2 : len <= 0xFFFFFF ? 3 : 0;
	if (!k)
		return -EINVAL;
	out[n] = 0x80 | (uint8_t)k;
	for (size_t i = 0; i < k; i++)
		out[n + 1 + i] = (uint8_t)(len >> (8 * (k - 1 - i)));
	return (int)(n + 1 + k);
}

void mncr_tlv_writer_init(struct mncr_tlv_writer *w, uint8_t *buf,
			  size_t cap)
{
	w->buf = buf;
	w->cap = buf ? cap : 0;
	w->len = 0;
	w->err = 0;
}

void mncr_tlv_put_raw(struct mncr_tlv_writer *w, const void *data, size_t len)
{
	if (w->err)
		return;
	if (len > w->cap - w->len) {
		w->err = -ENOSPC;
		return;
	}
	if (len)
		memcpy(w->buf + w->len, data, len);
	w->len += len;
}

void mncr_tlv_put(struct mncr_tlv_writer *w, uint32_t tag,
		  const void *value, size_t len)
{
	uint8_t hdr[MNCR_TLV_MAX_HDR];
	int n;

	if (w->err)
		return;
	n = mncr_tlv_encode_header(tag, len, hdr);
	if (n < 0) {
		w->err = n;
		return;
	}
	mncr_tlv_put_raw(w, hdr, (size_t)n);
	mncr_tlv_put_raw(w, value, len);
}

size_t mncr_tlv_begin(struct mncr_tlv_writer *w, uint32_t tag)
{
	uint8_t t[MNCR_TLV_MAX_TAG + 1];
	size_t n, mark;

	if (w->err)
		return 0;
	n = tag_encode(tag, t);
	if (!n) {
		w->err = -EINVAL;
		return 0;
	}
	t[n] = 0;		/* length placeholder, fixed by mncr_tlv_end() */
	mncr_tlv_put_raw(w, t, n + 1);
	mark = w->len - 1;
	return mark;
}

void mncr_tlv_end(struct mncr_tlv_writer *w, size_t mark)
{
	uint8_t hdr[MNCR_TLV_MAX_HDR];
	size_t content, k;
	int n;

	if (w->err)
		return;
	if (mark >= w->len) {
		w->err = -EINVAL;
		return;
	}
	content = w->len - mark - 1;
	/* Any one-byte tag gives the length bytes at hdr[1..]. */
	n = mncr_tlv_encode_header(0x04, content, hdr);
	if (n < 0) {
		w->err = n;
		return;
	}
	k = (size_t)n - 1;
	if (k > 1) {
		if (k - 1 > w->cap - w->len) {
			w->err = -ENOSPC;
			return;
		}
		memmove(w->buf + mark + k, w->buf + mark + 1, content);
		w->len += k - 1;
	}
	memcpy(w->buf + mark, hdr + 1, k);
}
