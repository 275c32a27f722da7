// SPDX-License-Identifier: GPL-2.0
/*
 * drv_ioctl_fuzz [-n CALLS] [-t SECONDS] [-s SEED] [-q] NODE...
 *
 * Random ioctls against live /dev/mncrN nodes: random command numbers
 * (mostly near ours: our magic with any number, size and direction, our
 * five commands with mutated arguments, now and then any 32-bit value),
 * random argument pointers (NULL, low addresses, kernel addresses,
 * unmapped, read-only, straddling the end of a mapping, good buffers) and,
 * inside MATCH and SET_MODE arguments, random sizes, flags and pointers.
 * read() and poll() with random sizes and buffers are mixed in, and files
 * are closed and opened again now and then (O_RDONLY, O_WRONLY, O_RDWR).
 *
 * What it checks (each a FAIL line; the bed checks the kernel log):
 *   - a command that is not ours is -ENOTTY;
 *   - every result of ours is 0 or one of the errors driver-abi.rst lists
 *     for that command;
 *   - INFO and GET_MODE succeed on a good buffer and are -EFAULT on a bad
 *     one; SET_MODE and CARD_FRONT on a file not open for writing -EBADF;
 *   - read() returns whole records, -EAGAIN, -EINVAL, -EFAULT or -ENODEV.
 * A node that goes away (unplug while fuzzing) ends its calls quietly:
 * -ENODEV is allowed everywhere. Prints "calls=N" and ends with
 * "PASS: ioctl_fuzz (N calls)" or "FAIL: ...", exit status 1 on failure.
 * Used by tests/integration/drv_ioctl_fuzz.sh and stress_plug.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <linux/mncr.h>

#define MAX_NODES	8
#define FILES_PER_NODE	3
#define AREA_PAGES	1024	/* 4 MiB of read-write memory for arguments */

struct fuzz_file {
	const char *path;
	int fd;
	int flags;
};

struct fuzz {
	uint64_t rng;
	long page;
	uint8_t *area;		/* AREA_PAGES rw pages, then one unmapped */
	uint8_t *ro;		/* one read-only page */
	uint8_t *hole;		/* an unmapped page */
	struct fuzz_file files[MAX_NODES * FILES_PER_NODE];
	int n_files;
	unsigned long calls, failures, enodev, ok, dev_io;
	unsigned long err_count[134];
	bool quiet;
};

static uint64_t rnd(struct fuzz *z)
{
	uint64_t x = z->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	z->rng = x;
	return x;
}

/* Uniform-enough in [0, n). */
static uint32_t below(struct fuzz *z, uint32_t n)
{
	return n ? (uint32_t)(rnd(z) % n) : 0;
}

static bool chance(struct fuzz *z, unsigned int percent)
{
	return below(z, 100) < percent;
}

static void failure(struct fuzz *z, const char *what, unsigned int cmd,
		    int err)
{
	z->failures++;
	if (z->failures <= 20)
		printf("FAIL: ioctl_fuzz %s (cmd %#x, errno %d %s)\n", what, cmd,
		       err, strerror(err));
}

/* ---- argument pointers ---- */

enum ptr_kind { P_GOOD, P_NULL, P_LOW, P_KERNEL, P_HOLE, P_RO, P_STRADDLE,
		P_KINDS };

static bool ptr_bad_for_write(enum ptr_kind k)
{
	return k != P_GOOD;
}

/* A pointer of kind @k to @len bytes (for P_GOOD: room for @len). */
static uint8_t *pointer(struct fuzz *z, enum ptr_kind k, size_t len)
{
	size_t area = (size_t)AREA_PAGES * (size_t)z->page;

	switch (k) {
	case P_NULL:
		return NULL;
	case P_LOW:
		return (uint8_t *)(uintptr_t)(1 + below(z, 65535));
	case P_KERNEL:
		return (uint8_t *)(uintptr_t)(chance(z, 50) ?
			0xffff888000000000ULL + (rnd(z) & 0xffffff8ULL) :
			0xffffffff81000000ULL + (rnd(z) & 0xffff8ULL));
	case P_HOLE:
		return z->hole + below(z, (uint32_t)z->page);
	case P_RO:
		return z->ro + below(z, (uint32_t)z->page / 2);
	case P_STRADDLE:	/* the last bytes of the area, then unmapped */
		return z->area + area - 1 - below(z, len > 1 ? (uint32_t)len - 1 : 1);
	default:
		if (len >= area)
			return z->area;
		return z->area + below(z, (uint32_t)(area - len)) / 8 * 8;
	}
}

static enum ptr_kind pick_ptr(struct fuzz *z)
{
	return chance(z, 70) ? P_GOOD : (enum ptr_kind)(1 + below(z, P_KINDS - 1));
}

