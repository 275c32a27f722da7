// SPDX-License-Identifier: LGPL-2.1-or-later
#include "elig/elig_fields.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "util/utf8.h"

int mncr_elig_why_fail(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	if (why && why_len) {
		va_start(ap, fmt);
		vsnprintf(why, why_len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

void mncr_elig_cleanse(void *p, size_t len)
{
	if (p && len)
		OPENSSL_cleanse(p, len);
}

/* ---- names ---- */

static const char *const method_names[] = { "face", "pin", "visual" };
static const char *const site_names[] = { "clinic", "pharmacy" };
static const char *const validity_names[] = { "valid", "invalid", "unknown" };

static int lookup(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -EINVAL;
}

#define NAME(tab, v) \
	((size_t)(v) < sizeof(tab) / sizeof(tab[0]) ? tab[v] : NULL)
#define FIND(tab, s) lookup(tab, sizeof(tab) / sizeof(tab[0]), s)

const char *mncr_elig_method_name(enum mncr_elig_method m)
{
	return NAME(method_names, m);
}

const char *mncr_elig_site_name(enum mncr_elig_site s)
{
	return NAME(site_names, s);
}

const char *mncr_elig_validity_name(enum mncr_elig_validity v)
{
	return NAME(validity_names, v);
}

int mncr_elig_method_parse(const char *s, enum mncr_elig_method *out)
{
	int i = FIND(method_names, s);

	if (i < 0)
		return i;
	*out = (enum mncr_elig_method)i;
	return 0;
}

int mncr_elig_site_parse(const char *s, enum mncr_elig_site *out)
{
	int i = FIND(site_names, s);

	if (i < 0)
		return i;
	*out = (enum mncr_elig_site)i;
	return 0;
}

int mncr_elig_validity_parse(const char *s, enum mncr_elig_validity *out)
{
	int i = FIND(validity_names, s);

	if (i < 0)
		return i;
	*out = (enum mncr_elig_validity)i;
	return 0;
}

/* ---- field formats ---- */

static bool digits(const char *s, size_t min, size_t max)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (s[n] < '0' || s[n] > '9')
			return false;
	return n >= min && n <= max;
}

bool mncr_elig_request_id_valid(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++) {
		char c = s[n];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == ':' || c == '-'))
			return false;
	}
	return n >= 1 && n <= MNCR_ELIG_REQUEST_ID_MAX;
}

bool mncr_elig_institution_valid(const char *s)
{
	return digits(s, MNCR_ELIG_INSTITUTION_LEN, MNCR_ELIG_INSTITUTION_LEN);
}

bool mncr_elig_code_valid(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || s[n] == '_'))
			return false;
	return n >= 1 && n <= MNCR_ELIG_CODE_MAX;
}

bool mncr_elig_text_valid(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);

	if (n < min || n > max || !mncr_utf8_valid(s, n))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

int mncr_elig_request_check(const struct mncr_elig_request *r, char *why,
			    size_t why_len)
{
	if (!mncr_elig_request_id_valid(r->request_id))
		return mncr_elig_why_fail(why, why_len, "request_id: must be 1-64 of "
				"[A-Za-z0-9._:-]");
	if (!mncr_elig_institution_valid(r->institution_code))
		return mncr_elig_why_fail(why, why_len,
				"medical_institution_code: must be 10 digits");
	if (!mncr_elig_site_name(r->site))
		return mncr_elig_why_fail(why, why_len, "site_kind: unknown");
	if (!mncr_elig_method_name(r->method))
		return mncr_elig_why_fail(why, why_len, "verification.method: unknown");
	if (r->method == MNCR_ELIG_METHOD_VISUAL && !r->operator_attested)
		return mncr_elig_why_fail(why, why_len, "verification.operator_attested: "
				"visual confirmation needs the operator's "
				"attestation");
	if (r->method != MNCR_ELIG_METHOD_VISUAL && r->operator_attested)
		return mncr_elig_why_fail(why, why_len, "verification.operator_attested: "
				"only for method visual");
	if (r->card_cert_len < 1 || r->card_cert_len > MNCR_ELIG_CERT_MAX)
		return mncr_elig_why_fail(why, why_len, "card_certificate: must be 1-%d "
				"bytes", MNCR_ELIG_CERT_MAX);
	if (r->method == MNCR_ELIG_METHOD_PIN &&
	    (r->signature_len < 1 || r->signature_len > MNCR_ELIG_SIG_MAX))
		return mncr_elig_why_fail(why, why_len, "signature: must be 1-%d bytes",
				MNCR_ELIG_SIG_MAX);
	return 0;
}

int mncr_elig_qualification_check(const struct mncr_elig_qualification *q,
				  char *why, size_t why_len)
{
	if (!digits(q->processed_at, 14, 14))
		return mncr_elig_why_fail(why, why_len,
				"header.processed_at: must be YYYYMMDDHHmmss");
	if (!digits(q->confirmation_date, 8, 8))
		return mncr_elig_why_fail(why, why_len,
				"header.confirmation_date: must be YYYYMMDD");
	if (!mncr_elig_institution_valid(q->institution_code))
		return mncr_elig_why_fail(why, why_len, "header.medical_institution_code: "
				"must be 10 digits");
	if (!mncr_elig_validity_name(q->validity))
		return mncr_elig_why_fail(why, why_len, "qualification.validity: unknown");
	if (!digits(q->insurer_number, 6, 8) ||
	    strlen(q->insurer_number) == 7)
		return mncr_elig_why_fail(why, why_len, "qualification.insurer_number: "
				"must be 6 or 8 digits");
	if (!mncr_elig_text_valid(q->symbol, 1, MNCR_ELIG_TEXT_MAX))
		return mncr_elig_why_fail(why, why_len, "qualification.symbol: must be "
				"1-%d bytes of printable UTF-8",
				MNCR_ELIG_TEXT_MAX);
	if (!mncr_elig_text_valid(q->number, 1, MNCR_ELIG_TEXT_MAX))
		return mncr_elig_why_fail(why, why_len, "qualification.number: must be "
				"1-%d bytes of printable UTF-8",
				MNCR_ELIG_TEXT_MAX);
	if (!digits(q->branch, 2, 2))
		return mncr_elig_why_fail(why, why_len,
				"qualification.branch: must be 2 digits");
	if (!digits(q->share, 3, 3))
		return mncr_elig_why_fail(why, why_len,
				"qualification.share: must be 3 digits");
	if (!mncr_elig_text_valid(q->limit_class, 0, MNCR_ELIG_LIMIT_MAX))
		return mncr_elig_why_fail(why, why_len, "qualification.limit_class: must "
				"be 0-%d bytes of printable UTF-8",
				MNCR_ELIG_LIMIT_MAX);
	return 0;
}

int mncr_elig_request_id_new(char out[MNCR_ELIG_REQUEST_ID_MAX + 1])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t b[16];
	size_t o = 0;

	if (RAND_bytes(b, sizeof(b)) != 1)
		return -EIO;
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);	/* version 4 */
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);	/* RFC 4122 variant */
	for (size_t i = 0; i < sizeof(b); i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 15];
	}
	out[o] = '\0';
	return 0;
}
