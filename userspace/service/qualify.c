// SPDX-License-Identifier: GPL-2.0-or-later
#include "qualify.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "card/card_cert.h"
#include "error_body.h"
#include "util/clock_ms.h"
#include "elig/elig_fields.h"
#include "elig/elig_message.h"
#include "elig/elig_sig.h"
#include "log.h"

/* Japan Standard Time has no daylight saving: a fixed offset will do. */
#define JST_OFFSET (9 * 3600)

_Static_assert(MNCR_CERT_SERIAL_MAX == ELIGD_SERIAL_MAX,
	       "the card's serial is the database's");

/* One request's state through the pipeline. */
struct job {
	struct eligd_service *s;
	const struct eligd_peer *peer;
	struct eligd_reply *reply;
	struct mncr_elig_request req;
	uint8_t digest[SHA256_DIGEST_LENGTH];
	struct mncr_cert_auth card;
	int verdict;			/* enum mncr_cert_verdict, or -errno */
	char card_why[160];
	bool replay;		/* same request again: nothing new is logged */
	const char *outcome;	/* the row to insert, NULL for none */
	uint64_t started;
};

static void refuse(struct job *j, int status, const char *code,
		   const char *why)
{
	eligd_info("%s: request %s: %s (%s)", j->peer->name, j->req.request_id,
		   code, why);
	/* The service's own trouble is not an answer: the key stays free. */
	if (status != 500 && status != 503 && !j->replay)
		j->outcome = code;
	eligd_error_body(j->reply, status, j->req.request_id, code, "%s", why);
}

/*
 * A request id seen before from this reader: the same body within the
 * replay window is answered again, anything else is a conflict.
 * Returns true when the reply is already made.
 */
static bool repeated(struct job *j)
{
	struct eligd_prior p;
	int r = eligd_db_find_request(j->s->db, j->peer->id_hex,
				      j->req.request_id, &p);

	if (r == -ENOENT)
		return false;
	if (r) {
		eligd_error_body(j->reply, 500, j->req.request_id, "internal",
				 "database error");
		return true;
	}
	if (CRYPTO_memcmp(p.digest, j->digest, sizeof(p.digest)) != 0) {
		eligd_info("%s: request %s: duplicate_request (other body)",
			   j->peer->name, j->req.request_id);
		eligd_error_body(j->reply, 409, j->req.request_id,
				 "duplicate_request", "request id already used "
				 "for a different request");
		return true;
	}
	if (!j->s->opt->replay_window ||
	    time(NULL) - p.received_at > (int64_t)j->s->opt->replay_window) {
		eligd_error_body(j->reply, 409, j->req.request_id,
				 "duplicate_request", "request id already used");
		return true;
	}
	j->replay = true;
	if (strcmp(p.outcome, "ok") != 0) {
		eligd_error_body(j->reply, eligd_error_status(p.outcome),
				 j->req.request_id, p.outcome,
				 "same as the first answer to this request");
		return true;
	}
	return false;
}

/* The certificate check needs no database: done before the transaction. */
static void card_verify(struct job *j)
{
	j->verdict = mncr_cert_check_auth(j->s->cards, j->req.card_cert,
					  j->req.card_cert_len, &j->card,
					  j->card_why, sizeof(j->card_why));
}

static bool card_ok(struct job *j)
{
	static const struct {
		const char *code;
		int status;
	} refusal[MNCR_CERT_VERDICT_COUNT] = {
		[MNCR_CERT_MALFORMED] = { "bad_request", 400 },
		[MNCR_CERT_EXPIRED] = { "cert_expired", 403 },
		/* No code of its own in the protocol: untrusted, as ever. */
		[MNCR_CERT_NOT_YET_VALID] = { "cert_untrusted", 403 },
		[MNCR_CERT_REVOKED] = { "cert_revoked", 403 },
		[MNCR_CERT_UNTRUSTED] = { "cert_untrusted", 403 },
		[MNCR_CERT_STATUS_UNKNOWN] = { "revocation_unknown", 503 },
	};
	int v = j->verdict;

	if (v == MNCR_CERT_OK)
		return true;
	if (v < 0 || v >= MNCR_CERT_VERDICT_COUNT) {
		refuse(j, 500, "internal", "internal error");
		return false;
	}
	if (v == MNCR_CERT_MALFORMED) {
		/* Not a card we could name: nothing to log against. */
		eligd_error_body(j->reply, 400, j->req.request_id,
				 "bad_request", "card_certificate: %s",
				 j->card_why);
		return false;
	}
	refuse(j, refusal[v].status, refusal[v].code, j->card_why);
	return false;
}

static bool pin_ok(struct job *j)
{
	int r;

	if (j->req.method != MNCR_ELIG_METHOD_PIN)
		return true;
	/* A repeat already consumed its challenge the first time. */
	if (!j->replay) {
		r = eligd_challenge_take(j->s->challenges, j->peer->id,
					 j->req.challenge);
		if (r) {
			refuse(j, 403, "bad_signature", r == -ETIMEDOUT ?
			       "challenge expired" :
			       "challenge unknown or already used");
			return false;
		}
	}
	r = mncr_elig_pin_verify(j->card.key, &j->req);
	if (r) {
		refuse(j, 403, "bad_signature", r == -EKEYREJECTED ?
		       "card key is not RSA-2048 or larger" :
		       "signature does not verify");
		return false;
	}
	return true;
}

