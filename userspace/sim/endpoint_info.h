/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a bulk IN endpoint's packet size is, for the zero-length packet
 * that ends a transfer of whole packets. FunctionFS tells it per endpoint
 * (FUNCTIONFS_ENDPOINT_DESC); GadgetFS endpoint files do not, so the
 * GadgetFS device records it from the bus speed when the host configures
 * it (sim_device.bulk_maxp). A wrong size is not harmless: a ZLP after a
 * transfer that already ended short stays queued and answers the host's
 * next read with nothing.
 */
#ifndef MNCR_SIM_ENDPOINT_INFO_H
#define MNCR_SIM_ENDPOINT_INFO_H

#include "device_state.h"

/* fd's wMaxPacketSize; 0 when unknown (then send no ZLP). */
unsigned endpoint_max_packet(int fd, struct sim_device *dev);

#endif
