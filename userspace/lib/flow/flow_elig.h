/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The flow's eligibility hook over the eligibility client (elig_client.h)
 * and the card: builds the request from the flow's query (the card's
 * 利用者証明用電子証明書, and in PIN mode the card's signature over a fresh
 * challenge), sends it, and turns the answer into what the flow needs.
 *
 * A retry (query attempt > 1, same request id) re-sends the very same
 * request, which the service answers without acting twice
 * (Documentation/eligibility.rst "Retries and idempotency").
 */
#ifndef MNCR_FLOW_ELIG_H
#define MNCR_FLOW_ELIG_H

#include <stdbool.h>

#include "card/apdu.h"
#include "elig/elig_client.h"
#include "elig/elig_message.h"
#include "flow/flow_session.h"

struct mncr_flow_elig {
	struct mncr_elig_client *client;	/* the caller's */
	const struct mncr_apdu_io *io;		/* the card */
	char institution_code[MNCR_ELIG_INSTITUTION_LEN + 1];
	/* The last request, kept for retries; wiped by _clear(). */
	struct mncr_elig_request req;
	bool have_req;
	struct mncr_elig_error last_error;	/* of the last query */
};

/*
 * Builds the request for q from the card: reads the certificate (JPKI EF
 * 000A); in PIN mode (the PIN was verified just before, and the JPKI AP is
 * still selected) signs the challenge with the card's key. challenge is
 * for PIN mode only (NULL otherwise). Returns 0, -EINVAL (a query the
 * service would refuse, such as visual without attestation), or the card's
 * -errno. out holds card data: wipe it with mncr_elig_cleanse().
 */
int mncr_flow_elig_request(const struct mncr_apdu_io *io,
			   const char *institution_code,
			   const struct mncr_flow_query *q,
			   const uint8_t *challenge,
			   struct mncr_elig_request *out);

/*
 * The flow's outcome for the client's status and, when REFUSED, the
 * service's error code: the certificate codes and not_found are answers;
 * revocation_unknown, internal, timeout and no connection are
 * UNAVAILABLE (retry later, 申立書 now); the rest REJECTED.
 */
enum mncr_flow_elig_outcome
mncr_flow_elig_outcome_of(enum mncr_elig_status st, const char *code);

/*
 * The eligibility hook: ctx is a struct mncr_flow_elig. Returns 0 with a
 * filled (UNAVAILABLE when the service did not answer), or the card's
 * -errno (-ENOMEDIUM when it was removed).
 */
int mncr_flow_elig_query(void *ctx, const struct mncr_flow_query *q,
			 struct mncr_flow_answer *a);

/* Wipes the kept request. */
void mncr_flow_elig_clear(struct mncr_flow_elig *e);

#endif
