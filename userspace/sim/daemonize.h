/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --daemon: the parent waits until the child reports the reader ready (or
 * fails, or takes too long) and exits with that outcome; the child serves.
 */
#ifndef MNCR_SIM_DAEMONIZE_H
#define MNCR_SIM_DAEMONIZE_H

/*
 * Forks. Returns in the child only, with the fd to report on; the parent
 * exits 0 once the child calls daemon_ready, 1 otherwise.
 */
int daemon_start(unsigned timeout_ms);

/*
 * Detaches stdio (to log_path when given, else /dev/null) and tells the
 * parent we are ready.
 */
void daemon_ready(int fd, const char *log_path);

#endif
