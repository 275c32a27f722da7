/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A second network's LFW cache (build/accuracy/lfw_mfn.cache for the
 * 192-d TF.js MobileFaceNet, lfw_mfn512.cache for the 512-d ONNX one): one
 * record per image of the main cache (lfw.h), same order, embeddings of
 * the pipeline's landmarks aligned to the ArcFace template. dim (192 or
 * 512) values of each array are used.
 */
#ifndef MNCR_ACCURACY_LFW_MFN_H
#define MNCR_ACCURACY_LFW_MFN_H

#include <stdint.h>

#include "face/face_mfn.h"
#include "lfw.h"

#define LFW_MFN_MAGIC "mncr-lfw-mfn 2"
#define LFW_MFN_MAX_DIM 512

struct lfw_mfn_header {
	char magic[32];
	char config[256];
	uint32_t count;
	uint32_t dim;
};

struct lfw_mfn_record {
	char name[LFW_NAME];
	int32_t status;		/* 0 embedded, -1 not (image, landmarks) */
	int32_t pad;
	/* 192-d: PReLU repaired; 512-d: the chip alone */
	float embedding[LFW_MFN_MAX_DIM];
	/* 192-d: the graph as TF.js runs it; 512-d: mean with the mirror's */
	float raw[LFW_MFN_MAX_DIM];
};

#endif
