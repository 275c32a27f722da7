/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control socket's commands (insert, remove, plug, fault, status, ...):
 * one line in, one line out, "ok ..." or "error ...".
 */
#ifndef MNCR_SIM_CONTROL_COMMANDS_H
#define MNCR_SIM_CONTROL_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

#include "sim.h"

#define CONTROL_LINE_MAX	256
#define CONTROL_REPLY_MAX	1024

/*
 * Runs one command line (modified in place) and writes the reply without
 * its newline. Returns true for "quit".
 */
bool control_execute(struct sim *s, char *line, char *reply, size_t len);

#endif
