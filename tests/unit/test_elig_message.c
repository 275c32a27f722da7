// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Eligibility messages: round trips, and the strict parser refusing bad
 * JSON, missing, unknown, duplicate and mistyped members, bad formats and
 * oversize input, with a reason that names the member.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64.h"
#include "elig/elig_fields.h"
#include "elig/elig_json.h"
#include "elig/elig_message.h"

#define CERT_B64 "MIIBAgM="	/* not a certificate: the parser only decodes */

/* A valid request with one member replaced or removed, as text. */
struct member {
	const char *key, *value;	/* value NULL: member left out */
};

static const struct member base[] = {
	{ "version", "1" },
	{ "request_id", "\"r-1\"" },
	{ "medical_institution_code", "\"1312345678\"" },
	{ "site_kind", "\"clinic\"" },
	{ "verification", "{\"method\":\"face\",\"operator_attested\":false}" },
	{ "consents", "{\"medication\":true,\"checkup\":false,"
		      "\"clinical\":true,\"surgery\":false}" },
	{ "card_certificate", "\"" CERT_B64 "\"" },
};

#define N_BASE (sizeof(base) / sizeof(base[0]))

/* base with key set to value (NULL: dropped); unknown keys are added. */
static char *with(const char *key, const char *value)
{
	static char buf[32768];
	size_t n = 0;
	bool found = false;

	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "{");
	for (size_t i = 0; i < N_BASE; i++) {
		const char *v = base[i].value;

		if (key && strcmp(key, base[i].key) == 0) {
			found = true;
			v = value;
		}
		if (!v)
			continue;
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s\"%s\":%s",
				      n > 1 ? "," : "", base[i].key, v);
	}
	if (key && !found && value)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, ",\"%s\":%s",
				      key, value);
	snprintf(buf + n, sizeof(buf) - n, "}");
	return buf;
}

static void expect_bad(const char *text, const char *why_part)
{
	struct mncr_elig_request r;
	char why[200] = "";

	assert_int_equal(mncr_elig_request_parse(text, strlen(text), &r, why,
						 sizeof(why)), -EINVAL);
	if (!strstr(why, why_part))
		fail_msg("reason \"%s\" lacks \"%s\" for %s", why, why_part,
			 text);
}

static void test_parse_valid(void **state)
{
	struct mncr_elig_request r;
	const char *t = with(NULL, NULL);
	char why[200];

	(void)state;
	assert_int_equal(mncr_elig_request_parse(t, strlen(t), &r, why,
						 sizeof(why)), 0);
	assert_string_equal(r.request_id, "r-1");
	assert_string_equal(r.institution_code, "1312345678");
	assert_int_equal(r.site, MNCR_ELIG_SITE_CLINIC);
	assert_int_equal(r.method, MNCR_ELIG_METHOD_FACE);
	assert_true(r.consents.medication && r.consents.clinical);
	assert_false(r.consents.checkup || r.consents.surgery);
	assert_int_equal(r.card_cert_len, 5);
	assert_memory_equal(r.card_cert, "\x30\x82\x01\x02\x03", 5);
}

static void test_parse_whitespace_and_escapes(void **state)
{
	static const char t[] =
		" {\n\t\"version\" : 1 ,\r\n"
		"  \"request_id\": \"r\\u002d1\",\n"
		"  \"medical_institution_code\": \"1312345678\",\n"
		"  \"site_kind\": \"pharmacy\",\n"
		"  \"verification\": { \"method\": \"visual\",\n"
		"                     \"operator_attested\": true },\n"
		"  \"consents\": {\"surgery\": true, \"clinical\": false,\n"
		"               \"checkup\": true, \"medication\": false},\n"
		"  \"card_certificate\": \"" CERT_B64 "\"\n} \n";
	struct mncr_elig_request r;
	char why[200];

	(void)state;
	assert_int_equal(mncr_elig_request_parse(t, strlen(t), &r, why,
						 sizeof(why)), 0);
	assert_string_equal(r.request_id, "r-1");
	assert_int_equal(r.site, MNCR_ELIG_SITE_PHARMACY);
	assert_int_equal(r.method, MNCR_ELIG_METHOD_VISUAL);
	assert_true(r.operator_attested);
	assert_true(r.consents.surgery && r.consents.checkup);
}

