// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemonize.h"
#include "log.h"

static void parent_wait(int fd, pid_t child, unsigned timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char ok = 0;
	int status, rc;

	do
		rc = poll(&pfd, 1, (int)timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc == 1 && read(fd, &ok, 1) == 1 && ok == 'R')
		exit(0);
	if (rc == 0) {
		/* The child cleans up on SIGTERM like on any stop. */
		fprintf(stderr, "mncr-sim: the reader was not ready within %u s; giving up\n",
			timeout_ms / 1000);
		kill(child, SIGTERM);
	}
	/* Otherwise the child has said why on our shared stderr. */
	waitpid(child, &status, 0);
	exit(1);
}

int daemon_start(unsigned timeout_ms)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC)) {
		sim_log("pipe: %s", strerror(errno));
		exit(1);
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		sim_log("fork: %s", strerror(errno));
		exit(1);
	}
	if (pid > 0) {
		close(p[1]);
		parent_wait(p[0], pid, timeout_ms);
	}
	close(p[0]);
	setsid();
	return p[1];
}

void daemon_ready(int fd, const char *log_path)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	int log = log_path ? open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)
			   : -1;

	if (log_path && log < 0)
		sim_log("cannot open --log %s: %s", log_path, strerror(errno));
	/* Our caller may be reading our stdout to its end: let go of it. */
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(log >= 0 ? log : null, STDOUT_FILENO);
		dup2(log >= 0 ? log : null, STDERR_FILENO);
		close(null);
	}
	if (log >= 0)
		close(log);
	if (write(fd, "R", 1) != 1)
		sim_log("cannot tell the parent we are ready: %s", strerror(errno));
	close(fd);
}
