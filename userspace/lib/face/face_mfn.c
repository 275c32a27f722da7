// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * MobileFaceNet: 5-point alignment to the ArcFace template and the graph
 * run on a grey chip.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "face/face_align.h"
#include "face/face_graph.h"
#include "face/face_mfn.h"

struct mncr_face_mfn {
	struct mncr_face_graph *g;
	enum mncr_face_mfn_norm norm;
};

/* insightface's arcface_dst, pixel centres at integers */
static const float tmpl[5][2] = {
	{ 38.2946f, 51.6963f }, { 73.5318f, 51.5014f }, { 56.0252f, 71.7366f },
	{ 41.5493f, 92.3655f }, { 70.7299f, 92.2041f },
};

struct mncr_face_point mncr_face_mfn_template(int i)
{
	struct mncr_face_point p = { 0, 0 };

	if (i >= 0 && i < 5) {
		p.x = tmpl[i][0];
		p.y = tmpl[i][1];
	}
	return p;
}

int mncr_face_mfn_load(struct mncr_face_mfn **out, const char *dir,
		       unsigned graph_flags, char *err, size_t err_len)
{
	struct mncr_face_mfn *m = calloc(1, sizeof(*m));
	int ret;

	*out = NULL;
	if (!m) {
		if (err && err_len)
			snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	ret = mncr_face_graph_load(&m->g, dir, MNCR_FACE_MFN_NAME,
				   MNCR_FACE_MFN_JSON_SHA256, MNCR_FACE_MFN_BIN_SHA256,
				   graph_flags, err, err_len);
	if (ret) {
		free(m);
		return ret;
	}
	m->norm = MNCR_FACE_MFN_NORM_SYM;
	*out = m;
	return 0;
}

void mncr_face_mfn_free(struct mncr_face_mfn *m)
{
	if (!m)
		return;
	mncr_face_graph_free(m->g);
	free(m);
}

void mncr_face_mfn_set_norm(struct mncr_face_mfn *m, enum mncr_face_mfn_norm n)
{
	m->norm = n;
}

static struct mncr_face_point mean_of(const struct mncr_face_point *pts, int a, int b)
{
	struct mncr_face_point p = { 0, 0 };

	for (int i = a; i <= b; i++) {
		p.x += pts[i].x;
		p.y += pts[i].y;
	}
	p.x /= (float)(b - a + 1);
	p.y /= (float)(b - a + 1);
	return p;
}

int mncr_face_mfn_align(const struct mncr_face_image *img,
			const struct mncr_face_point pts[MNCR_FACE_LANDMARKS],
			struct mncr_face_image *chip)
{
	struct mncr_face_point from[5], to[5];
	struct mncr_face_similarity t;
	int ret;

	if (!img || !pts || !chip || chip->w != MNCR_FACE_MFN_SIZE ||
	    chip->h != MNCR_FACE_MFN_SIZE)
		return -EINVAL;
	to[0] = mean_of(pts, 36, 41);
	to[1] = mean_of(pts, 42, 47);
	to[2] = pts[30];
	to[3] = pts[48];
	to[4] = pts[54];
	for (int i = 0; i < 5; i++)
		from[i] = mncr_face_mfn_template(i);
	ret = mncr_face_similarity_fit(from, to, 5, &t);
	if (ret)
		return ret;
	return mncr_face_chip_extract(img, &t, chip);
}

int mncr_face_mfn_embed(const struct mncr_face_mfn *m, const uint8_t *px,
			size_t stride, float out[MNCR_FACE_MFN_DIM])
{
	enum { N = MNCR_FACE_MFN_SIZE };
	float *in = malloc((size_t)N * N * 3 * sizeof(float));
	size_t n_out;
	char err[128];
	int ret;

	if (!m || !px || !out || stride < N) {
		free(in);
		return -EINVAL;
	}
	if (!in)
		return -ENOMEM;
	for (int y = 0; y < N; y++) {
		for (int x = 0; x < N; x++) {
			float v = px[(size_t)y * stride + (size_t)x];

			v = m->norm == MNCR_FACE_MFN_NORM_UNIT ? v / 255.0f :
				(v - 127.5f) / 128.0f;
			for (int c = 0; c < 3; c++)
				in[((size_t)y * N + x) * 3 + c] = v;
		}
	}
	ret = mncr_face_graph_run(m->g, in, N, N, 3, out, MNCR_FACE_MFN_DIM, &n_out,
				  err, sizeof(err));
	free(in);
	if (!ret && n_out != MNCR_FACE_MFN_DIM)
		ret = -EINVAL;
	return ret;
}