static void test_bad_json(void **state)
{
	(void)state;
	expect_bad("", "unexpected end of text");
	expect_bad("[]", "object expected");
	expect_bad("null", "null at the top level");
	expect_bad("{\"version\":1,}", "comma before '}'");
	expect_bad("{'version':1}", "unexpected character '''");
	expect_bad("{\"version\" 1}", "':' expected");
	expect_bad("{\"version\":1 \"x\":2}", "separator ',' expected");
	expect_bad("{\"version\":1", "unexpected end of text");
	expect_bad("{\"request_id\":\"abc", "unexpected end of text");
	expect_bad("{\"request_id\":\"a\\qb\"}", "invalid string sequence");
	expect_bad("{\"request_id\":\"a\\u12\"}", "invalid string sequence");
	expect_bad("{\"request_id\":\"\\u0000\"}", "\\u0000");
	expect_bad("{\"request_id\":\"\\udc00\"}", "unpaired low surrogate");
	expect_bad("{\"request_id\":\"\\ud800x\"}", "unpaired high surrogate");
	expect_bad("{\"request_id\":\"a\tb\"}", "control character");
	expect_bad("{\"request_id\":\"\xc3\x28\"}", "invalid UTF-8");
	expect_bad("{\"request_id\":\"\xe0\x80\xaf\"}", "invalid UTF-8");
	expect_bad("{\"request_id\":\"\xed\xa0\x80\"}", "invalid UTF-8");
	expect_bad("{\"version\":1,\"consents\":{\"medication\":tru}}",
		   "boolean expected");
	expect_bad("\xef\xbb\xbf{}", "column 1: unexpected character");
	/* One value only. */
	{
		char t[4096];

		snprintf(t, sizeof(t), "%s {}", with(NULL, NULL));
		expect_bad(t, "column 263: text after the JSON value");
		struct mncr_elig_request r;
		size_t n;

		/* A NUL after the object is text after it too. */
		snprintf(t, sizeof(t), "%s", with(NULL, NULL));
		n = strlen(t);
		assert_int_equal(mncr_elig_request_parse(t, n + 1, &r, NULL, 0),
				 -EINVAL);
	}
}

static void test_members(void **state)
{
	(void)state;
	expect_bad(with("request_id", NULL), "missing member \"request_id\"");
	expect_bad(with("consents", "{\"medication\":true,\"checkup\":true,"
			"\"clinical\":true}"),
		   "missing member \"consents.surgery\"");
	expect_bad(with("extra", "1"), "unknown member \"extra\"");
	expect_bad(with("verification", "{\"method\":\"face\","
			"\"operator_attested\":false,\"pin\":\"1234\"}"),
		   "unknown member \"pin\"");
	expect_bad("{\"version\":1,\"version\":1}",
		   "column 1: duplicate key");
	expect_bad(with("\xe3\x82\xad\xe3\x83\xbc", "1"),
		   "unknown member in message");
}

static void test_types(void **state)
{
	(void)state;
	expect_bad(with("version", "\"1\""),
		   "version: must be an unsigned integer");
	expect_bad(with("version", "1.0"), "version: must be an unsigned");
	expect_bad(with("version", "1e0"), "version: must be an unsigned");
	expect_bad(with("version", "-1"), "version: must be an unsigned");
	expect_bad(with("version", "01"), "leading zero in number");
	expect_bad(with("version", "00"), "leading zero in number");
	expect_bad(with("version", "1."), "digit expected after decimal");
	expect_bad(with("version", "99999999999"), "version: out of range");
	expect_bad(with("version", "2"), "version: 2 not supported");
	expect_bad(with("version", "null"), "must be an unsigned integer");
	expect_bad(with("request_id", "1"), "request_id: must be a string");
	expect_bad(with("consents", "null"), "consents: must be an object");
	expect_bad(with("consents", "[true]"), "consents: must be an object");
	expect_bad(with("consents", "{\"medication\":\"yes\",\"checkup\":true"
			",\"clinical\":true,\"surgery\":true}"),
		   "consents.medication: must be a boolean");
	expect_bad(with("consents", "{\"medication\":{\"a\":1},\"checkup\":"
			"true,\"clinical\":true,\"surgery\":true}"),
		   "consents.medication: must be a boolean");
	expect_bad(with("verification", "{\"method\":1,"
			"\"operator_attested\":false}"),
		   "verification.method: must be a string");
}

