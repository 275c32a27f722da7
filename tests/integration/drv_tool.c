// SPDX-License-Identifier: GPL-2.0
/*
 * drv_tool: small actions on /dev/mncrN for the driver test scripts
 * (tests/integration/drv_*.sh). Each action prints key=value lines;
 * a failed ioctl prints "errno=ENAME" and exits 1.
 *
 *   drv_tool info NODE
 *   drv_tool getmode NODE
 *   drv_tool setmode NODE auto|visual [TIMEOUT_MS] [detach] [ro]
 *   drv_tool hold NODE TIMEOUT_MS [detach]   take the lease, then sleep
 *   drv_tool cardfront NODE [ro]
 *   drv_tool now                             CLOCK_MONOTONIC in ns
 *   drv_tool wait NODE TYPE REASON MS        first matching event
 *   drv_tool events NODE MS                  print events until MS quiet
 *   drv_tool blockread NODE                  blocking reads until error
 *   drv_tool blockpoll NODE                  poll() until HUP/ERR
 *   drv_tool longmatch NODE N_REF DIM kernel|device   repeat until error
 *   drv_tool match NODE DIM N_PROBE N_REF kernel|device
 *   drv_tool renew NODE MS1 MS2               lease twice on one file
 *   drv_tool lazy NODE SLEEP_MS               open, sleep, then read all
 *   drv_tool badcmd NODE                      an ioctl number mncr lacks
 *   drv_tool read0 NODE                       read(fd, buf, 0)
 *
 * NODE may be fd:N, a descriptor the script opened (e.g. exec 3<>NODE).
 *
 * Actions that wait print "ready" (flushed) once the node is open, so a
 * script can start them in the background and then act.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/mncr.h>

static const char *errname(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	case E2BIG: return "E2BIG";
	case EPIPE: return "EPIPE";
	case EPROTO: return "EPROTO";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ENOMEDIUM: return "ENOMEDIUM";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	default: return "E?";
	}
}

static int fail_errno(const char *what)
{
	int e = errno;

	printf("errno=%s\n", errname(e));
	fprintf(stderr, "drv_tool: %s: %s\n", what, strerror(e));
	return 1;
}

/* NODE is a path, or fd:N for a descriptor inherited from the script. */
static int open_node(const char *node, int flags)
{
	int fd;

	if (strncmp(node, "fd:", 3) == 0)
		return atoi(node + 3);
	fd = open(node, flags | O_CLOEXEC);

	if (fd < 0) {
		printf("errno=%s\n", errname(errno));
		fprintf(stderr, "drv_tool: open %s: %s\n", node, strerror(errno));
		exit(1);
	}
	return fd;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void ready(void)
{
	printf("ready\n");
	fflush(stdout);
}

static void print_event(const struct mncr_event *ev)
{
	printf("event type=%u reason=%u mode=%u lost=%u seq=%llu time_ns=%llu\n",
	       ev->type, ev->reason, ev->mode, ev->lost,
	       (unsigned long long)ev->seq, (unsigned long long)ev->time_ns);
	fflush(stdout);
}

static int cmd_info(const char *node)
{
	struct mncr_info in;
	int fd = open_node(node, O_RDONLY);

	memset(&in, 0xa5, sizeof(in));
	if (ioctl(fd, MNCR_IOC_INFO, &in) < 0)
		return fail_errno("INFO");
	printf("abi_version=%u\nproto_version=%u\ncaps=0x%x\nmode=%u\n"
	       "card_present=%u\nvisual_timeout_ms=%u\nmatch_max_dim=%u\n"
	       "match_max_scores=%u\nserial=%s\nfirmware=%s\n",
	       in.abi_version, in.proto_version, in.caps, in.mode,
	       in.card_present, in.visual_timeout_ms, in.match_max_dim,
	       in.match_max_scores, in.serial, in.firmware);
	for (size_t i = 0; i < sizeof(in.reserved) / sizeof(in.reserved[0]); i++)
		if (in.reserved[i])
			printf("reserved_nonzero=%zu\n", i);
	return 0;
}

static int cmd_getmode(const char *node)
{
	struct mncr_mode m;
	int fd = open_node(node, O_RDONLY);

	if (ioctl(fd, MNCR_IOC_GET_MODE, &m) < 0)
		return fail_errno("GET_MODE");
	printf("mode=%u\nremaining_ms=%u\nflags=%u\n", m.mode, m.timeout_ms,
	       m.flags);
	return 0;
}

static int has_word(int argc, char **argv, const char *w)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], w) == 0)
			return 1;
	return 0;
}

