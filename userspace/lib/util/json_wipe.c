// SPDX-License-Identifier: LGPL-2.1-or-later
#include "util/json_wipe.h"

#include <string.h>

#include <json-c/json_object.h>
#include <json-c/linkhash.h>
#include <openssl/crypto.h>

static void wipe(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_string:
		/* json-c's own buffer; it is freed right after */
		OPENSSL_cleanse((char *)json_object_get_string(v),
				(size_t)json_object_get_string_len(v));
		break;
	case json_type_array:
		for (size_t i = 0; i < json_object_array_length(v); i++)
			wipe(json_object_array_get_idx(v, i));
		break;
	case json_type_object: {
		json_object_object_foreach(v, key, val) {
			wipe(val);
			OPENSSL_cleanse(key, strlen(key));
		}
		break;
	}
	default:
		break;
	}
}

void mncr_json_wipe_free(struct json_object *v)
{
	wipe(v);
	json_object_put(v);
}