static void test_formats(void **state)
{
	char big_id[80];

	(void)state;
	memset(big_id, 'a', sizeof(big_id));
	big_id[0] = '"';
	big_id[66] = '"';
	big_id[67] = '\0';
	expect_bad(with("request_id", big_id), "request_id: longer than 64");
	expect_bad(with("request_id", "\"r 1\""), "request_id: must be");
	expect_bad(with("request_id", "\"\""), "request_id: must be");
	expect_bad(with("medical_institution_code", "\"131234567\""),
		   "must be 10 digits");
	expect_bad(with("medical_institution_code", "\"13123456789\""),
		   "longer than 10 bytes");
	expect_bad(with("medical_institution_code", "\"131234567x\""),
		   "must be 10 digits");
	expect_bad(with("site_kind", "\"hospital\""),
		   "site_kind: must be clinic or pharmacy");
	expect_bad(with("verification", "{\"method\":\"iris\","
			"\"operator_attested\":false}"),
		   "verification.method: must be face, pin or visual");
	expect_bad(with("verification", "{\"method\":\"visual\","
			"\"operator_attested\":false}"),
		   "needs the operator's attestation");
	expect_bad(with("verification", "{\"method\":\"face\","
			"\"operator_attested\":true}"),
		   "only for method visual");
	expect_bad(with("card_certificate", "\"MIIBAgM\""),
		   "card_certificate: not canonical base64");
	expect_bad(with("card_certificate", "\"MIIBAgN=\""),
		   "card_certificate: not canonical base64");
	expect_bad(with("card_certificate", "\"\""),
		   "card_certificate: must be 1-4096 bytes");
}

static void test_pin_members(void **state)
{
	static const char pin[] =
		"{\"method\":\"pin\",\"operator_attested\":false}";
	char challenge[64], t[8192];
	uint8_t nonce[32] = { 1, 2, 3 };
	struct mncr_elig_request r;
	char why[200];

	(void)state;
	assert_int_equal(mncr_b64_encode(nonce, sizeof(nonce),
					      challenge, sizeof(challenge)), 0);
	expect_bad(with("verification", pin),
		   "challenge and signature: required for pin");
	expect_bad(with("signature", "\"AAAA\""),
		   "challenge and signature: only for pin");
	snprintf(t, sizeof(t), "%.*s,\"challenge\":\"%s\",\"signature\":"
		 "\"AAAA\"}", (int)strlen(with("verification", pin)) - 1,
		 with("verification", pin), challenge);
	assert_int_equal(mncr_elig_request_parse(t, strlen(t), &r, why,
						 sizeof(why)), 0);
	assert_int_equal(r.method, MNCR_ELIG_METHOD_PIN);
	assert_memory_equal(r.challenge, nonce, sizeof(nonce));
	assert_int_equal(r.signature_len, 3);
	snprintf(t, sizeof(t), "%.*s,\"challenge\":\"AAAA\",\"signature\":"
		 "\"AAAA\"}", (int)strlen(with("verification", pin)) - 1,
		 with("verification", pin));
	expect_bad(t, "challenge: must be 32 bytes");
}

static void test_oversize(void **state)
{
	static char cert[8192], t[MNCR_ELIG_BODY_MAX + 100];
	static uint8_t der[MNCR_ELIG_CERT_MAX + 3];
	size_t n;

	(void)state;
	/* 4097 bytes still fit the base64 text buffer, not the DER one. */
	cert[0] = '"';
	assert_int_equal(mncr_b64_encode(der, MNCR_ELIG_CERT_MAX + 1,
					      cert + 1, sizeof(cert) - 2), 0);
	strcat(cert, "\"");
	expect_bad(with("card_certificate", cert),
		   "card_certificate: longer than 4096 bytes");
	assert_int_equal(mncr_b64_encode(der, sizeof(der), cert + 1,
					      sizeof(cert) - 2), 0);
	strcat(cert, "\"");
	expect_bad(with("card_certificate", cert),
		   "card_certificate: longer than 5464 bytes");
	/* A body over the limit is refused before it is read. */
	memset(t, ' ', sizeof(t) - 1);
	t[sizeof(t) - 1] = '\0';
	n = strlen(with(NULL, NULL));
	memcpy(t, with(NULL, NULL), n);
	expect_bad(t, "message longer than 16384 bytes");
}

