// SPDX-License-Identifier: GPL-2.0
/*
 * match_bench [NODE]: MNCR_IOC_MATCH performance, in the QEMU guest.
 * Prints figures, never pass/fail.
 *
 *   - 1:1 round trip: median time of one MATCH ioctl (1 probe, 1 ref)
 *     through the kernel path and the device path;
 *   - batch throughput, 1 probe x many references, dim 128 and 512, in
 *     GB/s over the probe + reference bytes: kernel path (AVX2 and scalar
 *     when the module's simd parameter can be switched), device path,
 *     the userspace reference loop mncr_match_score_ref(), and memcpy()
 *     over the same bytes; the kernel path as a percentage of memcpy.
 *
 * Without NODE it uses the first /dev/mncrN; if there is none it plugs a
 * simulated reader itself (root: modprobe dummy_hcd, build/mncr-sim) and
 * unplugs it at the end. Targets: <= 5 us per 1:1 call, batch >= 70% of
 * memcpy bandwidth.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/mncr.h>

#include "face/match.h"

#define SIMD_PARAM "/sys/module/mncr/parameters/simd"
#define REPEAT 7

static int fd;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void fill(int8_t *p, size_t n)
{
	uint64_t s = 0x9E3779B97F4A7C15ULL;

	for (size_t i = 0; i < n; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		p[i] = (int8_t)s;
	}
}

static int match(const int8_t *probe, const int8_t *ref, int32_t *scores,
		 unsigned int dim, unsigned int nr, int kernel, uint32_t *flags)
{
	struct mncr_match m = {
		.dim = dim, .n_probe = 1, .n_ref = nr,
		.flags = kernel ? MNCR_MATCH_F_KERNEL : 0,
		.probe = (uintptr_t)probe, .ref = (uintptr_t)ref,
		.scores = (uintptr_t)scores,
	};
	int ret = ioctl(fd, MNCR_IOC_MATCH, &m);

	if (flags)
		*flags = m.flags;
	return ret;
}

/* Median microseconds of one 1:1 MATCH call. */
static double one_to_one(unsigned int dim, int kernel, size_t calls)
{
	int8_t probe[512], ref[512];
	double *t = malloc(calls * sizeof(*t));
	int32_t score;
	double r;

	fill(probe, sizeof(probe));
	fill(ref, sizeof(ref));
	for (size_t i = 0; i < 100; i++)	/* warm up */
		match(probe, ref, &score, dim, 1, kernel, NULL);
	for (size_t i = 0; i < calls; i++) {
		double t0 = now();

		if (match(probe, ref, &score, dim, 1, kernel, NULL) < 0) {
			free(t);
			return -1;
		}
		t[i] = (now() - t0) * 1e6;
	}
	r = median(t, calls);
	free(t);
	return r;
}

/* Median microseconds of an ioctl the driver refuses at once. */
static double ioctl_floor(size_t calls)
{
	double *t = malloc(calls * sizeof(*t));
	double r;

	for (size_t i = 0; i < calls; i++) {
		double t0 = now();

		ioctl(fd, _IO(MNCR_IOC_MAGIC, 0x7f));
		t[i] = (now() - t0) * 1e6;
	}
	r = median(t, calls);
	free(t);
	return r;
}

