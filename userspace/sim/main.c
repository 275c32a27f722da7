// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mncr-sim: the simulated mncr reader. "mncr-sim [options]" plugs and
 * serves one reader; "mncr-sim ctl ..." drives a running one.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "control_socket.h"
#include "ctl_client.h"
#include "daemonize.h"
#include "face_source.h"
#include "log.h"
#include "options.h"
#include "scene_dump.h"
#include "sim.h"

/* The parent's patience: start waits up to twice SIM_HOST_WAIT_MS. */
#define DAEMON_TIMEOUT_MS	(3 * SIM_HOST_WAIT_MS)

/*
 * SIGTERM and SIGINT arrive through a signalfd in the main loop; blocked
 * before any thread starts, so every thread inherits the mask.
 */
static int signals_to_fd(void)
{
	sigset_t set;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL))
		return -1;
	fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (fd < 0)
		sim_log("signalfd: %s", strerror(errno));
	return fd;
}

static int serve(const struct sim_options *opt)
{
	struct control_server cs = { .listen_fd = -1 };
	int ready_fd = -1, sigfd, quit_fd, rc = 1;
	struct sim *s;

	if (opt->daemon)
		ready_fd = daemon_start(DAEMON_TIMEOUT_MS);
	sigfd = signals_to_fd();
	s = malloc(sizeof(*s));
	if (sigfd < 0 || !s) {
		free(s);
		return 1;
	}
	if (sim_init(s, opt) || sim_lock_serial(s) ||
	    control_socket_open(&cs, opt->socket_path) || sim_start(s)) {
		sim_log("serial %s: not started", opt->serial);
		goto out;
	}
	if (opt->daemon)
		daemon_ready(ready_fd, opt->log_path);
	else
		sim_log("serial %s plugged into %s; control socket %s",
			opt->serial, sim_udc(s), opt->socket_path);

	quit_fd = control_socket_serve(&cs, s, sigfd);
	sim_stop(s);
	control_socket_close(&cs);
	sim_log("serial %s: unplugged and removed", opt->serial);
	control_socket_reply(quit_fd, "ok quit");
	rc = 0;
out:
	sim_stop(s);
	control_socket_close(&cs);
	free(s);
	close(sigfd);
	return rc;
}

/*
 * Without the holder's and somebody else's pictures the card would carry
 * no usable photo and the camera no face: refuse before plugging.
 */
static int faces_usable(void)
{
	struct face_source fs;
	char err[3 * PATH_MAX];

	if (face_source_find(&fs, NULL, err, sizeof(err)) ||
	    face_source_check(&fs, err, sizeof(err))) {
		fprintf(stderr, "mncr-sim: not plugged: %s\n", err);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sim_options opt;
	int rc;

	if (argc > 1 && strcmp(argv[1], "ctl") == 0)
		return ctl_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "scene") == 0)
		return scene_dump_main(argc - 1, argv + 1);
	rc = options_parse(argc, argv, &opt);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (geteuid() != 0) {
		fprintf(stderr, "mncr-sim: needs root (configfs, mount, UDC binding)\n");
		return 1;
	}
	if (faces_usable())
		return 1;
	return serve(&opt);
}
