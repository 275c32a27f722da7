/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What we write to FunctionFS ep0 before anything else: interface 0's
 * descriptors (v2 format, full and high speed) and its string table.
 */
#ifndef MNCR_SIM_FFS_DESCRIPTORS_H
#define MNCR_SIM_FFS_DESCRIPTORS_H

#include <stddef.h>
#include <stdint.h>

#include "faults.h"

/*
 * The endpoint files FunctionFS creates, in descriptor order: ep1 bulk
 * OUT (commands), ep2 bulk IN (responses), ep3 interrupt IN (events).
 */
#define FFS_EP_OUT	"ep1"
#define FFS_EP_IN	"ep2"
#define FFS_EP_INT	"ep3"

#define FFS_INTERFACE_NAME "mncr control"

struct ffs_blob {
	uint8_t data[256];
	size_t len;
};

/* Interface 0's descriptors as @kind says (DESC_GOOD: the real ones). */
void ffs_build_descriptors(struct ffs_blob *blob, enum desc_fault kind);
void ffs_build_strings(struct ffs_blob *blob);

#endif