static int set_simd(int on)
{
	FILE *f = fopen(SIMD_PARAM, "w");
	int ok;

	if (!f)
		return -1;
	ok = fputs(on ? "Y\n" : "N\n", f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

struct batch {
	unsigned int dim, nr;
	size_t bytes;
	int8_t *probe, *ref, *copy;
	int32_t *scores;
};

/* Median GB/s of one way of scoring the batch. */
enum way { KERNEL, DEVICE, REFERENCE, MEMCPY };

static double throughput(struct batch *b, enum way way, unsigned int nr)
{
	double t[REPEAT];
	size_t bytes = (size_t)(nr + 1) * b->dim;

	for (int i = 0; i < REPEAT; i++) {
		double t0 = now();

		switch (way) {
		case KERNEL:
		case DEVICE:
			if (match(b->probe, b->ref, b->scores, b->dim, nr,
				  way == KERNEL, NULL) < 0)
				return -1;
			break;
		case REFERENCE:
			mncr_match_score_ref(b->probe, 1, b->ref, nr, b->dim,
					     b->scores);
			break;
		case MEMCPY:
			memcpy(b->copy, b->probe, b->dim);
			memcpy(b->copy + b->dim, b->ref, (size_t)nr * b->dim);
			break;
		}
		t[i] = now() - t0;
		__asm__ volatile("" : : "r"(b->copy), "r"(b->scores) : "memory");
	}
	return (double)bytes / median(t, REPEAT) / 1e9;
}

static void batch_bench(unsigned int dim, int have_engine, int can_switch)
{
	struct batch b = { .dim = dim };
	unsigned int dev_nr = 4096;
	double k_simd = -1, k_scalar = -1, dev = -1, ref, mem;

	b.nr = 65535;
	b.bytes = (size_t)(b.nr + 1) * dim;
	b.probe = malloc(dim);
	b.ref = malloc((size_t)b.nr * dim);
	b.copy = malloc(b.bytes);
	b.scores = malloc((size_t)b.nr * sizeof(int32_t));
	if (!b.probe || !b.ref || !b.copy || !b.scores) {
		printf("batch dim %u: out of memory\n", dim);
		return;
	}
	fill(b.probe, dim);
	fill(b.ref, (size_t)b.nr * dim);
	memset(b.copy, 0, b.bytes);
	memset(b.scores, 0, (size_t)b.nr * sizeof(int32_t));

	mem = throughput(&b, MEMCPY, b.nr);
	ref = throughput(&b, REFERENCE, b.nr);
	if (can_switch) {
		set_simd(0);
		k_scalar = throughput(&b, KERNEL, b.nr);
		set_simd(1);
	}
	k_simd = throughput(&b, KERNEL, b.nr);
	if (have_engine)
		dev = throughput(&b, DEVICE, dev_nr);

	printf("\nbatch: 1 probe x %u refs, dim %u, %.1f MiB (device: x %u refs)\n",
	       b.nr, dim, (double)b.bytes / (1 << 20), dev_nr);
	printf("  %-34s %8.3f GB/s\n", "memcpy (same bytes)", mem);
	printf("  %-34s %8.3f GB/s  %5.1f%% of memcpy\n",
	       can_switch ? "kernel path (simd=Y)" : "kernel path", k_simd,
	       100 * k_simd / mem);
	if (can_switch)
		printf("  %-34s %8.3f GB/s  %5.1f%% of memcpy\n",
		       "kernel path (simd=N, scalar)", k_scalar,
		       100 * k_scalar / mem);
	printf("  %-34s %8.3f GB/s  %5.1f%% of memcpy\n",
	       "userspace mncr_match_score_ref", ref, 100 * ref / mem);
	if (have_engine)
		printf("  %-34s %8.3f GB/s  %5.1f%% of memcpy\n",
		       "device path (simulated reader)", dev, 100 * dev / mem);
	free(b.probe);
	free(b.ref);
	free(b.copy);
	free(b.scores);
}

static char *find_node(void)
{
	glob_t g;
	char *node = NULL;

	if (glob("/dev/mncr[0-9]*", 0, NULL, &g) == 0 && g.gl_pathc)
		node = strdup(g.gl_pathv[0]);
	globfree(&g);
	return node;
}

int main(int argc, char **argv)
{
	char *node = argc > 1 ? strdup(argv[1]) : find_node();
	int plugged = 0, can_switch, have_engine;
	struct mncr_info info;
	uint32_t flags = 0;
	int8_t v[128] = { 1 };
	int32_t s;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!node) {
		if (system("grep -q '^dummy_hcd ' /proc/modules || modprobe dummy_hcd num=4") ||
		    system("build/mncr-sim --daemon --serial BENCH0 >/dev/null") ||
		    system("udevadm settle -t 20 2>/dev/null; sleep 1")) {
			fprintf(stderr, "match_bench: no /dev/mncrN and cannot plug a simulated reader\n");
			return 1;
		}
		plugged = 1;
		node = find_node();
	}
	fd = node ? open(node, O_RDONLY) : -1;
	if (fd < 0 || ioctl(fd, MNCR_IOC_INFO, &info) < 0) {
		fprintf(stderr, "match_bench: %s: %s\n", node ? node : "no reader",
			strerror(errno));
		return 1;
	}
	have_engine = !!(info.caps & MNCR_CAP_MATCH_ENGINE);
	can_switch = access(SIMD_PARAM, W_OK) == 0;
	match(v, v, &s, 128, 1, 0, &flags);

	printf("match_bench: %s (reader %s, firmware %s, match engine %s)\n",
	       node, info.serial, info.firmware, have_engine ? "yes" : "no");
	printf("\n1:1 MATCH round trip (median)\n");
	printf("  %-34s %8.2f us\n", "ioctl floor (unknown cmd, ENOTTY)",
	       ioctl_floor(20000));
	printf("  %-34s %8.2f us\n", "kernel path, dim 128",
	       one_to_one(128, 1, 20000));
	printf("  %-34s %8.2f us\n", "kernel path, dim 512",
	       one_to_one(512, 1, 20000));
	if (have_engine)
		printf("  %-34s %8.2f us\n", "device path, dim 128",
		       one_to_one(128, 0, 200));

	batch_bench(128, have_engine, can_switch);
	batch_bench(512, have_engine, can_switch);

	close(fd);
	if (plugged && system("build/mncr-sim ctl --serial BENCH0 quit >/dev/null"))
		fprintf(stderr, "match_bench: could not unplug the simulated reader\n");
	free(node);
	return 0;
}
