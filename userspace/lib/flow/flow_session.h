/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Runs the qualification flow (flow_state.h) over hooks: the card, the
 * camera, the patient's and the staff's answers, the eligibility service,
 * the clock. One session is one card in the slot; the caller owns the
 * struct (no global state) and starts it when a card has been set.
 *
 * Every step goes to the hash-chained audit log (audit_log.h) with the
 * session id: card kind, face results, PIN results and tries left, the
 * operator's attestation, each consent, the query outcome, the 申立書, the
 * end. Never the PIN, a photo, the My Number or card-front digits: the
 * flow never sees the photo or the card front, and the PIN lives only in
 * the session's buffer between entry and VERIFY, wiped (OPENSSL_cleanse)
 * on every path. An audit append that fails stops the flow (error
 * outcome) and mncr_flow_session_run() returns its error.
 *
 * Hooks return 0 or -errno. Meanings shared by all:
 *   -ENOMEDIUM    the card was removed: the session ends
 *   -ECANCELED    the person pressed cancel (pin_entry: stopped entering)
 *   other         the flow ends with an error outcome
 */
#ifndef MNCR_FLOW_SESSION_H
#define MNCR_FLOW_SESSION_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "card/card_kind.h"
#include "card/card_text_ap.h"
#include "flow/claim_form.h"
#include "elig/elig_message.h"
#include "flow/flow_state.h"

#define MNCR_FLOW_PIN_MAX	16	/* buffer for pin_entry */
#define MNCR_FLOW_MAX_STEPS	256	/* a session that loops is an error */

/* The eligibility question; the same request_id on a retry. */
struct mncr_flow_query {
	const char *request_id;
	unsigned int attempt;		/* 1, 2, ... */
	enum mncr_elig_site site;
	enum mncr_elig_method method;
	bool operator_attested;		/* exactly when method is visual */
	const char *operator_id;	/* visual: who attested; else "" */
	struct mncr_elig_consents consents;
};

struct mncr_flow_answer {
	enum mncr_flow_elig_outcome outcome;
	enum mncr_elig_validity validity;	/* when OK */
	char share[4];				/* 負担割合 when OK, or "" */
};

struct mncr_flow_hooks {
	/* Card kind from the chip (card_kind.h). */
	int (*card_kind)(void *ctx, struct mncr_card_kind_info *info);
	/* Reader mode, MNCR_MODE_AUTO or MNCR_MODE_VISUAL. */
	int (*reader_mode)(void *ctx, unsigned int *mode);
	/* One face attempt against the card photo (attempt counts from 1). */
	int (*face_attempt)(void *ctx, unsigned int attempt,
			    enum mncr_flow_face_result *res);
	/* The patient types the PIN: ASCII into buf, *len bytes, no NUL. */
	int (*pin_entry)(void *ctx, const struct mncr_flow_prompt *p, char *buf,
			 size_t cap, size_t *len);
	/*
	 * VERIFY of the JPKI user-authentication PIN through the last-try
	 * guard, i.e. mncr_card_verify() with MNCR_CARD_VERIFY_LAST_TRY only
	 * when last_try: 0, -EKEYREJECTED (*tries_left), -ECANCELED (the
	 * guard sent nothing), -EPERM (blocked), -EINVAL (form). Wipes pin.
	 */
	int (*pin_verify)(void *ctx, char *pin, size_t len, bool last_try,
			  int *tries_left);
	/* The patient or staff pick one of p->options (one bit). */
	int (*choose)(void *ctx, const struct mncr_flow_prompt *p,
		      unsigned int *choice);
	/* The operator's 目視確認 record (mode_after is filled here). */
	int (*attest)(void *ctx, const struct mncr_flow_prompt *p,
		      struct mncr_flow_attestation *a);
	/* One consent answer. */
	int (*consent)(void *ctx, const struct mncr_flow_prompt *p,
		       enum mncr_flow_consent c, bool *yes);
	/* The eligibility query (flow_elig.h has one over elig_client.h). */
	int (*eligibility)(void *ctx, const struct mncr_flow_query *q,
			   struct mncr_flow_answer *a);
	/* Optional: 基本4情報 read with 照合番号B, for the 申立書. */
	int (*basic4)(void *ctx, struct mncr_text_basic4 *out);
	/* Hands over the 申立書 (write it: claim_form.h, claim_pdf.h). */
	int (*claim_form)(void *ctx, const struct mncr_claim_form *form);
	/* Returns once the card is out (0 or -ENOMEDIUM both mean out). */
	int (*wait_removal)(void *ctx);
	/*
	 * Optional: after a CARD_UNVERIFIED face result, the card's verdict
	 * name ("forged", "clone", ...) for the audit log.
	 */
	const char *(*card_verdict)(void *ctx);
	/* Optional: the time (CLOCK_REALTIME when NULL). */
	int (*now)(void *ctx, struct timespec *ts);
	/* Optional: a new prompt to render. */
	void (*show)(void *ctx, const struct mncr_flow_prompt *p);
};

struct mncr_flow_session {
	struct mncr_flow flow;
	const struct mncr_flow_hooks *hooks;
	void *ctx;
	const char *audit_path;
	char id[MNCR_ELIG_REQUEST_ID_MAX + 1];	/* also the request id */
	struct timespec started;
	unsigned int steps;
	int audit_err;			/* first failed append, or 0 */
	char pin[MNCR_FLOW_PIN_MAX];	/* between entry and VERIFY only */
	/*
	 * Optional, set after init: once *stop is non-zero, the next step
	 * before the result is a cancel (another thread or a signal handler
	 * sets it; hooks that block look at it too).
	 */
	const atomic_int *stop;
};

/*
 * Prepares a session for a card just set. Hooks but basic4, now and show
 * are required, and audit_path. Returns 0, -EINVAL, or -EIO (no random id).
 */
int mncr_flow_session_init(struct mncr_flow_session *s,
			   const struct mncr_flow_config *cfg,
			   const struct mncr_flow_hooks *hooks, void *ctx,
			   const char *audit_path);

/*
 * Does the current action (one hook call, or a few for a visual check
 * or the 申立書) and feeds the result to the flow. Returns 0, or -EPERM
 * when a choice was refused (asked again on the next step).
 */
int mncr_flow_session_step(struct mncr_flow_session *s);

/*
 * Steps until the card is removed. Returns 0, or the audit log's error if
 * an append failed (the flow then ended with an error outcome).
 */
int mncr_flow_session_run(struct mncr_flow_session *s);

/* Wipes the session (PIN buffer, operator id, consents). */
void mncr_flow_session_clear(struct mncr_flow_session *s);

#endif
