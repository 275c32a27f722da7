/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Strict base64 (RFC 4648 section 4, standard alphabet, with padding) over
 * OpenSSL's EVP_EncodeBlock and EVP_DecodeBlock, the one in libmncr:
 * certificates, challenges and signatures in the eligibility messages,
 * attribute strings in TF.js graph models.
 * Decoding accepts only the canonical encoding: no white space, no missing
 * or extra padding, no non-zero bits after the last byte, so every value
 * has exactly one text form.
 */
#ifndef MNCR_BASE64_H
#define MNCR_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Characters that encoding n bytes gives, without the NUL. */
#define MNCR_B64_LEN(n) ((((n) + 2) / 3) * 4)

/* Writes the NUL-terminated text of in[0..n) to out: 0 or -ENOSPC. */
int mncr_b64_encode(const uint8_t *in, size_t n, char *out, size_t cap);

/*
 * Decodes len characters of text into out (at most cap bytes), the byte
 * count in *out_len. Returns 0, -EINVAL (not canonical base64) or -ENOSPC.
 */
int mncr_b64_decode(const char *text, size_t len, uint8_t *out,
			 size_t cap, size_t *out_len);

#endif
