/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Eligibility confirmation (オンライン資格確認) messages between a reader and
 * an eligibility service: the qualification request, its result or refusal,
 * and the PIN-mode challenge. Documentation/eligibility.rst describes the
 * JSON on the wire; this module turns it into fixed-size structs (their
 * definitions and field checks are elig_fields.h) and back.
 *
 * Parsing is strict (see elig_json.h) and checks every field's format, so a
 * parsed struct can be used without further checks. Encoding checks the
 * struct the same way and refuses what the parser would refuse. Nothing is
 * allocated: card data lives only in the caller's structs and buffers,
 * which mncr_elig_cleanse() (elig_fields.h) wipes.
 */
#ifndef MNCR_ELIG_MESSAGE_H
#define MNCR_ELIG_MESSAGE_H

#include <stddef.h>

#include "elig/elig_fields.h"

/*
 * Functions that take why/why_len write a one-line reason on failure:
 * member names and offsets, never values.
 */

/* Encoders write a NUL-terminated body: 0, -EINVAL or -ENOSPC. */
int mncr_elig_request_encode(const struct mncr_elig_request *r, char *out,
			     size_t cap, size_t *len, char *why,
			     size_t why_len);
int mncr_elig_response_encode(const struct mncr_elig_response *r, char *out,
			      size_t cap, size_t *len, char *why,
			      size_t why_len);
int mncr_elig_challenge_encode(const struct mncr_elig_challenge *c, char *out,
			       size_t cap, size_t *len);

/* Parsers fill *out from len bytes of text: 0 or -EINVAL. */
int mncr_elig_request_parse(const char *text, size_t len,
			    struct mncr_elig_request *out, char *why,
			    size_t why_len);
int mncr_elig_response_parse(const char *text, size_t len,
			     struct mncr_elig_response *out, char *why,
			     size_t why_len);
/*
 * A challenge body, or a refusal (-EACCES with refusal filled) when the
 * service answered with an error body instead.
 */
int mncr_elig_challenge_parse(const char *text, size_t len,
			      struct mncr_elig_challenge *out,
			      struct mncr_elig_refusal *refusal, char *why,
			      size_t why_len);

#endif
