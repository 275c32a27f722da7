/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The face modules' error reporting: a printf-style reason into the
 * caller's buffer (which may be NULL or empty), and the code returned.
 */
#ifndef MNCR_FACE_ERR_H
#define MNCR_FACE_ERR_H

#include <stddef.h>

int mncr_face_seterr(char *err, size_t err_len, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
