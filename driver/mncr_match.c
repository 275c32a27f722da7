// SPDX-License-Identifier: GPL-2.0
/*
 * mncr: MNCR_IOC_MATCH, exact int8 dot products.
 *
 * On the device when it has a match engine and the caller allows it,
 * split into MATCH commands that fit one frame and the device's vector
 * limit; otherwise in the kernel, streaming the references from user
 * space in cache-sized chunks (bounded allocations whatever the batch),
 * with AVX2 on x86-64 CPUs that have it. Both paths check for fatal
 * signals and unplug between chunks.
 */

#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#ifdef CONFIG_X86_64
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#endif

#include "mncr.h"

#define MNCR_GROUP_BYTES	16384	/* reference bytes scored per group */
#define MNCR_GROUP_MAX		1024	/* references per group */
#define MNCR_PROBE_CHUNK	8192	/* probe bytes per chunk */
#define MNCR_SCORE_CHUNK	4096	/* scores per probe chunk x group */
#define MNCR_PIN_PAGES		8	/* user pages pinned at a time */
#define MNCR_ZEROCOPY_MIN	65536	/* smaller batches are copied */
#define MNCR_SIMD_MIN_BYTES	2048	/* smaller groups: scalar is faster */
#define MNCR_SMALL_BYTES	1024	/* probe + reference bytes on stack */
#define MNCR_SMALL_SCORES	16

static bool mncr_have_avx2 __ro_after_init;

void mncr_match_setup(void)
{
#ifdef CONFIG_X86_64
	mncr_have_avx2 = boot_cpu_has(X86_FEATURE_AVX) &&
			 boot_cpu_has(X86_FEATURE_AVX2) &&
			 cpu_has_xfeatures(XFEATURE_MASK_SSE | XFEATURE_MASK_YMM,
					   NULL);
#endif
	pr_debug("mncr: AVX2 match kernel %savailable\n",
		 mncr_have_avx2 ? "" : "not ");
}

/* scores[p * nr + r] = probe[p] . ref[r] */
static void mncr_score_scalar(const s8 *probe, unsigned int np,
			      const s8 *const *ref, unsigned int nr,
			      unsigned int dim, s32 *scores)
{
	unsigned int p, r;

	for (p = 0; p < np; p++) {
		const s8 *a = probe + (size_t)p * dim;
		const s8 *end4 = a + (dim & ~3U);

		for (r = 0; r < nr; r++) {
			const s8 *pa = a, *pb = ref[r];
			s32 s0 = 0, s1 = 0, s2 = 0, s3 = 0;

			for (; pa < end4; pa += 4, pb += 4) {
				s0 += pa[0] * pb[0];
				s1 += pa[1] * pb[1];
				s2 += pa[2] * pb[2];
				s3 += pa[3] * pb[3];
			}
			for (; pa < a + dim; pa++, pb++)
				s0 += *pa * *pb;
			*scores++ = s0 + s1 + s2 + s3;
		}
	}
}

static void mncr_score(const s8 *probe, unsigned int np,
		       const s8 *const *ref, unsigned int nr, unsigned int dim,
		       s32 *scores, s16 *wide)
{
#ifdef CONFIG_X86_64
	if (wide && READ_ONCE(mncr_use_simd) && dim >= 16 &&
	    (size_t)nr * dim >= MNCR_SIMD_MIN_BYTES) {
		kernel_fpu_begin();
		mncr_score_avx2(probe, np, ref, nr, dim, scores, wide);
		kernel_fpu_end();
		return;
	}
#endif
	mncr_score_scalar(probe, np, ref, nr, dim, scores);
}

/* Between chunks: give way, and stop for a fatal signal or an unplug. */
static int mncr_match_checkpoint(struct mncr_dev *dev)
{
	if (fatal_signal_pending(current))
		return -EINTR;
	if (READ_ONCE(dev->disconnected))
		return -ENODEV;
	cond_resched();
	return 0;
}

