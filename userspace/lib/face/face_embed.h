/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Face embedding: dlib's ResNet-29 face recogniser (dlib_face_recognition_
 * resnet_model_v1) as ported to TF.js by face-api, in plain C. An aligned
 * 150x150 face in, 128 floats out; two faces of one person are within a
 * Euclidean distance of about 0.6 (dlib's threshold).
 *
 * The network: conv 7x7/2 (32) -> max pool 3x3/2 -> 3 residual blocks (32)
 * -> down-sampling block to 64 + 3 blocks -> to 128 + 2 -> to 256 + 2 ->
 * down-sampling block (256) -> global mean -> fully connected 256x128.
 * Input: R, G, B minus (122.782, 117.001, 104.298), divided by 256 (dlib's
 * input_rgb_image_sized; face-api divides by 255).
 */
#ifndef MNCR_FACE_EMBED_H
#define MNCR_FACE_EMBED_H

#include <stddef.h>
#include <stdint.h>

#include "face/face_model.h"

#define MNCR_FACE_EMBED_SIZE 150	/* input side, pixels */
#define MNCR_FACE_EMBED_DIM 128
#define MNCR_FACE_EMBED_MANIFEST "face_recognition_model-weights_manifest.json"
#define MNCR_FACE_EMBED_BIN "face_recognition_model.bin"
#define MNCR_FACE_EMBED_MANIFEST_SHA256 \
	"cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b"
#define MNCR_FACE_EMBED_BIN_SHA256 \
	"b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589"

/* Read-only once loaded: one net may serve several threads. */
struct mncr_face_net;
/* Scratch tensors of one forward pass: one per thread. */
struct mncr_face_embed_ws;

/*
 * Loads the model from dir (the two files above, checksums verified).
 * Returns 0 or -errno with a message in err (may be NULL).
 */
int mncr_face_net_load(struct mncr_face_net **net, const char *dir,
		       char *err, size_t err_len);
/* The same from loaded weights (names and shapes checked). */
int mncr_face_net_from_weights(struct mncr_face_net **net,
			       const struct mncr_face_weights *w,
			       char *err, size_t err_len);
void mncr_face_net_free(struct mncr_face_net *net);

/*
 * Chooses the convolution kernel (enum mncr_face_conv_impl in face_conv.h;
 * 0 = the best the CPU has, the default). Returns 0 or -ENOTSUP.
 */
int mncr_face_net_set_impl(struct mncr_face_net *net, int impl);

/* NULL when out of memory. */
struct mncr_face_embed_ws *mncr_face_embed_ws_new(void);
void mncr_face_embed_ws_free(struct mncr_face_embed_ws *ws);

/*
 * Embeds a 150x150 image: channels 1 (grey, used for R, G and B) or 3
 * (RGB), stride bytes from one row to the next. ws may be NULL (allocated
 * for this call). Returns 0, -EINVAL or -ENOMEM.
 */
int mncr_face_embed(const struct mncr_face_net *net,
		    struct mncr_face_embed_ws *ws, const uint8_t *pixels,
		    int channels, size_t stride,
		    float out[MNCR_FACE_EMBED_DIM]);

/* Euclidean distance and cosine similarity of two embeddings. */
float mncr_face_distance(const float *a, const float *b, size_t dim);
float mncr_face_cosine(const float *a, const float *b, size_t dim);

#endif
