/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The 申立書's output files: only the requested path, owner-only (0600),
 * never through a symlink or FIFO, and nothing left behind when writing
 * fails. Patient data goes to no other file (no temporaries).
 */
#ifndef MNCR_CLAIM_FILE_H
#define MNCR_CLAIM_FILE_H

#include <stddef.h>

/*
 * Opens path for writing, created mode 0600 or an existing regular file
 * truncated and set to 0600: the fd, or -errno (-EINVAL for an empty path
 * or one that is not a regular file, -ELOOP for a symlink).
 */
int mncr_claim_file_open(const char *path);

/* Writes all n bytes: 0 or -errno. */
int mncr_claim_file_write(int fd, const void *buf, size_t n);

/*
 * Ends what mncr_claim_file_open() began: with ret 0, fsync and close;
 * with ret < 0 (or a failing fsync) the file is emptied and removed.
 * Returns ret, or -errno of the first step that failed.
 */
int mncr_claim_file_close(int fd, const char *path, int ret);

#endif