static void fill_request(struct mncr_elig_request *r,
			 enum mncr_elig_method m)
{
	memset(r, 0, sizeof(*r));
	strcpy(r->request_id, "0f8e7d6c-5b4a-4938-8271-605f4e3d2c1b");
	strcpy(r->institution_code, "2712345678");
	r->site = MNCR_ELIG_SITE_PHARMACY;
	r->method = m;
	r->operator_attested = m == MNCR_ELIG_METHOD_VISUAL;
	r->consents.checkup = true;
	r->consents.surgery = true;
	r->card_cert_len = MNCR_ELIG_CERT_MAX;
	for (size_t i = 0; i < r->card_cert_len; i++)
		r->card_cert[i] = (uint8_t)(i * 7);
	for (size_t i = 0; i < sizeof(r->challenge); i++)
		r->challenge[i] = (uint8_t)(255 - i);
	r->signature_len = 256;
	for (size_t i = 0; i < r->signature_len; i++)
		r->signature[i] = (uint8_t)(i ^ 0x5a);
}

static void round_trip(enum mncr_elig_method m)
{
	static char buf[MNCR_ELIG_BODY_MAX];
	struct mncr_elig_request a, b;
	char why[200];
	size_t len;

	fill_request(&a, m);
	assert_int_equal(mncr_elig_request_encode(&a, buf, sizeof(buf), &len,
						  why, sizeof(why)), 0);
	assert_int_equal(strlen(buf), len);
	assert_int_equal(mncr_elig_request_parse(buf, len, &b, why,
						 sizeof(why)), 0);
	if (m != MNCR_ELIG_METHOD_PIN) {
		/* Not sent, so not parsed back. */
		memset(a.challenge, 0, sizeof(a.challenge));
		memset(a.signature, 0, sizeof(a.signature));
		a.signature_len = 0;
		assert_null(strstr(buf, "signature"));
	}
	assert_memory_equal(&a, &b, sizeof(a));
}

static void test_request_round_trip(void **state)
{
	(void)state;
	round_trip(MNCR_ELIG_METHOD_FACE);
	round_trip(MNCR_ELIG_METHOD_PIN);
	round_trip(MNCR_ELIG_METHOD_VISUAL);
}

static void test_encode_refuses(void **state)
{
	struct mncr_elig_request r;
	char buf[64], big[MNCR_ELIG_BODY_MAX], why[200];
	size_t len;

	(void)state;
	fill_request(&r, MNCR_ELIG_METHOD_FACE);
	/* Too small a buffer: refused, and no partial card data left. */
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(mncr_elig_request_encode(&r, buf, sizeof(buf), &len,
						  why, sizeof(why)), -ENOSPC);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	strcpy(r.institution_code, "12");
	assert_int_equal(mncr_elig_request_encode(&r, big, sizeof(big), &len,
						  why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "medical_institution_code"));
	fill_request(&r, MNCR_ELIG_METHOD_PIN);
	r.signature_len = 0;
	assert_int_equal(mncr_elig_request_encode(&r, big, sizeof(big), &len,
						  why, sizeof(why)), -EINVAL);
	fill_request(&r, MNCR_ELIG_METHOD_FACE);
	r.method = (enum mncr_elig_method)7;
	assert_int_equal(mncr_elig_request_encode(&r, big, sizeof(big), &len,
						  why, sizeof(why)), -EINVAL);
}

static void fill_result(struct mncr_elig_response *r)
{
	memset(r, 0, sizeof(*r));
	r->ok = true;
	strcpy(r->request_id, "req.42");
	strcpy(r->q.processed_at, "20250401093015");
	strcpy(r->q.confirmation_date, "20250401");
	strcpy(r->q.institution_code, "1312345678");
	r->q.processing_ms = 12;
	r->q.validity = MNCR_ELIG_INVALID;
	strcpy(r->q.insurer_number, "138057");
	strcpy(r->q.symbol, "東京\"12\"");
	strcpy(r->q.number, "4567");
	strcpy(r->q.branch, "00");
	strcpy(r->q.share, "020");
	strcpy(r->q.limit_class, "");
	r->q.consents.medication = true;
}

