/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * UTF-8 (RFC 3629), written once for the JSON reader, the certificate
 * names and the messages: well-formed means no overlong forms, no
 * surrogates, nothing above U+10FFFF.
 */
#ifndef MNCR_UTF8_H
#define MNCR_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes of the well-formed sequence at p (p < end), 0 when ill-formed. */
size_t mncr_utf8_seq_len(const unsigned char *p, const unsigned char *end);

/* Whether s[0..len) is well-formed UTF-8. */
bool mncr_utf8_valid(const char *s, size_t len);

/*
 * The longest prefix of s[0..len) that does not end inside a multi-byte
 * sequence, judged from the last lead byte: where to cut a text that did
 * not fit.
 */
size_t mncr_utf8_cut(const char *s, size_t len);

#endif
