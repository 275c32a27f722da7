/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What every public libmncr header shares: the visibility mark of the
 * exported functions and the C++ linkage brackets. libmncr.so exports
 * exactly the functions marked MNCR_PUBLIC (userspace/lib/libmncr.map,
 * checked by tests/abi/check).
 */
#ifndef MNCR_EXPORT_H
#define MNCR_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define MNCR_PUBLIC __attribute__((visibility("default")))
#define MNCR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define MNCR_PUBLIC
#define MNCR_PRINTF(f, a)
#endif

#ifdef __cplusplus
#define MNCR_BEGIN_DECLS extern "C" {
#define MNCR_END_DECLS }
#else
#define MNCR_BEGIN_DECLS
#define MNCR_END_DECLS
#endif

#endif
