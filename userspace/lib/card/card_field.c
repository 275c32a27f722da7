// SPDX-License-Identifier: LGPL-2.1-or-later
#include "card/card_field.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int mncr_card_field_outer(const uint8_t *buf, size_t n, uint32_t tag,
			  struct mncr_tlv *outer)
{
	size_t off;
	int ret;

	if (!buf || !outer)
		return -EINVAL;
	if (mncr_tlv_locate(buf, n, tag, MNCR_TLV_MAX_LEAD, &off))
		return -EBADMSG;
	ret = mncr_tlv_parse(buf + off, n - off, outer);
	if (ret)
		return -EBADMSG;
	return mncr_tlv_constructed(tag) ? 0 : -EBADMSG;
}

static int child(const struct mncr_tlv *outer, uint32_t tag,
		 struct mncr_tlv *t)
{
	int ret = mncr_tlv_find(outer->value, outer->len, tag, t);

	return ret == -ENOENT ? ret : ret ? -EBADMSG : 0;
}

int mncr_card_field_digits(const struct mncr_tlv *outer, uint32_t tag,
			   size_t len, char *out)
{
	struct mncr_tlv t;
	int ret = child(outer, tag, &t);

	if (ret)
		return ret;
	if (t.len != len)
		return -EBADMSG;
	for (size_t i = 0; i < len; i++)
		if (t.value[i] < '0' || t.value[i] > '9')
			return -EBADMSG;
	memcpy(out, t.value, len);
	out[len] = '\0';
	return 0;
}

int mncr_card_field_string(const struct mncr_tlv *outer, uint32_t tag,
			   char **out)
{
	struct mncr_tlv t;
	int ret = child(outer, tag, &t);

	if (ret)
		return ret;
	if (memchr(t.value, 0, t.len))
		return -EBADMSG;
	*out = malloc(t.len + 1);
	if (!*out)
		return -ENOMEM;
	memcpy(*out, t.value, t.len);
	(*out)[t.len] = '\0';
	return 0;
}

int mncr_card_field_bytes(const struct mncr_tlv *outer, uint32_t tag,
			  uint8_t **out, size_t *len)
{
	struct mncr_tlv t;
	int ret = child(outer, tag, &t);

	if (ret)
		return ret;
	*out = malloc(t.len ? t.len : 1);
	if (!*out)
		return -ENOMEM;
	memcpy(*out, t.value, t.len);
	*len = t.len;
	return 0;
}
