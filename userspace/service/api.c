// SPDX-License-Identifier: GPL-2.0-or-later
#include "api.h"

#include <stdio.h>
#include <string.h>

#include "elig/elig_message.h"
#include "error_body.h"
#include "log.h"
#include "qualify.h"

static void challenge(struct eligd_service *s, const struct eligd_peer *peer,
		      struct eligd_reply *reply)
{
	struct mncr_elig_challenge c = {
		.expires_in = s->opt->challenge_ttl,
	};

	if (eligd_challenge_issue(s->challenges, peer->id, c.nonce)) {
		eligd_error_body(reply, 500, NULL, "internal",
				 "no random numbers");
		return;
	}
	reply->status = 200;
	if (mncr_elig_challenge_encode(&c, reply->body, reply->cap,
				       &reply->len))
		eligd_error_body(reply, 500, NULL, "internal",
				 "cannot encode the challenge");
}

void eligd_api_handle(struct eligd_service *s, const struct eligd_peer *peer,
		      const struct mncr_elig_http_head *h, const char *body,
		      size_t len, struct eligd_reply *reply)
{
	if (strcmp(h->path, "/v1/challenge") == 0) {
		if (h->method != MNCR_ELIG_HTTP_GET)
			eligd_error_body(reply, 405, NULL, "method_not_allowed",
					 "use GET");
		else if (len)
			eligd_error_body(reply, 400, NULL, "bad_request",
					 "GET with a body");
		else
			challenge(s, peer, reply);
	} else if (strcmp(h->path, "/v1/qualification") == 0) {
		if (h->method != MNCR_ELIG_HTTP_POST)
			eligd_error_body(reply, 405, NULL, "method_not_allowed",
					 "use POST");
		else if (!h->json)
			eligd_error_body(reply, 415, NULL, "bad_request",
					 "Content-Type must be "
					 "application/json");
		else
			eligd_qualify(s, peer, body, len, reply);
	} else {
		eligd_error_body(reply, 404, NULL, "unknown_endpoint",
				 "no such endpoint");
	}
}
