// SPDX-License-Identifier: GPL-2.0
/*
 * drv_match NODE [kernel|device|both] [TAG]: MNCR_IOC_MATCH scores must
 * equal mncr_match_score_ref() exactly, on the device engine and in the
 * kernel, on random data, -128/127 extremes, odd dimensions and the
 * largest batches. Prints PASS:/FAIL: per case (names end in TAG, so a
 * script can run it more than once), exits 1 if any failed.
 * "device" expects MNCR_MATCH_F_DEVICE back when the reader has a match
 * engine, and the kernel fallback (flag clear) when it has none.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/mncr.h>

#include "face/match.h"

static int failures;
static int fd;
static int engine;
static const char *tag = "";
static uint64_t rng = 0x2545F4914F6CDD1DULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

enum fill { RANDOM, MIN, MAX, ALTERNATE, MIN_MAX, SPARSE_EXTREME };

static void fill(int8_t *p, size_t n, enum fill how, int which)
{
	for (size_t i = 0; i < n; i++) {
		switch (how) {
		case RANDOM: p[i] = (int8_t)next(); break;
		case MIN: p[i] = -128; break;
		case MAX: p[i] = 127; break;
		case ALTERNATE: p[i] = (i & 1) ? 127 : -128; break;
		case MIN_MAX: p[i] = which ? 127 : -128; break;
		case SPARSE_EXTREME:
			p[i] = (next() & 3) ? (int8_t)next() :
			       ((next() & 1) ? -128 : 127);
			break;
		}
	}
}

/* Cases are grouped: one PASS/FAIL line per group, the first failure. */
static char group_why[512];
static int group_cases;

static void report(const char *name, int ok, const char *why)
{
	group_cases++;
	if (!ok && !group_why[0])
		snprintf(group_why, sizeof(group_why), "%s: %s", name, why);
}

static void group_end(const char *group, int kernel)
{
	if (!group_why[0]) {
		printf("PASS: match_%s_%s%s\n", kernel ? "kernel" : "device",
		       group, tag);
	} else {
		printf("FAIL: match_%s_%s%s (%s; %d cases)\n",
		       kernel ? "kernel" : "device", group, tag, group_why,
		       group_cases);
		failures++;
	}
	group_why[0] = 0;
	group_cases = 0;
}

/* One MATCH call on the given data through one path, checked. */
static void check(const char *name, int kernel, unsigned int dim,
		  unsigned int np, unsigned int nr, const int8_t *probe,
		  const int8_t *ref)
{
	size_t ns = (size_t)np * nr;
	int32_t *got = malloc(ns * sizeof(*got));
	int32_t *want = malloc(ns * sizeof(*want));
	struct mncr_match m = {
		.dim = dim, .n_probe = np, .n_ref = nr,
		.flags = kernel ? MNCR_MATCH_F_KERNEL : 0,
		.probe = (uintptr_t)probe, .ref = (uintptr_t)ref,
	};
	char full[160], why[160];
	uint32_t want_flags;

	snprintf(full, sizeof(full), "match_%s_%s_d%u_%ux%u",
		 kernel ? "kernel" : "device", name, dim, np, nr);
	if (!got || !want) {
		report(full, 0, "out of memory");
		goto out;
	}
	memset(got, 0x5a, ns * sizeof(*got));
	m.scores = (uintptr_t)got;
	if (ioctl(fd, MNCR_IOC_MATCH, &m) < 0) {
		snprintf(why, sizeof(why), "ioctl: %s", strerror(errno));
		report(full, 0, why);
		goto out;
	}
	want_flags = kernel ? MNCR_MATCH_F_KERNEL :
		     (engine && dim <= MNCR_MATCH_MAX_DIM ? MNCR_MATCH_F_DEVICE : 0);
	if (m.flags != want_flags) {
		snprintf(why, sizeof(why), "flags %#x, want %#x", m.flags,
			 want_flags);
		report(full, 0, why);
		goto out;
	}
	mncr_match_score_ref(probe, np, ref, nr, dim, want);
	for (size_t i = 0; i < ns; i++) {
		if (got[i] != want[i]) {
			snprintf(why, sizeof(why),
				 "scores[%zu] (p %zu r %zu) = %d, want %d", i,
				 i / nr, i % nr, got[i], want[i]);
			report(full, 0, why);
			goto out;
		}
	}
	report(full, 1, NULL);
out:
	free(got);
	free(want);
}

