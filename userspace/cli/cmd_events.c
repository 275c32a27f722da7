// SPDX-License-Identifier: GPL-2.0-or-later
/* mncr events: follow a reader's event stream. */
#include "flow/audit_log.h"
#include "cli.h"
#include "reader/device.h"
#include "util/json_write.h"
#include "reader/names.h"

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

/* Records an event in the audit log; a failure is reported, not fatal. */
static void audit_event(const char *log, const struct mncr_reader *r,
			const struct mncr_event *ev)
{
	char seq[24], detail[24];
	struct mncr_audit_field f[] = {
		{ "reader", r->serial },
		{ "mode", mncr_mode_name(ev->mode) },
		{ "event_seq", seq },
		{ NULL, detail },
	};
	size_t n = 3;
	int ret;

	snprintf(seq, sizeof(seq), "%llu", (unsigned long long)ev->seq);
	if (ev->type == MNCR_EV_MODE_CHANGED) {
		f[n].key = "reason";
		snprintf(detail, sizeof(detail), "%s", mncr_reason_name(ev->reason));
		n++;
	} else if (ev->type == MNCR_EV_OVERFLOW || ev->type == MNCR_EV_DEVICE_ERROR) {
		f[n].key = ev->type == MNCR_EV_OVERFLOW ? "lost" : "error";
		snprintf(detail, sizeof(detail), "%u",
			 ev->type == MNCR_EV_OVERFLOW ? ev->lost : ev->reason);
		n++;
	}
	ret = mncr_audit_append(log, mncr_event_name(ev->type), f, n);
	if (ret < 0)
		fprintf(stderr, "mncr: audit log %s: %s\n", log, strerror(-ret));
}

int cmd_events(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "count", required_argument, NULL, 'n' },
		{ "audit", no_argument, NULL, 'a' },
		{ "file", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *usage =
		"usage: mncr events [--json] [--count N] [--audit [--file LOG]]\n";
	const char *audit = NULL, *file = NULL;
	struct mncr_reader r;
	unsigned long count = 0, seen = 0;
	int fd, ret, c;
	char *end;

	while ((c = getopt_long(argc, argv, "jn:af:h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		case 'a':
			audit = "";
			break;
		case 'f':
			file = optarg;
			break;
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
	if (audit)
		audit = cli_audit_path(file);
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
		if (audit)
			audit_event(audit, &r, &ev);
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
