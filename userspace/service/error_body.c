// SPDX-License-Identifier: GPL-2.0-or-later
#include "error_body.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "elig/elig_fields.h"
#include "elig/elig_message.h"
#include "log.h"

void eligd_error_body(struct eligd_reply *reply, int status,
		      const char *request_id, const char *code,
		      const char *fmt, ...)
{
	struct mncr_elig_response r;
	va_list ap;

	memset(&r, 0, sizeof(r));
	if (request_id && mncr_elig_request_id_valid(request_id))
		snprintf(r.request_id, sizeof(r.request_id), "%s", request_id);
	snprintf(r.error.code, sizeof(r.error.code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(r.error.message, sizeof(r.error.message), fmt, ap);
	va_end(ap);
	/* Reasons from parsers are printable; replace anything else. */
	for (char *p = r.error.message; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	reply->status = status;
	if (!mncr_elig_response_encode(&r, reply->body, reply->cap,
				       &reply->len, NULL, 0))
		return;
	/* A reason that is not UTF-8 text: the code alone still helps. */
	r.error.message[0] = '\0';
	if (mncr_elig_response_encode(&r, reply->body, reply->cap,
				      &reply->len, NULL, 0)) {
		eligd_err("cannot encode an error body for %s", code);
		reply->status = 500;
		reply->len = 0;
	}
}

int eligd_error_status(const char *code)
{
	static const struct {
		const char *code;
		int status;
	} map[] = {
		{ "cert_expired", 403 },
		{ "cert_revoked", 403 },
		{ "cert_untrusted", 403 },
		{ "bad_signature", 403 },
		{ "not_found", 404 },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].code, code) == 0)
			return map[i].status;
	return 500;
}
