// SPDX-License-Identifier: LGPL-2.1-or-later
#include "flow/claim_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int mncr_claim_file_open(const char *path)
{
	struct stat st;
	int fd, flags;

	if (!path || !path[0])
		return -EINVAL;
	/* O_NONBLOCK: a FIFO planted at path must not hang the open. */
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK,
		  0600);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0 ||
	    fchmod(fd, 0600) < 0 || ftruncate(fd, 0) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	return fd;
}

int mncr_claim_file_write(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int mncr_claim_file_close(int fd, const char *path, int ret)
{
	if (ret == 0 && fsync(fd) < 0)
		ret = -errno;
	if (ret < 0) {
		if (ftruncate(fd, 0) < 0) {
			/* unlinked below anyway */
		}
		unlink(path);
	}
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	return ret;
}
