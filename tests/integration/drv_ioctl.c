// SPDX-License-Identifier: GPL-2.0
/*
 * drv_ioctl NODE: every ioctl of /dev/mncrN with good and bad input, and
 * the read()/write() edge cases. Run by tests/integration/drv_ioctl.sh in
 * the guest with a simulated reader that has a card inserted and a match
 * engine. Prints PASS:/FAIL: per case, exits 1 if any failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/mncr.h>

static int failures;
static long pagesz;

static void result(const char *name, int ok, const char *fmt, long a, long b)
{
	if (ok) {
		printf("PASS: %s\n", name);
		return;
	}
	printf("FAIL: %s (", name);
	printf(fmt, a, b);
	printf(")\n");
	failures++;
}

/* expect_err NAME RET WANT: RET is an ioctl return, WANT an errno or 0 */
static void expect_err(const char *name, int ret, int want)
{
	int got = ret < 0 ? errno : 0;

	result(name, got == want, "errno %ld, want %ld", got, want);
}

static void *unmapped_page(void)
{
	void *p = mmap(NULL, (size_t)pagesz, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		abort();
	munmap(p, (size_t)pagesz);
	return p;
}

static void *readonly_page(void)
{
	void *p = mmap(NULL, (size_t)pagesz, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		abort();
	return p;
}

static void test_dispatch(int fd)
{
	struct { uint32_t v[4]; } small;
	char big[256];

	memset(big, 0, sizeof(big));
	expect_err("unknown_cmd", ioctl(fd, _IO(MNCR_IOC_MAGIC, 0x7f)), ENOTTY);
	expect_err("unknown_cmd_nr5", ioctl(fd, _IOWR(MNCR_IOC_MAGIC, 0x05,
						     struct mncr_match), big),
		   ENOTTY);
	expect_err("wrong_magic", ioctl(fd, _IOR('x', 0x00, struct mncr_info),
					big), ENOTTY);
	expect_err("info_wrong_size", ioctl(fd, _IOR(MNCR_IOC_MAGIC, 0x00,
						     small), &small), ENOTTY);
	expect_err("set_mode_wrong_size",
		   ioctl(fd, _IOW(MNCR_IOC_MAGIC, 0x02, uint32_t), big), ENOTTY);
	expect_err("match_wrong_size",
		   ioctl(fd, _IOWR(MNCR_IOC_MAGIC, 0x04, small), big), ENOTTY);
	expect_err("match_wrong_dir",
		   ioctl(fd, _IOW(MNCR_IOC_MAGIC, 0x04, struct mncr_match), big),
		   ENOTTY);
	expect_err("tcgets_not_tty", ioctl(fd, TCGETS, big), ENOTTY);
}

static void test_info(int fd)
{
	struct mncr_info *ro = readonly_page();
	struct mncr_info info;

	expect_err("info_ok", ioctl(fd, MNCR_IOC_INFO, &info), 0);
	expect_err("info_null", ioctl(fd, MNCR_IOC_INFO, NULL), EFAULT);
	expect_err("info_unmapped", ioctl(fd, MNCR_IOC_INFO, unmapped_page()),
		   EFAULT);
	expect_err("info_readonly_buffer", ioctl(fd, MNCR_IOC_INFO, ro), EFAULT);
	/* straddling the end of a mapping */
	{
		char *p = mmap(NULL, 2 * (size_t)pagesz, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		munmap(p + pagesz, (size_t)pagesz);
		expect_err("info_straddles_unmapped",
			   ioctl(fd, MNCR_IOC_INFO, p + pagesz - 16), EFAULT);
		munmap(p, (size_t)pagesz);
	}
	munmap(ro, (size_t)pagesz);
}

static void test_mode(int fd, int ro_fd)
{
	struct mncr_mode m;

	expect_err("get_mode_ok", ioctl(fd, MNCR_IOC_GET_MODE, &m), 0);
	result("get_mode_auto", m.mode == MNCR_MODE_AUTO && !m.timeout_ms &&
	       !m.flags && !m.reserved, "mode %ld remaining %ld", m.mode,
	       m.timeout_ms);
	expect_err("get_mode_null", ioctl(fd, MNCR_IOC_GET_MODE, NULL), EFAULT);
	expect_err("get_mode_readonly_fd_ok",
		   ioctl(ro_fd, MNCR_IOC_GET_MODE, &m), 0);
	expect_err("set_mode_null", ioctl(fd, MNCR_IOC_SET_MODE, NULL), EFAULT);
	expect_err("set_mode_unmapped",
		   ioctl(fd, MNCR_IOC_SET_MODE, unmapped_page()), EFAULT);

	m = (struct mncr_mode){ .mode = MNCR_MODE_VISUAL, .reserved = 1 };
	expect_err("set_mode_reserved", ioctl(fd, MNCR_IOC_SET_MODE, &m), EINVAL);
	m = (struct mncr_mode){ .mode = 2 };
	expect_err("set_mode_bad_mode", ioctl(fd, MNCR_IOC_SET_MODE, &m), EINVAL);
	m = (struct mncr_mode){ .mode = MNCR_MODE_VISUAL, .flags = 2 };
	expect_err("set_mode_bad_flag", ioctl(fd, MNCR_IOC_SET_MODE, &m), EINVAL);
	m = (struct mncr_mode){ .mode = MNCR_MODE_VISUAL };
	expect_err("set_mode_readonly_fd", ioctl(ro_fd, MNCR_IOC_SET_MODE, &m),
		   EBADF);
	expect_err("set_mode_visual", ioctl(fd, MNCR_IOC_SET_MODE, &m), 0);
	expect_err("set_mode_renew_same_file",
		   ioctl(fd, MNCR_IOC_SET_MODE, &m), 0);
	{
		char path[64];
		int fd2;

		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		fd2 = open(path, O_RDWR);
		expect_err("set_mode_visual_other_file_busy",
			   ioctl(fd2, MNCR_IOC_SET_MODE, &m), EBUSY);
		close(fd2);
	}
	m = (struct mncr_mode){ .mode = MNCR_MODE_AUTO };
	expect_err("set_mode_auto", ioctl(fd, MNCR_IOC_SET_MODE, &m), 0);
	expect_err("set_mode_auto_again", ioctl(fd, MNCR_IOC_SET_MODE, &m), 0);
	/* AUTO takes the flags VISUAL takes (DETACH, ignored), nothing else */
	m = (struct mncr_mode){ .mode = MNCR_MODE_AUTO, .flags = 2 };
	expect_err("set_mode_auto_bad_flag", ioctl(fd, MNCR_IOC_SET_MODE, &m),
		   EINVAL);
	m = (struct mncr_mode){ .mode = MNCR_MODE_AUTO,
				.flags = MNCR_MODE_F_DETACH, .timeout_ms = 7 };
	expect_err("set_mode_auto_detach_ignored",
		   ioctl(fd, MNCR_IOC_SET_MODE, &m), 0);
	expect_err("get_mode_after_auto", ioctl(fd, MNCR_IOC_GET_MODE, &m), 0);
	result("mode_is_auto", m.mode == MNCR_MODE_AUTO, "mode %ld%ld", m.mode, 0);
}

static void test_card_front(int fd, int ro_fd)
{
	struct mncr_card_front *ro = readonly_page();
	struct mncr_card_front cf;

	memset(&cf, 0, sizeof(cf));
	expect_err("card_front_ok", ioctl(fd, MNCR_IOC_CARD_FRONT, &cf), 0);
	result("card_front_reserved_zero", !cf.reserved[0] && !cf.reserved[1] &&
	       !cf.reserved[2] && !cf.reserved[3], "%ld%ld", 0, 0);
	expect_err("card_front_readonly_fd",
		   ioctl(ro_fd, MNCR_IOC_CARD_FRONT, &cf), EBADF);
	expect_err("card_front_null", ioctl(fd, MNCR_IOC_CARD_FRONT, NULL),
		   EFAULT);
	expect_err("card_front_readonly_buffer",
		   ioctl(fd, MNCR_IOC_CARD_FRONT, ro), EFAULT);
	munmap(ro, (size_t)pagesz);
}

static int match(int fd, unsigned int dim, unsigned int np, unsigned int nr,
		 unsigned int flags, void *probe, void *ref, void *scores)
{
	struct mncr_match m = {
		.dim = dim, .n_probe = np, .n_ref = nr, .flags = flags,
		.probe = (uintptr_t)probe, .ref = (uintptr_t)ref,
		.scores = (uintptr_t)scores,
	};

	return ioctl(fd, MNCR_IOC_MATCH, &m);
}

static void test_match(int fd, int ro_fd)
{
	static int8_t probe[512], ref[4 * 512];
	static int32_t scores[64];
	void *ro = readonly_page(), *gone = unmapped_page();
	const char *path[2] = { "device", "kernel" };
	struct mncr_match m;
	char name[64];

	for (int k = 0; k < 2; k++) {
		unsigned int fl = k ? MNCR_MATCH_F_KERNEL : 0;

#define CASE(n, expr, want) do { \
	snprintf(name, sizeof(name), "match_%s_%s", path[k], n); \
	expect_err(name, expr, want); \
} while (0)
		CASE("ok", match(fd, 16, 1, 4, fl, probe, ref, scores), 0);
		CASE("readonly_fd_ok",
		     match(ro_fd, 16, 1, 4, fl, probe, ref, scores), 0);
		CASE("dim0", match(fd, 0, 1, 1, fl, probe, ref, scores), EINVAL);
		CASE("dim513", match(fd, 513, 1, 1, fl, probe, ref, scores),
		     EINVAL);
		CASE("n_probe0", match(fd, 16, 0, 1, fl, probe, ref, scores),
		     EINVAL);
		CASE("n_ref0", match(fd, 16, 1, 0, fl, probe, ref, scores),
		     EINVAL);
		CASE("too_many_scores",
		     match(fd, 16, 257, 256, fl, probe, ref, scores), E2BIG);
		CASE("too_many_vectors",
		     match(fd, 16, 1, 65536, fl, probe, ref, scores), E2BIG);
		CASE("product_overflow",
		     match(fd, 16, 65536, 65536, fl, probe, ref, scores), E2BIG);
		CASE("huge_counts",
		     match(fd, 16, 0xffffffffu, 0xffffffffu, fl, probe, ref,
			   scores), E2BIG);
		CASE("sum_overflow",
		     match(fd, 16, 0xffffffffu, 1, fl, probe, ref, scores), E2BIG);
		CASE("probe_null", match(fd, 16, 1, 4, fl, NULL, ref, scores),
		     EFAULT);
		CASE("ref_null", match(fd, 16, 1, 4, fl, probe, NULL, scores),
		     EFAULT);
		CASE("scores_null", match(fd, 16, 1, 4, fl, probe, ref, NULL),
		     EFAULT);
		CASE("probe_unmapped",
		     match(fd, 16, 1, 4, fl, gone, ref, scores), EFAULT);
		CASE("ref_unmapped",
		     match(fd, 16, 1, 4, fl, probe, gone, scores), EFAULT);
		CASE("scores_readonly",
		     match(fd, 16, 1, 4, fl, probe, ref, ro), EFAULT);
		CASE("scores_unmapped",
		     match(fd, 16, 1, 4, fl, probe, ref, gone), EFAULT);
		CASE("bad_flag",
		     match(fd, 16, 1, 4, fl | 0x100, probe, ref, scores), EINVAL);
		{
			/* a large batch whose last page is unmapped */
			size_t len = 64 * (size_t)pagesz;
			char *big = mmap(NULL, len, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			int32_t *bs = malloc(len / 16 * sizeof(int32_t));

			memset(big, 1, len);
			munmap(big + len - pagesz, (size_t)pagesz);
			CASE("large_ref_tail_unmapped",
			     match(fd, 16, 1, (unsigned int)(len / 16), fl,
				   probe, big, bs), EFAULT);
			CASE("large_ref_head_ok",
			     match(fd, 16, 1, (unsigned int)((len - pagesz) / 16),
				   fl, probe, big, bs), 0);
			/* references in a read-only mapping are fine */
			mprotect(big, len - pagesz, PROT_READ);
			CASE("large_ref_readonly_ok",
			     match(fd, 16, 1, (unsigned int)((len - pagesz) / 16),
				   fl, probe, big, bs), 0);
			munmap(big, len - pagesz);
			free(bs);
		}
		m = (struct mncr_match){ .dim = 16, .n_probe = 1, .n_ref = 1,
			.flags = fl, .probe = (uintptr_t)probe,
			.ref = (uintptr_t)ref, .scores = (uintptr_t)scores };
		for (int r = 0; r < 4; r++) {
			char n[32];

			m.reserved[r] = 1;
			snprintf(n, sizeof(n), "reserved%d", r);
			CASE(n, ioctl(fd, MNCR_IOC_MATCH, &m), EINVAL);
			m.reserved[r] = 0;
		}
		CASE("struct_null", ioctl(fd, MNCR_IOC_MATCH, NULL), EFAULT);
		CASE("struct_zero_page", ioctl(fd, MNCR_IOC_MATCH, ro), EINVAL);
		{
			/* valid input, but flags cannot be written back */
			struct mncr_match *rom = mmap(NULL, (size_t)pagesz,
						      PROT_READ | PROT_WRITE,
						      MAP_PRIVATE | MAP_ANONYMOUS,
						      -1, 0);

			*rom = m;
			mprotect(rom, (size_t)pagesz, PROT_READ);
			scores[0] = INT32_MAX;	/* no 16-d int8 score is this */
			CASE("struct_readonly", ioctl(fd, MNCR_IOC_MATCH, rom),
			     EFAULT);
			/* driver-abi.rst: flags go back last, after the scores */
			snprintf(name, sizeof(name), "match_%s_struct_readonly_scored",
				 path[k]);
			result(name, scores[0] != INT32_MAX, "score %ld%ld",
			       (long)scores[0], 0);
			munmap(rom, (size_t)pagesz);
		}
		/* flags written back */
		m.flags = fl | MNCR_MATCH_F_DEVICE;
		CASE("device_flag_in_ignored", ioctl(fd, MNCR_IOC_MATCH, &m), 0);
		snprintf(name, sizeof(name), "match_%s_flags_out", path[k]);
		result(name, k ? m.flags == MNCR_MATCH_F_KERNEL :
		       m.flags == MNCR_MATCH_F_DEVICE, "flags %#lx k %ld",
		       m.flags, k);
#undef CASE
	}
	munmap(ro, (size_t)pagesz);
}

static void test_read_write(int fd)
{
	struct mncr_event ev[2];
	char small[sizeof(struct mncr_event) - 1];
	char path[64];
	ssize_t n;
	int nb;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	nb = open(path, O_RDONLY | O_NONBLOCK);
	/* drain */
	while (read(nb, ev, sizeof(ev)) > 0)
		;
	expect_err("read_nonblock_empty", (int)read(nb, ev, sizeof(ev)), EAGAIN);
	expect_err("read_small_buffer", (int)read(nb, small, sizeof(small)),
		   EINVAL);
	expect_err("read_zero_len", (int)read(nb, small, 0), EINVAL);
	expect_err("write_refused", (int)write(fd, ev, sizeof(ev)), EINVAL);
	expect_err("lseek_refused", (int)lseek(fd, 0, SEEK_SET), ESPIPE);

	/* an event read into a bad buffer is reported, not silently lost */
	{
		struct mncr_mode m = { .mode = MNCR_MODE_VISUAL };

		ioctl(fd, MNCR_IOC_SET_MODE, &m);	/* one event */
		m.mode = MNCR_MODE_AUTO;
		ioctl(fd, MNCR_IOC_SET_MODE, &m);	/* another */
		expect_err("read_bad_buffer", (int)read(nb, unmapped_page(), sizeof(ev)),
			   EFAULT);
		n = read(nb, ev, sizeof(ev));
		result("read_after_efault_overflow",
		       n == (ssize_t)sizeof(ev[0]) &&
		       ev[0].type == MNCR_EV_OVERFLOW && ev[0].lost == 2,
		       "n %ld type %ld", (long)n, ev[0].type);
	}
	close(nb);
}

int main(int argc, char **argv)
{
	int fd, ro_fd;

	if (argc != 2) {
		fprintf(stderr, "usage: drv_ioctl /dev/mncrN\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	pagesz = sysconf(_SC_PAGESIZE);
	fd = open(argv[1], O_RDWR);
	ro_fd = open(argv[1], O_RDONLY);
	if (fd < 0 || ro_fd < 0) {
		printf("FAIL: open (%s)\n", strerror(errno));
		return 1;
	}
	test_dispatch(fd);
	test_info(fd);
	test_mode(fd, ro_fd);
	test_card_front(fd, ro_fd);
	test_match(fd, ro_fd);
	test_read_write(fd);
	return failures ? 1 : 0;
}
