// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Liveness from a sequence of frames: blink (eye pixels), head turn
 * (yaw with non-affine landmark motion), rigid motion (one similarity per
 * frame explains the landmarks: a flat picture moved in front of the
 * camera). See face_liveness.h.
 */
#include "face/face_liveness.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "face/face_align.h"

#define RAD_TO_DEG (180.0 / M_PI)
#define MIN_BASELINE_FRAMES 4	/* open-eye level needs a few frames */

struct mncr_face_liveness {
	struct mncr_face_liveness_opts o;
	enum mncr_face_liveness_state state;
	char reason[96];
	int n;			/* frames with a face in this run */
	int gap;		/* frames without a face since the last one */
	struct mncr_face_point ref[MNCR_FACE_LANDMARKS];
	float open[MNCR_FACE_LIVENESS_WINDOW];	/* ring of openness values */
	int n_open;
	int away;		/* frames the openness has been off its level */
	int nonaffine_frames;	/* affine residual above turn_residual */
	int moved;
	float yaw_min, yaw_max, mouth_min, mouth_max;
};

void mncr_face_liveness_opts_default(struct mncr_face_liveness_opts *o)
{
	o->min_frames = 30;
	o->max_frames = 90;
	o->max_gap = 8;
	o->blink_change = 0.17f;
	o->blink_settle = 0.08f;
	o->blink_min_frames = 2;
	o->blink_max_frames = 8;
	o->mouth_range = 0.08f;
	o->moved_shift = 0.08f;
	o->moved_rotation = 2;
	o->moved_scale = 0.03f;
	o->turn_yaw = 15;
	o->turn_residual = 0.06f;
}

static int opts_valid(const struct mncr_face_liveness_opts *o)
{
	return o->min_frames > 0 && o->max_frames >= o->min_frames &&
	       o->max_gap >= 0 && o->blink_change > 0 &&
	       o->blink_settle > 0 && o->blink_settle < o->blink_change &&
	       o->blink_min_frames > 0 &&
	       o->blink_max_frames >= o->blink_min_frames && o->mouth_range > 0 &&
	       o->moved_shift > 0 && o->moved_rotation > 0 &&
	       o->moved_scale > 0 && o->turn_yaw > 0 && o->turn_residual > 0;
}

static void set_reason(struct mncr_face_liveness *l, const char *s)
{
	snprintf(l->reason, sizeof(l->reason), "%s", s);
}

void mncr_face_liveness_reset(struct mncr_face_liveness *l)
{
	struct mncr_face_liveness_opts o = l->o;

	memset(l, 0, sizeof(*l));
	l->o = o;
	l->state = MNCR_FACE_LIVENESS_PENDING;
	set_reason(l, "no face");
}

struct mncr_face_liveness *mncr_face_liveness_new(const struct mncr_face_liveness_opts *o)
{
	struct mncr_face_liveness *l;
	struct mncr_face_liveness_opts d;

	if (!o) {
		mncr_face_liveness_opts_default(&d);
		o = &d;
	}
	if (!opts_valid(o))
		return NULL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->o = *o;
	mncr_face_liveness_reset(l);
	return l;
}

void mncr_face_liveness_free(struct mncr_face_liveness *l)
{
	free(l);
}

enum mncr_face_liveness_state mncr_face_liveness_state(const struct mncr_face_liveness *l)
{
	return l->state;
}

const char *mncr_face_liveness_reason(const struct mncr_face_liveness *l)
{
	return l->reason;
}

const char *mncr_face_liveness_state_name(enum mncr_face_liveness_state s)
{
	switch (s) {
	case MNCR_FACE_LIVENESS_PENDING:
		return "pending";
	case MNCR_FACE_LIVENESS_LIVE:
		return "live";
	case MNCR_FACE_LIVENESS_SPOOF:
		return "spoof";
	}
	return "?";
}

static int points_finite(const struct mncr_face_point *p)
{
	for (int i = 0; i < MNCR_FACE_LANDMARKS; i++)
		if (!isfinite(p[i].x) || !isfinite(p[i].y))
			return 0;
	return 1;
}

static double dist(struct mncr_face_point a, struct mncr_face_point b)
{
	return hypot(a.x - b.x, a.y - b.y);
}

float mncr_face_eye_aspect_ratio(const struct mncr_face_point pts[MNCR_FACE_LANDMARKS],
				 int first)
{
	const struct mncr_face_point *e = pts + first;
	double w = dist(e[0], e[3]);

	if (!(w > 0))
		return 0;
	return (float)((dist(e[1], e[5]) + dist(e[2], e[4])) / (2 * w));
}

