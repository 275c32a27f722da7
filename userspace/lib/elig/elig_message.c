// SPDX-License-Identifier: LGPL-2.1-or-later
#include "elig/elig_message.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/base64.h"
#include "elig/elig_fields.h"
#include "elig/elig_json.h"
#include "util/json_write.h"

#define B64_CERT (MNCR_B64_LEN(MNCR_ELIG_CERT_MAX) + 1)
#define B64_SIG (MNCR_B64_LEN(MNCR_ELIG_SIG_MAX) + 1)
#define B64_CHALLENGE (MNCR_B64_LEN(MNCR_ELIG_CHALLENGE_LEN) + 1)

/* ---- wire structs: the JSON as decoded, before format checks ---- */

struct wire_verification {
	uint32_t seen;
	char method[8];
	bool operator_attested;
};

struct wire_consents {
	uint32_t seen;
	bool medication, checkup, clinical, surgery;
};

struct wire_request {
	uint32_t seen;
	uint32_t version;
	char request_id[MNCR_ELIG_REQUEST_ID_MAX + 1];
	char institution[MNCR_ELIG_INSTITUTION_LEN + 1];
	char site_kind[16];
	struct wire_verification verification;
	struct wire_consents consents;
	char card_certificate[B64_CERT];
	char challenge[B64_CHALLENGE];
	char signature[B64_SIG];
};

struct wire_header {
	uint32_t seen;
	char processed_at[15];
	char confirmation_date[9];
	char institution[MNCR_ELIG_INSTITUTION_LEN + 1];
	uint32_t processing_ms;
};

struct wire_qualification {
	uint32_t seen;
	char validity[8];
	char insurer_number[9];
	char symbol[MNCR_ELIG_TEXT_MAX + 1];
	char number[MNCR_ELIG_TEXT_MAX + 1];
	char branch[3];
	char share[4];
	char limit_class[MNCR_ELIG_LIMIT_MAX + 1];
};

struct wire_error {
	uint32_t seen;
	char code[MNCR_ELIG_CODE_MAX + 1];
	char message[MNCR_ELIG_MESSAGE_MAX + 1];
};

/* Every response body: which members may appear depends on status. */
struct wire_response {
	uint32_t seen;
	uint32_t version;
	char status[8];
	char request_id[MNCR_ELIG_REQUEST_ID_MAX + 1];
	struct wire_header header;
	struct wire_qualification qualification;
	struct wire_consents consents;
	struct wire_error error;
	char challenge[B64_CHALLENGE];
	uint32_t expires_in;
};

/* Schema entries: struct type, member, required, and what the type needs. */
#define F_STR_AS(s, name, m, req) \
	{ name, MNCR_ELIG_JSON_STRING, req, offsetof(s, m), \
	  sizeof(((s *)0)->m), 0, NULL }
