// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "face/face_align.h"
#include "face/face_quality.h"

#define RAD_TO_DEG (180.0 / 3.14159265358979323846)

void mncr_face_quality_limits_default(struct mncr_face_quality_limits *l)
{
	l->min_eye_distance = 28;	/* pixels: the face some 75 wide */
	l->max_yaw = 35;	/* LFW: FTE 8.4% at 30, 4.8% at 35, FNMR unchanged */
	l->max_roll = 30;
	l->min_sharpness = 8;		/* LFW's softest 1% sit around 10-20 */
	l->min_brightness = 40;
	l->max_brightness = 215;
	l->min_contrast = 12;
	l->max_clipped = 0.25f;
}

static void centre(const struct mncr_face_point *p, int from, int to,
		   double *x, double *y)
{
	*x = *y = 0;
	for (int i = from; i <= to; i++) {
		*x += p[i].x;
		*y += p[i].y;
	}
	*x /= to - from + 1;
	*y /= to - from + 1;
}

/*
 * Pose from the landmarks, in the face's own frame (the eye line made
 * horizontal): yaw from where the nose tip (30) sits between the cheek
 * outline at its height (2 and 14), as on a cylinder: the offset from the
 * middle over the half width is sin(yaw).
 */
static void pose(const struct mncr_face_point *p, struct mncr_face_quality *q)
{
	double lx, ly, rx, ry, dx, dy, len, c, s, l, r, n, half, ratio;

	centre(p, 36, 41, &lx, &ly);	/* the image's left eye */
	centre(p, 42, 47, &rx, &ry);
	dx = rx - lx;
	dy = ry - ly;
	len = hypot(dx, dy);
	q->eye_distance = (float)len;
	q->roll = (float)(atan2(dy, dx) * RAD_TO_DEG);
	if (!(len > 0)) {
		q->yaw = 90;
		return;
	}
	c = dx / len;
	s = dy / len;
	/* x along the eye line */
	l = p[2].x * c + p[2].y * s;
	r = p[14].x * c + p[14].y * s;
	n = p[30].x * c + p[30].y * s;
	half = (r - l) / 2;
	if (!(half > 0)) {
		q->yaw = 90;
		return;
	}
	ratio = (n - (l + r) / 2) / half;
	ratio = ratio > 1 ? 1 : ratio < -1 ? -1 : ratio;
	q->yaw = (float)(asin(ratio) * RAD_TO_DEG);
}

/* Focus and light over the chip's face region. */
static void texture(const struct mncr_face_image *chip,
		    struct mncr_face_quality *q)
{
	const int lo = MNCR_FACE_Q_REGION_LO, hi = MNCR_FACE_Q_REGION_HI;
	double s = 0, ss = 0, ls = 0, lss = 0, clipped = 0, n = 0, m;

	for (int y = lo; y < hi; y++) {
		const uint8_t *r = chip->px + (size_t)y * (size_t)chip->w;

		for (int x = lo; x < hi; x++) {
			double lap = 4.0 * r[x] - r[x - 1] - r[x + 1] -
				     r[(int)x - chip->w] - r[x + chip->w];

			s += r[x];
			ss += (double)r[x] * r[x];
			ls += lap;
			lss += lap * lap;
			clipped += r[x] <= 5 || r[x] >= 250;
			n++;
		}
	}
	m = s / n;
	q->brightness = (float)m;
	q->contrast = (float)sqrt(fmax(ss / n - m * m, 0));
	q->sharpness = (float)fmax(lss / n - (ls / n) * (ls / n), 0);
	q->clipped = (float)(clipped / n);
}

int mncr_face_quality_measure(const struct mncr_face_point pts[MNCR_FACE_LANDMARKS],
			      const struct mncr_face_image *chip,
			      struct mncr_face_quality *q)
{
	if (!pts || !chip || !chip->px || !q || chip->w != MNCR_FACE_CHIP_SIZE ||
	    chip->h != MNCR_FACE_CHIP_SIZE)
		return -EINVAL;
	for (int i = 0; i < MNCR_FACE_LANDMARKS; i++)
		if (!isfinite(pts[i].x) || !isfinite(pts[i].y))
			return -EINVAL;
	memset(q, 0, sizeof(*q));
	pose(pts, q);
	texture(chip, q);
	return 0;
}

unsigned mncr_face_quality_check(const struct mncr_face_quality *q,
				 const struct mncr_face_quality_limits *l)
{
	unsigned f = 0;

	/* written so that NaN fails */
	if (!(q->eye_distance >= l->min_eye_distance))
		f |= MNCR_FACE_Q_SMALL;
	if (!(fabsf(q->yaw) <= l->max_yaw))
		f |= MNCR_FACE_Q_YAW;
	if (!(fabsf(q->roll) <= l->max_roll))
		f |= MNCR_FACE_Q_ROLL;
	if (!(q->sharpness >= l->min_sharpness))
		f |= MNCR_FACE_Q_BLUR;
	if (!(q->brightness >= l->min_brightness))
		f |= MNCR_FACE_Q_DARK;
	if (!(q->brightness <= l->max_brightness))
		f |= MNCR_FACE_Q_BRIGHT;
	if (!(q->contrast >= l->min_contrast))
		f |= MNCR_FACE_Q_CONTRAST;
	if (!(q->clipped <= l->max_clipped))
		f |= MNCR_FACE_Q_CLIPPED;
	return f;
}

const char *mncr_face_quality_reason(unsigned fail)
{
	switch (fail) {
	case MNCR_FACE_Q_SMALL:
		return "face too small";
	case MNCR_FACE_Q_YAW:
		return "head turned";
	case MNCR_FACE_Q_ROLL:
		return "head tilted";
	case MNCR_FACE_Q_BLUR:
		return "out of focus";
	case MNCR_FACE_Q_DARK:
		return "too dark";
	case MNCR_FACE_Q_BRIGHT:
		return "too bright";
	case MNCR_FACE_Q_CONTRAST:
		return "low contrast";
	case MNCR_FACE_Q_CLIPPED:
		return "over- or underexposed";
	case 0:
		return "";
	default:
		return "unknown";
	}
}

char *mncr_face_quality_describe(unsigned fails, char *buf, size_t len)
{
	size_t used = 0;

	if (!buf || !len)
		return buf;
	buf[0] = 0;
	for (int i = 0; i < MNCR_FACE_Q_GATES; i++) {
		unsigned bit = 1u << i;
		int n;

		if (!(fails & bit))
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
			     mncr_face_quality_reason(bit));
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	return buf;
}
