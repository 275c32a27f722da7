// SPDX-License-Identifier: LGPL-2.1-or-later
#include <mncr/version.h>

#define STR_(x) #x
#define STR(x) STR_(x)

const char *mncr_version(void)
{
	return STR(MNCR_VERSION_MAJOR) "." STR(MNCR_VERSION_MINOR) "."
	       STR(MNCR_VERSION_MICRO);
}
