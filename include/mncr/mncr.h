/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libmncr, the library of the face-recognition My Number Card reader:
 * the one header an application includes. Build with
 * `pkg-config --cflags --libs mncr`; Documentation/libmncr.rst is the guide.
 */
#ifndef MNCR_MNCR_H
#define MNCR_MNCR_H

#include <mncr/export.h>
#include <mncr/version.h>
#include <mncr/reader.h>
#include <mncr/qualify.h>

#endif
