/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reference face-template scorer: the numbers the driver's match ioctl
 * must reproduce exactly, on the device engine and in the kernel.
 */
#ifndef MNCR_MATCH_H
#define MNCR_MATCH_H

#include <stddef.h>
#include <stdint.h>

/*
 * scores[p * n_ref + r] = sum over i < dim of probe[p * dim + i] * ref[r * dim + i],
 * the exact int32 dot product (|score| <= 512 * 128 * 128 fits).
 */
void mncr_match_score_ref(const int8_t *probe, size_t n_probe,
			  const int8_t *ref, size_t n_ref, size_t dim,
			  int32_t *scores);

#endif
