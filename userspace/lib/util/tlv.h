/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * BER-TLV as ISO/IEC 7816-4 uses it: the decoder for everything read from
 * a card and the encoder the card emulator builds its files with.
 *
 * A tag is kept as its encoded bytes read as a big-endian number: 0x30,
 * 0x5F4E, 0xFF20, 0xDF21. Tags are 1 to 3 bytes. Lengths take the short
 * form or the 81, 82 and 83 long forms; indefinite length (80) and longer
 * forms (84 and up) are rejected. Non-minimal lengths (82 00 05) and
 * non-minimal tag numbers (FF 10, used by the My Number Card) are accepted
 * because cards use them. Every value is checked to lie inside its buffer.
 *
 * Errors: -EBADMSG malformed encoding, -ENODATA the buffer ends inside the
 * object (truncated), -ENOENT no such object, -EINVAL bad arguments,
 * -ENOSPC encoder out of room.
 */
#ifndef MNCR_TLV_H
#define MNCR_TLV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MNCR_TLV_MAX_TAG	3	/* tag bytes */
#define MNCR_TLV_MAX_HDR	7	/* 3 tag bytes + 83 xx xx xx */
/* How far mncr_tlv_locate() looks for an object behind leading junk. */
#define MNCR_TLV_MAX_LEAD	4

/* Tag classes: the top two bits of the first tag byte. */
#define MNCR_TLV_UNIVERSAL	0
#define MNCR_TLV_APPLICATION	1
#define MNCR_TLV_CONTEXT	2
#define MNCR_TLV_PRIVATE	3

struct mncr_tlv {
	uint32_t tag;
	const uint8_t *value;	/* inside the parsed buffer */
	size_t len;		/* value length */
	size_t hdr_len;		/* tag and length bytes */
};

/* First byte of a tag value, whatever its length. */
uint8_t mncr_tlv_tag_first(uint32_t tag);
int mncr_tlv_tag_class(uint32_t tag);
bool mncr_tlv_constructed(uint32_t tag);

/*
 * Reads the tag and length at buf[0] only; the value need not be there yet
 * (used to size a file from its first bytes). -ENODATA when n is too short
 * for the header itself.
 */
int mncr_tlv_header(const uint8_t *buf, size_t n, uint32_t *tag,
		    size_t *hdr_len, size_t *len);

/* One whole object at buf[0]; its value must fit in n. */
int mncr_tlv_parse(const uint8_t *buf, size_t n, struct mncr_tlv *out);

/*
 * Iterates over sibling objects, skipping 00 and FF filler before, between
 * and after them. FF starts a tag (FF20 is a real tag) unless the next byte
 * is FF or 00 or the data ends, so a run of FF is filler.
 */
struct mncr_tlv_iter {
	const uint8_t *p;
	size_t left;
};

void mncr_tlv_iter_init(struct mncr_tlv_iter *it, const uint8_t *buf,
			size_t n);
/* 1 and *out set, 0 at the end (nothing but filler left), or -errno. */
int mncr_tlv_next(struct mncr_tlv_iter *it, struct mncr_tlv *out);

/* First sibling with this tag in buf; -ENOENT if none. */
int mncr_tlv_find(const uint8_t *buf, size_t n, uint32_t tag,
		  struct mncr_tlv *out);

/*
 * Follows path[0] in buf, then path[1] inside its value, and so on; every
 * object but the last must be constructed.
 */
int mncr_tlv_find_path(const uint8_t *buf, size_t n, const uint32_t *path,
		       size_t depth, struct mncr_tlv *out);

/*
 * Finds where an object with this tag starts within the first max_lead
 * bytes of buf (some cards return bytes before the outer object). Checks
 * the header only, so buf may hold just the start of a file.
 */
int mncr_tlv_locate(const uint8_t *buf, size_t n, uint32_t tag,
		    size_t max_lead, size_t *offset);

/*
 * Encoder. Errors are sticky: check w->err once at the end. Constructed
 * objects are written between begin and end; end moves the contents when
 * their length needs more than one length byte, so lengths are minimal.
 */
struct mncr_tlv_writer {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int err;
};

void mncr_tlv_writer_init(struct mncr_tlv_writer *w, uint8_t *buf,
			  size_t cap);
void mncr_tlv_put(struct mncr_tlv_writer *w, uint32_t tag,
		  const void *value, size_t len);
/* Raw bytes, e.g. filler or a pre-encoded object. */
void mncr_tlv_put_raw(struct mncr_tlv_writer *w, const void *data, size_t len);
/* Returns a mark to pass to mncr_tlv_end(). */
size_t mncr_tlv_begin(struct mncr_tlv_writer *w, uint32_t tag);
void mncr_tlv_end(struct mncr_tlv_writer *w, size_t mark);

/* Encodes a header into out[MNCR_TLV_MAX_HDR]; returns its size or -errno. */
int mncr_tlv_encode_header(uint32_t tag, size_t len, uint8_t *out);

#endif