static void test_response_round_trip(void **state)
{
	char buf[4096], why[200];
	struct mncr_elig_response a, b;
	size_t len;

	(void)state;
	fill_result(&a);
	assert_int_equal(mncr_elig_response_encode(&a, buf, sizeof(buf), &len,
						   why, sizeof(why)), 0);
	assert_int_equal(mncr_elig_response_parse(buf, len, &b, why,
						  sizeof(why)), 0);
	assert_memory_equal(&a, &b, sizeof(a));

	memset(&a, 0, sizeof(a));
	strcpy(a.error.code, "cert_revoked");
	strcpy(a.error.message, "certificate revoked");
	assert_int_equal(mncr_elig_response_encode(&a, buf, sizeof(buf), &len,
						   why, sizeof(why)), 0);
	assert_null(strstr(buf, "request_id"));
	assert_int_equal(mncr_elig_response_parse(buf, len, &b, why,
						  sizeof(why)), 0);
	assert_false(b.ok);
	assert_string_equal(b.error.code, "cert_revoked");
	assert_string_equal(b.error.message, "certificate revoked");
}

static void expect_bad_response(const char *t, const char *why_part)
{
	struct mncr_elig_response r;
	char why[200] = "";

	assert_int_equal(mncr_elig_response_parse(t, strlen(t), &r, why,
						  sizeof(why)), -EINVAL);
	if (!strstr(why, why_part))
		fail_msg("reason \"%s\" lacks \"%s\" for %s", why, why_part, t);
}

/* An encoded good result with from replaced by to. */
static char *result_with(const char *from, const char *to)
{
	static char buf[4096], out[4096];
	struct mncr_elig_response r;
	char *p;
	size_t len;

	fill_result(&r);
	assert_int_equal(mncr_elig_response_encode(&r, buf, sizeof(buf), &len,
						   NULL, 0), 0);
	p = strstr(buf, from);
	assert_non_null(p);
	snprintf(out, sizeof(out), "%.*s%s%s", (int)(p - buf), buf, to,
		 p + strlen(from));
	return out;
}

static void test_response_strict(void **state)
{
	(void)state;
	expect_bad_response(result_with("\"status\":\"ok\"",
					"\"status\":\"maybe\""),
			    "status: must be ok or error");
	expect_bad_response(result_with("\"138057\"", "\"1380570\""),
			    "insurer_number: must be 6 or 8 digits");
	expect_bad_response(result_with("\"invalid\"", "\"expired\""),
			    "validity: must be valid, invalid or unknown");
	expect_bad_response(result_with("\"00\"", "\"0\""),
			    "branch: must be 2 digits");
	expect_bad_response(result_with("\"020\"", "\"02a\""),
			    "share: must be 3 digits");
	expect_bad_response(result_with("\"20250401\"", "\"2025-04-01\""),
			    "longer than 8 bytes");
	expect_bad_response(result_with(",\"consents\"", ",\"x\":1,"
					"\"consents\""),
			    "unknown member \"x\"");
	expect_bad_response(result_with("\"req.42\"", "\"req 42\""),
			    "request_id: bad format");
	expect_bad_response(result_with("\"processing_ms\":12",
					"\"processing_ms\":-12"),
			    "processing_ms: must be an unsigned integer");
	expect_bad_response("{\"version\":1,\"status\":\"ok\"}",
			    "result: wrong members");
	expect_bad_response("{\"version\":1,\"status\":\"error\",\"error\":"
			    "{\"code\":\"Not-Found\",\"message\":\"\"}}",
			    "error.code");
	expect_bad_response("{\"version\":1,\"status\":\"error\",\"error\":"
			    "{\"code\":\"x\",\"message\":\"a\\nb\"}}",
			    "error.message");
	expect_bad_response("{\"version\":1,\"status\":\"error\",\"error\":"
			    "{\"code\":\"x\",\"message\":\"\"},\"challenge\":"
			    "\"AAAA\"}", "error response: wrong members");
}

