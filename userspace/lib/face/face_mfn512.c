// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "face/face_err.h"
#include "face/face_mfn512.h"
#include "face/face_onnx.h"
#include "face/face_onnx_net.h"

#define SIDE MNCR_FACE_MFN512_SIZE

struct mncr_face_mfn512 {
	struct mncr_face_onnx_net *net;
};

struct mncr_face_mfn512_ws {
	struct mncr_face_onnx_ws *onnx;
	float input[3 * SIDE * SIDE];
};

static int load(struct mncr_face_mfn512 **out, const char *path,
		const char *sha256, char *err, size_t err_len)
{
	struct mncr_face_mfn512 *m;
	struct mncr_face_onnx g;
	const struct mncr_face_onnx_shape *in;
	int ret;

	*out = NULL;
	ret = mncr_face_onnx_load(&g, path, sha256, err, err_len);
	if (ret)
		return ret;
	in = &g.shapes[0];
	if (in->c != 3 || in->h != SIDE || in->w != SIDE ||
	    g.out_len != MNCR_FACE_MFN512_DIM) {
		mncr_face_onnx_free(&g);
		return mncr_face_seterr(err, err_len, -ENOTSUP,
					"%s: not [1, 3, %d, %d] in, %d out", path, SIDE,
					SIDE, MNCR_FACE_MFN512_DIM);
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		mncr_face_onnx_free(&g);
		return mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
	}
	ret = mncr_face_onnx_net_new(&m->net, &g, err, err_len);
	if (ret) {
		free(m);
		return ret;
	}
	*out = m;
	return 0;
}

int mncr_face_mfn512_load(struct mncr_face_mfn512 **m, const char *dir,
			  char *err, size_t err_len)
{
	char path[4096];

	*m = NULL;
	if (!dir)
		return mncr_face_seterr(err, err_len, -EINVAL, "no model directory");
	snprintf(path, sizeof(path), "%s/%s", dir, MNCR_FACE_MFN512_FILE);
	return load(m, path, MNCR_FACE_MFN512_SHA256, err, err_len);
}

int mncr_face_mfn512_load_file(struct mncr_face_mfn512 **m, const char *path,
			       char *err, size_t err_len)
{
	return load(m, path, NULL, err, err_len);
}

void mncr_face_mfn512_free(struct mncr_face_mfn512 *m)
{
	if (!m)
		return;
	mncr_face_onnx_net_free(m->net);
	free(m);
}

int mncr_face_mfn512_set_impl(struct mncr_face_mfn512 *m, int impl)
{
	return m ? mncr_face_onnx_net_set_impl(m->net, impl) : -ENOTSUP;
}

struct mncr_face_mfn512_ws *mncr_face_mfn512_ws_new(const struct mncr_face_mfn512 *m)
{
	struct mncr_face_mfn512_ws *ws;

	if (!m)
		return NULL;
	ws = calloc(1, sizeof(*ws));
	if (!ws)
		return NULL;
	ws->onnx = mncr_face_onnx_ws_new(m->net);
	if (!ws->onnx) {
		free(ws);
		return NULL;
	}
	return ws;
}

void mncr_face_mfn512_ws_free(struct mncr_face_mfn512_ws *ws)
{
	if (!ws)
		return;
	mncr_face_onnx_ws_free(ws->onnx);
	free(ws);
}

int mncr_face_mfn512_embed(const struct mncr_face_mfn512 *m,
			   struct mncr_face_mfn512_ws *ws, const uint8_t *px,
			   size_t stride, float out[MNCR_FACE_MFN512_DIM])
{
	if (!m || !ws || !px || !out || stride < SIDE)
		return -EINVAL;
	for (int y = 0; y < SIDE; y++) {
		for (int x = 0; x < SIDE; x++) {
			float v = ((float)px[(size_t)y * stride + (size_t)x] - 127.5f) / 128.0f;

			for (int c = 0; c < 3; c++)
				ws->input[(c * SIDE + y) * SIDE + x] = v;
		}
	}
	return mncr_face_onnx_net_run(m->net, ws->onnx, ws->input, out);
}

