/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pipeline's embedding networks, by name: the 128-d dlib ResNet
 * (face_embed, 150x150 chip) and the 512-d MobileFaceNet (face_mfn512,
 * 112x112 ArcFace chip). Templates of one network only compare with
 * templates of the same network.
 */
#ifndef MNCR_FACE_NETWORK_H
#define MNCR_FACE_NETWORK_H

#include <stddef.h>

/* The largest template, what the driver's MATCH ioctl takes (dim <= 512). */
#define MNCR_FACE_TEMPLATE_MAX 512

enum mncr_face_network {
	MNCR_FACE_NET_RESNET,
	MNCR_FACE_NET_MFN512,
	MNCR_FACE_NET_COUNT
};

/*
 * The network the pipeline loads when told nothing else: the one with the
 * lower FNMR at FMR 1e-4 on LFW (Documentation/face.rst: 1.25% against
 * 14.92% for the ResNet, float cosines).
 */
#define MNCR_FACE_NET_DEFAULT MNCR_FACE_NET_MFN512

/* "resnet" or "mfn512"; "?" for anything else. */
const char *mncr_face_network_name(enum mncr_face_network n);

/* By name; 0 or -EINVAL. */
int mncr_face_network_parse(const char *name, enum mncr_face_network *n);

/* Embedding and template dimension: 128 or 512 (0 for a bad value). */
size_t mncr_face_network_dim(enum mncr_face_network n);

#endif