static int set_mode(int fd, const char *mode, unsigned int ms, int detach)
{
	struct mncr_mode m = {
		.mode = strcmp(mode, "visual") == 0 ? MNCR_MODE_VISUAL :
						      MNCR_MODE_AUTO,
		.timeout_ms = ms,
		.flags = detach ? MNCR_MODE_F_DETACH : 0,
	};

	return ioctl(fd, MNCR_IOC_SET_MODE, &m);
}

static int cmd_setmode(int argc, char **argv)
{
	unsigned int ms = argc > 4 ? (unsigned int)strtoul(argv[4], NULL, 0) : 0;
	int fd = open_node(argv[2], has_word(argc, argv, "ro") ? O_RDONLY : O_RDWR);

	if (set_mode(fd, argv[3], ms, has_word(argc, argv, "detach")) < 0)
		return fail_errno("SET_MODE");
	printf("ok\n");
	return 0;
}

static int cmd_hold(int argc, char **argv)
{
	unsigned int ms = (unsigned int)strtoul(argv[3], NULL, 0);
	int fd = open_node(argv[2], O_RDWR);

	if (set_mode(fd, "visual", ms, has_word(argc, argv, "detach")) < 0)
		return fail_errno("SET_MODE");
	printf("held\n");
	fflush(stdout);
	if (has_word(argc, argv, "close"))
		return 0;
	for (;;)
		pause();
}

static int cmd_cardfront(int argc, char **argv)
{
	struct mncr_card_front cf;
	int fd = open_node(argv[2], has_word(argc, argv, "ro") ? O_RDONLY : O_RDWR);

	memset(&cf, 0, sizeof(cf));
	if (ioctl(fd, MNCR_IOC_CARD_FRONT, &cf) < 0)
		return fail_errno("CARD_FRONT");
	printf("front=%.8s,%.4s,%.4s\n", cf.birth_date, cf.expiry_year,
	       cf.security_code);
	return 0;
}

static int cmd_wait(int argc, char **argv)
{
	unsigned int type = (unsigned int)strtoul(argv[3], NULL, 0);
	unsigned int reason = (unsigned int)strtoul(argv[4], NULL, 0);
	int ms = argc > 5 ? atoi(argv[5]) : 5000;
	uint64_t end = now_ns() + (uint64_t)ms * 1000000ULL;
	int fd = open_node(argv[2], O_RDONLY | O_NONBLOCK);
	struct mncr_event ev;

	ready();
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = (int64_t)(end - now_ns()) / 1000000;

		if (left <= 0) {
			printf("timeout\n");
			return 1;
		}
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			return fail_errno("poll");
		if (read(fd, &ev, sizeof(ev)) != sizeof(ev)) {
			if (errno == EAGAIN)
				continue;
			return fail_errno("read");
		}
		print_event(&ev);
		if (ev.type == type && (reason == 0 || ev.reason == reason))
			return 0;
	}
}

static int cmd_events(const char *node, int quiet_ms)
{
	int fd = open_node(node, O_RDONLY | O_NONBLOCK);
	struct mncr_event ev[8];

	ready();
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;
		int r = poll(&pfd, 1, quiet_ms);

		if (r == 0)
			return 0;
		if (r < 0)
			return fail_errno("poll");
		n = read(fd, ev, sizeof(ev));
		if (n < 0) {
			if (errno == EAGAIN)
				continue;
			return fail_errno("read");
		}
		for (ssize_t i = 0; i < n / (ssize_t)sizeof(ev[0]); i++)
			print_event(&ev[i]);
	}
}

