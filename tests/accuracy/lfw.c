// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lfw.h"

struct lfw_record *lfw_cache_load(const char *path, struct lfw_header *h)
{
	struct lfw_record *recs = NULL;
	FILE *f = fopen(path, "rb");

	if (!f)
		return NULL;
	if (fread(h, sizeof(*h), 1, f) == 1 &&
	    !strncmp(h->magic, LFW_CACHE_MAGIC, sizeof(h->magic)) &&
	    h->count > 0 && h->count <= LFW_MAX_IMAGES)
		recs = malloc((size_t)h->count * sizeof(*recs));
	if (recs && fread(recs, sizeof(*recs), h->count, f) != h->count) {
		free(recs);
		recs = NULL;
	}
	fclose(f);
	return recs;
}