static void test_challenge(void **state)
{
	struct mncr_elig_challenge a = { .expires_in = 60 }, b;
	struct mncr_elig_refusal refusal;
	char buf[256], why[200];
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(a.nonce); i++)
		a.nonce[i] = (uint8_t)(i * 13);
	assert_int_equal(mncr_elig_challenge_encode(&a, buf, sizeof(buf),
						    &len), 0);
	assert_int_equal(mncr_elig_challenge_parse(buf, len, &b, &refusal, why,
						   sizeof(why)), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	strcpy(buf, "{\"version\":1,\"status\":\"error\",\"error\":{\"code\":"
	       "\"internal\",\"message\":\"no random numbers\"}}");
	assert_int_equal(mncr_elig_challenge_parse(buf, strlen(buf), &b,
						   &refusal, why, sizeof(why)),
			 -EACCES);
	assert_string_equal(refusal.code, "internal");
	strcpy(buf, "{\"version\":1,\"status\":\"ok\",\"challenge\":\"AAAA\","
	       "\"expires_in\":60}");
	assert_int_equal(mncr_elig_challenge_parse(buf, strlen(buf), &b,
						   &refusal, why, sizeof(why)),
			 -EINVAL);
	strcpy(buf, "{\"version\":1,\"status\":\"ok\",\"expires_in\":60}");
	assert_int_equal(mncr_elig_challenge_parse(buf, strlen(buf), &b,
						   &refusal, why, sizeof(why)),
			 -EINVAL);
}

static void test_base64(void **state)
{
	static const struct {
		const char *raw, *b64;
	} v[] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" },
		{ "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
		{ "\xff\xfe\xfd", "//79" },
	};
	static const char *const bad[] = {
		"Zg", "Zg=", "Zh==", "Zm9=", "Zm9v\n", " Zm9v", "Z===",
		"=Zm9", "Zm=v", "Zm9v====", "Zm-_", "Zg==Zg==",
	};
	uint8_t out[16];
	char text[16];
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t len = strlen(v[i].raw);

		assert_int_equal(mncr_b64_encode((const uint8_t *)v[i].raw,
						      len, text, sizeof(text)),
				 0);
		assert_string_equal(text, v[i].b64);
		assert_int_equal(mncr_b64_decode(v[i].b64,
						      strlen(v[i].b64), out,
						      sizeof(out), &n), 0);
		assert_int_equal(n, len);
		assert_memory_equal(out, v[i].raw, len);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (mncr_b64_decode(bad[i], strlen(bad[i]), out,
					 sizeof(out), &n) != -EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
	assert_int_equal(mncr_b64_decode("Zm9vYmFy", 8, out, 5, &n),
			 -ENOSPC);
	assert_int_equal(mncr_b64_encode((const uint8_t *)"foo", 3, text,
					      4), -ENOSPC);
}

static void test_names_and_ids(void **state)
{
	char a[MNCR_ELIG_REQUEST_ID_MAX + 1], b[MNCR_ELIG_REQUEST_ID_MAX + 1];
	enum mncr_elig_validity v;

	(void)state;
	assert_int_equal(mncr_elig_request_id_new(a), 0);
	assert_int_equal(mncr_elig_request_id_new(b), 0);
	assert_int_equal(strlen(a), 36);
	assert_int_equal(a[14], '4');
	assert_true(mncr_elig_request_id_valid(a));
	assert_string_not_equal(a, b);
	assert_false(mncr_elig_request_id_valid("a/b"));
	assert_true(mncr_elig_code_valid("not_found"));
	assert_false(mncr_elig_code_valid("Not-Found"));
	assert_string_equal(mncr_elig_method_name(MNCR_ELIG_METHOD_PIN), "pin");
	assert_null(mncr_elig_method_name((enum mncr_elig_method)3));
	assert_int_equal(mncr_elig_validity_parse("unknown", &v), 0);
	assert_int_equal(v, MNCR_ELIG_UNKNOWN);
	assert_int_equal(mncr_elig_validity_parse("Valid", &v), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_whitespace_and_escapes),
		cmocka_unit_test(test_bad_json),
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_pin_members),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_request_round_trip),
		cmocka_unit_test(test_encode_refuses),
		cmocka_unit_test(test_response_round_trip),
		cmocka_unit_test(test_response_strict),
		cmocka_unit_test(test_challenge),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_names_and_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
