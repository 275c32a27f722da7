// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Eligibility service messages (elig_message.c over elig_json.c, json-c) on
 * arbitrary bodies: request, response and challenge parsers. Whatever a
 * parser accepts must encode again, and that encoding must parse back to
 * a message that encodes to the very same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elig/elig_message.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

static char a[MNCR_ELIG_BODY_MAX + 1], b[MNCR_ELIG_BODY_MAX + 1];

static void request(const char *text, size_t size)
{
	static struct mncr_elig_request r1, r2;
	size_t la, lb;
	char why[160];

	if (mncr_elig_request_parse(text, size, &r1, why, sizeof(why)))
		return;
	if (mncr_elig_request_encode(&r1, a, sizeof(a), &la, why, sizeof(why)))
		return;
	check(mncr_elig_request_parse(a, la, &r2, why, sizeof(why)) == 0);
	check(mncr_elig_request_encode(&r2, b, sizeof(b), &lb, why, sizeof(why)) == 0);
	check(la == lb && memcmp(a, b, la) == 0);
}

static void response(const char *text, size_t size)
{
	static struct mncr_elig_response r1, r2;
	size_t la, lb;
	char why[160];

	if (mncr_elig_response_parse(text, size, &r1, why, sizeof(why)))
		return;
	if (mncr_elig_response_encode(&r1, a, sizeof(a), &la, why, sizeof(why)))
		return;
	check(mncr_elig_response_parse(a, la, &r2, why, sizeof(why)) == 0);
	check(mncr_elig_response_encode(&r2, b, sizeof(b), &lb, why, sizeof(why)) == 0);
	check(la == lb && memcmp(a, b, la) == 0);
}

static void challenge(const char *text, size_t size)
{
	struct mncr_elig_challenge c1, c2;
	struct mncr_elig_refusal refusal;
	size_t la, lb;
	char why[160];

	if (mncr_elig_challenge_parse(text, size, &c1, &refusal, why, sizeof(why)))
		return;
	if (mncr_elig_challenge_encode(&c1, a, sizeof(a), &la))
		return;
	check(mncr_elig_challenge_parse(a, la, &c2, &refusal, why, sizeof(why)) == 0);
	check(mncr_elig_challenge_encode(&c2, b, sizeof(b), &lb) == 0);
	check(la == lb && memcmp(a, b, la) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;

	if (size > MNCR_ELIG_BODY_MAX)
		return 0;
	request(text, size);
	response(text, size);
	challenge(text, size);
	return 0;
}
