/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mncr qualify: the CLI front end of the qualification flow
 * (flow_session.h). One context per run holds the reader (its node for
 * the mode, card front and match ioctls; its card through card_link,
 * libusb or PC/SC, for the chip), the face attempt, the people's answers (a terminal or a
 * script on stdin) and the transcript. No global state.
 */
#ifndef MNCR_CLI_QUALIFY_H
#define MNCR_CLI_QUALIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "card/apdu.h"
#include "card/card_link.h"
#include "flow/face_attempt.h"
#include "flow/flow_elig.h"
#include "flow/flow_session.h"
#include "reader/reader.h"

/* mncr qualify's own exit code, beside cli.h's (documented in mncr(1)). */
#define EXIT_FALLBACK	10	/* no online answer: 申立書 or staff guidance */

#define QUALIFY_FRAMES_MAX	32	/* --frame files */

struct qualify_opts {
	enum mncr_elig_site site;
	bool patient_absent;
	bool allow_last_try;
	unsigned int face_max;
	unsigned int retries;
	const char *operator_id;	/* --operator, else asked */
	const char *audit;		/* audit log path */
	const char *claim_dir;		/* where the 申立書 goes */
	const char *models;		/* face models */
	const char *frames[QUALIFY_FRAMES_MAX];	/* stand-in camera frames */
	size_t n_frames;
	unsigned int face_frames;	/* frames matched per face attempt */
	unsigned int liveness_frames;	/* consecutive frames per attempt */
	unsigned int card_wait_s;	/* wait for a card */
	bool switch_visual;		/* staff's 目視確認 switches the reader */
	bool no_pdf;
	/* eligibility service */
	const char *service;		/* HOST:PORT */
	const char *service_name;
	const char *service_ca;
	const char *proxy;		/* http://HOST:PORT; NULL: none */
	const char *cert;
	const char *key;
	const char *institution;
};

struct qualify {
	const struct qualify_opts *o;
	bool json;			/* --json: result as JSON on stdout */
	FILE *out;			/* transcript (stdout, or stderr with --json) */
	FILE *in;			/* answers */
	bool tty;			/* answers come from a terminal */

	struct mncr_reader reader;
	int fd;				/* the reader's node, writable */
	struct mncr_card_link *link;	/* the card, libusb or PC/SC */
	struct mncr_apdu_io io;		/* counting wrapper around the link */
	uint64_t apdu_bytes;		/* command + response bytes */
	uint64_t apdu_count;
	uint64_t apdu_bytes_verified;	/* up to identity verified */

	struct mncr_face_attempt *face;	/* from the first face attempt on */

	/* times (CLOCK_MONOTONIC) for the transcript and the benchmark */
	struct timespec t_card, t_verified;
	bool verified_seen;

	struct mncr_flow_elig *elig;	/* the eligibility hook's */
	struct mncr_flow_session *session;
	const char *session_id;
	char claim_pdf[512], claim_json[512];
	bool claim_written;
	bool visual_lease;		/* we switched the reader to 目視確認 */
	bool removed;
};

/* qualify_card.c: the chip over card_link, the node's card front. */
int qualify_card_open(struct qualify *q, unsigned int wait_s);
void qualify_card_close(struct qualify *q);
int qualify_hook_card_kind(void *ctx, struct mncr_card_kind_info *info);
int qualify_hook_pin_verify(void *ctx, char *pin, size_t len, bool last_try,
			    int *tries_left);
int qualify_hook_basic4(void *ctx, struct mncr_text_basic4 *out);
int qualify_hook_reader_mode(void *ctx, unsigned int *mode);
int qualify_hook_wait_removal(void *ctx);
/* -ENOMEDIUM when the card is gone, else 0. */
int qualify_card_present(struct qualify *q);

/* qualify_face.c: the face attempt against the card photo. */
int qualify_hook_face(void *ctx, unsigned int attempt,
		      enum mncr_flow_face_result *res);
/* The attempt's card photo and scores; NULL before the first attempt. */
const struct mncr_face_attempt_status *qualify_face_status(const struct qualify *q);
void qualify_face_free(struct qualify *q);

/* qualify_ui.c: prompts, answers and the transcript. */
void qualify_hook_show(void *ctx, const struct mncr_flow_prompt *p);
int qualify_hook_choose(void *ctx, const struct mncr_flow_prompt *p,
			unsigned int *choice);
int qualify_hook_pin_entry(void *ctx, const struct mncr_flow_prompt *p,
			   char *buf, size_t cap, size_t *len);
int qualify_hook_attest(void *ctx, const struct mncr_flow_prompt *p,
			struct mncr_flow_attestation *a);
int qualify_hook_consent(void *ctx, const struct mncr_flow_prompt *p,
			 enum mncr_flow_consent c, bool *yes);
int qualify_hook_claim_form(void *ctx, const struct mncr_claim_form *form);
/* One transcript line: "[  1.234] what". */
void qualify_say(struct qualify *q, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Milliseconds since t (CLOCK_MONOTONIC). */
double qualify_ms_since(const struct timespec *t);

#endif
