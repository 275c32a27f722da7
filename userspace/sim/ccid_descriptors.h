/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CCID interface's FunctionFS descriptors (v2, full and high speed):
 * interface class 0x0b, the CCID class descriptor, bulk OUT, bulk IN and
 * interrupt IN, and its string table. FunctionFS renumbers the interface
 * (it follows the control one) and the endpoints.
 */
#ifndef MNCR_SIM_CCID_DESCRIPTORS_H
#define MNCR_SIM_CCID_DESCRIPTORS_H

#include <stdint.h>

#include "card/ccid.h"
#include "ffs_descriptors.h"

#define CCID_EP_OUT	"ep1"
#define CCID_EP_IN	"ep2"
#define CCID_EP_INT	"ep3"

#define CCID_INTERFACE_NAME "mncr smart card"

/* dwFeatures: automatic everything, short and extended APDU exchange. */
#define CCID_SIM_FEATURES	0x000400bau

/* The 54-byte CCID class descriptor, for a descriptor set of our own. */
void ccid_class_descriptor(uint8_t out[MNCR_CCID_DESC_LEN]);

void ccid_build_descriptors(struct ffs_blob *blob);
void ccid_build_strings(struct ffs_blob *blob);

#endif
