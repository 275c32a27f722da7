/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small attribute files of sysfs and configfs: one value in, one value out. */
#ifndef MNCR_SIM_SYSFS_IO_H
#define MNCR_SIM_SYSFS_IO_H

#include <stddef.h>

/* Writes value in one write(2). Returns 0 or -errno. */
int attr_write(const char *path, const char *value);

/* Reads the file, strips trailing whitespace. Returns 0 or -errno. */
int attr_read(const char *path, char *buf, size_t len);

/* snprintf that reports truncation: 0, or -ENAMETOOLONG. */
int path_join(char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
