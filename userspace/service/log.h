/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One line per event on stderr: "TIME mncr-eligd[PID]: LEVEL: text".
 * Callers log reader identities, request ids, outcome codes and reasons;
 * never insurance numbers, certificates or signatures.
 */
#ifndef ELIGD_LOG_H
#define ELIGD_LOG_H

void eligd_log(const char *level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define eligd_info(...) eligd_log("info", __VA_ARGS__)
#define eligd_warn(...) eligd_log("warning", __VA_ARGS__)
#define eligd_err(...) eligd_log("error", __VA_ARGS__)

#endif
