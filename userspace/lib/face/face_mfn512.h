/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The 512-d MobileFaceNet: model/fr_feature.onnx of npm
 * faceplugin-face-recognition-js@0.0.1 (MIT; training data not stated),
 * ONNX opset 9 from PyTorch, batch norm folded, run by face_onnx_net. An
 * aligned 112x112 face in (the ArcFace 5-point template of face_mfn), grey
 * copied to the three channels as (v - 127.5) / 128, 512 floats out, not
 * normalised: compare with the cosine.
 */
#ifndef MNCR_FACE_MFN512_H
#define MNCR_FACE_MFN512_H

#include <stddef.h>
#include <stdint.h>

#define MNCR_FACE_MFN512_SIZE 112
#define MNCR_FACE_MFN512_DIM 512
#define MNCR_FACE_MFN512_FILE "fr_feature.onnx"
#define MNCR_FACE_MFN512_SHA256 \
	"87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581"

/* Read-only once loaded: threads may share it, each with a workspace. */
struct mncr_face_mfn512;
struct mncr_face_mfn512_ws;

/*
 * Loads dir/fr_feature.onnx (checksum verified; input [1, 3, 112, 112] and
 * 512 outputs checked). Returns 0 or -errno (-ENOENT when not installed)
 * with a message in err.
 */
int mncr_face_mfn512_load(struct mncr_face_mfn512 **m, const char *dir,
			  char *err, size_t err_len);
/* The same from an ONNX file of that shape, any checksum (tests). */
int mncr_face_mfn512_load_file(struct mncr_face_mfn512 **m, const char *path,
			       char *err, size_t err_len);
void mncr_face_mfn512_free(struct mncr_face_mfn512 *m);

/* enum mncr_face_conv_impl (0: the best). Returns 0 or -ENOTSUP. */
int mncr_face_mfn512_set_impl(struct mncr_face_mfn512 *m, int impl);

/* Everything one embedding needs, for m: NULL when out of memory. */
struct mncr_face_mfn512_ws *mncr_face_mfn512_ws_new(const struct mncr_face_mfn512 *m);
void mncr_face_mfn512_ws_free(struct mncr_face_mfn512_ws *ws);

/*
 * Embeds a 112x112 grey chip (stride bytes per row). Returns 0 or -EINVAL.
 */
int mncr_face_mfn512_embed(const struct mncr_face_mfn512 *m,
			   struct mncr_face_mfn512_ws *ws, const uint8_t *px,
			   size_t stride, float out[MNCR_FACE_MFN512_DIM]);

#endif
