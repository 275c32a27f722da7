/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The monotonic clock in milliseconds: deadlines and timeouts are on it. */
#ifndef MNCR_CLOCK_MS_H
#define MNCR_CLOCK_MS_H

#include <stdint.h>

/* CLOCK_MONOTONIC in milliseconds. */
uint64_t mncr_now_ms(void);

#endif
