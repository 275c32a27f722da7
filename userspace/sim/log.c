// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

void sim_log(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	/* One fprintf per line so threads do not interleave halves. */
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "mncr-sim: %s\n", line);
}
