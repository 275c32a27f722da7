/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One connection: TLS handshake, one bounded HTTP request read within the
 * deadline, the answer, and an orderly close. Runs on its own thread.
 */
#ifndef ELIGD_HANDLER_H
#define ELIGD_HANDLER_H

#include "service.h"

/* Serves the accepted socket fd (closes it); addr names it in logs. */
void eligd_handle(struct eligd_service *s, int fd, const char *addr);

#endif