static int cmd_blockread(const char *node)
{
	int fd = open_node(node, O_RDONLY);
	struct mncr_event ev;

	ready();
	for (;;) {
		if (read(fd, &ev, sizeof(ev)) != sizeof(ev)) {
			printf("read errno=%s\n", errname(errno));
			return errno == ENODEV ? 0 : 1;
		}
		print_event(&ev);
	}
}

static int cmd_blockpoll(const char *node)
{
	int fd = open_node(node, O_RDONLY | O_NONBLOCK);
	struct mncr_event ev;

	ready();
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (poll(&pfd, 1, -1) < 0)
			return fail_errno("poll");
		if (pfd.revents & (POLLHUP | POLLERR)) {
			printf("revents=%s%s%s\n",
			       pfd.revents & POLLIN ? "IN," : "",
			       pfd.revents & POLLHUP ? "HUP," : "",
			       pfd.revents & POLLERR ? "ERR" : "");
			/* drain: the last read must be ENODEV */
			while (read(fd, &ev, sizeof(ev)) == sizeof(ev))
				print_event(&ev);
			printf("read errno=%s\n", errname(errno));
			return errno == ENODEV ? 0 : 1;
		}
		while (read(fd, &ev, sizeof(ev)) == sizeof(ev))
			print_event(&ev);
	}
}

static void fill_random(int8_t *p, size_t n, uint64_t *s)
{
	for (size_t i = 0; i < n; i++) {
		*s ^= *s << 13;
		*s ^= *s >> 7;
		*s ^= *s << 17;
		p[i] = (int8_t)*s;
	}
}

/*
 * One MATCH on random data; with @repeat, again and again until it fails
 * (for unplug and signal tests), printing how many completed.
 */
static int do_match(const char *node, unsigned int dim, unsigned int np,
		    unsigned int nr, int kernel, int say_ready, int repeat)
{
	int done = 0;

	int fd = open_node(node, O_RDONLY);
	int8_t *probe = malloc((size_t)np * dim);
	int8_t *ref = malloc((size_t)nr * dim);
	int32_t *scores = malloc((size_t)np * nr * sizeof(int32_t));
	uint64_t seed = 0x1234567;
	struct mncr_match m = {
		.dim = dim, .n_probe = np, .n_ref = nr,
		.flags = kernel ? MNCR_MATCH_F_KERNEL : 0,
	};
	uint64_t t0;

	if (!probe || !ref || !scores) {
		fprintf(stderr, "drv_tool: out of memory\n");
		return 2;
	}
	fill_random(probe, (size_t)np * dim, &seed);
	fill_random(ref, (size_t)nr * dim, &seed);
	m.probe = (uintptr_t)probe;
	m.ref = (uintptr_t)ref;
	m.scores = (uintptr_t)scores;
	if (say_ready)
		ready();
	t0 = now_ns();
	for (;;) {
		if (ioctl(fd, MNCR_IOC_MATCH, &m) < 0) {
			printf("elapsed_ms=%llu\ncompleted=%d\n",
			       (unsigned long long)((now_ns() - t0) / 1000000),
			       done);
			return fail_errno("MATCH");
		}
		if (!repeat || ++done >= 100000)
			break;
		m.flags = kernel ? MNCR_MATCH_F_KERNEL : 0;
	}
	printf("elapsed_ms=%llu\nflags=0x%x\nok\n",
	       (unsigned long long)((now_ns() - t0) / 1000000), m.flags);
	return 0;
}