/* ---- commands ---- */

static const unsigned int ours[] = {
	MNCR_IOC_INFO, MNCR_IOC_GET_MODE, MNCR_IOC_SET_MODE,
	MNCR_IOC_CARD_FRONT, MNCR_IOC_MATCH,
};

/* Commands the VFS handles itself before the driver sees them: skipped. */
static bool vfs_cmd(unsigned int cmd)
{
	static const unsigned int vfs[] = {
		FIOCLEX, FIONCLEX, FIONBIO, FIOASYNC, FIOQSIZE, FIFREEZE, FITHAW,
		FS_IOC_FIEMAP, FIGETBSZ, FICLONE, FICLONERANGE, FIDEDUPERANGE,
		FIBMAP,
	};

	for (size_t i = 0; i < sizeof(vfs) / sizeof(vfs[0]); i++)
		if (cmd == vfs[i])
			return true;
	return false;
}

static bool is_ours(unsigned int cmd)
{
	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		if (cmd == ours[i])
			return true;
	return false;
}

static unsigned int pick_cmd(struct fuzz *z)
{
	static const unsigned int sizes[] = {
		sizeof(struct mncr_info), sizeof(struct mncr_mode),
		sizeof(struct mncr_card_front), sizeof(struct mncr_match),
		0, 1, 4, 8,
	};
	unsigned int cmd, r = below(z, 100);

	do {
		if (r < 45) {
			cmd = ours[below(z, 5)];
		} else if (r < 85) {
			unsigned int size = chance(z, 70) ? sizes[below(z, 8)] :
					    below(z, 1U << 14);

			cmd = _IOC(below(z, 4), MNCR_IOC_MAGIC, below(z, 16), size);
		} else if (r < 95) {
			/* one of ours with one bit flipped */
			cmd = ours[below(z, 5)] ^ (1U << below(z, 32));
		} else {
			cmd = (unsigned int)rnd(z);
		}
		r = below(z, 100);
	} while (vfs_cmd(cmd));
	return cmd;
}

static uint32_t pick_u32(struct fuzz *z, uint32_t small)
{
	static const uint32_t edges[] = {
		0, 1, 2, 255, 256, 511, 512, 513, 1024, 65535, 65536, 65537,
		0x7fffffff, 0x80000000, 0xffffffff,
	};

	if (chance(z, 75))
		return 1 + below(z, small);
	if (chance(z, 70))
		return edges[below(z, sizeof(edges) / sizeof(edges[0]))];
	return (uint32_t)rnd(z);
}

static void fill_random(struct fuzz *z, uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)rnd(z);
}

/*
 * A MATCH argument at @m (rw memory). Mostly small batches, so that a
 * million calls stay quick; sometimes the limits and beyond.
 */
static void make_match(struct fuzz *z, struct mncr_match *m)
{
	memset(m, 0, sizeof(*m));
	m->dim = pick_u32(z, 600);
	m->n_probe = pick_u32(z, 4);
	m->n_ref = pick_u32(z, 16);
	if ((uint64_t)m->dim * m->n_probe * m->n_ref > 4096ULL * 512 &&
	    chance(z, 95)) {
		m->n_probe = 1 + below(z, 2);
		m->n_ref = 1 + below(z, 8);
	}
	m->flags = chance(z, 60) ? MNCR_MATCH_F_KERNEL :
		   chance(z, 50) ? 0 : (uint32_t)rnd(z);
	m->probe = (uintptr_t)pointer(z, pick_ptr(z),
				      (size_t)m->dim * m->n_probe);
	m->ref = (uintptr_t)pointer(z, pick_ptr(z), (size_t)m->dim * m->n_ref);
	m->scores = (uintptr_t)pointer(z, pick_ptr(z),
				       (size_t)m->n_probe * m->n_ref * 4);
	if (chance(z, 5))
		m->reserved[below(z, 4)] = (uint32_t)rnd(z);
}

static void make_mode(struct fuzz *z, struct mncr_mode *m)
{
	memset(m, 0, sizeof(*m));
	m->mode = chance(z, 90) ? below(z, 2) : (uint32_t)rnd(z);
	m->timeout_ms = chance(z, 50) ? 1 + below(z, 3000) : pick_u32(z, 100);
	m->flags = chance(z, 80) ? 0 : chance(z, 50) ? MNCR_MODE_F_DETACH :
		   (uint32_t)rnd(z);
	if (chance(z, 5))
		m->reserved = (uint32_t)rnd(z);
}