static void run(const char *name, int kernel, unsigned int dim,
		unsigned int np, unsigned int nr, enum fill fp, enum fill fr)
{
	int8_t *probe = malloc((size_t)np * dim);
	int8_t *ref = malloc((size_t)nr * dim);

	if (!probe || !ref) {
		report(name, 0, "out of memory");
		free(probe);
		free(ref);
		return;
	}
	fill(probe, (size_t)np * dim, fp, 0);
	fill(ref, (size_t)nr * dim, fr, 1);
	check(name, kernel, dim, np, nr, probe, ref);
	free(probe);
	free(ref);
}

static void suite(int kernel)
{
	static const unsigned int dims[] = {
		1, 2, 3, 7, 15, 16, 17, 31, 32, 33, 63, 64, 100, 127, 128, 129,
		255, 256, 257, 500, 511, 512,
	};
	static const unsigned int shapes[][2] = {
		{ 1, 1 }, { 1, 3 }, { 1, 4 }, { 1, 5 }, { 2, 9 }, { 3, 17 },
		{ 1, 130 }, { 5, 64 }, { 33, 7 },
	};

	for (size_t d = 0; d < sizeof(dims) / sizeof(dims[0]); d++)
		for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++)
			run("random", kernel, dims[d], shapes[s][0],
			    shapes[s][1], RANDOM, RANDOM);
	group_end("random_all_dims_shapes", kernel);

	for (size_t d = 0; d < sizeof(dims) / sizeof(dims[0]); d++) {
		run("min_min", kernel, dims[d], 2, 6, MIN, MIN);
		run("max_max", kernel, dims[d], 2, 6, MAX, MAX);
		run("min_max", kernel, dims[d], 2, 6, MIN_MAX, MIN_MAX);
		run("alternate", kernel, dims[d], 1, 5, ALTERNATE, ALTERNATE);
	}
	group_end("extremes_128", kernel);
	for (size_t d = 0; d < sizeof(dims) / sizeof(dims[0]); d++)
		run("sparse_extreme", kernel, dims[d], 3, 11, SPARSE_EXTREME,
		    SPARSE_EXTREME);
	group_end("random_with_extremes", kernel);

	/* chunk boundaries of both paths, and the limits of the ioctl */
	run("chunks", kernel, 512, 1, 4097, RANDOM, RANDOM);
	run("chunks", kernel, 1, 3, 20000, RANDOM, RANDOM);
	run("chunks", kernel, 128, 17, 300, RANDOM, RANDOM);
	run("chunks", kernel, 511, 40, 41, SPARSE_EXTREME, SPARSE_EXTREME);
	group_end("chunk_boundaries", kernel);
	/* large enough for the kernel's zero-copy path: page-straddling refs */
	run("zerocopy", kernel, 509, 1, 300, SPARSE_EXTREME, SPARSE_EXTREME);
	run("zerocopy", kernel, 33, 2, 3000, RANDOM, RANDOM);
	run("zerocopy", kernel, 4, 3, 20000, MIN, MIN);
	run("zerocopy", kernel, 512, 5, 200, RANDOM, RANDOM);
	run("zerocopy", kernel, 17, 1, 9000, ALTERNATE, RANDOM);
	group_end("zerocopy_odd_dims", kernel);
	run("max_scores", kernel, 64, 256, 256, RANDOM, RANDOM);
	group_end("max_scores_256x256", kernel);
	run("max_scores_min", kernel, 512, 256, 256, MIN, MIN);
	group_end("max_scores_all_min_d512", kernel);
	run("many_probes", kernel, 128, 4000, 3, RANDOM, RANDOM);
	group_end("many_probes", kernel);
	if (kernel) {
		run("max_vectors", kernel, 512, 1, 65535, RANDOM, RANDOM);
		group_end("max_vectors_1x65535_d512", kernel);
	} else {
		run("long_batch", kernel, 512, 1, 6000, RANDOM, RANDOM);
		group_end("long_batch_1x6000_d512", kernel);
	}
}

int main(int argc, char **argv)
{
	const char *which = argc > 2 ? argv[2] : "both";
	struct mncr_info info;

	if (argc < 2) {
		fprintf(stderr, "usage: drv_match /dev/mncrN [kernel|device|both] [TAG]\n");
		return 2;
	}
	if (argc > 3)
		tag = argv[3];
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || ioctl(fd, MNCR_IOC_INFO, &info) < 0) {
		printf("FAIL: match_open%s (%s)\n", tag, strerror(errno));
		return 1;
	}
	engine = !!(info.caps & MNCR_CAP_MATCH_ENGINE);
	if (strcmp(which, "device") != 0)
		suite(1);
	if (strcmp(which, "kernel") != 0)
		suite(0);
	return failures ? 1 : 0;
}