static int cmd_renew(const char *node, unsigned int ms1, unsigned int ms2)
{
	int fd = open_node(node, O_RDWR);
	struct mncr_mode m;

	if (set_mode(fd, "visual", ms1, 0) < 0)
		return fail_errno("SET_MODE 1");
	if (ioctl(fd, MNCR_IOC_GET_MODE, &m) < 0)
		return fail_errno("GET_MODE 1");
	printf("first_remaining_ms=%u\n", m.timeout_ms);
	if (set_mode(fd, "visual", ms2, 0) < 0)
		return fail_errno("SET_MODE 2");
	if (ioctl(fd, MNCR_IOC_GET_MODE, &m) < 0)
		return fail_errno("GET_MODE 2");
	printf("second_remaining_ms=%u\nmode=%u\n", m.timeout_ms, m.mode);
	return 0;
}

static int cmd_lazy(const char *node, int sleep_ms)
{
	int fd = open_node(node, O_RDONLY | O_NONBLOCK);
	struct mncr_event ev[64];
	ssize_t n;

	ready();
	usleep((useconds_t)sleep_ms * 1000);
	while ((n = read(fd, ev, sizeof(ev))) > 0)
		for (ssize_t i = 0; i < n / (ssize_t)sizeof(ev[0]); i++)
			print_event(&ev[i]);
	printf("read errno=%s\n", errname(errno));
	return 0;
}

static int cmd_badcmd(const char *node)
{
	int fd = open_node(node, O_RDONLY);

	if (ioctl(fd, _IO(MNCR_IOC_MAGIC, 0x7f)) < 0)
		return fail_errno("ioctl 0x7f");
	printf("ok\n");
	return 0;
}

static int cmd_read0(const char *node)
{
	int fd = open_node(node, O_RDONLY | O_NONBLOCK);
	char b;

	if (read(fd, &b, 0) < 0)
		return fail_errno("read 0");
	printf("ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(cmd, "now") == 0) {
		printf("%llu\n", (unsigned long long)now_ns());
		return 0;
	}
	if (argc < 3)
		goto usage;
	if (strcmp(cmd, "info") == 0)
		return cmd_info(argv[2]);
	if (strcmp(cmd, "getmode") == 0)
		return cmd_getmode(argv[2]);
	if (strcmp(cmd, "setmode") == 0 && argc >= 4)
		return cmd_setmode(argc, argv);
	if (strcmp(cmd, "hold") == 0 && argc >= 4)
		return cmd_hold(argc, argv);
	if (strcmp(cmd, "cardfront") == 0)
		return cmd_cardfront(argc, argv);
	if (strcmp(cmd, "wait") == 0 && argc >= 5)
		return cmd_wait(argc, argv);
	if (strcmp(cmd, "events") == 0 && argc >= 4)
		return cmd_events(argv[2], atoi(argv[3]));
	if (strcmp(cmd, "blockread") == 0)
		return cmd_blockread(argv[2]);
	if (strcmp(cmd, "blockpoll") == 0)
		return cmd_blockpoll(argv[2]);
	if (strcmp(cmd, "longmatch") == 0 && argc >= 6)
		return do_match(argv[2], (unsigned int)atoi(argv[4]), 1,
				(unsigned int)atoi(argv[3]),
				strcmp(argv[5], "kernel") == 0, 1, 1);
	if (strcmp(cmd, "match") == 0 && argc >= 7)
		return do_match(argv[2], (unsigned int)atoi(argv[3]),
				(unsigned int)atoi(argv[4]),
				(unsigned int)atoi(argv[5]),
				strcmp(argv[6], "kernel") == 0, 0, 0);
	if (strcmp(cmd, "renew") == 0 && argc >= 5)
		return cmd_renew(argv[2], (unsigned int)atoi(argv[3]),
				 (unsigned int)atoi(argv[4]));
	if (strcmp(cmd, "badcmd") == 0)
		return cmd_badcmd(argv[2]);
	if (strcmp(cmd, "read0") == 0)
		return cmd_read0(argv[2]);
	if (strcmp(cmd, "lazy") == 0 && argc >= 4)
		return cmd_lazy(argv[2], atoi(argv[3]));
usage:
	fprintf(stderr, "usage: see the comment at the top of drv_tool.c\n");
	return 2;
}
