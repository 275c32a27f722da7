// SPDX-License-Identifier: GPL-2.0-or-later
/* mncr: technician CLI for the face-recognition My Number Card reader. */
#include "cli.h"
#include "reader/device.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *help;
} commands[] = {
	{ "status", cmd_status, "readers, mode, card, firmware" },
	{ "events", cmd_events, "follow the event stream [--count N] [--audit]" },
	{ "mode", cmd_mode,
	  "print the mode; 'mode auto'; 'mode visual [--timeout S] [--detach]'" },
	{ "log", cmd_log, "print the audit log; 'log verify' checks its chain [--file F]" },
	{ "card", cmd_card, "the card: status|info|pin-status|photo -o F|cert [--backend usb|pcsc]" },
	{ "qualify", cmd_qualify, "one patient's eligibility check: card, identity, consents, query" },
	{ "selftest", cmd_selftest, "driver, card slot, camera, face models, eligibility service" },
	{ "capture", cmd_capture, "one camera frame to -o FILE.pgm|.png [--frames N] [--video NODE]" },
	{ "face", cmd_face, "embed IMAGE | compare A B: embedding, score and decision [--aligned]" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: mncr [--json] [--reader R] COMMAND [ARGS]\n\n"
		"  --json        machine-readable output (JSON)\n"
		"  --reader R    reader by name (mncr0), node, /dev/mncr/by-serial link or serial\n\n"
		"commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\nexit codes: 0 ok, 1 failed or refused, 2 usage, "
		"3 no such reader, 4 permission denied;\n"
		"  card: 5 no card, 6 PIN blocked, 7 certificate invalid, 8 card front misread;\n"
		"  face: 1 not the same person, 9 no usable face or unreadable image;\n"
		"  qualify: 10 no online answer (申立書 or staff guidance);\n"
		"  card verify: 11 the card is not proven genuine;\n"
		"  log verify: 1 tampered, 2 no log at the path\n");
}

int cli_exit_for(int err)
{
	switch (err) {
	case -ENODEV:
	case -ENOENT:
	case -ENXIO:
		return EXIT_NO_READER;
	case -EACCES:
	case -EPERM:
	case -EBADF:
		return EXIT_DENIED;
	default:
		return EXIT_FAILED;
	}
}

int cli_find_reader(const struct cli *cli, struct mncr_reader *r)
{
	int ret = mncr_reader_find(cli->sysfs, cli->reader, r);

	switch (ret) {
	case 0:
		return EXIT_OK;
	case -ENODEV:
		fprintf(stderr, "mncr: no reader found (is it plugged in and the mncr module loaded?)\n");
		return EXIT_NO_READER;
	case -ENOENT:
		fprintf(stderr, "mncr: no reader matches '%s'\n", cli->reader);
		return EXIT_NO_READER;
	case -ENOTUNIQ:
		fprintf(stderr, "mncr: several readers: choose one with --reader (see 'mncr status')\n");
		return EXIT_USAGE;
	default:
		fprintf(stderr, "mncr: cannot list readers: %s\n", strerror(-ret));
		return EXIT_FAILED;
	}
}

int cli_open_failed(const char *node, bool writable, int err)
{
	fprintf(stderr, "mncr: cannot open %s%s: %s\n", node,
		writable ? " for writing" : "", strerror(-err));
	if (err == -EACCES)
		fprintf(stderr, "mncr: members of group 'mncr' may use the reader\n");
	return cli_exit_for(err);
}

int cli_open_reader(const struct mncr_reader *r, bool writable)
{
	int fd = mncr_device_open(r->node, writable);

	return fd >= 0 ? fd : -cli_open_failed(r->node, writable, fd);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "reader", required_argument, NULL, 'r' },
		{ "sysfs", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct cli cli = { 0 };
	int c;

	/* "+": options after the command belong to the command. */
	while ((c = getopt_long(argc, argv, "+jr:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': cli.json = true; break;
		case 'r': cli.reader = optarg; break;
		case 's': cli.sysfs = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name) == 0) {
			argv += optind;
			argc -= optind;
			optind = 0;	/* reset getopt for the command's options */
			return commands[i].run(&cli, argc, argv);
		}
	}
	fprintf(stderr, "mncr: unknown command '%s'\n", argv[optind]);
	usage(stderr);
	return EXIT_USAGE;
}
