/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The service's endpoints: routing, the challenge, error bodies. */
#ifndef ELIGD_API_H
#define ELIGD_API_H

#include "elig/elig_http.h"
#include "service.h"

/* Answers one request; reply always gets a JSON body. */
void eligd_api_handle(struct eligd_service *s, const struct eligd_peer *peer,
		      const struct mncr_elig_http_head *h, const char *body,
		      size_t len, struct eligd_reply *reply);

/* An error body with code and message; request_id may be NULL. */
void eligd_api_error(struct eligd_reply *reply, int status,
		     const char *request_id, const char *code,
		     const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* HTTP status for a refusal code that is stored in the log. */
int eligd_api_code_status(const char *code);

#endif
