// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Face pipeline speed on one core, ms per stage, median (min, max) of N
 * runs after warm-up: detection of a 640x480 frame at each input size the
 * pipeline uses (and face-api's 416), 68 landmarks, alignment to the chip,
 * quality measures, embedding, and the whole pipeline on a frame with a
 * drawn face (the steps after detection on its fixed box, since no real
 * photograph ships with the project), or on $MNCR_FACE_BENCH_FRAME (a
 * camera frame, e.g. one mncr-sim scene wrote), and one liveness update;
 * with the 512-d MobileFaceNet installed, its embedding and whole frame.
 * Figures only, no pass/fail.
 *   build/bench/face_pipeline_bench [MODEL_DIR [RUNS]]  (default
 *   $MNCR_MODELS or build/models, 100 runs)
 */
#include <math.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "face/face_liveness.h"
#include "face/face_conv.h"
#include "face/face_mfn.h"
#include "face/face_mfn512.h"
#include "face/face_pipeline.h"

#define W 640
#define H 480

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *what, double *t, int runs)
{
	qsort(t, (size_t)runs, sizeof(*t), cmp_double);
	printf("face_pipeline_bench: %-34s median %7.3f ms  (min %.3f, max %.3f)\n",
	       what, t[runs / 2], t[0], t[runs - 1]);
}

static void draw_face(struct mncr_face_image *img, double cx, double cy, double k)
{
	for (int y = 0; y < img->h; y++) {
		for (int x = 0; x < img->w; x++) {
			double u = (x + 0.5 - cx) / k, v = (y + 0.5 - cy) / k;
			int val = 90 + (x * 7 + y * 3) % 5;

			if (u * u / (48.0 * 48) + v * v / (62.0 * 62) <= 1) {
				val = 185 - (int)fabs(u) / 2;
				if (((u + 20) * (u + 20) / 121 + (v + 14) * (v + 14) / 36 <= 1) ||
				    ((u - 20) * (u - 20) / 121 + (v + 14) * (v + 14) / 36 <= 1))
					val = 40;
				if (u * u / 324 + (v - 30) * (v - 30) / 25 <= 1)
					val = 90;
			}
			img->px[(size_t)y * (size_t)img->w + (size_t)x] = (uint8_t)val;
		}
	}
}

/*
 * The 512-d MobileFaceNet when installed: one embedding of a 112x112 chip,
 * and the whole frame as it would run with it (detection and landmarks,
 * the gates, ArcFace alignment, the chip embedded; no ResNet).
 */
