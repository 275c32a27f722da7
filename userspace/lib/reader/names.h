/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Stable names for the driver ABI's numbers, used in text and JSON output. */
#ifndef MNCR_NAMES_H
#define MNCR_NAMES_H

#include <stdint.h>

const char *mncr_mode_name(uint32_t mode);	/* "auto", "visual", "unknown" */
int mncr_mode_parse(const char *name, uint32_t *mode);	/* 0 or -EINVAL */
const char *mncr_event_name(uint32_t type);	/* "card_inserted", ... */
const char *mncr_reason_name(uint32_t reason);	/* "timeout", ... */
/* A sentence for technicians: why a visual lease ended. */
const char *mncr_reason_text(uint32_t reason);

#endif