/* The errors driver-abi.rst allows for @cmd (ENODEV always). */
static bool allowed(unsigned int cmd, int err)
{
	switch (err) {
	case ENODEV:
		return true;
	case EFAULT:
		return true;	/* every one of ours takes a pointer */
	default:
		break;
	}
	switch (cmd) {
	case MNCR_IOC_INFO:
	case MNCR_IOC_GET_MODE:
		return false;
	case MNCR_IOC_SET_MODE:
		return err == EBADF || err == EINVAL || err == EBUSY ||
		       err == EPROTO || err == ETIMEDOUT || err == EIO ||
		       err == ENOMEDIUM || err == EOPNOTSUPP;
	case MNCR_IOC_CARD_FRONT:
		return err == EBADF || err == ENOMEDIUM || err == EOPNOTSUPP ||
		       err == EPROTO || err == ETIMEDOUT || err == EIO ||
		       err == EBUSY || err == EINVAL;
	case MNCR_IOC_MATCH:
		return err == EINVAL || err == E2BIG || err == ENOMEM ||
		       err == EINTR || err == EPROTO || err == ETIMEDOUT ||
		       err == EIO || err == EBUSY || err == EOPNOTSUPP;
	default:
		return false;
	}
}

static void count(struct fuzz *z, int ret, int err)
{
	z->calls++;
	if (ret >= 0)
		z->ok++;
	else if (err == ENODEV)
		z->enodev++;
	if (ret < 0 && err > 0 && err < 134)
		z->err_count[err]++;
}

static void one_ioctl(struct fuzz *z, struct fuzz_file *f)
{
	unsigned int cmd = pick_cmd(z);
	enum ptr_kind k = pick_ptr(z);
	/*
	 * A good pointer has room for the 128 bytes we fill in; a straddling
	 * one must straddle for the command's own size.
	 */
	uint8_t *arg = pointer(z, k, k == P_STRADDLE && is_ours(cmd) ?
			       _IOC_SIZE(cmd) : 128);
	bool writable = (f->flags & O_ACCMODE) != O_RDONLY;
	int ret, err;

	if (k == P_GOOD) {
		if (cmd == MNCR_IOC_MATCH && chance(z, 90))
			make_match(z, (struct mncr_match *)arg);
		else if (cmd == MNCR_IOC_SET_MODE && chance(z, 90))
			make_mode(z, (struct mncr_mode *)arg);
		else
			fill_random(z, arg, 128);
	}
	/* device round trips are slow: keep them to a few per cent */
	if ((cmd == MNCR_IOC_CARD_FRONT || cmd == MNCR_IOC_SET_MODE) &&
	    k == P_GOOD && writable && !chance(z, 10))
		return;
	if (cmd == MNCR_IOC_CARD_FRONT || cmd == MNCR_IOC_SET_MODE)
		z->dev_io++;

	ret = ioctl(f->fd, cmd, arg);
	err = ret < 0 ? errno : 0;
	count(z, ret, err);
	if (ret < 0 && err == ENODEV)
		return;
	if (!is_ours(cmd)) {
		if (ret >= 0 || err != ENOTTY)
			failure(z, "foreign command not ENOTTY", cmd, err);
		return;
	}
	if (ret > 0 || (ret < 0 && !allowed(cmd, err))) {
		failure(z, "unexpected result", cmd, ret < 0 ? err : 0);
		return;
	}
	if (cmd == MNCR_IOC_INFO || cmd == MNCR_IOC_GET_MODE) {
		if (ptr_bad_for_write(k) != (ret < 0 && err == EFAULT))
			failure(z, k == P_GOOD ? "good buffer refused" :
				"bad buffer accepted", cmd, err);
	} else if ((cmd == MNCR_IOC_SET_MODE || cmd == MNCR_IOC_CARD_FRONT) &&
		   !writable && !(ret < 0 && err == EBADF)) {
		failure(z, "read-only file not EBADF", cmd, err);
	}
}

static void one_read(struct fuzz *z, struct fuzz_file *f)
{
	enum ptr_kind k = pick_ptr(z);
	size_t len = chance(z, 50) ? sizeof(struct mncr_event) *
		     (1 + below(z, 20)) : below(z, 1024);
	uint8_t *buf = pointer(z, k, len);
	struct pollfd p = { .fd = f->fd, .events = POLLIN };
	ssize_t ret;
	int err;

	if (chance(z, 30)) {
		ret = poll(&p, 1, 0);
		count(z, (int)ret, ret < 0 ? errno : 0);
		if (ret < 0)
			failure(z, "poll", 0, errno);
		return;
	}
	ret = read(f->fd, buf, len);
	err = ret < 0 ? errno : 0;
	count(z, (int)ret, err);
	if ((f->flags & O_ACCMODE) == O_WRONLY) {
		if (ret >= 0 || err != EBADF)
			failure(z, "read on a write-only file not EBADF", 0, err);
	} else if (ret >= 0) {
		if (ret % (ssize_t)sizeof(struct mncr_event) || !ret)
			failure(z, "read of part of a record", 0, 0);
		else if (k != P_GOOD && k != P_STRADDLE)
			failure(z, "read into a bad buffer succeeded", 0, 0);
	} else if (err == EINVAL) {
		if (len >= sizeof(struct mncr_event))
			failure(z, "read EINVAL with room for a record", 0, err);
	} else if (err != EAGAIN && err != EFAULT && err != ENODEV) {
		failure(z, "read", 0, err);
	}
}

