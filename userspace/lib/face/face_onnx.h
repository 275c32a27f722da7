/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ONNX models, decoded with protobuf-c (the schema is Debian's
 * libonnx-dev onnx.proto, compiled at build time) and checked against the
 * little this project runs; anything else is refused at load with an error
 * naming the node:
 *
 *   default domain, opset 7 to 17; one float32 input [1, C, H, W] (batch 1);
 *   float32 initialisers held in the file (raw_data or float_data);
 *   Conv: weight and optional bias initialisers, group 1 or depthwise
 *     (group = input channels = output channels), square strides 1 to 8,
 *     the same padding on all four sides (below the kernel size),
 *     dilations 1, auto_pad NOTSET;
 *   PRelu: slope initialiser of one value per channel ([C, 1, 1] or [C]) or
 *     one for all ([1]);
 *   Add: two activations of one shape (no broadcasting);
 *   Reshape: to [1, -1] or [1, C * H * W], only as the graph's output.
 *
 * Nodes are kept in file order, which must be topological.
 */
#ifndef MNCR_FACE_ONNX_H
#define MNCR_FACE_ONNX_H

#include <stddef.h>
#include <stdint.h>

enum mncr_face_onnx_op {
	MNCR_FACE_ONNX_CONV,
	MNCR_FACE_ONNX_PRELU,
	MNCR_FACE_ONNX_ADD,
	MNCR_FACE_ONNX_RESHAPE,
};

/* An activation, batch 1: channels x height x width. */
struct mncr_face_onnx_shape {
	int c, h, w;
};

struct mncr_face_onnx_node {
	enum mncr_face_onnx_op op;
	char name[48];
	int in[2];		/* value numbers; in[1] -1 but for Add */
	int out;		/* value number written */
	/* Conv */
	int kh, kw, stride, pad;
	int depthwise;		/* else group 1 */
	float *w;		/* Conv [cout][cin or 1][kh][kw]; PRelu [c] */
	float *b;		/* Conv bias [cout], NULL when none */
};

/*
 * Value 0 is the graph's input; node i writes value i + 1 (so the values
 * are as many as the nodes plus one).
 */
struct mncr_face_onnx {
	int n_nodes;
	struct mncr_face_onnx_node *nodes;
	struct mncr_face_onnx_shape *shapes;	/* n_nodes + 1 */
	int output;				/* value number */
	size_t out_len;				/* its element count */
};

/*
 * Decodes and checks a serialised ModelProto. Returns 0, -EINVAL
 * (malformed or inconsistent), -ENOTSUP (an op, attribute, shape or data
 * type outside the list above) or -ENOMEM, with a message in err.
 */
int mncr_face_onnx_parse(struct mncr_face_onnx *g, const uint8_t *data,
			 size_t len, char *err, size_t err_len);

/*
 * The same from a file, whose SHA-256 must be sha256 (NULL: not checked;
 * -EBADMSG on a mismatch, -ENOENT when missing).
 */
int mncr_face_onnx_load(struct mncr_face_onnx *g, const char *path,
			const char *sha256, char *err, size_t err_len);

void mncr_face_onnx_free(struct mncr_face_onnx *g);

#endif