/* A 1:1-sized call: everything on the stack, no allocation. */
static int mncr_match_small(const struct mncr_match *m)
{
	unsigned int dim = m->dim, np = m->n_probe, nr = m->n_ref, r;
	s8 buf[MNCR_SMALL_BYTES];
	const s8 *ref[MNCR_SMALL_SCORES];
	s32 scores[MNCR_SMALL_SCORES];
	size_t pbytes = (size_t)np * dim;

	if (copy_from_user(buf, u64_to_user_ptr(m->probe), pbytes) ||
	    copy_from_user(buf + pbytes, u64_to_user_ptr(m->ref),
			   (size_t)nr * dim))
		return -EFAULT;
	for (r = 0; r < nr; r++)
		ref[r] = buf + pbytes + (size_t)r * dim;
	mncr_score_scalar(buf, np, ref, nr, dim, scores);
	if (copy_to_user(u64_to_user_ptr(m->scores), scores,
			 (size_t)np * nr * sizeof(s32)))
		return -EFAULT;
	return 0;
}

/* State of one kernel-path match. */
struct mncr_kmatch {
	unsigned int dim;
	unsigned int gmax;		/* references per group */
	const u8 __user *uref;
	s8 *copy;			/* gmax copied references */
	s8 *bounce;			/* page-straddling references */
	const s8 *ref[MNCR_GROUP_MAX];	/* the group's references */
	struct page *pages[MNCR_PIN_PAGES];
};

/* Copy path: references r0 .. r0 + n - 1 into k->copy. */
static int mncr_group_copy(struct mncr_kmatch *k, unsigned int r0,
			   unsigned int n)
{
	unsigned int i;

	if (copy_from_user(k->copy, k->uref + (size_t)r0 * k->dim,
			   (size_t)n * k->dim))
		return -EFAULT;
	for (i = 0; i < n; i++)
		k->ref[i] = k->copy + (size_t)i * k->dim;
	return n;
}

/*
 * Zero-copy path: pin (read-only) the user pages under up to @want
 * references from @r0 and point k->ref[] into the kernel's mapping of
 * them; a reference that straddles two pages is copied to k->bounce.
 * Returns how many references are ready (0: use the copy path, which also
 * gives -EFAULT for what cannot be pinned); *@pinned pages must be
 * unpinned once they are scored.
 */
static unsigned int mncr_group_pin(struct mncr_kmatch *k, unsigned int r0,
				   unsigned int want, int *pinned)
{
	unsigned long start = (unsigned long)(k->uref + (size_t)r0 * k->dim);
	unsigned long first = start & PAGE_MASK;
	unsigned long end = start + (size_t)want * k->dim;
	unsigned int i, nb = 0;
	int got;

	got = pin_user_pages_fast(first,
				  min_t(unsigned long, MNCR_PIN_PAGES,
					DIV_ROUND_UP(end - first, PAGE_SIZE)),
				  0, k->pages);
	*pinned = max(got, 0);
	if (got <= 0)
		return 0;
	end = min(end, first + (unsigned long)got * PAGE_SIZE);
	for (i = 0; i < want; i++) {
		unsigned long a = start + (size_t)i * k->dim;
		unsigned int pg = (a - first) >> PAGE_SHIFT;
		unsigned int off = offset_in_page(a), head;
		const u8 *base;
		s8 *b;

		if (a + k->dim > end)
			break;
		base = page_address(k->pages[pg]);
		if (off + k->dim <= PAGE_SIZE) {
			k->ref[i] = (const s8 *)base + off;
			continue;
		}
		if (nb == MNCR_PIN_PAGES)
			break;
		b = k->bounce + (size_t)nb++ * k->dim;
		head = PAGE_SIZE - off;
		memcpy(b, base + off, head);
		memcpy(b + head, page_address(k->pages[pg + 1]), k->dim - head);
		k->ref[i] = b;
	}
	return i;
}

