// SPDX-License-Identifier: LGPL-2.1-or-later
#include "card/card_face_record.h"
#include "card/card_ids.h"
#include "util/tlv.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <openssl/evp.h>

#define FIRST	0xDF22
#define LAST	0xDF2A
#define CHILDREN	(LAST - FIRST + 1)

/* Only filler (00 or FF) in p[0..n). */
static bool filler(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0x00 && p[i] != 0xFF)
			return false;
	return true;
}

/* DF21: one big-endian offset per child after it, from the object's start. */
static int check_offsets(const struct mncr_tlv *table, const size_t *off,
			 size_t count)
{
	if (table->len % 2 || table->len / 2 < count)
		return -EBADMSG;
	for (size_t i = 0; i < count; i++) {
		size_t v = (size_t)table->value[2 * i] << 8 | table->value[2 * i + 1];

		if (v != off[i])
			return -EBADMSG;
	}
	return 0;
}

int mncr_face_record_parse(const uint8_t *buf, size_t n,
			   struct mncr_face_record *out)
{
	struct mncr_tlv outer, t, table, kids[CHILDREN];
	size_t off[CHILDREN], count = 0, left, pos;
	const uint8_t *p;

	if (!buf || !out)
		return -EBADMSG;
	memset(out, 0, sizeof(*out));
	if (mncr_tlv_parse(buf, n, &outer) || outer.tag != MNCR_TAG_FRONT ||
	    !filler(outer.value + outer.len, n - outer.hdr_len - outer.len))
		return -EBADMSG;
	p = outer.value;
	left = outer.len;
	if (mncr_tlv_parse(p, left, &table) || table.tag != 0xDF21)
		return -EBADMSG;
	p += table.hdr_len + table.len;
	left -= table.hdr_len + table.len;
	/* Children in order, each once, back to back, then filler. */
	while (left && !filler(p, left)) {
		if (count == CHILDREN || mncr_tlv_parse(p, left, &t) ||
		    t.tag != FIRST + count)
			return -EBADMSG;
		off[count] = (size_t)(p - buf);
		kids[count++] = t;
		p += t.hdr_len + t.len;
		left -= t.hdr_len + t.len;
	}
	/* Up to DF27 and no further: a record nobody signed. */
	pos = 0xDF28 - FIRST;
	if (count <= pos)
		return count == pos ? -ENOENT : -EBADMSG;
	if (check_offsets(&table, off, count))
		return -EBADMSG;
	if (mncr_card_pubkey_parse(kids[2].value, kids[2].len, &out->key) ||
	    kids[pos].len != MNCR_CARD_RSA_BYTES) {
		memset(out, 0, sizeof(*out));
		return -EBADMSG;
	}
	out->group[0] = kids[0].value - kids[0].hdr_len;
	out->group_len[0] = (size_t)(kids[3].value - kids[3].hdr_len - out->group[0]);
	out->group[1] = kids[3].value - kids[3].hdr_len;
	out->group_len[1] = (size_t)(kids[5].value - kids[5].hdr_len - out->group[1]);
	out->group[2] = kids[5].value - kids[5].hdr_len;
	out->group_len[2] = kids[5].hdr_len + kids[5].len;
	out->sig = kids[pos].value;
	out->photo = kids[5].value;
	out->photo_len = kids[5].len;
	return 0;
}

int mncr_face_record_digest_info(const struct mncr_face_record *r,
				 uint8_t *out)
{
	static const uint8_t head[] = {
		0x30, 0x71, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
		0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x60,
	};
	unsigned int len;

	memcpy(out, head, sizeof(head));
	for (size_t i = 0; i < MNCR_FACE_RECORD_GROUPS; i++) {
		if (!EVP_Digest(r->group[i], r->group_len[i],
				out + sizeof(head) + 32 * i, &len, EVP_sha256(),
				NULL) || len != 32)
			return -EIO;
	}
	return 0;
}
