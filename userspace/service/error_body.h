/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The service's error bodies, for the endpoints (api.c), the qualification
 * (qualify.c) and the connection layer (conn.c) alike.
 */
#ifndef ELIGD_ERROR_BODY_H
#define ELIGD_ERROR_BODY_H

#include "service.h"

/* An error body with code and message; request_id may be NULL. */
void eligd_error_body(struct eligd_reply *reply, int status,
		      const char *request_id, const char *code,
		      const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* HTTP status for a refusal code that is stored in the log. */
int eligd_error_status(const char *code);

#endif
