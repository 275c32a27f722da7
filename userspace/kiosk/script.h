/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test driver's answers: one a line, taken in order by whatever the
 * screen asks, like examples/appliance.c's stdin: an option's name
 * ("face", "pin", "visual", ...), the PIN's digits, "yes"/"no", or
 * "cancel" (the cancel button), or "wait N" (N seconds on the page before
 * the next line answers it). '#' lines and empty ones are skipped.
 * The app presses its own buttons with them, so the screens' code runs.
 */
#ifndef MNCR_KIOSK_SCRIPT_H
#define MNCR_KIOSK_SCRIPT_H

#include <stddef.h>

struct kiosk_script {
	char **lines;
	size_t n;
	size_t next;
};

/* 0, or -errno. */
int kiosk_script_load(struct kiosk_script *s, const char *path);
/* The next answer, or NULL when none is left. Valid until the next call. */
const char *kiosk_script_next(struct kiosk_script *s);
/* Wipes and frees the lines (a PIN may be among them). */
void kiosk_script_free(struct kiosk_script *s);

#endif
