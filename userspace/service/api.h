/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The service's endpoints: routing and the challenge (error bodies: error_body.h). */
#ifndef ELIGD_API_H
#define ELIGD_API_H

#include "elig/elig_http.h"
#include "service.h"

/* Answers one request; reply always gets a JSON body. */
void eligd_api_handle(struct eligd_service *s, const struct eligd_peer *peer,
		      const struct mncr_elig_http_head *h, const char *body,
		      size_t len, struct eligd_reply *reply);

#endif
