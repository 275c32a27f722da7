// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * MobileFaceNet embeddings of every image of an LFW cache (lfw_embed's),
 * from the same pipeline's landmarks (the fixed centre box where nothing
 * was detected, as lfw_embed does), for lfw_eval's fusion figures.
 *   lfw_mfn MODEL_DIR EXTRA_DIR LFW_DIR MAIN_CACHE OUT_CACHE [WORKERS [NORM]]
 * NORM: sym ((v - 127.5) / 128, default) or unit (v / 255) for the 192-d
 * TF.js network in EXTRA_DIR; mfn512 for the 512-d ONNX one in MODEL_DIR
 * (EXTRA_DIR unused). With mfn512 and $MNCR_MFN512_CHIPS=DIR, worker 0
 * also writes $MNCR_MFN512_CHIPS_N (default 100) chips spread over LFW as
 * DIR/NNNNN.pgm and their embeddings to DIR/embeddings.txt ("PATH v1 ...
 * v512"), for tests/face/mfn512_reference.py.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "face/face_graph.h"
#include "face/face_mfn.h"
#include "face/face_mfn512.h"
#include "face/face_pipeline.h"
#include "lfw_mfn.h"

#define MAX_WORKERS 8

static const struct mncr_face_box centre_box = { 64, 80, 122, 122, 0 };

/* The 512-d network and one worker's scratch, when it is the one run. */
static struct mncr_face_mfn512 *m512;
static struct mncr_face_mfn512_ws *m512_ws;

/* The chip alone and the mean with its mirror image's. */
static int embed512(const struct mncr_face_image *chip, struct lfw_mfn_record *r)
{
	uint8_t flip[MNCR_FACE_MFN512_SIZE * MNCR_FACE_MFN512_SIZE];
	const int s = MNCR_FACE_MFN512_SIZE;

	for (int y = 0; y < s; y++)
		for (int x = 0; x < s; x++)
			flip[y * s + x] = chip->px[y * s + s - 1 - x];
	if (mncr_face_mfn512_embed(m512, m512_ws, chip->px, (size_t)s, r->embedding) ||
	    mncr_face_mfn512_embed(m512, m512_ws, flip, (size_t)s, r->raw))
		return -1;
	for (int i = 0; i < MNCR_FACE_MFN512_DIM; i++)
		r->raw[i] = (r->embedding[i] + r->raw[i]) / 2;
	return 0;
}

/* One chip and its embedding for the float reference. */
static void dump_chip(const char *dir, int i, const struct mncr_face_image *chip,
		      const struct lfw_mfn_record *r)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%05d.pgm", dir, i);
	f = fopen(path, "wb");
	if (!f)
		return;
	fprintf(f, "P5\n%d %d\n255\n", chip->w, chip->h);
	fwrite(chip->px, 1, (size_t)chip->w * (size_t)chip->h, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/embeddings.txt", dir);
	f = fopen(path, "a");
	if (!f)
		return;
	fprintf(f, "%s/%05d.pgm", dir, i);
	for (int k = 0; k < MNCR_FACE_MFN512_DIM; k++)
		fprintf(f, " %.9g", r->embedding[k]);
	fprintf(f, "\n");
	fclose(f);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int one(const struct mncr_face_pipeline *p, struct mncr_face_pipeline_ws *ws,
	       const struct mncr_face_mfn *m, const struct mncr_face_mfn *raw,
	       const char *dir, const char *name,
	       struct mncr_face_result *res, struct mncr_face_image *chip,
	       struct lfw_mfn_record *r, double *t_mfn)
{
	struct mncr_face_pipeline_opts o;
	struct mncr_face_image img;
	char path[4096], err[256];
	double t0;
	int ret;

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->status = -1;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (mncr_face_image_load(path, &img, err, sizeof(err)))
		return 0;
	/* the landmarks only: the ResNet's embedding is in the main cache */
	mncr_face_pipeline_opts_default(&o);
	o.embed = 0;
	ret = mncr_face_pipeline_run(p, ws, &img, &o, res);
	if (!ret && res->status == MNCR_FACE_NO_FACE)
		ret = mncr_face_pipeline_run_box(p, ws, &img, &centre_box, &o, res);
	if (!ret && res->status != MNCR_FACE_NO_FACE &&
	    res->status != MNCR_FACE_BAD_LANDMARKS) {
		t0 = now();
		if (m512) {
			if (!mncr_face_mfn_align(&img, res->pts, chip) && !embed512(chip, r))
				r->status = 0;
			*t_mfn += now() - t0;
		} else if (!mncr_face_mfn_align(&img, res->pts, chip) &&
			   !mncr_face_mfn_embed(m, chip->px, (size_t)chip->w, r->embedding)) {
			r->status = 0;
			*t_mfn += now() - t0;
		}
		if (!m512 && !r->status &&
		    mncr_face_mfn_embed(raw, chip->px, (size_t)chip->w, r->raw))
			r->status = -1;
	}
	mncr_face_image_free(&img);
	return 0;
}

static int worker(const struct mncr_face_pipeline *p, const struct mncr_face_mfn *m,
		  const struct mncr_face_mfn *raw,
		  const char *dir, const struct lfw_record *recs, int n, int k, int w,
		  const char *path)
{
	struct mncr_face_pipeline_ws *ws = mncr_face_pipeline_ws_new();
	struct mncr_face_result *res = malloc(sizeof(*res));
	struct mncr_face_image chip = { 0, 0, NULL };
	FILE *f = fopen(path, "wb");
	struct lfw_mfn_record r;
	const char *chips = getenv("MNCR_MFN512_CHIPS");
	int n_chips = getenv("MNCR_MFN512_CHIPS_N") ? atoi(getenv("MNCR_MFN512_CHIPS_N")) : 100;
	double t_mfn = 0;
	int ret = 0, done = 0;

	if (m512)
		m512_ws = mncr_face_mfn512_ws_new(m512);
	if (!ws || !res || !f || (m512 && !m512_ws) ||
	    mncr_face_image_alloc(&chip, MNCR_FACE_MFN_SIZE, MNCR_FACE_MFN_SIZE))
		ret = -1;
	for (int i = k; !ret && i < n; i += w) {
		ret = one(p, ws, m, raw, dir, recs[i].name, res, &chip, &r, &t_mfn);
		if (!ret && fwrite(&r, sizeof(r), 1, f) != 1)
			ret = -1;
		if (!ret && m512 && chips && k == 0 && n_chips > 0 && !r.status &&
		    done % (n / w / n_chips + 1) == 0)
			dump_chip(chips, i, &chip, &r);
		done++;
		if (k == 0 && done % 1000 == 0)
			fprintf(stderr, "lfw_mfn: %d / %d, MobileFaceNet %.1f ms/face\n",
				i, n, 1000 * t_mfn / done);
	}
	if (k == 0 && done)
		fprintf(stderr, "lfw_mfn: MobileFaceNet (align + embed) %.1f ms/face\n",
			1000 * t_mfn / done);
	if (f && fclose(f))
		ret = -1;
	mncr_face_image_free(&chip);
	mncr_face_pipeline_ws_free(ws);
	mncr_face_mfn512_ws_free(m512_ws);
	free(res);
	return ret ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct lfw_header h;
	struct lfw_mfn_header mh;
	struct lfw_record *recs;
	struct mncr_face_pipeline *p;
	struct mncr_face_mfn *m = NULL, *raw = NULL;
	int w = argc > 6 ? atoi(argv[6]) : 2, failed = 0, unit, is512;
	pid_t pid[MAX_WORKERS];
	char err[256], path[4096];
	FILE *f, *out;
	time_t t0 = time(NULL);

	if (argc < 6) {
		fprintf(stderr, "usage: lfw_mfn MODEL_DIR EXTRA_DIR LFW_DIR MAIN_CACHE "
			"OUT_CACHE [WORKERS [sym|unit]]\n");
		return 2;
	}
	unit = argc > 7 && !strcmp(argv[7], "unit");
	is512 = argc > 7 && !strcmp(argv[7], "mfn512");
	w = w < 1 ? 1 : w > MAX_WORKERS ? MAX_WORKERS : w;
	recs = lfw_cache_load(argv[4], &h);
	if (!recs) {
		fprintf(stderr, "lfw_mfn: %s: not a cache, or short\n", argv[4]);
		return 1;
	}
	memset(&mh, 0, sizeof(mh));
	snprintf(mh.magic, sizeof(mh.magic), "%s", LFW_MFN_MAGIC);
	snprintf(mh.config, sizeof(mh.config), "norm %s mfn %.8s main %.200s",
		 unit ? "unit" : "sym",
		 is512 ? MNCR_FACE_MFN512_SHA256 : MNCR_FACE_MFN_BIN_SHA256, h.config);
	mh.count = h.count;
	mh.dim = is512 ? MNCR_FACE_MFN512_DIM : MNCR_FACE_MFN_DIM;
	f = fopen(argv[5], "rb");
	if (f) {
		struct lfw_mfn_header old;
		int same = fread(&old, sizeof(old), 1, f) == 1 && !memcmp(&old, &mh, sizeof(mh));

		fseek(f, 0, SEEK_END);
		same = same && ftell(f) == (long)(sizeof(mh) + h.count * sizeof(struct lfw_mfn_record));
		fclose(f);
		if (same) {
			printf("lfw_mfn: %s is up to date\n", argv[5]);
			return 0;
		}
	}
	if (mncr_face_pipeline_load_network(&p, argv[1], MNCR_FACE_NET_RESNET, err,
					    sizeof(err)) ||
	    (is512 && mncr_face_mfn512_load(&m512, argv[1], err, sizeof(err))) ||
	    (!is512 && (mncr_face_mfn_load(&m, argv[2], MNCR_FACE_GRAPH_REPAIR_PRELU, err,
					   sizeof(err)) ||
			mncr_face_mfn_load(&raw, argv[2], 0, err, sizeof(err))))) {
		fprintf(stderr, "lfw_mfn: %s\n", err);
		return 1;
	}
	if (unit && !is512) {
		mncr_face_mfn_set_norm(m, MNCR_FACE_MFN_NORM_UNIT);
		mncr_face_mfn_set_norm(raw, MNCR_FACE_MFN_NORM_UNIT);
	}
	for (int k = 0; k < w; k++) {
		snprintf(path, sizeof(path), "%s.part%d", argv[5], k);
		pid[k] = fork();
		if (pid[k] == 0)
			_exit(worker(p, m, raw, argv[3], recs, (int)h.count, k, w, path));
		if (pid[k] < 0)
			failed = 1;
	}
	for (int k = 0; k < w; k++) {
		int st;

		if (pid[k] > 0 && (waitpid(pid[k], &st, 0) != pid[k] ||
				   !WIFEXITED(st) || WEXITSTATUS(st)))
			failed = 1;
	}
	mncr_face_pipeline_free(p);
	mncr_face_mfn_free(m);
	mncr_face_mfn_free(raw);
	mncr_face_mfn512_free(m512);
	snprintf(path, sizeof(path), "%s.tmp", argv[5]);
	out = failed ? NULL : fopen(path, "wb");
	if (!out || fwrite(&mh, sizeof(mh), 1, out) != 1) {
		fprintf(stderr, "lfw_mfn: failed\n");
		return 1;
	}
	{
		FILE *parts[MAX_WORKERS];
		struct lfw_mfn_record r;

		for (int k = 0; k < w; k++) {
			snprintf(err, sizeof(err), "%s.part%d", argv[5], k);
			parts[k] = fopen(err, "rb");
			if (!parts[k])
				failed = 1;
		}
		for (uint32_t i = 0; !failed && i < h.count; i++)
			if (fread(&r, sizeof(r), 1, parts[i % (uint32_t)w]) != 1 ||
			    fwrite(&r, sizeof(r), 1, out) != 1)
				failed = 1;
		for (int k = 0; k < w; k++) {
			if (parts[k])
				fclose(parts[k]);
			snprintf(err, sizeof(err), "%s.part%d", argv[5], k);
			unlink(err);
		}
	}
	if (fclose(out) || failed || rename(path, argv[5])) {
		fprintf(stderr, "lfw_mfn: failed\n");
		return 1;
	}
	printf("lfw_mfn: %u images in %ld s with %d workers\n", h.count,
	       (long)(time(NULL) - t0), w);
	free(recs);
	return 0;
}