static void answer(struct job *j)
{
	struct mncr_elig_response resp;
	struct mncr_elig_qualification *q = &resp.q;
	time_t t = time(NULL) + JST_OFFSET;
	char why[160];
	struct tm tm;
	int r;

	memset(&resp, 0, sizeof(resp));
	r = eligd_db_get_subscriber(j->s->db, j->card.serial, q);
	if (r == -ENOENT) {
		refuse(j, 404, "not_found", "no subscriber for this card");
		return;
	}
	if (r) {
		eligd_error_body(j->reply, 500, j->req.request_id, "internal",
				 "database error");
		return;
	}
	resp.ok = true;
	memcpy(resp.request_id, j->req.request_id, sizeof(resp.request_id));
	gmtime_r(&t, &tm);
	strftime(q->processed_at, sizeof(q->processed_at), "%Y%m%d%H%M%S",
		 &tm);
	strftime(q->confirmation_date, sizeof(q->confirmation_date),
		 "%Y%m%d", &tm);
	memcpy(q->institution_code, j->req.institution_code,
	       sizeof(q->institution_code));
	q->consents = j->req.consents;
	q->processing_ms = (uint32_t)(mncr_now_ms() - j->started);
	j->reply->status = 200;
	if (mncr_elig_response_encode(&resp, j->reply->body, j->reply->cap,
				      &j->reply->len, why, sizeof(why))) {
		eligd_err("subscriber %s: bad stored data: %s", j->card.serial,
			  why);
		eligd_error_body(j->reply, 500, j->req.request_id, "internal",
				 "bad subscriber data");
	} else if (!j->replay) {
		j->outcome = "ok";
	}
	mncr_elig_cleanse(&resp, sizeof(resp));
}

/* Inserts the row the answer needs: 0, or -1 when it cannot be. */
static int record(struct job *j)
{
	struct eligd_log_entry e = {
		.request_id = j->req.request_id,
		.serial = j->card.serial,
		.method = j->req.method,
		.site = j->req.site,
		.institution_code = j->req.institution_code,
		.consents = j->req.consents,
		.outcome = j->outcome,
	};

	memcpy(e.reader, j->peer->id_hex, sizeof(e.reader));
	memcpy(e.digest, j->digest, sizeof(e.digest));
	/* -EEXIST cannot happen under the transaction: fail closed anyway. */
	return eligd_db_log(j->s->db, &e) ? -1 : 0;
}

/*
 * Decides under one transaction: the key is looked up, the answer built
 * and its row inserted before anything is sent. Without the row, no
 * answer: the reply becomes 503 log_unavailable (fail closed).
 */
static void decide(struct job *j)
{
	bool ok;

	if (eligd_db_begin(j->s->db)) {
		j->outcome = NULL;
		goto unavailable;
	}
	if (!repeated(j) && card_ok(j) && pin_ok(j))
		answer(j);
	ok = !j->outcome || record(j) == 0;
	if (eligd_db_end(j->s->db, ok) == 0 && ok) {
		if (j->outcome && strcmp(j->outcome, "ok") == 0)
			eligd_info("%s: request %s: ok (new)", j->peer->name,
				   j->req.request_id);
		else if (j->replay && j->reply->status == 200)
			eligd_info("%s: request %s: ok (repeat)",
				   j->peer->name, j->req.request_id);
		return;
	}
unavailable:
	eligd_err("%s: request %s: not logged, no answer", j->peer->name,
		  j->req.request_id);
	/* The built answer (insurance data) goes, unsent. */
	OPENSSL_cleanse(j->reply->body, j->reply->cap);
	eligd_error_body(j->reply, 503, j->req.request_id, "log_unavailable",
			 "the request could not be logged; try later");
}

void eligd_qualify(struct eligd_service *s, const struct eligd_peer *peer,
		   const char *body, size_t len, struct eligd_reply *reply)
{
	struct job *j = OPENSSL_zalloc(sizeof(*j));
	char why[160];

	if (!j) {
		eligd_error_body(reply, 500, NULL, "internal", "no memory");
		return;
	}
	j->s = s;
	j->peer = peer;
	j->reply = reply;
	j->started = mncr_now_ms();
	if (mncr_elig_request_parse(body, len, &j->req, why, sizeof(why))) {
		eligd_info("%s: bad request: %s", peer->name, why);
		eligd_error_body(reply, 400, NULL, "bad_request", "%s", why);
		goto out;
	}
	SHA256((const unsigned char *)body, len, j->digest);
	card_verify(j);
	decide(j);
out:
	EVP_PKEY_free(j->card.key);
	OPENSSL_clear_free(j, sizeof(*j));
}