static void reopen(struct fuzz *z, struct fuzz_file *f)
{
	static const int modes[] = { O_RDONLY, O_WRONLY, O_RDWR };

	if (f->fd >= 0)
		close(f->fd);
	f->flags = modes[below(z, 3)] | O_NONBLOCK | O_CLOEXEC;
	f->fd = open(f->path, f->flags);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void setup_memory(struct fuzz *z)
{
	size_t area = (size_t)AREA_PAGES * (size_t)z->page;
	uint8_t *p = mmap(NULL, area + 2 * (size_t)z->page,
			  PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	z->area = p;
	z->hole = p + area;
	munmap(z->hole, (size_t)z->page);
	z->ro = z->hole + z->page;
	fill_random(z, z->area, area);
	memset(z->ro, 0x5a, (size_t)z->page);
	mprotect(z->ro, (size_t)z->page, PROT_READ);
}

int main(int argc, char **argv)
{
	struct fuzz z = { .rng = 0x6d6e6372ULL };
	unsigned long max_calls = 100000, open_files;
	double deadline = 0, t0;
	uint64_t seed = (uint64_t)time(NULL);
	int opt, i;

	while ((opt = getopt(argc, argv, "n:t:s:q")) != -1) {
		switch (opt) {
		case 'n': max_calls = strtoul(optarg, NULL, 0); break;
		case 't': deadline = strtod(optarg, NULL); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'q': z.quiet = true; break;
		default:
			fprintf(stderr, "usage: drv_ioctl_fuzz [-n CALLS] [-t SECONDS] [-s SEED] [-q] NODE...\n");
			return 2;
		}
	}
	if (optind >= argc || argc - optind > MAX_NODES) {
		fprintf(stderr, "drv_ioctl_fuzz: 1..%d nodes\n", MAX_NODES);
		return 2;
	}
	z.rng ^= seed * 0x9E3779B97F4A7C15ULL;
	if (!z.rng)
		z.rng = 1;
	z.page = sysconf(_SC_PAGESIZE);
	setup_memory(&z);
	for (i = optind; i < argc; i++)
		for (int j = 0; j < FILES_PER_NODE; j++) {
			struct fuzz_file *f = &z.files[z.n_files++];

			f->path = argv[i];
			f->fd = -1;
			reopen(&z, f);
		}
	printf("seed=%" PRIu64 "\n", seed);
	fflush(stdout);

	t0 = now();
	while (z.calls < max_calls) {
		struct fuzz_file *f = &z.files[below(&z, (uint32_t)z.n_files)];
		uint32_t r = below(&z, 1000);

		if ((z.calls & 1023) == 0 && deadline > 0 && now() - t0 > deadline)
			break;
		if (f->fd < 0 || r < 2) {
			reopen(&z, f);
			if (f->fd < 0) {	/* unplugged: count and go on */
				count(&z, -1, errno);
				continue;
			}
		}
		if (r < 100)
			one_read(&z, f);
		else
			one_ioctl(&z, f);
	}
	open_files = 0;
	for (i = 0; i < z.n_files; i++)
		if (z.files[i].fd >= 0) {
			open_files++;
			close(z.files[i].fd);
		}

	printf("calls=%lu ok=%lu enodev=%lu device_io=%lu seconds=%.1f files=%lu\n",
	       z.calls, z.ok, z.enodev, z.dev_io, now() - t0, open_files);
	if (!z.quiet) {
		printf("errors:");
		for (i = 1; i < 134; i++)
			if (z.err_count[i])
				printf(" %s=%lu", strerrorname_np(i) ? strerrorname_np(i) : "?",
				       z.err_count[i]);
		printf("\n");
	}
	if (z.failures) {
		printf("FAIL: ioctl_fuzz (%lu unexpected results in %lu calls, seed %" PRIu64 ")\n",
		       z.failures, z.calls, seed);
		return 1;
	}
	printf("PASS: ioctl_fuzz (%lu calls)\n", z.calls);
	return 0;
}
