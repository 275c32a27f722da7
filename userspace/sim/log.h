/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mncr-sim diagnostics on stderr. Card-front fields are sensitive: no
 * caller passes them here.
 */
#ifndef MNCR_SIM_LOG_H
#define MNCR_SIM_LOG_H

void sim_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
