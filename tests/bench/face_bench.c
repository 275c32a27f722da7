// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Face embedding speed on one core: ms per 150x150 face, median (and min,
 * max) of N runs after a warm-up, for the automatic kernel choice and each
 * kernel the CPU can run. Figures only, no pass/fail.
 *   build/bench/face_bench [MODEL_DIR [RUNS]]   (default $MNCR_MODELS or
 *   build/models, 50 runs)
 */
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "face/face_conv.h"
#include "face/face_embed.h"

#define S MNCR_FACE_EMBED_SIZE

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

int main(int argc, char **argv)
{
	const char *env = getenv("MNCR_MODELS");
	const char *dir = argc > 1 ? argv[1] : env && *env ? env : "build/models";
	int runs = argc > 2 ? atoi(argv[2]) : 50;
	struct mncr_face_net *net;
	struct mncr_face_embed_ws *ws;
	static uint8_t img[S * S];
	float out[MNCR_FACE_EMBED_DIM];
	double *t, t0;
	char err[256];
	cpu_set_t one;
	int cpu = sched_getcpu();

	if (runs < 1)
		runs = 1;
	/* one core: stay on the one we started on */
	CPU_ZERO(&one);
	CPU_SET(cpu < 0 ? 0 : cpu, &one);
	sched_setaffinity(0, sizeof(one), &one);

	t0 = now_ms();
	if (mncr_face_net_load(&net, dir, err, sizeof(err))) {
		fprintf(stderr, "face_bench: %s\n", err);
		return 1;
	}
	printf("face_bench: model loaded and checked in %.1f ms\n", now_ms() - t0);
	ws = mncr_face_embed_ws_new();
	t = calloc((size_t)runs, sizeof(*t));
	if (!ws || !t) {
		fprintf(stderr, "face_bench: out of memory\n");
		return 1;
	}
	for (int y = 0; y < S; y++)
		for (int x = 0; x < S; x++)
			img[y * S + x] = (uint8_t)((x * 7 + y * 3 + (x * y) / 16) & 255);
	printf("face_bench: embedding 150x150 -> 128, one core (cpu %d), %d runs each\n",
	       cpu, runs);
	for (int impl = MNCR_FACE_CONV_AUTO; impl <= MNCR_FACE_CONV_AVX512; impl++) {
		if (mncr_face_net_set_impl(net, impl))
			continue;
		for (int i = 0; i < 3; i++)
			mncr_face_embed(net, ws, img, 1, S, out);
		for (int i = 0; i < runs; i++) {
			t0 = now_ms();
			if (mncr_face_embed(net, ws, img, 1, S, out)) {
				fprintf(stderr, "face_bench: embedding failed\n");
				return 1;
			}
			t[i] = now_ms() - t0;
		}
		qsort(t, (size_t)runs, sizeof(*t), cmp_double);
		printf("face_bench: kernel %-7s%s median %6.2f ms, min %6.2f ms, max %6.2f ms\n",
		       mncr_face_conv_impl_name(impl), impl ? "       " : " (auto)",
		       t[runs / 2], t[0], t[runs - 1]);
	}
	free(t);
	mncr_face_embed_ws_free(ws);
	mncr_face_net_free(net);
	return 0;
}