static int mncr_match_kernel(struct mncr_dev *dev, const struct mncr_match *m)
{
	const u8 __user *uprobe = u64_to_user_ptr(m->probe);
	s32 __user *uscores = u64_to_user_ptr(m->scores);
	unsigned int dim = m->dim, np = m->n_probe, nr = m->n_ref;
	unsigned int pc, p0, r0, pn, rn, p;
	size_t pbytes, cbytes, bbytes, wbytes, sbytes;
	struct mncr_kmatch *k;
	bool zerocopy;
	s16 *wide;
	s32 *sbuf;
	s8 *pbuf;
	int pinned, ret = 0;

	if ((size_t)(np + nr) * dim <= MNCR_SMALL_BYTES &&
	    np * nr <= MNCR_SMALL_SCORES)
		return mncr_match_small(m);

	k = kzalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return -ENOMEM;
	k->dim = dim;
	k->uref = u64_to_user_ptr(m->ref);
	k->gmax = min3(nr, max(1U, MNCR_GROUP_BYTES / dim), MNCR_GROUP_MAX);
	pc = min3(np, max(1U, MNCR_PROBE_CHUNK / dim),
		  MNCR_SCORE_CHUNK / k->gmax);
	/* direct map only: no highmem, x86-64 only (no cache aliasing) */
	zerocopy = IS_ENABLED(CONFIG_X86_64) &&
		   (size_t)nr * dim >= MNCR_ZEROCOPY_MIN;

	pbytes = ALIGN((size_t)pc * dim, 32);
	cbytes = ALIGN((size_t)k->gmax * dim, 32);
	bbytes = zerocopy ? ALIGN((size_t)MNCR_PIN_PAGES * dim, 32) : 0;
	wbytes = mncr_have_avx2 ? ALIGN(dim, 16) * sizeof(s16) : 0;
	sbytes = (size_t)pc * k->gmax * sizeof(s32);
	pbuf = kvmalloc(pbytes + cbytes + bbytes + wbytes + sbytes,
			GFP_KERNEL);
	if (!pbuf) {
		kfree(k);
		return -ENOMEM;
	}
	k->copy = pbuf + pbytes;
	k->bounce = k->copy + cbytes;
	wide = wbytes ? (s16 *)(k->bounce + bbytes) : NULL;
	sbuf = (s32 *)(k->bounce + bbytes + wbytes);

	for (p0 = 0; p0 < np; p0 += pn) {
		pn = min(pc, np - p0);
		if (copy_from_user(pbuf, uprobe + (size_t)p0 * dim,
				   (size_t)pn * dim)) {
			ret = -EFAULT;
			goto out;
		}
		for (r0 = 0; r0 < nr; r0 += rn) {
			rn = min(k->gmax, nr - r0);
			pinned = 0;
			if (zerocopy) {
				unsigned int ready = mncr_group_pin(k, r0, rn,
								    &pinned);

				if (!ready && pinned) {
					unpin_user_pages(k->pages, pinned);
					pinned = 0;
				}
				if (ready)
					rn = ready;
			}
			if (!pinned) {
				ret = mncr_group_copy(k, r0, rn);
				if (ret < 0)
					goto out;
			}
			mncr_score(pbuf, pn, k->ref, rn, dim, sbuf, wide);
			if (pinned)
				unpin_user_pages(k->pages, pinned);
			ret = 0;
			for (p = 0; p < pn; p++) {
				if (copy_to_user(uscores + (size_t)(p0 + p) * nr + r0,
						 sbuf + (size_t)p * rn,
						 rn * sizeof(s32))) {
					ret = -EFAULT;
					goto out;
				}
			}
			ret = mncr_match_checkpoint(dev);
			if (ret)
				goto out;
		}
	}
out:
	kvfree(pbuf);
	kfree(k);
	return ret;
}

/*
 * Device path: blocks of pb probes x rb references, each one MATCH
 * command of at most MNCR_PROTO_MAX_PAYLOAD bytes either way and at most
 * the device's vectors per command. -EOPNOTSUPP when the shape does not
 * fit the device at all (the caller then scores in the kernel). User
 * memory is only touched outside io_mutex, through a per-call buffer, so
 * a slow page fault cannot hold up other users of the reader.
 */
