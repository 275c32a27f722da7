/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The mncr technician CLI: shared options, exit codes, command entry points. */
#ifndef MNCR_CLI_H
#define MNCR_CLI_H

#include <stdbool.h>

#include "reader/reader.h"

/* Exit codes, documented in mncr(1). */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* the operation failed or was refused */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_NO_READER = 3,	/* no such reader, or it was unplugged */
	EXIT_DENIED = 4,	/* no permission on the device node */
	/* mncr card */
	EXIT_NO_CARD = 5,	/* no card in the slot, or it was removed */
	EXIT_PIN_BLOCKED = 6,	/* pin-status: the 利用者証明用 PIN is blocked */
	EXIT_CERT_INVALID = 7,	/* cert: expired, revoked, untrusted, malformed */
	EXIT_FRONT_UNREADABLE = 8, /* card front misread: nothing sent */
	/* mncr face (1 there: not the same person) */
	EXIT_NO_FACE = 9,	/* no usable face, unreadable image or models */
	/* mncr qualify: 10 EXIT_FALLBACK (qualify.h), no online answer */
	/* mncr card verify: the card is not proven genuine (any verdict but authentic) */
	EXIT_CARD_UNVERIFIED = 11,
};

struct cli {
	bool json;
	const char *reader;	/* --reader: name, node, link or serial */
	const char *sysfs;	/* --sysfs: for tests; NULL = /sys */
};

/* Finds the selected reader; prints why not and returns an exit code. */
int cli_find_reader(const struct cli *cli, struct mncr_reader *r);
/* Prints why the node did not open (err); returns the exit code. */
int cli_open_failed(const char *node, bool writable, int err);
/* Opens its node; prints why not and returns -exit code on failure. */
int cli_open_reader(const struct mncr_reader *r, bool writable);
/* Prints one event as a line of text or JSON. */
void cli_print_event(const struct cli *cli, const struct mncr_reader *r,
		     const struct mncr_event *ev);
/* Exit code for an errno from the device. */
int cli_exit_for(int err);

int cmd_status(struct cli *cli, int argc, char **argv);
int cmd_events(struct cli *cli, int argc, char **argv);
int cmd_mode(struct cli *cli, int argc, char **argv);
int cmd_log(struct cli *cli, int argc, char **argv);
int cmd_card(struct cli *cli, int argc, char **argv);
int cmd_qualify(struct cli *cli, int argc, char **argv);
int cmd_selftest(struct cli *cli, int argc, char **argv);
int cmd_capture(struct cli *cli, int argc, char **argv);
int cmd_face(struct cli *cli, int argc, char **argv);

/* The audit log: --file, else $MNCR_AUDIT_LOG, else /var/log/mncr/audit.log. */
const char *cli_audit_path(const char *option);

#endif
