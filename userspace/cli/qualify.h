/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mncr qualify: the CLI front end of libmncr's qualification run
 * (<mncr/qualify.h>). The library drives the reader, the card, the face
 * attempt, the service and the 申立書; this side only reads the people's
 * answers (a terminal or a script on stdin), prints the transcript and
 * the result. No global state.
 */
#ifndef MNCR_CLI_QUALIFY_H
#define MNCR_CLI_QUALIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <mncr/mncr.h>

/* mncr qualify's own exit code, beside cli.h's (documented in mncr(1)). */
#define EXIT_FALLBACK	10	/* no online answer: 申立書 or staff guidance */

#define QUALIFY_FRAMES_MAX	32	/* --frame files */

struct qualify_opts {
	struct mncr_qualify_config cfg;	/* for the library */
	const char *service;		/* HOST:PORT */
	char host[256];			/* its parts */
	const char *port;
	const char *frames[QUALIFY_FRAMES_MAX];	/* stand-in camera frames */
	unsigned int card_wait_s;	/* wait for a card */
};

struct qualify {
	const struct qualify_opts *o;
	bool json;			/* --json: result as JSON on stdout */
	FILE *out;			/* transcript (stdout, or stderr with --json) */
	FILE *in;			/* answers */
	bool tty;			/* answers come from a terminal */
	struct mncr_qualify *run;	/* the library's run */
};

/* qualify_ui.c: prompts, answers and the transcript (the UI callbacks). */
void qualify_ui_init(struct qualify *q, struct mncr_qualify_ui *ui);

#endif
