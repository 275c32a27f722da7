// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mncr mode: print or switch the reader mode. "mode visual" holds the
 * kernel's visual lease in the foreground and says why it ended, so staff
 * see that face authentication is back for the next patient.
 */
#include "cli.h"
#include "reader/device.h"
#include "util/json_write.h"
#include "reader/names.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

static int print_mode(const struct cli *cli, const struct mncr_reader *r)
{
	struct mncr_mode m;
	int fd = cli_open_reader(r, false), ret;

	if (fd < 0)
		return -fd;
	ret = mncr_device_get_mode(fd, &m);
	close(fd);
	if (ret < 0) {
		fprintf(stderr, "mncr: %s: %s\n", r->name, strerror(-ret));
		return cli_exit_for(ret);
	}
	if (cli->json) {
		struct mncr_json j;

		mncr_json_init(&j, stdout);
		mncr_json_object_begin(&j, NULL);
		mncr_json_string(&j, "reader", r->name);
		mncr_json_string(&j, "mode", mncr_mode_name(m.mode));
		if (m.mode == MNCR_MODE_VISUAL) {
			mncr_json_uint(&j, "remaining_ms", m.timeout_ms);
			mncr_json_bool(&j, "detached", m.flags & MNCR_MODE_F_DETACH);
		}
		mncr_json_object_end(&j);
		mncr_json_finish(&j);
	} else if (m.mode == MNCR_MODE_VISUAL) {
		printf("visual (%u s left)\n", (m.timeout_ms + 999) / 1000);
	} else {
		printf("%s\n", mncr_mode_name(m.mode));
	}
	return EXIT_OK;
}

static int set_mode(int fd, const struct mncr_reader *r, uint32_t mode,
		    uint32_t timeout_ms, uint32_t flags)
{
	int ret = mncr_device_set_mode(fd, mode, timeout_ms, flags);
	struct mncr_mode now;

	if (ret == 0)
		return EXIT_OK;
	if (ret == -EBUSY)
		fprintf(stderr, "mncr: %s: another program holds visual mode; "
			"'mncr mode auto' ends it\n", r->name);
	else
		fprintf(stderr, "mncr: %s: cannot switch to %s: %s\n", r->name,
			mncr_mode_name(mode), strerror(-ret));
	/* the driver has re-read the reader after a failure: say where it is */
	if (ret != -EBUSY && ret != -ENODEV && mncr_device_get_mode(fd, &now) == 0)
		fprintf(stderr, "mncr: %s: the reader is in %s mode\n", r->name,
			mncr_mode_name(now.mode));
	return cli_exit_for(ret);
}

/* Signals that end the lease arrive through a signalfd, not a handler. */
static int block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	return signalfd(-1, &set, SFD_CLOEXEC);
}

/* Waits for the lease to end; returns the exit code. */
static int hold_visual(const struct cli *cli, const struct mncr_reader *r,
		       int fd, int sig_fd)
{
	struct pollfd p[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = sig_fd, .events = POLLIN },
	};

	for (;;) {
		struct mncr_event ev;
		int ret;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return EXIT_FAILED;
		if (p[1].revents & POLLIN) {
			ret = set_mode(fd, r, MNCR_MODE_AUTO, 0, 0);
			if (ret == EXIT_OK && !cli->json)
				printf("%s: back to auto: stopped by the operator\n", r->name);
			return ret;
		}
		if (!p[0].revents)
			continue;
		ret = mncr_device_read_event(fd, &ev, 0);
		if (ret == -ENODEV) {
			fprintf(stderr, "mncr: %s was unplugged; visual mode ended\n", r->name);
			return EXIT_NO_READER;
		}
		if (ret < 0) {
			fprintf(stderr, "mncr: %s: %s\n", r->name, strerror(-ret));
			return EXIT_FAILED;
		}
		if (ret == 0 || ev.type != MNCR_EV_MODE_CHANGED ||
		    ev.mode != MNCR_MODE_AUTO)
			continue;
		if (cli->json)
			cli_print_event(cli, r, &ev);
		else
			printf("%s: back to auto: %s\n", r->name,
			       mncr_reason_text(ev.reason));
		return EXIT_OK;
	}
}

static int visual(const struct cli *cli, const struct mncr_reader *r,
		  uint32_t timeout_ms, bool detach)
{
	int fd, sig_fd, ret;

	sig_fd = block_signals();
	if (sig_fd < 0) {
		fprintf(stderr, "mncr: signalfd: %s\n", strerror(-sig_fd));
		return EXIT_FAILED;
	}
	fd = cli_open_reader(r, true);
	if (fd < 0) {
		close(sig_fd);
		return -fd;
	}
	ret = set_mode(fd, r, MNCR_MODE_VISUAL, timeout_ms,
		       detach ? MNCR_MODE_F_DETACH : 0);
	if (ret == EXIT_OK) {
		struct mncr_mode m;

		mncr_device_get_mode(fd, &m);
		if (cli->json) {
			struct mncr_json j;

			mncr_json_init(&j, stdout);
			mncr_json_object_begin(&j, NULL);
			mncr_json_string(&j, "reader", r->name);
			mncr_json_string(&j, "mode", "visual");
			mncr_json_uint(&j, "timeout_ms", m.timeout_ms);
			mncr_json_bool(&j, "detached", detach);
			mncr_json_object_end(&j);
			mncr_json_finish(&j);
		} else {
			printf("%s: visual confirmation mode (目視確認) on for up to %u s; "
			       "reverts to auto when the card is removed%s\n",
			       r->name, (m.timeout_ms + 999) / 1000,
			       detach ? "" : " or on Ctrl-C");
			fflush(stdout);
		}
		if (!detach)
			ret = hold_visual(cli, r, fd, sig_fd);
	}
	close(fd);
	close(sig_fd);
	return ret;
}

int cmd_mode(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "detach", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *usage =
		"usage: mncr mode [--json]\n"
		"       mncr mode auto\n"
		"       mncr mode visual [--timeout SECONDS] [--detach]\n";
	struct mncr_reader r;
	unsigned long timeout_s = 0;
	bool detach = false;
	uint32_t mode;
	int c, ret, fd;
	char *end;

	while ((c = getopt_long(argc, argv, "jt:dh", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		case 'j':
			cli->json = true;
			break;
		case 't':
			timeout_s = strtoul(optarg, &end, 10);
			if (*end || !timeout_s || timeout_s > 86400) {
				fprintf(stderr, "mncr: --timeout wants seconds, 1 to 86400\n");
				return EXIT_USAGE;
			}
			break;
		case 'd':
			detach = true;
			break;
		default:
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind > 1 ||
	    (optind < argc && mncr_mode_parse(argv[optind], &mode) < 0)) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if ((timeout_s || detach) && (optind == argc || mode != MNCR_MODE_VISUAL)) {
		fprintf(stderr, "mncr: --timeout and --detach go with 'mode visual'\n");
		return EXIT_USAGE;
	}
	ret = cli_find_reader(cli, &r);
	if (ret != EXIT_OK)
		return ret;
	if (optind == argc)
		return print_mode(cli, &r);
	if (mode == MNCR_MODE_VISUAL)
		return visual(cli, &r, (uint32_t)(timeout_s * 1000), detach);

	fd = cli_open_reader(&r, true);
	if (fd < 0)
		return -fd;
	ret = set_mode(fd, &r, MNCR_MODE_AUTO, 0, 0);
	close(fd);
	if (ret == EXIT_OK && !cli->json)
		printf("%s: auto (自動運転)\n", r.name);
	return ret;
}
