/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small interpreter for TF.js graph models (model.json: "modelTopology"
 * with a list of nodes, each an op, its inputs and attributes, and a
 * "weightsManifest" naming the Const tensors stored in the .bin shards).
 * Only the ops MobileFaceNet uses are known; a graph with any other op, a
 * quantised weight or an unsupported attribute is refused at load:
 *
 *   Placeholder, Const (float32, int32), _FusedConv2D and
 *   FusedDepthwiseConv2dNative (NHWC, no dilation, SAME or VALID padding,
 *   fused BiasAdd and optionally Relu), Relu, Abs, Square, Rsqrt, Add, Sub,
 *   Mul, Maximum (NumPy broadcasting), Squeeze, Sum (over the last axis).
 *
 * Tensors are one image (batch 1), channels last. The graph has one
 * Placeholder (the input) and its output is the one node no other reads.
 */
#ifndef MNCR_FACE_GRAPH_H
#define MNCR_FACE_GRAPH_H

#include <stddef.h>
#include <stdint.h>

/* Read-only once loaded: one graph may serve several threads. */
struct mncr_face_graph;

/*
 * Load flags. REPAIR_PRELU: where a PReLU is written relu(x) + a * (x - |x|)
 * but x comes from a convolution whose fused ops include Relu (a converter
 * fusion that also clamps the values Abs and Sub read, so the PReLU
 * becomes a ReLU), run the convolution without Relu and clamp only the
 * Add's relu(x) term: the network as trained. Without it the graph runs as
 * TF.js runs it.
 */
#define MNCR_FACE_GRAPH_REPAIR_PRELU 1u

/*
 * Builds a graph from model.json text and its weights (the shards
 * concatenated). Returns 0, -EINVAL (malformed), -ENOTSUP (an op or
 * attribute this interpreter does not run) or -ENOMEM, with a message in
 * err.
 */
int mncr_face_graph_parse(struct mncr_face_graph **g, const char *json,
			  size_t json_len, const uint8_t *bin, size_t bin_len,
			  unsigned flags, char *err, size_t err_len);

/*
 * Loads dir/name.json and dir/name.bin, checking their SHA-256 (NULL:
 * not checked). Returns 0 or -errno (-ENOENT, -EBADMSG for a checksum
 * mismatch, or as mncr_face_graph_parse) with a message in err.
 */
int mncr_face_graph_load(struct mncr_face_graph **g, const char *dir,
			 const char *name, const char *json_sha256,
			 const char *bin_sha256, unsigned flags, char *err,
			 size_t err_len);

void mncr_face_graph_free(struct mncr_face_graph *g);

/*
 * Runs the graph on input, h x w x c floats, channels last. The output
 * (out_len floats at most) is written to out and its element count to
 * *n_out. Returns 0, -EINVAL (sizes), -ENOTSUP (shapes an op cannot
 * take), -ENOSPC (out too small) or -ENOMEM, with a message in err.
 */
int mncr_face_graph_run(const struct mncr_face_graph *g, const float *input,
			int h, int w, int c, float *out, size_t out_len,
			size_t *n_out, char *err, size_t err_len);

#endif
