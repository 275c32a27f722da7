/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A checked ONNX graph (face_onnx) run on the face convolution kernels:
 * dense Conv on face_conv, depthwise on face_dwconv, a PRelu or Add that
 * follows a Conv done in the kernel's last step. Activations live in a few
 * buffers reused once their value's last reader has run, sized at load:
 * one workspace per thread, nothing allocated per run.
 */
#ifndef MNCR_FACE_ONNX_NET_H
#define MNCR_FACE_ONNX_NET_H

#include <stddef.h>

#include "face/face_onnx.h"

/* Read-only once made: threads may share it, each with its workspace. */
struct mncr_face_onnx_net;
struct mncr_face_onnx_ws;

/*
 * Prepares g's layers; the net takes g over (g is left empty, also on
 * error). Returns 0, -EINVAL or -ENOMEM with a message in err.
 */
int mncr_face_onnx_net_new(struct mncr_face_onnx_net **net,
			   struct mncr_face_onnx *g, char *err, size_t err_len);
void mncr_face_onnx_net_free(struct mncr_face_onnx_net *net);

/* The kernel (enum mncr_face_conv_impl; 0 the best). 0 or -ENOTSUP. */
int mncr_face_onnx_net_set_impl(struct mncr_face_onnx_net *net, int impl);

/* The graph (input shape, output length). */
const struct mncr_face_onnx *mncr_face_onnx_net_graph(const struct mncr_face_onnx_net *net);

/* Scratch for net, NULL when out of memory. */
struct mncr_face_onnx_ws *mncr_face_onnx_ws_new(const struct mncr_face_onnx_net *net);
void mncr_face_onnx_ws_free(struct mncr_face_onnx_ws *ws);

/*
 * Runs the graph on input (C x H x W floats, NCHW as ONNX) into out (the
 * output's out_len floats in ONNX order). ws must be net's. Returns 0 or
 * -EINVAL.
 */
int mncr_face_onnx_net_run(const struct mncr_face_onnx_net *net,
			   struct mncr_face_onnx_ws *ws, const float *input,
			   float *out);

#endif
