// SPDX-License-Identifier: LGPL-2.1-or-later
#include "face/face_cpu.h"

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
int mncr_face_cpu_avx2(void)
{
	return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

int mncr_face_cpu_avx512(void)
{
	return __builtin_cpu_supports("avx512f") != 0;
}
#else
int mncr_face_cpu_avx2(void)
{
	return 0;
}

int mncr_face_cpu_avx512(void)
{
	return 0;
}
#endif
