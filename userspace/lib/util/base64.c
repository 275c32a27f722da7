// SPDX-License-Identifier: LGPL-2.1-or-later
#include "util/base64.h"

#include <errno.h>
#include <stdbool.h>

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int mncr_b64_encode(const uint8_t *in, size_t n, char *out, size_t cap)
{
	size_t o = 0;

	if (n > (SIZE_MAX - 1) / 4 * 3 - 3 || MNCR_B64_LEN(n) >= cap)
		return -ENOSPC;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? alphabet[v & 63] : '=';
	}
	out[o] = '\0';
	return 0;
}

/* Value of one base64 character, -1 for anything else (padding too). */
static int sextet(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int mncr_b64_decode(const char *text, size_t len, uint8_t *out,
			 size_t cap, size_t *out_len)
{
	size_t o = 0, pad = 0;

	if (len % 4)
		return -EINVAL;
	if (len && text[len - 1] == '=')
		pad = len >= 2 && text[len - 2] == '=' ? 2 : 1;
	if (len / 4 * 3 - pad > cap)
		return -ENOSPC;
	for (size_t i = 0; i < len; i += 4) {
		bool last = i + 4 == len;
		size_t real = last ? 4 - pad : 4;
		uint32_t v = 0;

		for (size_t k = 0; k < 4; k++) {
			int s = k < real ? sextet(text[i + k]) : 0;

			if (s < 0)
				return -EINVAL;
			v = v << 6 | (uint32_t)s;
		}
		/* Canonical form: the bits padding hides must be zero. */
		if ((real == 3 && (v & 0xff)) || (real == 2 && (v & 0xffff)))
			return -EINVAL;
		out[o++] = (uint8_t)(v >> 16);
		if (real > 2)
			out[o++] = (uint8_t)(v >> 8);
		if (real > 3)
			out[o++] = (uint8_t)v;
	}
	*out_len = o;
	return 0;
}
