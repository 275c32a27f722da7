/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the CPU can run, for the face kernels that come in one copy per
 * instruction set (face_conv's convolution, face_tensor's depthwise
 * convolution and pooling). 0 on other architectures and compilers.
 */
#ifndef MNCR_FACE_CPU_H
#define MNCR_FACE_CPU_H

/* 1 when the CPU has AVX2 and FMA, else 0. */
int mncr_face_cpu_avx2(void);
/* 1 when the CPU has AVX-512F, else 0. */
int mncr_face_cpu_avx512(void);

#endif
