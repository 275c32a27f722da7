// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "control_commands.h"
#include "ctl_client.h"
#include "options.h"

/* Longest a command takes: plug waits for the host twice. */
#define REPLY_TIMEOUT_S	60

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "mncr-sim ctl: %s\n", msg);
	fprintf(stderr, "usage: mncr-sim ctl [--serial S | --socket PATH] COMMAND...\n"
		"Commands are listed by 'mncr-sim --help'.\n");
	return 2;
}

static int join_words(int argc, char **argv, char *line, size_t len)
{
	size_t off = 0;

	for (int i = 0; i < argc; i++) {
		int n = snprintf(line + off, len - off, "%s%s", i ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= len - off || strpbrk(argv[i], "\r\n"))
			return -1;
		off += (size_t)n;
	}
	return 0;
}

static int talk(const char *path, const char *line, char *reply, size_t len)
{
	struct timeval tv = { .tv_sec = REPLY_TIMEOUT_S };
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	size_t got = 0;
	int fd;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		fprintf(stderr, "mncr-sim ctl: cannot connect to %s: %s (is that simulator running?)\n",
			path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (send(fd, line, strlen(line), MSG_NOSIGNAL) < 0 ||
	    send(fd, "\n", 1, MSG_NOSIGNAL) < 0) {
		fprintf(stderr, "mncr-sim ctl: send to %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	while (got < len - 1) {
		ssize_t n = recv(fd, reply + got, len - 1 - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (memchr(reply, '\n', got))
			break;
	}
	close(fd);
	reply[got] = '\0';
	reply[strcspn(reply, "\n")] = '\0';
	if (!got) {
		fprintf(stderr, "mncr-sim ctl: no reply from %s\n", path);
		return -1;
	}
	return 0;
}

/* status replies "ok k=v k=v ...": one key=value per line reads better. */
static void print_status(const char *reply)
{
	char copy[CONTROL_REPLY_MAX + 1], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", reply + 3);
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		printf("%s\n", w);
}

int ctl_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "serial", required_argument, NULL, 's' },
		{ "socket", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char path[SIM_SOCKET_MAX] = "", line[CONTROL_LINE_MAX];
	char reply[CONTROL_REPLY_MAX + 2];
	const char *serial = NULL, *socket = NULL;
	int c;

	opterr = 0;
	optind = 1;
	/* '+': stop at the command, whose own words may look like options. */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			serial = optarg;
			break;
		case 'S':
			socket = optarg;
			break;
		case 'h':
			usage(NULL);
			return 0;
		default:
			return usage("unknown option or missing value");
		}
	}
	if (serial && socket)
		return usage("give --serial or --socket, not both");
	if (optind == argc)
		return usage("no command");
	if (socket) {
		if (strlen(socket) >= sizeof(path))
			return usage("socket path too long");
		strcpy(path, socket);
	} else {
		serial = serial ? serial : SIM_DEFAULT_SERIAL;
		if (!options_serial_ok(serial))
			return usage("bad serial");
		options_default_socket(serial, path, sizeof(path));
	}
	if (join_words(argc - optind, argv + optind, line, sizeof(line)))
		return usage("command too long");
	if (talk(path, line, reply, sizeof(reply)))
		return 2;
	if (strncmp(reply, "ok", 2) == 0 && (reply[2] == ' ' || !reply[2])) {
		if (strcmp(argv[optind], "status") == 0 && reply[2])
			print_status(reply);
		else
			printf("%s\n", reply);
		return 0;
	}
	printf("%s\n", reply);
	return strncmp(reply, "error", 5) == 0 ? 1 : 2;
}