static int mncr_match_device(struct mncr_dev *dev, const struct mncr_match *m)
{
	const u8 __user *uprobe = u64_to_user_ptr(m->probe);
	const u8 __user *uref = u64_to_user_ptr(m->ref);
	s32 __user *uscores = u64_to_user_ptr(m->scores);
	unsigned int dim = m->dim, np = m->n_probe, nr = m->n_ref;
	unsigned int vmax, smax, pb, rb, p0, r0, pn, rn, p, i;
	struct mncr_wire_match *wm;
	size_t len, rsp_len;
	s32 *scores;
	u8 *buf;
	int ret = 0;

	if (dim > dev->dev_max_dim)
		return -EOPNOTSUPP;
	vmax = min_t(unsigned int, dev->dev_max_vectors,
		     (MNCR_PROTO_MAX_PAYLOAD - sizeof(*wm)) / dim);
	if (vmax < 2)
		return -EOPNOTSUPP;
	smax = MNCR_PROTO_MAX_PAYLOAD / sizeof(__le32);
	if (np <= nr) {
		pb = min(np, max(vmax / 2, 1U));
		rb = min3(nr, vmax - pb, smax / pb);
	} else {
		rb = min(nr, max(vmax / 2, 1U));
		pb = min3(np, vmax - rb, smax / rb);
	}

	buf = kvmalloc(MNCR_PROTO_MAX_PAYLOAD, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	wm = (struct mncr_wire_match *)buf;
	scores = (s32 *)buf;
	for (p0 = 0; p0 < np; p0 += pn) {
		pn = min(pb, np - p0);
		for (r0 = 0; r0 < nr; r0 += rn) {
			rn = min(rb, nr - r0);
			wm->dim = cpu_to_le16(dim);
			wm->n_probe = cpu_to_le16(pn);
			wm->n_ref = cpu_to_le16(rn);
			wm->reserved = 0;
			len = sizeof(*wm) + (size_t)(pn + rn) * dim;
			rsp_len = (size_t)pn * rn * sizeof(__le32);
			if (copy_from_user(buf + sizeof(*wm),
					   uprobe + (size_t)p0 * dim,
					   (size_t)pn * dim) ||
			    copy_from_user(buf + sizeof(*wm) + (size_t)pn * dim,
					   uref + (size_t)r0 * dim,
					   (size_t)rn * dim)) {
				ret = -EFAULT;
				goto out;
			}

			if (mutex_lock_killable(&dev->io_mutex)) {
				ret = -EINTR;
				goto out;
			}
			memcpy(mncr_cmd_payload(dev), buf, len);
			ret = mncr_command(dev, MNCR_CMD_MATCH, len, rsp_len,
					   MNCR_PROTO_MATCH_TIMEOUT_MS);
			if (ret >= 0)
				memcpy(buf, mncr_rsp_payload(dev), rsp_len);
			mutex_unlock(&dev->io_mutex);
			if (ret < 0)
				goto out;

			for (i = 0; i < pn * rn; i++)
				scores[i] = le32_to_cpu(((__le32 *)buf)[i]);
			for (p = 0; p < pn; p++) {
				if (copy_to_user(uscores + (size_t)(p0 + p) * nr + r0,
						 scores + (size_t)p * rn,
						 rn * sizeof(s32))) {
					ret = -EFAULT;
					goto out;
				}
			}
			ret = mncr_match_checkpoint(dev);
			if (ret)
				goto out;
		}
	}
out:
	kvfree(buf);
	return ret;
}

long mncr_ioctl_match(struct mncr_dev *dev, void __user *argp)
{
	struct mncr_match __user *um = argp;
	struct mncr_match m;
	bool on_device;
	int ret;

	if (copy_from_user(&m, um, sizeof(m)))
		return -EFAULT;
	if (m.reserved[0] || m.reserved[1] || m.reserved[2] || m.reserved[3] ||
	    (m.flags & ~(MNCR_MATCH_F_KERNEL | MNCR_MATCH_F_DEVICE)))
		return -EINVAL;
	if (!m.dim || m.dim > MNCR_MATCH_MAX_DIM || !m.n_probe || !m.n_ref)
		return -EINVAL;
	if ((u64)m.n_probe * m.n_ref > MNCR_MATCH_MAX_SCORES ||
	    (u64)m.n_probe + m.n_ref > MNCR_MATCH_MAX_VECTORS)
		return -E2BIG;

	on_device = (dev->caps & MNCR_CAP_MATCH_ENGINE) &&
		    !(m.flags & MNCR_MATCH_F_KERNEL);
	if (on_device) {
		ret = mncr_match_device(dev, &m);
		if (ret == -EOPNOTSUPP)
			on_device = false;
		else if (ret)
			return ret;
	}
	if (!on_device) {
		ret = mncr_match_kernel(dev, &m);
		if (ret)
			return ret;
	}

	m.flags &= MNCR_MATCH_F_KERNEL;
	if (on_device)
		m.flags |= MNCR_MATCH_F_DEVICE;
	return put_user(m.flags, &um->flags);
}
