/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fields of the card's TLV records (券面AP and 券面事項入力補助AP files):
 * locating the outer object and copying checked children out of it.
 * Errors: -EBADMSG malformed or a field of the wrong form, -ENOENT a field
 * is missing, -ENOMEM.
 */
#ifndef MNCR_CARD_FIELD_H
#define MNCR_CARD_FIELD_H

#include <stddef.h>
#include <stdint.h>

#include "util/tlv.h"

/* The outer object with this tag, after up to MNCR_TLV_MAX_LEAD junk bytes. */
int mncr_card_field_outer(const uint8_t *buf, size_t n, uint32_t tag,
			  struct mncr_tlv *outer);

/* Exactly len ASCII digits; out gets them and a NUL. */
int mncr_card_field_digits(const struct mncr_tlv *outer, uint32_t tag,
			   size_t len, char *out);

/* Text without NUL bytes, malloc'd and NUL-terminated. */
int mncr_card_field_string(const struct mncr_tlv *outer, uint32_t tag,
			   char **out);

/* Raw value, malloc'd (at least one byte allocated). */
int mncr_card_field_bytes(const struct mncr_tlv *outer, uint32_t tag,
			  uint8_t **out, size_t *len);

#endif
