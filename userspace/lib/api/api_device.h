/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The public reader handle's insides (mncr/reader.h), shared by the
 * api/ sources that take one; never installed.
 */
#ifndef MNCR_API_DEVICE_H
#define MNCR_API_DEVICE_H

#include <stdbool.h>

#include <mncr/reader.h>

#include "reader/reader.h"

struct mncr_device {
	struct mncr_reader r;		/* from sysfs, at open */
	int fd;				/* its node */
	bool writable;
};

#endif
