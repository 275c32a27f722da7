/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The accuracy harness's embedding cache (build/accuracy/lfw.cache): one
 * record per LFW image, in sorted path order, after a header naming the
 * configuration that made it (a cache of another configuration is
 * recomputed).
 */
#ifndef MNCR_ACCURACY_LFW_H
#define MNCR_ACCURACY_LFW_H

#include <stdint.h>

#include "face/face_embed.h"

#define LFW_CACHE_MAGIC "mncr-lfw-cache 4"
#define LFW_NAME 96
#define LFW_MAX_IMAGES 20000

struct lfw_header {
	char magic[32];
	char config[256];	/* pipeline options and model checksums */
	uint32_t count;
	uint32_t pad;
};

/* status: enum mncr_face_status, or -1 when the image did not load */
struct lfw_record {
	char name[LFW_NAME];	/* "Person_Name/Person_Name_0001.jpg" */
	int32_t status;
	uint32_t fails;
	int32_t fallback;	/* 1: no face found, the fixed centre box used */
	int32_t input_size;
	int32_t n_faces;
	float box[5];
	float quality[7];	/* struct mncr_face_quality, in order */
	float embedding[MNCR_FACE_EMBED_DIM];
	int8_t templ[MNCR_FACE_EMBED_DIM];
};

/*
 * The records of the cache at path (malloc'd, h->count of them), or NULL
 * when it cannot be read or is not a cache of this format.
 */
struct lfw_record *lfw_cache_load(const char *path, struct lfw_header *h);

#endif
