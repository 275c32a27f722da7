/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The second network's LFW cache (build/accuracy/lfw_mfn.cache): one
 * record per image of the main cache (lfw.h), same order, MobileFaceNet
 * embeddings of the pipeline's landmarks aligned to the ArcFace template.
 */
#ifndef MNCR_ACCURACY_LFW_MFN_H
#define MNCR_ACCURACY_LFW_MFN_H

#include <stdint.h>

#include "face/face_mfn.h"
#include "lfw.h"

#define LFW_MFN_MAGIC "mncr-lfw-mfn 1"

struct lfw_mfn_header {
	char magic[32];
	char config[256];
	uint32_t count;
	uint32_t pad;
};

struct lfw_mfn_record {
	char name[LFW_NAME];
	int32_t status;		/* 0 embedded, -1 not (image, landmarks) */
	int32_t pad;
	float embedding[MNCR_FACE_MFN_DIM];	/* PReLU repaired */
	float raw[MNCR_FACE_MFN_DIM];		/* the graph as TF.js runs it */
};

#endif
