// SPDX-License-Identifier: GPL-2.0-or-later
/* The card-record parsers (基本4情報, 券面 EF 0002) on arbitrary files. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "card/card_text_ap.h"
#include "card/card_visual_ap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mncr_text_basic4 b;
	struct mncr_visual_front v;

	if (mncr_text_ap_parse_basic4(data, size, &b) == 0) {
		if (strlen(b.birth) != 8 || !b.sex || !b.name || !b.address)
			abort();
		mncr_text_basic4_clear(&b);
	} else if (b.name || b.address) {
		abort();	/* nothing left behind on error */
	}
	if (mncr_visual_ap_parse(data, size, &v) == 0) {
		if (v.photo_len > size || !v.photo)
			abort();
		mncr_photo_format(v.photo, v.photo_len);
		mncr_visual_front_clear(&v);
	} else if (v.photo) {
		abort();
	}
	return 0;
}