static void bench_mfn512(const char *dir, const struct mncr_face_image *img,
			 const struct mncr_face_box *box, double *t, int runs)
{
	const int s = MNCR_FACE_MFN512_SIZE;
	struct mncr_face_pipeline *p = NULL;
	struct mncr_face_pipeline_ws *ws = mncr_face_pipeline_ws_new();
	struct mncr_face_mfn512 *m = NULL;
	struct mncr_face_mfn512_ws *mws = NULL;
	struct mncr_face_pipeline_opts o;
	static struct mncr_face_result res;
	struct mncr_face_image chip = { 0, 0, NULL };
	float e[MNCR_FACE_MFN512_DIM];
	char err[256];
	double t0;

	if (mncr_face_mfn512_load(&m, dir, err, sizeof(err)) ||
	    mncr_face_pipeline_load_network(&p, dir, MNCR_FACE_NET_RESNET, err,
					    sizeof(err))) {
		printf("face_pipeline_bench: mfn512 skipped: %s\n", err);
		goto out;
	}
	mws = mncr_face_mfn512_ws_new(m);
	if (!ws || !mws || mncr_face_image_alloc(&chip, s, s))
		goto out;
	mncr_face_pipeline_opts_default(&o);
	o.check_quality = 0;
	o.embed = 0;
	mncr_face_pipeline_run_box(p, ws, img, box, &o, &res);
	mncr_face_mfn_align(img, res.pts, &chip);
	for (int impl = MNCR_FACE_CONV_GENERIC; impl <= MNCR_FACE_CONV_AVX512; impl++) {
		char what[64];

		if (mncr_face_mfn512_set_impl(m, impl))
			continue;
		for (int i = -3; i < runs; i++) {
			t0 = now_ms();
			mncr_face_mfn512_embed(m, mws, chip.px, (size_t)s, e);
			if (i >= 0)
				t[i] = now_ms() - t0;
		}
		snprintf(what, sizeof(what), "mfn512: embedding, %s",
			 mncr_face_conv_impl_name(impl));
		report(what, t, runs);
	}
	/* the reader's frame: the pipeline loaded with this network, its
	 * default options (detection, landmarks, gates, 112x112 chip, 512-d
	 * embedding, int8 template), the kernel it chooses */
	mncr_face_pipeline_free(p);
	p = NULL;
	if (mncr_face_pipeline_load_network(&p, dir, MNCR_FACE_NET_MFN512, err,
					    sizeof(err)))
		goto out;
	for (int i = -3; i < runs; i++) {
		t0 = now_ms();
		mncr_face_pipeline_run(p, ws, img, NULL, &res);
		if (i >= 0)
			t[i] = now_ms() - t0;
	}
	report("mfn512: whole frame (the pipeline)", t, runs);
out:
	mncr_face_image_free(&chip);
	mncr_face_mfn512_ws_free(mws);
	mncr_face_mfn512_free(m);
	mncr_face_pipeline_ws_free(ws);
	mncr_face_pipeline_free(p);
}

