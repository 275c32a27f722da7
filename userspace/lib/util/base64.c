// SPDX-License-Identifier: LGPL-2.1-or-later
#include "util/base64.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

/* Characters decoded at a time (a multiple of 4). */
#define BLOCK 256

int mncr_b64_encode(const uint8_t *in, size_t n, char *out, size_t cap)
{
	if (n > INT_MAX / 4 * 3 || MNCR_B64_LEN(n) >= cap)
		return -ENOSPC;
	EVP_EncodeBlock((unsigned char *)out, in, (int)n);
	return 0;
}

/*
 * EVP_DecodeBlock alone takes white space at either end, '=' anywhere and
 * bits after the last byte: each block is encoded again and must give the
 * same text, so that only the canonical form passes.
 */
int mncr_b64_decode(const char *text, size_t len, uint8_t *out,
		    size_t cap, size_t *out_len)
{
	unsigned char bin[BLOCK / 4 * 3], again[BLOCK + 1];
	size_t o = 0, pad = 0;
	int ret = 0;

	if (len % 4)
		return -EINVAL;
	if (len && text[len - 1] == '=')
		pad = len >= 2 && text[len - 2] == '=' ? 2 : 1;
	if (len / 4 * 3 - pad > cap)
		return -ENOSPC;
	for (size_t i = 0; i < len && !ret; i += BLOCK) {
		size_t n = len - i < BLOCK ? len - i : BLOCK;
		/* EVP_DecodeBlock counts the bytes the padding stands for */
		size_t got = n / 4 * 3 - (i + n == len ? pad : 0);

		if (EVP_DecodeBlock(bin, (const unsigned char *)text + i,
				    (int)n) != (int)(n / 4 * 3) ||
		    EVP_EncodeBlock(again, bin, (int)got) != (int)n ||
		    memcmp(again, text + i, n) != 0) {
			ret = -EINVAL;
			break;
		}
		memcpy(out + o, bin, got);
		o += got;
	}
	OPENSSL_cleanse(bin, sizeof(bin));
	OPENSSL_cleanse(again, sizeof(again));
	if (!ret)
		*out_len = o;
	return ret;
}