#define F_STR(s, m, req) F_STR_AS(s, #m, m, req)
#define F_BOOL(s, m, req) \
	{ #m, MNCR_ELIG_JSON_BOOL, req, offsetof(s, m), 0, 0, NULL }
#define F_UINT(s, m, req, mx) \
	{ #m, MNCR_ELIG_JSON_UINT, req, offsetof(s, m), 0, mx, NULL }
#define F_OBJ(s, m, req, sch) \
	{ #m, MNCR_ELIG_JSON_OBJECT, req, offsetof(s, m), 0, 0, &sch }
#define SCHEMA(s, f) { f, sizeof(f) / sizeof(f[0]), offsetof(s, seen) }

static const struct mncr_elig_json_field verification_fields[] = {
	F_STR(struct wire_verification, method, true),
	F_BOOL(struct wire_verification, operator_attested, true),
};
static const struct mncr_elig_json_schema verification_schema =
	SCHEMA(struct wire_verification, verification_fields);

static const struct mncr_elig_json_field consent_fields[] = {
	F_BOOL(struct wire_consents, medication, true),
	F_BOOL(struct wire_consents, checkup, true),
	F_BOOL(struct wire_consents, clinical, true),
	F_BOOL(struct wire_consents, surgery, true),
};
static const struct mncr_elig_json_schema consent_schema =
	SCHEMA(struct wire_consents, consent_fields);

enum {
	Q_VERSION, Q_REQUEST_ID, Q_INSTITUTION, Q_SITE_KIND, Q_VERIFICATION,
	Q_CONSENTS, Q_CARD_CERTIFICATE, Q_CHALLENGE, Q_SIGNATURE,
};

static const struct mncr_elig_json_field request_fields[] = {
	[Q_VERSION] = F_UINT(struct wire_request, version, true, 1000),
	[Q_REQUEST_ID] = F_STR(struct wire_request, request_id, true),
	[Q_INSTITUTION] = F_STR_AS(struct wire_request,
				   "medical_institution_code", institution,
				   true),
	[Q_SITE_KIND] = F_STR(struct wire_request, site_kind, true),
	[Q_VERIFICATION] = F_OBJ(struct wire_request, verification, true,
				 verification_schema),
	[Q_CONSENTS] = F_OBJ(struct wire_request, consents, true,
			     consent_schema),
	[Q_CARD_CERTIFICATE] = F_STR(struct wire_request, card_certificate,
				     true),
	[Q_CHALLENGE] = F_STR(struct wire_request, challenge, false),
	[Q_SIGNATURE] = F_STR(struct wire_request, signature, false),
};
static const struct mncr_elig_json_schema request_schema =
	SCHEMA(struct wire_request, request_fields);

static const struct mncr_elig_json_field header_fields[] = {
	F_STR(struct wire_header, processed_at, true),
	F_STR(struct wire_header, confirmation_date, true),
	F_STR_AS(struct wire_header, "medical_institution_code", institution,
	       true),
	F_UINT(struct wire_header, processing_ms, true, 3600000),
};
static const struct mncr_elig_json_schema header_schema =
	SCHEMA(struct wire_header, header_fields);

static const struct mncr_elig_json_field qualification_fields[] = {
	F_STR(struct wire_qualification, validity, true),
	F_STR(struct wire_qualification, insurer_number, true),
	F_STR(struct wire_qualification, symbol, true),
	F_STR(struct wire_qualification, number, true),
	F_STR(struct wire_qualification, branch, true),
	F_STR(struct wire_qualification, share, true),
	F_STR(struct wire_qualification, limit_class, true),
};
static const struct mncr_elig_json_schema qualification_schema =
	SCHEMA(struct wire_qualification, qualification_fields);

static const struct mncr_elig_json_field error_fields[] = {
	F_STR(struct wire_error, code, true),
	F_STR(struct wire_error, message, true),
};
static const struct mncr_elig_json_schema error_schema =
	SCHEMA(struct wire_error, error_fields);

enum {
	R_VERSION, R_STATUS, R_REQUEST_ID, R_HEADER, R_QUALIFICATION,
	R_CONSENTS, R_ERROR, R_CHALLENGE, R_EXPIRES_IN,
};

static const struct mncr_elig_json_field response_fields[] = {
	[R_VERSION] = F_UINT(struct wire_response, version, true, 1000),
	[R_STATUS] = F_STR(struct wire_response, status, true),
	[R_REQUEST_ID] = F_STR(struct wire_response, request_id, false),
	[R_HEADER] = F_OBJ(struct wire_response, header, false, header_schema),
	[R_QUALIFICATION] = F_OBJ(struct wire_response, qualification, false,
				qualification_schema),
	[R_CONSENTS] = F_OBJ(struct wire_response, consents, false,
			   consent_schema),
	[R_ERROR] = F_OBJ(struct wire_response, error, false, error_schema),
	[R_CHALLENGE] = F_STR(struct wire_response, challenge, false),
	[R_EXPIRES_IN] = F_UINT(struct wire_response, expires_in, false, 3600),
};
static const struct mncr_elig_json_schema response_schema =
	SCHEMA(struct wire_response, response_fields);

#define BIT(i) (1u << (i))

static int read_json(const char *text, size_t len,
		     const struct mncr_elig_json_schema *schema, void *wire,
		     char *why, size_t why_len)
{
	if (len > MNCR_ELIG_BODY_MAX)
		return mncr_elig_why_fail(why, why_len, "message longer than %d bytes",
				MNCR_ELIG_BODY_MAX);
	return mncr_elig_json_read(text, len, schema, wire, why, why_len);
}

static int check_version(uint32_t v, char *why, size_t why_len)
{
	if (v != MNCR_ELIG_VERSION)
		return mncr_elig_why_fail(why, why_len, "version: %u not supported",
				(unsigned int)v);
	return 0;
}

static void consents_from_wire(struct mncr_elig_consents *c,
			       const struct wire_consents *w)
{
	c->medication = w->medication;
	c->checkup = w->checkup;
	c->clinical = w->clinical;
	c->surgery = w->surgery;
}

/* ---- request ---- */

static int decode(const char *text, const char *name, uint8_t *out,
		  size_t cap, size_t *len, char *why, size_t why_len)
{
	switch (mncr_b64_decode(text, strlen(text), out, cap, len)) {
	case 0:
		return 0;
	case -ENOSPC:
		return mncr_elig_why_fail(why, why_len, "%s: longer than %zu bytes",
				name, cap);
	default:
		return mncr_elig_why_fail(why, why_len, "%s: not canonical base64",
				name);
	}
}

static int request_from_wire(const struct wire_request *w,
			     struct mncr_elig_request *r, char *why,
			     size_t why_len)
{
	bool pin;
	size_t n;

	if (check_version(w->version, why, why_len))
		return -EINVAL;
	memcpy(r->request_id, w->request_id, sizeof(r->request_id));
	memcpy(r->institution_code, w->institution,
	       sizeof(r->institution_code));
	if (mncr_elig_site_parse(w->site_kind, &r->site))
		return mncr_elig_why_fail(why, why_len,
				"site_kind: must be clinic or pharmacy");
	if (mncr_elig_method_parse(w->verification.method, &r->method))
		return mncr_elig_why_fail(why, why_len, "verification.method: must be "
				"face, pin or visual");
	r->operator_attested = w->verification.operator_attested;
	consents_from_wire(&r->consents, &w->consents);
	if (decode(w->card_certificate, "card_certificate", r->card_cert,
		   sizeof(r->card_cert), &r->card_cert_len, why, why_len))
		return -EINVAL;
	pin = r->method == MNCR_ELIG_METHOD_PIN;
	if (pin != !!(w->seen & BIT(Q_CHALLENGE)) ||
	    pin != !!(w->seen & BIT(Q_SIGNATURE)))
		return mncr_elig_why_fail(why, why_len, pin ?
				"challenge and signature: required for pin" :
				"challenge and signature: only for pin");
	if (pin) {
		if (decode(w->challenge, "challenge", r->challenge,
			   sizeof(r->challenge), &n, why, why_len))
			return -EINVAL;
		if (n != MNCR_ELIG_CHALLENGE_LEN)
			return mncr_elig_why_fail(why, why_len, "challenge: must be %d "
					"bytes", MNCR_ELIG_CHALLENGE_LEN);
		if (decode(w->signature, "signature", r->signature,
			   sizeof(r->signature), &r->signature_len, why,
			   why_len))
			return -EINVAL;
	}
	return mncr_elig_request_check(r, why, why_len);
}

int mncr_elig_request_parse(const char *text, size_t len,
			    struct mncr_elig_request *out, char *why,
			    size_t why_len)
{
	struct wire_request w;
	int ret;

	memset(&w, 0, sizeof(w));
	memset(out, 0, sizeof(*out));
	ret = read_json(text, len, &request_schema, &w, why, why_len);
	if (!ret)
		ret = request_from_wire(&w, out, why, why_len);
	mncr_elig_cleanse(&w, sizeof(w));
	if (ret)
		mncr_elig_cleanse(out, sizeof(*out));
	return ret;
}

/* ---- encoding: util/json_write.h writing into the caller's buffer ---- */

/*
 * fmemopen over out, unbuffered so that no stdio buffer holds a copy of
 * the card data; the caller's buffer is the only one.
 */
static FILE *sink_open(char *out, size_t cap, struct mncr_json *j)
{
	FILE *f;

	if (cap < 2)
		return NULL;
	f = fmemopen(out, cap, "w");
	if (!f)
		return NULL;
	setvbuf(f, NULL, _IONBF, 0);
	mncr_json_init(j, f);
	return f;
}

static int sink_close(FILE *f, char *out, size_t cap, size_t *len)
{
	long pos;
	bool bad;

	fflush(f);
	bad = ferror(f);
	pos = ftell(f);
	fclose(f);
	if (bad || pos < 0 || (size_t)pos >= cap) {
		mncr_elig_cleanse(out, cap);
		return -ENOSPC;
	}
	out[pos] = '\0';
	*len = (size_t)pos;
	return 0;
}

static void put_consents(struct mncr_json *j,
			 const struct mncr_elig_consents *c)
{
	mncr_json_object_begin(j, "consents");
	mncr_json_bool(j, "medication", c->medication);
	mncr_json_bool(j, "checkup", c->checkup);
	mncr_json_bool(j, "clinical", c->clinical);
	mncr_json_bool(j, "surgery", c->surgery);
	mncr_json_object_end(j);
}

int mncr_elig_request_encode(const struct mncr_elig_request *r, char *out,
			     size_t cap, size_t *len, char *why,
			     size_t why_len)
{
	char cert[B64_CERT], sig[B64_SIG], challenge[B64_CHALLENGE];
	struct mncr_json j;
	FILE *f;
	int ret;

	if (mncr_elig_request_check(r, why, why_len))
		return -EINVAL;
	if (mncr_b64_encode(r->card_cert, r->card_cert_len, cert,
				 sizeof(cert)))
		return mncr_elig_why_fail(why, why_len, "card_certificate: too long");
	f = sink_open(out, cap, &j);
	if (!f) {
		ret = -ENOSPC;
		goto out;
	}
	mncr_json_object_begin(&j, NULL);
	mncr_json_uint(&j, "version", MNCR_ELIG_VERSION);
	mncr_json_string(&j, "request_id", r->request_id);
	mncr_json_string(&j, "medical_institution_code", r->institution_code);
	mncr_json_string(&j, "site_kind", mncr_elig_site_name(r->site));
	mncr_json_object_begin(&j, "verification");
	mncr_json_string(&j, "method", mncr_elig_method_name(r->method));
	mncr_json_bool(&j, "operator_attested", r->operator_attested);
	mncr_json_object_end(&j);
	put_consents(&j, &r->consents);
	mncr_json_string(&j, "card_certificate", cert);
	if (r->method == MNCR_ELIG_METHOD_PIN) {
		mncr_b64_encode(r->challenge, sizeof(r->challenge),
				     challenge, sizeof(challenge));
		mncr_b64_encode(r->signature, r->signature_len, sig,
				     sizeof(sig));
		mncr_json_string(&j, "challenge", challenge);
		mncr_json_string(&j, "signature", sig);
	}
	mncr_json_object_end(&j);
	ret = sink_close(f, out, cap, len);
out:
	if (ret)
		mncr_elig_why_fail(why, why_len, "request longer than the buffer");
	mncr_elig_cleanse(cert, sizeof(cert));
	mncr_elig_cleanse(sig, sizeof(sig));
	mncr_elig_cleanse(challenge, sizeof(challenge));
	return ret;
}

int mncr_elig_response_encode(const struct mncr_elig_response *r, char *out,
			      size_t cap, size_t *len, char *why,
			      size_t why_len)
{
	const struct mncr_elig_qualification *q = &r->q;
	struct mncr_json j;
	FILE *f;

	if (r->request_id[0] && !mncr_elig_request_id_valid(r->request_id))
		return mncr_elig_why_fail(why, why_len, "request_id: bad format");
	if (r->ok && mncr_elig_qualification_check(q, why, why_len))
		return -EINVAL;
	if (!r->ok && (!mncr_elig_code_valid(r->error.code) ||
		       !mncr_elig_text_valid(r->error.message, 0,
					     MNCR_ELIG_MESSAGE_MAX)))
		return mncr_elig_why_fail(why, why_len, "error: bad code or message");
	if (r->ok && !r->request_id[0])
		return mncr_elig_why_fail(why, why_len, "request_id: missing");
	f = sink_open(out, cap, &j);
	if (!f) {
		mncr_elig_why_fail(why, why_len, "no room for the response");
		return -ENOSPC;
	}
	mncr_json_object_begin(&j, NULL);
	mncr_json_uint(&j, "version", MNCR_ELIG_VERSION);
	if (r->request_id[0])
		mncr_json_string(&j, "request_id", r->request_id);
	mncr_json_string(&j, "status", r->ok ? "ok" : "error");
	if (r->ok) {
		mncr_json_object_begin(&j, "header");
		mncr_json_string(&j, "processed_at", q->processed_at);
		mncr_json_string(&j, "confirmation_date",
				 q->confirmation_date);
		mncr_json_string(&j, "medical_institution_code",
				 q->institution_code);
		mncr_json_uint(&j, "processing_ms", q->processing_ms);
		mncr_json_object_end(&j);
		mncr_json_object_begin(&j, "qualification");
		mncr_json_string(&j, "validity",
				 mncr_elig_validity_name(q->validity));
		mncr_json_string(&j, "insurer_number", q->insurer_number);
		mncr_json_string(&j, "symbol", q->symbol);
		mncr_json_string(&j, "number", q->number);
		mncr_json_string(&j, "branch", q->branch);
		mncr_json_string(&j, "share", q->share);
		mncr_json_string(&j, "limit_class", q->limit_class);
		mncr_json_object_end(&j);
		put_consents(&j, &q->consents);
	} else {
		mncr_json_object_begin(&j, "error");
		mncr_json_string(&j, "code", r->error.code);
		mncr_json_string(&j, "message", r->error.message);
		mncr_json_object_end(&j);
	}
	mncr_json_object_end(&j);
	if (sink_close(f, out, cap, len)) {
		mncr_elig_why_fail(why, why_len, "response longer than the buffer");
		return -ENOSPC;
	}
	return 0;
}

int mncr_elig_challenge_encode(const struct mncr_elig_challenge *c, char *out,
			       size_t cap, size_t *len)
{
	char nonce[B64_CHALLENGE];
	struct mncr_json j;
	FILE *f = sink_open(out, cap, &j);

	if (!f)
		return -ENOSPC;
	mncr_b64_encode(c->nonce, sizeof(c->nonce), nonce, sizeof(nonce));
	mncr_json_object_begin(&j, NULL);
	mncr_json_uint(&j, "version", MNCR_ELIG_VERSION);
	mncr_json_string(&j, "status", "ok");
	mncr_json_string(&j, "challenge", nonce);
	mncr_json_uint(&j, "expires_in", c->expires_in);
	mncr_json_object_end(&j);
	return sink_close(f, out, cap, len);
}

/* ---- responses ---- */

/* The members each kind of body has; an error's request_id is optional. */
#define ERROR_MEMBERS (BIT(R_VERSION) | BIT(R_STATUS) | BIT(R_ERROR))
#define RESULT_MEMBERS (BIT(R_VERSION) | BIT(R_STATUS) | BIT(R_REQUEST_ID) | \
			BIT(R_HEADER) | BIT(R_QUALIFICATION) | BIT(R_CONSENTS))
#define CHALLENGE_MEMBERS (BIT(R_VERSION) | BIT(R_STATUS) | \
			   BIT(R_CHALLENGE) | BIT(R_EXPIRES_IN))

static int refusal_from_wire(const struct wire_response *w,
			     struct mncr_elig_refusal *e, char *why,
			     size_t why_len)
{
	if ((w->seen & ~BIT(R_REQUEST_ID)) != ERROR_MEMBERS)
		return mncr_elig_why_fail(why, why_len, "error response: wrong members");
	if (!mncr_elig_code_valid(w->error.code))
		return mncr_elig_why_fail(why, why_len, "error.code: must be [a-z_]{1,%d}",
				MNCR_ELIG_CODE_MAX);
	if (!mncr_elig_text_valid(w->error.message, 0, MNCR_ELIG_MESSAGE_MAX))
		return mncr_elig_why_fail(why, why_len, "error.message: control "
				"characters");
	memcpy(e->code, w->error.code, sizeof(e->code));
	memcpy(e->message, w->error.message, sizeof(e->message));
	return 0;
}

static int status_of(const struct wire_response *w, bool *ok, char *why,
		     size_t why_len)
{
	if (check_version(w->version, why, why_len))
		return -EINVAL;
	if (strcmp(w->status, "ok") == 0)
		*ok = true;
	else if (strcmp(w->status, "error") == 0)
		*ok = false;
	else
		return mncr_elig_why_fail(why, why_len, "status: must be ok or error");
	return 0;
}

static int result_from_wire(const struct wire_response *w,
			    struct mncr_elig_response *r, char *why,
			    size_t why_len)
{
	struct mncr_elig_qualification *q = &r->q;

	if (w->seen != RESULT_MEMBERS)
		return mncr_elig_why_fail(why, why_len, "result: wrong members");
	memcpy(q->processed_at, w->header.processed_at,
	       sizeof(q->processed_at));
	memcpy(q->confirmation_date, w->header.confirmation_date,
	       sizeof(q->confirmation_date));
	memcpy(q->institution_code, w->header.institution,
	       sizeof(q->institution_code));
	q->processing_ms = w->header.processing_ms;
	if (mncr_elig_validity_parse(w->qualification.validity, &q->validity))
		return mncr_elig_why_fail(why, why_len, "qualification.validity: must "
				"be valid, invalid or unknown");
	memcpy(q->insurer_number, w->qualification.insurer_number,
	       sizeof(q->insurer_number));
	memcpy(q->symbol, w->qualification.symbol, sizeof(q->symbol));
	memcpy(q->number, w->qualification.number, sizeof(q->number));
	memcpy(q->branch, w->qualification.branch, sizeof(q->branch));
	memcpy(q->share, w->qualification.share, sizeof(q->share));
	memcpy(q->limit_class, w->qualification.limit_class,
	       sizeof(q->limit_class));
	consents_from_wire(&q->consents, &w->consents);
	return mncr_elig_qualification_check(q, why, why_len);
}

int mncr_elig_response_parse(const char *text, size_t len,
			     struct mncr_elig_response *out, char *why,
			     size_t why_len)
{
	struct wire_response w;
	int ret;

	memset(&w, 0, sizeof(w));
	memset(out, 0, sizeof(*out));
	ret = read_json(text, len, &response_schema, &w, why, why_len);
	if (!ret)
		ret = status_of(&w, &out->ok, why, why_len);
	if (!ret && (w.seen & BIT(R_REQUEST_ID)) &&
	    !mncr_elig_request_id_valid(w.request_id))
		ret = mncr_elig_why_fail(why, why_len, "request_id: bad format");
	if (!ret) {
		memcpy(out->request_id, w.request_id, sizeof(out->request_id));
		ret = out->ok ? result_from_wire(&w, out, why, why_len) :
				refusal_from_wire(&w, &out->error, why,
						  why_len);
	}
	mncr_elig_cleanse(&w, sizeof(w));
	if (ret)
		mncr_elig_cleanse(out, sizeof(*out));
	return ret;
}

int mncr_elig_challenge_parse(const char *text, size_t len,
			      struct mncr_elig_challenge *out,
			      struct mncr_elig_refusal *refusal, char *why,
			      size_t why_len)
{
	struct wire_response w;
	size_t n;
	bool ok;

	memset(&w, 0, sizeof(w));
	memset(out, 0, sizeof(*out));
	if (read_json(text, len, &response_schema, &w, why, why_len) ||
	    status_of(&w, &ok, why, why_len))
		return -EINVAL;
	if (!ok) {
		memset(refusal, 0, sizeof(*refusal));
		return refusal_from_wire(&w, refusal, why, why_len) ?
			-EINVAL : -EACCES;
	}
	if (w.seen != CHALLENGE_MEMBERS)
		return mncr_elig_why_fail(why, why_len, "challenge: wrong members");
	if (mncr_b64_decode(w.challenge, strlen(w.challenge), out->nonce,
				 sizeof(out->nonce), &n) ||
	    n != MNCR_ELIG_CHALLENGE_LEN)
		return mncr_elig_why_fail(why, why_len, "challenge: must be %d bytes of "
				"base64", MNCR_ELIG_CHALLENGE_LEN);
	if (w.expires_in < 1)
		return mncr_elig_why_fail(why, why_len, "expires_in: must be 1-3600");
	out->expires_in = w.expires_in;
	return 0;
}
