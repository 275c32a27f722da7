// SPDX-License-Identifier: LGPL-2.1-or-later
#include "flow/flow_elig.h"
#include "card/card_jpki.h"
#include "elig/elig_fields.h"
#include "elig/elig_sig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int mncr_flow_elig_request(const struct mncr_apdu_io *io,
			   const char *institution_code,
			   const struct mncr_flow_query *q,
			   const uint8_t *challenge,
			   struct mncr_elig_request *out)
{
	uint8_t di[MNCR_ELIG_DIGEST_INFO_LEN], *der = NULL;
	bool pin = q && q->method == MNCR_ELIG_METHOD_PIN;
	size_t len = 0;
	int ret;

	if (!io || !q || !out || !q->request_id ||
	    !mncr_elig_request_id_valid(q->request_id) ||
	    !institution_code || !mncr_elig_institution_valid(institution_code) ||
	    (q->method == MNCR_ELIG_METHOD_VISUAL) != q->operator_attested ||
	    pin != (challenge != NULL))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	strcpy(out->request_id, q->request_id);
	strcpy(out->institution_code, institution_code);
	out->site = q->site;
	out->method = q->method;
	out->operator_attested = q->operator_attested;
	out->consents = q->consents;

	/* PIN mode: the VERIFY just done selected the JPKI AP; keep it. */
	ret = pin ? 0 : mncr_jpki_select(io);
	if (ret == 0)
		ret = mncr_jpki_read_cert(io, MNCR_JPKI_CERT_AUTH, &der, &len);
	if (ret == 0 && len > sizeof(out->card_cert))
		ret = -E2BIG;
	if (ret == 0) {
		memcpy(out->card_cert, der, len);
		out->card_cert_len = len;
	}
	free(der);
	if (ret == 0 && pin) {
		memcpy(out->challenge, challenge, MNCR_ELIG_CHALLENGE_LEN);
		ret = mncr_elig_pin_digest_info(out, di);
		if (ret == 0)
			ret = mncr_jpki_sign(io, MNCR_JPKI_AUTH, di, sizeof(di),
					     out->signature, sizeof(out->signature),
					     &out->signature_len);
	}
	if (ret == 0 && mncr_elig_request_check(out, NULL, 0) < 0)
		ret = -EINVAL;
	if (ret < 0)
		mncr_elig_cleanse(out, sizeof(*out));
	return ret;
}

enum mncr_flow_elig_outcome
mncr_flow_elig_outcome_of(enum mncr_elig_status st, const char *code)
{
	static const struct {
		const char *code;
		enum mncr_flow_elig_outcome o;
	} codes[] = {
		{ "cert_expired", MNCR_FLOW_ELIG_CERT_EXPIRED },
		{ "cert_revoked", MNCR_FLOW_ELIG_CERT_REVOKED },
		{ "cert_untrusted", MNCR_FLOW_ELIG_CERT_UNTRUSTED },
		{ "not_found", MNCR_FLOW_ELIG_NOT_FOUND },
		/* The service's own trouble: worth asking again later. */
		{ "revocation_unknown", MNCR_FLOW_ELIG_UNAVAILABLE },
		{ "internal", MNCR_FLOW_ELIG_UNAVAILABLE },
		/* Not logged, so not answered (fail closed): the same. */
		{ "log_unavailable", MNCR_FLOW_ELIG_UNAVAILABLE },
		{ "timeout", MNCR_FLOW_ELIG_UNAVAILABLE },
	};

	switch (st) {
	case MNCR_ELIG_OK:
		return MNCR_FLOW_ELIG_OK;
	case MNCR_ELIG_UNREACHABLE:
	case MNCR_ELIG_INTERRUPTED:
		return MNCR_FLOW_ELIG_UNAVAILABLE;
	case MNCR_ELIG_REFUSED:
		for (size_t i = 0; code && i < sizeof(codes) / sizeof(codes[0]); i++)
			if (strcmp(code, codes[i].code) == 0)
				return codes[i].o;
		return MNCR_FLOW_ELIG_REJECTED;
	case MNCR_ELIG_TLS:
	case MNCR_ELIG_PROTOCOL:
	case MNCR_ELIG_LOCAL:
	default:
		/* Not fixed by asking again. */
		return MNCR_FLOW_ELIG_REJECTED;
	}
}

void mncr_flow_elig_clear(struct mncr_flow_elig *e)
{
	if (!e)
		return;
	mncr_elig_cleanse(&e->req, sizeof(e->req));
	e->have_req = false;
}

/* A new request for q, with a fresh challenge in PIN mode. */
static int fresh_request(struct mncr_flow_elig *e,
			 const struct mncr_flow_query *q,
			 enum mncr_elig_status *st)
{
	struct mncr_elig_challenge ch = { 0 };
	bool pin = q->method == MNCR_ELIG_METHOD_PIN;
	int ret;

	mncr_flow_elig_clear(e);
	*st = MNCR_ELIG_OK;
	if (pin) {
		*st = mncr_elig_client_challenge(e->client, &ch, &e->last_error);
		if (*st != MNCR_ELIG_OK)
			return 0;
	}
	ret = mncr_flow_elig_request(e->io, e->institution_code, q,
				     pin ? ch.nonce : NULL, &e->req);
	mncr_elig_cleanse(&ch, sizeof(ch));
	e->have_req = ret == 0;
	return ret;
}

int mncr_flow_elig_query(void *ctx, const struct mncr_flow_query *q,
			 struct mncr_flow_answer *a)
{
	struct mncr_flow_elig *e = ctx;
	struct mncr_elig_response resp;
	enum mncr_elig_status st = MNCR_ELIG_OK;
	int ret;

	if (!e || !e->client || !q || !a)
		return -EINVAL;
	memset(a, 0, sizeof(*a));
	a->validity = MNCR_ELIG_UNKNOWN;
	memset(&e->last_error, 0, sizeof(e->last_error));
	/* A retry sends the same bytes: the service then cannot act twice. */
	if (!(q->attempt > 1 && e->have_req &&
	      strcmp(e->req.request_id, q->request_id) == 0)) {
		ret = fresh_request(e, q, &st);
		if (ret < 0)
			return ret;
		if (st != MNCR_ELIG_OK) {
			a->outcome = mncr_flow_elig_outcome_of(st, e->last_error.code);
			return 0;
		}
	}
	memset(&resp, 0, sizeof(resp));
	st = mncr_elig_client_qualify(e->client, &e->req, &resp, &e->last_error);
	a->outcome = mncr_flow_elig_outcome_of(st, e->last_error.code);
	if (a->outcome == MNCR_FLOW_ELIG_OK) {
		a->validity = resp.q.validity;
		memcpy(a->share, resp.q.share, sizeof(a->share));
		a->share[sizeof(a->share) - 1] = '\0';
	}
	mncr_elig_cleanse(&resp, sizeof(resp));
	return 0;
}
