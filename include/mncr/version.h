/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libmncr's version: the macros say what a program was compiled against,
 * mncr_version() what it runs with. The soname (libmncr.so.0) changes only
 * when the ABI breaks (Documentation/libmncr.rst, "ABI policy").
 */
#ifndef MNCR_VERSION_H
#define MNCR_VERSION_H

#include <mncr/export.h>

#define MNCR_VERSION_MAJOR	0
#define MNCR_VERSION_MINOR	1
#define MNCR_VERSION_MICRO	0

MNCR_BEGIN_DECLS

/* "MAJOR.MINOR.MICRO" of the library in use, e.g. "0.1.0". */
MNCR_PUBLIC const char *mncr_version(void);

MNCR_END_DECLS

#endif
