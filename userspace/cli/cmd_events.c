// SPDX-License-Identifier: GPL-2.0-or-later
/* mncr events: follow a reader's event stream. */
#include "cli.h"
#include "device.h"
#include "json.h"
#include "names.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cli_print_event(const struct cli *cli, const struct mncr_reader *r,
		     const struct mncr_event *ev)
{
	if (cli->json) {
		struct mncr_json j;

		mncr_json_init(&j, stdout);
		mncr_json_object_begin(&j, NULL);
		mncr_json_string(&j, "reader", r->name);
		mncr_json_string(&j, "event", mncr_event_name(ev->type));
		mncr_json_uint(&j, "seq", ev->seq);
		mncr_json_uint(&j, "time_ns", ev->time_ns);
		mncr_json_string(&j, "mode", mncr_mode_name(ev->mode));
		if (ev->type == MNCR_EV_MODE_CHANGED)
			mncr_json_string(&j, "reason", mncr_reason_name(ev->reason));
		if (ev->type == MNCR_EV_DEVICE_ERROR)
			mncr_json_uint(&j, "error", ev->reason);
		if (ev->type == MNCR_EV_OVERFLOW)
			mncr_json_uint(&j, "lost", ev->lost);
		mncr_json_object_end(&j);
		mncr_json_finish(&j);
		return;
	}
	printf("[%6llu.%03llu] %s %s", (unsigned long long)(ev->time_ns / 1000000000),
	       (unsigned long long)(ev->time_ns / 1000000 % 1000), r->name,
	       mncr_event_name(ev->type));
	switch (ev->type) {
	case MNCR_EV_MODE_CHANGED:
		printf(": %s (%s)", mncr_mode_name(ev->mode),
		       mncr_reason_text(ev->reason));
		break;
	case MNCR_EV_DEVICE_ERROR:
		printf(": %s", strerror((int)ev->reason));
		break;
	case MNCR_EV_OVERFLOW:
		printf(": %u events were lost (reading too slowly)", ev->lost);
		break;
	}
	printf("\n");
	fflush(stdout);
}

int cmd_events(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "count", required_argument, NULL, 'n' },
		{ 0 }
	};
	const char *usage = "usage: mncr events [--json] [--count N]\n";
	struct mncr_reader r;
	unsigned long count = 0, seen = 0;
	int fd, ret, c;
	char *end;

	while ((c = getopt_long(argc, argv, "jn:", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			cli->json = true;
			break;
		case 'n':
			count = strtoul(optarg, &end, 10);
			if (*end || !count) {
				fprintf(stderr, "mncr: --count wants a positive number\n");
				return EXIT_USAGE;
			}
			break;
		default:
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	ret = cli_find_reader(cli, &r);
	if (ret != EXIT_OK)
		return ret;
	fd = cli_open_reader(&r, false);
	if (fd < 0)
		return -fd;
	for (;;) {
		struct mncr_event ev;

		ret = mncr_device_read_event(fd, &ev, -1);
		if (ret < 0)
			break;
		if (ret == 0)
			continue;
		cli_print_event(cli, &r, &ev);
		if (count && ++seen >= count)
			break;
	}
	close(fd);
	if (ret == -ENODEV) {
		fprintf(stderr, "mncr: %s was unplugged\n", r.name);
		return EXIT_NO_READER;
	}
	if (ret < 0) {
		fprintf(stderr, "mncr: reading events: %s\n", strerror(-ret));
		return cli_exit_for(ret);
	}
	return EXIT_OK;
}
