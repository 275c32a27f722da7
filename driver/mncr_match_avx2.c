// SPDX-License-Identifier: GPL-2.0
/*
 * mncr: AVX2 block scorer (x86-64 only).
 *
 * Called by mncr_match.c between kernel_fpu_begin() and kernel_fpu_end(),
 * only when the CPU has AVX2 and the OS enabled the YMM state. Plain
 * inline assembly, so this file needs no special compiler flags; kernel
 * C code never uses the vector registers, so they may carry values from
 * one asm statement to the next (as in lib/raid6/avx2.c).
 *
 * Exactness: int8 values are sign-extended to int16 (vpmovsxbw) and
 * multiplied pairwise into int32 (vpmaddwd); |a * b| <= 2^14, so no step
 * saturates or overflows, -128 * -128 included. (vpmaddubsw would
 * saturate and is not used.)
 */

#include "mncr.h"

/* wide[i] = a[i] for i < n16 (a multiple of 16) */
static void mncr_widen(const s8 *a, s16 *wide, unsigned long n16)
{
	unsigned long i;

	for (i = 0; i < n16; i += 16)
		asm volatile("vpmovsxbw %1, %%ymm0\n\t"
			     "vmovdqu %%ymm0, %0"
			     : "=m" (*(s16 (*)[16])(wide + i))
			     : "m" (*(const s8 (*)[16])(a + i)));
}

/* out[k] = sum_{i < n16} wide[i] * b[k][i], k < 4; n16 >= 16 */
static void mncr_dot4(const s16 *wide, const s8 *const *b, unsigned long n16,
		      s32 *out)
{
	unsigned long i = 0;

	asm volatile("vpxor %%ymm0, %%ymm0, %%ymm0\n\t"
		     "vpxor %%ymm1, %%ymm1, %%ymm1\n\t"
		     "vpxor %%ymm2, %%ymm2, %%ymm2\n\t"
		     "vpxor %%ymm3, %%ymm3, %%ymm3\n\t"
		     "1:\n\t"
		     "vmovdqu (%[w],%[i],2), %%ymm4\n\t"
		     "vpmovsxbw (%[b0],%[i]), %%ymm5\n\t"
		     "vpmovsxbw (%[b1],%[i]), %%ymm6\n\t"
		     "vpmovsxbw (%[b2],%[i]), %%ymm7\n\t"
		     "vpmovsxbw (%[b3],%[i]), %%ymm8\n\t"
		     "vpmaddwd %%ymm4, %%ymm5, %%ymm5\n\t"
		     "vpmaddwd %%ymm4, %%ymm6, %%ymm6\n\t"
		     "vpmaddwd %%ymm4, %%ymm7, %%ymm7\n\t"
		     "vpmaddwd %%ymm4, %%ymm8, %%ymm8\n\t"
		     "vpaddd %%ymm5, %%ymm0, %%ymm0\n\t"
		     "vpaddd %%ymm6, %%ymm1, %%ymm1\n\t"
		     "vpaddd %%ymm7, %%ymm2, %%ymm2\n\t"
		     "vpaddd %%ymm8, %%ymm3, %%ymm3\n\t"
		     "add $16, %[i]\n\t"
		     "cmp %[n], %[i]\n\t"
		     "jb 1b\n\t"
		     /* [a b c d] lanes -> one int32 each */
		     "vphaddd %%ymm1, %%ymm0, %%ymm0\n\t"
		     "vphaddd %%ymm3, %%ymm2, %%ymm2\n\t"
		     "vphaddd %%ymm2, %%ymm0, %%ymm0\n\t"
		     "vextracti128 $1, %%ymm0, %%xmm1\n\t"
		     "vpaddd %%xmm1, %%xmm0, %%xmm0\n\t"
		     "vmovdqu %%xmm0, %[out]"
		     : [i] "+r" (i), [out] "=m" (*(s32 (*)[4])out)
		     : [w] "r" (wide), [b0] "r" (b[0]), [b1] "r" (b[1]),
		       [b2] "r" (b[2]), [b3] "r" (b[3]), [n] "r" (n16)
		     : "cc", "memory");
}

/* sum_{i < n16} wide[i] * b[i]; n16 >= 16 */
static s32 mncr_dot1(const s16 *wide, const s8 *b, unsigned long n16)
{
	unsigned long i = 0;
	s32 out;

	asm volatile("vpxor %%ymm0, %%ymm0, %%ymm0\n\t"
		     "1:\n\t"
		     "vpmovsxbw (%[b],%[i]), %%ymm5\n\t"
		     "vpmaddwd (%[w],%[i],2), %%ymm5, %%ymm5\n\t"
		     "vpaddd %%ymm5, %%ymm0, %%ymm0\n\t"
		     "add $16, %[i]\n\t"
		     "cmp %[n], %[i]\n\t"
		     "jb 1b\n\t"
		     "vextracti128 $1, %%ymm0, %%xmm1\n\t"
		     "vpaddd %%xmm1, %%xmm0, %%xmm0\n\t"
		     "vpshufd $0x4e, %%xmm0, %%xmm1\n\t"
		     "vpaddd %%xmm1, %%xmm0, %%xmm0\n\t"
		     "vpshufd $0xb1, %%xmm0, %%xmm1\n\t"
		     "vpaddd %%xmm1, %%xmm0, %%xmm0\n\t"
		     "vmovd %%xmm0, %[out]"
		     : [i] "+r" (i), [out] "=r" (out)
		     : [w] "r" (wide), [b] "r" (b), [n] "r" (n16)
		     : "cc", "memory");
	return out;
}

static s32 mncr_dot_tail(const s8 *a, const s8 *b, unsigned int from,
			 unsigned int dim)
{
	s32 sum = 0;

	for (; from < dim; from++)
		sum += a[from] * b[from];
	return sum;
}

/**
 * mncr_score_avx2() - scores[p * nr + r] = probe[p] . ref[r]
 * @probe: @np vectors of @dim int8, one after another
 * @np: number of probes
 * @ref: @nr pointers to vectors of @dim int8
 * @nr: number of references
 * @dim: vector length, at least 16
 * @scores: @np * @nr results
 * @wide: scratch for one probe widened to int16, ALIGN(@dim, 16) entries
 *
 * Context: between kernel_fpu_begin() and kernel_fpu_end().
 */
void mncr_score_avx2(const s8 *probe, unsigned int np, const s8 *const *ref,
		     unsigned int nr, unsigned int dim, s32 *scores,
		     s16 *wide)
{
	unsigned long n16 = dim & ~15U;
	unsigned int p, r, k;

	for (p = 0; p < np; p++, scores += nr) {
		const s8 *a = probe + (size_t)p * dim;

		mncr_widen(a, wide, n16);
		for (r = 0; r + 4 <= nr; r += 4) {
			mncr_dot4(wide, ref + r, n16, scores + r);
			if (n16 < dim)
				for (k = 0; k < 4; k++)
					scores[r + k] +=
						mncr_dot_tail(a, ref[r + k],
							      n16, dim);
		}
		for (; r < nr; r++)
			scores[r] = mncr_dot1(wide, ref[r], n16) +
				    mncr_dot_tail(a, ref[r], n16, dim);
	}
	asm volatile("vzeroupper");
}