int main(int argc, char **argv)
{
	const char *env = getenv("MNCR_MODELS");
	const char *dir = argc > 1 ? argv[1] : env && *env ? env : "build/models";
	int runs = argc > 2 ? atoi(argv[2]) : 100;
	const int sizes[] = { 192, 320, 416 };
	struct mncr_face_pipeline *p;
	struct mncr_face_pipeline_ws *ws;
	struct mncr_face_pipeline_opts o;
	struct mncr_face_image img, chip;
	struct mncr_face_box box = { 200, 140, 240, 250, 1 }, found[8];
	static struct mncr_face_result res;
	struct mncr_face_landmark_ws *lws;
	struct mncr_face_quality q;
	double *t, t0;
	char err[256];
	cpu_set_t one;
	int cpu = sched_getcpu(), n;

	runs = runs < 1 ? 1 : runs;
	CPU_ZERO(&one);
	CPU_SET(cpu < 0 ? 0 : cpu, &one);
	sched_setaffinity(0, sizeof(one), &one);
	t0 = now_ms();
	if (mncr_face_pipeline_load_network(&p, dir, MNCR_FACE_NET_RESNET, err,
					    sizeof(err))) {
		fprintf(stderr, "face_pipeline_bench: %s\n", err);
		return 1;
	}
	printf("face_pipeline_bench: 3 models loaded and checked in %.1f ms\n", now_ms() - t0);
	printf("face_pipeline_bench: one core (cpu %d), %d runs each, frame %dx%d\n",
	       cpu, runs, W, H);
	t = malloc((size_t)runs * sizeof(*t));
	ws = mncr_face_pipeline_ws_new();
	lws = mncr_face_landmark_ws_new();
	if (!t || !ws || !lws || mncr_face_image_alloc(&img, W, H) ||
	    mncr_face_image_alloc(&chip, MNCR_FACE_CHIP_SIZE, MNCR_FACE_CHIP_SIZE))
		return 1;
	draw_face(&img, 320, 260, 1.8);
	if (getenv("MNCR_FACE_BENCH_FRAME") && *getenv("MNCR_FACE_BENCH_FRAME")) {
		const char *f = getenv("MNCR_FACE_BENCH_FRAME");

		mncr_face_image_free(&img);
		if (mncr_face_image_load(f, &img, err, sizeof(err))) {
			fprintf(stderr, "face_pipeline_bench: %s\n", err);
			return 1;
		}
		mncr_face_pipeline_opts_default(&o);
		if (mncr_face_pipeline_run(p, ws, &img, &o, &res) == 0 && res.n_faces)
			box = res.box;
		printf("face_pipeline_bench: frame %s (%dx%d), face box %.0fx%.0f\n",
		       f, img.w, img.h, box.w, box.h);
	}

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct mncr_face_detect_opts d = { sizes[s], 0.3f, 0.4f };
		struct mncr_face_detect_ws *dws = mncr_face_detect_ws_new(sizes[s]);
		char what[64];

		if (!dws)
			return 1;
		for (int i = -3; i < runs; i++) {
			t0 = now_ms();
			mncr_face_detect(mncr_face_pipeline_detector(p), dws, &img, &d, found, 8, &n);
			if (i >= 0)
				t[i] = now_ms() - t0;
		}
		snprintf(what, sizeof(what), "detection, input %d", sizes[s]);
		report(what, t, runs);
		mncr_face_detect_ws_free(dws);
	}
	for (int i = -3; i < runs; i++) {
		t0 = now_ms();
		mncr_face_landmarks(mncr_face_pipeline_landmarker(p), lws, &img, &box, res.pts);
		if (i >= 0)
			t[i] = now_ms() - t0;
	}
	report("68 landmarks (112x112)", t, runs);
	for (int i = -3; i < runs; i++) {
		t0 = now_ms();
		mncr_face_align(&img, res.pts, &chip);
		if (i >= 0)
			t[i] = now_ms() - t0;
	}
	report("alignment to the 150x150 chip", t, runs);
	for (int i = -3; i < runs; i++) {
		t0 = now_ms();
		mncr_face_quality_measure(res.pts, &chip, &q);
		if (i >= 0)
			t[i] = now_ms() - t0;
	}
	report("quality measures", t, runs);
	for (int i = -3; i < runs; i++) {
		t0 = now_ms();
		mncr_face_embed(mncr_face_pipeline_net(p), NULL, chip.px, 1,
				MNCR_FACE_CHIP_SIZE, res.embedding);
		if (i >= 0)
			t[i] = now_ms() - t0;
	}
	report("embedding (own workspace each run)", t, runs);
	mncr_face_pipeline_opts_default(&o);
	o.check_quality = 0;
	for (int i = -3; i < runs; i++) {
		t0 = now_ms();
		mncr_face_pipeline_run_box(p, ws, &img, &box, &o, &res);
		if (i >= 0)
			t[i] = now_ms() - t0;
	}
	report("after detection (lm+align+q+embed)", t, runs);
	for (int i = -3; i < runs; i++) {
		t0 = now_ms();
		mncr_face_pipeline_run(p, ws, &img, &o, &res);
		if (i >= 0)
			t[i] = now_ms() - t0;
	}
	report("whole pipeline (this frame)", t, runs);
	bench_mfn512(dir, &img, &box, t, runs);
	{
		struct mncr_face_liveness *l = mncr_face_liveness_new(NULL);

		if (!l)
			return 1;
		for (int i = -3; i < runs; i++) {
			if (i % 60 == 0)
				mncr_face_liveness_reset(l);
			t0 = now_ms();
			mncr_face_liveness_feed(l, res.pts, &img, NULL);
			if (i >= 0)
				t[i] = now_ms() - t0;
		}
		report("liveness update (one frame)", t, runs);
		mncr_face_liveness_free(l);
	}
	printf("face_pipeline_bench: the face is %s by the detector (status %d, %d box(es), input %d)\n",
	       res.n_faces ? "found" : "not found", res.status, res.n_faces, res.input_size);
	mncr_face_landmark_ws_free(lws);
	mncr_face_pipeline_ws_free(ws);
	mncr_face_image_free(&chip);
	mncr_face_image_free(&img);
	mncr_face_pipeline_free(p);
	free(t);
	return 0;
}