static double eye_distance(const struct mncr_face_point *p)
{
	double lx = 0, ly = 0, rx = 0, ry = 0;

	for (int i = 0; i < 6; i++) {
		lx += p[36 + i].x;
		ly += p[36 + i].y;
		rx += p[42 + i].x;
		ry += p[42 + i].y;
	}
	return hypot(rx - lx, ry - ly) / 6;
}

/* Bilinear sample at (x, y); -1 outside the frame. */
static double sample(const struct mncr_face_image *f, double x, double y)
{
	int x0 = (int)floor(x), y0 = (int)floor(y);
	double fx = x - x0, fy = y - y0;
	const uint8_t *r;

	if (x0 < 0 || y0 < 0 || x0 + 1 >= f->w || y0 + 1 >= f->h)
		return -1;
	r = f->px + (size_t)y0 * (size_t)f->w + x0;
	return (1 - fy) * ((1 - fx) * r[0] + fx * r[1]) +
	       fy * ((1 - fx) * r[f->w] + fx * r[f->w + 1]);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * The eye's frame: origin at the mean of its 6 points, u along the corners
 * (36 -> 39), v perpendicular (downwards in an upright face), unit = the
 * corner distance W. Eye region: |s| <= 0.55 W, |t| <= 0.3 W. Skin: the
 * band under the eye, t in 0.6..0.9 W, its median the reference. Openness:
 * the mean of max(0, skin - p) over the eye region, over the skin level.
 */
#define EYE_STEPS 12
float mncr_face_eye_openness(const struct mncr_face_image *frame,
			     const struct mncr_face_point pts[MNCR_FACE_LANDMARKS],
			     int first)
{
	const struct mncr_face_point *e = pts + first;
	double skin[(EYE_STEPS + 1) * 4], cx = 0, cy = 0, ux, uy, w, sum = 0;
	int ns = 0, ne = 0;

	if (!frame || !frame->px || !pts || (first != 36 && first != 42))
		return -1;
	for (int i = 0; i < 6; i++) {
		cx += e[i].x;
		cy += e[i].y;
	}
	cx /= 6;
	cy /= 6;
	ux = e[3].x - e[0].x;
	uy = e[3].y - e[0].y;
	w = hypot(ux, uy);
	if (!(w >= 2) || !isfinite(cx) || !isfinite(cy))
		return -1;
	/* (s, t) in units of W -> cx + s ux - t uy, cy + s uy + t ux */
	for (int j = 0; j < 4; j++) {
		double t = 0.6 + 0.1 * j;

		for (int i = 0; i <= EYE_STEPS; i++) {
			double s = -0.5 + (double)i / EYE_STEPS;
			double v = sample(frame, cx + s * ux - t * uy,
					  cy + s * uy + t * ux);

			if (v < 0)
				return -1;
			skin[ns++] = v;
		}
	}
	qsort(skin, (size_t)ns, sizeof(skin[0]), cmp_double);
	{
		double level = skin[ns / 2];

		if (!(level >= 1))
			level = 1;
		for (int j = 0; j <= EYE_STEPS / 2; j++) {
			double t = -0.3 + 0.6 * j / (EYE_STEPS / 2);

			for (int i = 0; i <= EYE_STEPS; i++) {
				double s = -0.55 + 1.1 * i / EYE_STEPS;
				double v = sample(frame, cx + s * ux - t * uy,
						  cy + s * uy + t * ux);

				if (v < 0)
					return -1;
				sum += v < level ? level - v : 0;
				ne++;
			}
		}
		return (float)(sum / ne / level);
	}
}

/* Least-squares affine map a -> b: b = A a + t. */
static int affine_fit(const struct mncr_face_point *a,
		      const struct mncr_face_point *b, int n, double m[6])
{
	double ax = 0, ay = 0, bx = 0, by = 0;
	double sxx = 0, sxy = 0, syy = 0, uxx = 0, uxy = 0, uyx = 0, uyy = 0;
	double det;

	for (int i = 0; i < n; i++) {
		ax += a[i].x;
		ay += a[i].y;
		bx += b[i].x;
		by += b[i].y;
	}
	ax /= n;
	ay /= n;
	bx /= n;
	by /= n;
	for (int i = 0; i < n; i++) {
		double x = a[i].x - ax, y = a[i].y - ay;
		double u = b[i].x - bx, v = b[i].y - by;

		sxx += x * x;
		sxy += x * y;
		syy += y * y;
		uxx += u * x;
		uxy += u * y;
		uyx += v * x;
		uyy += v * y;
	}
	det = sxx * syy - sxy * sxy;
	if (!(fabs(det) > 1e-9 * (sxx * syy + 1e-30)))
		return -EINVAL;
	/* [u] = [m0 m1] [x]   normal equations per output row */
	m[0] = (uxx * syy - uxy * sxy) / det;
	m[1] = (uxy * sxx - uxx * sxy) / det;
	m[3] = (uyx * syy - uyy * sxy) / det;
	m[4] = (uyy * sxx - uyx * sxy) / det;
	m[2] = bx - m[0] * ax - m[1] * ay;
	m[5] = by - m[3] * ax - m[4] * ay;
	return 0;
}

float mncr_face_shape_residual(const struct mncr_face_point a[MNCR_FACE_LANDMARKS],
			       const struct mncr_face_point b[MNCR_FACE_LANDMARKS],
			       int affine, float motion[3])
{
	const int n = MNCR_FACE_LANDMARKS;
	struct mncr_face_similarity t;
	double m[6], ss = 0, iod;

	if (!a || !b || !points_finite(a) || !points_finite(b))
		return -1;
	iod = eye_distance(b);
	if (!(iod > 0) || mncr_face_similarity_fit(a, b, n, &t))
		return -1;
	if (affine) {
		if (affine_fit(a, b, n, m))
			return -1;
	} else {
		m[0] = t.a;
		m[1] = -t.b;
		m[2] = t.tx;
		m[3] = t.b;
		m[4] = t.a;
		m[5] = t.ty;
	}
	for (int i = 0; i < n; i++) {
		double x = m[0] * a[i].x + m[1] * a[i].y + m[2] - b[i].x;
		double y = m[3] * a[i].x + m[4] * a[i].y + m[5] - b[i].y;

		ss += x * x + y * y;
	}
	if (motion) {
		double ax = 0, ay = 0, bx = 0, by = 0;

		for (int i = 0; i < n; i++) {
			ax += a[i].x;
			ay += a[i].y;
			bx += b[i].x;
			by += b[i].y;
		}
		motion[0] = (float)(hypot(bx - ax, by - ay) / n / iod);
		motion[1] = (float)fabs(atan2(t.b, t.a) * RAD_TO_DEG);
		motion[2] = (float)fabs(hypot(t.a, t.b) - 1);
	}
	return (float)(sqrt(ss / n) / iod);
}

/* Yaw as face_quality measures it: nose tip between the cheeks (2, 14). */
static float yaw_of(const struct mncr_face_point *p)
{
	double lx = 0, ly = 0, rx = 0, ry = 0, len, c, s, l, r, nz, half, ratio;

	for (int i = 0; i < 6; i++) {
		lx += p[36 + i].x;
		ly += p[36 + i].y;
		rx += p[42 + i].x;
		ry += p[42 + i].y;
	}
	len = hypot(rx - lx, ry - ly);
	if (!(len > 0))
		return 0;
	c = (rx - lx) / len;
	s = (ry - ly) / len;
	l = p[2].x * c + p[2].y * s;
	r = p[14].x * c + p[14].y * s;
	nz = p[30].x * c + p[30].y * s;
	half = (r - l) / 2;
	if (!(half > 0))
		return 0;
	ratio = (nz - (l + r) / 2) / half;
	ratio = ratio > 1 ? 1 : ratio < -1 ? -1 : ratio;
	return (float)(asin(ratio) * RAD_TO_DEG);
}

/* The open-eye level: the median of the openness seen in this run. */
static float open_level(const struct mncr_face_liveness *l)
{
	double v[MNCR_FACE_LIVENESS_WINDOW];
	int n = l->n_open < MNCR_FACE_LIVENESS_WINDOW ? l->n_open : MNCR_FACE_LIVENESS_WINDOW;

	for (int i = 0; i < n; i++)
		v[i] = l->open[i];
	qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
	return (float)v[n / 2];
}

/*
 * The level is the median of the openness seen while the eyes were at
 * rest; frames off it are kept out of it (a blink must not move its own
 * reference). An excursion longer than a blink is no blink: the level is
 * learnt again from there (the light may have changed).
 */
static void track_blink(struct mncr_face_liveness *l, float openness)
{
	float level, off;

	if (openness < 0)
		return;
	if (l->n_open < MIN_BASELINE_FRAMES) {
		l->open[l->n_open++] = openness;
		return;
	}
	level = open_level(l);
	off = level > 0 ? fabsf(openness - level) / level : 0;
	if (off > l->o.blink_change) {
		if (++l->away > l->o.blink_max_frames) {
			l->away = 0;
			l->n_open = 0;
		}
		return;
	}
	if (l->away && off <= l->o.blink_settle) {
		if (l->away >= l->o.blink_min_frames) {
			l->state = MNCR_FACE_LIVENESS_LIVE;
			set_reason(l, "blink");
			return;
		}
		l->away = 0;
	}
	l->open[l->n_open % MNCR_FACE_LIVENESS_WINDOW] = openness;
	l->n_open++;
}

static void track_motion(struct mncr_face_liveness *l,
			 const struct mncr_face_point *pts,
			 struct mncr_face_liveness_frame *fr)
{
	float motion[3], yaw = fr->yaw;

	if (l->n == 1) {
		memcpy(l->ref, pts, sizeof(l->ref));
		l->yaw_min = l->yaw_max = yaw;
		l->mouth_min = l->mouth_max = fr->mouth;
		return;
	}
	fr->residual = mncr_face_shape_residual(l->ref, pts, 0, motion);
	fr->affine_residual = mncr_face_shape_residual(l->ref, pts, 1, NULL);
	if (fr->residual < 0)
		return;
	l->nonaffine_frames += fr->affine_residual > l->o.turn_residual;
	l->mouth_min = fminf(l->mouth_min, fr->mouth);
	l->mouth_max = fmaxf(l->mouth_max, fr->mouth);
	if (motion[0] > l->o.moved_shift || motion[1] > l->o.moved_rotation ||
	    motion[2] > l->o.moved_scale)
		l->moved = 1;
	l->yaw_min = fminf(l->yaw_min, yaw);
	l->yaw_max = fmaxf(l->yaw_max, yaw);
	if (l->state == MNCR_FACE_LIVENESS_PENDING &&
	    l->yaw_max - l->yaw_min >= l->o.turn_yaw && l->nonaffine_frames > 0) {
		l->state = MNCR_FACE_LIVENESS_LIVE;
		set_reason(l, "head turn");
	}
}

static void decide(struct mncr_face_liveness *l)
{
	if (l->state != MNCR_FACE_LIVENESS_PENDING)
		return;
	if (l->n >= l->o.min_frames && l->moved &&
	    l->mouth_max - l->mouth_min < l->o.mouth_range) {
		l->state = MNCR_FACE_LIVENESS_SPOOF;
		set_reason(l, "the face moved rigidly, as a picture does, and did not blink");
	} else if (l->n >= l->o.max_frames) {
		l->state = MNCR_FACE_LIVENESS_SPOOF;
		snprintf(l->reason, sizeof(l->reason),
			 "no blink or head turn in %d frames", l->n);
	} else {
		set_reason(l, "waiting for a blink");
	}
}

int mncr_face_liveness_feed(struct mncr_face_liveness *l,
			    const struct mncr_face_point pts[MNCR_FACE_LANDMARKS],
			    const struct mncr_face_image *frame,
			    struct mncr_face_liveness_frame *out)
{
	struct mncr_face_liveness_frame fr = { 0 };

	if (!l || (pts && (!frame || !frame->px || frame->w <= 0 || frame->h <= 0)))
		return -EINVAL;
	if (pts && !points_finite(pts))
		return -EINVAL;
	fr.residual = fr.affine_residual = -1;
	fr.openness = -1;
	if (!pts) {
		if (l->n > 0 && ++l->gap > l->o.max_gap)
			mncr_face_liveness_reset(l);
		else if (l->state == MNCR_FACE_LIVENESS_PENDING && l->n == 0)
			set_reason(l, "no face");
		if (out)
			*out = fr;
		return (int)l->state;
	}
	l->gap = 0;
	l->n++;
	fr.face = 1;
	fr.ear = (mncr_face_eye_aspect_ratio(pts, 36) +
		  mncr_face_eye_aspect_ratio(pts, 42)) / 2;
	fr.yaw = yaw_of(pts);
	fr.mouth = (float)(dist(pts[62], pts[66]) / fmax(eye_distance(pts), 1e-6));
	{
		float a = mncr_face_eye_openness(frame, pts, 36);
		float b = mncr_face_eye_openness(frame, pts, 42);

		fr.openness = a >= 0 && b >= 0 ? (a + b) / 2 : -1;
	}
	track_motion(l, pts, &fr);
	if (l->state == MNCR_FACE_LIVENESS_PENDING)
		track_blink(l, fr.openness);
	decide(l);
	if (out)
		*out = fr;
	return (int)l->state;
}
