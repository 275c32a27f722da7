// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Scene rendering: a drawn room, a face picture mapped into it by a
 * similarity transform that changes with time, and for a live person a
 * smooth local warp (mouth, brows) and eyelids painted over the eyes.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scene.h"

#define TWO_PI		6.283185307179586
#define FACE_WIDTH	190.0	/* face box width in the frame, pixels */
#define BLINK_CYCLE	16	/* blinks before the schedule repeats */

static const char *const names[SCENE_COUNT] = {
	[SCENE_PERSON] = "person", [SCENE_BLINK] = "blink",
	[SCENE_OTHER] = "other", [SCENE_NOBODY] = "nobody",
	[SCENE_PHOTO] = "photo", [SCENE_PATTERN] = "pattern",
};

int scene_parse(const char *name, enum scene_kind *k)
{
	for (int i = 0; i < SCENE_COUNT; i++)
		if (strcmp(name, names[i]) == 0) {
			*k = (enum scene_kind)i;
			return 0;
		}
	return -1;
}

const char *scene_name(enum scene_kind k)
{
	return (unsigned)k < SCENE_COUNT ? names[k] : "?";
}

const char *scene_names(void)
{
	return "person|blink|other|nobody|photo";
}

static uint32_t hash32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	x ^= x >> 16;
	return x;
}

static double hash01(uint32_t x)
{
	return (hash32(x) & 0xffffff) / (double)0x1000000;
}

/* The room: a lit wall, a door, a shelf and a framed picture; sensor noise. */
static void draw_background(uint8_t *px, unsigned long n)
{
	uint32_t seed = hash32((uint32_t)n * 2654435761U);

	for (int y = 0; y < SCENE_HEIGHT; y++) {
		for (int x = 0; x < SCENE_WIDTH; x++) {
			double v = 168 - 40.0 * y / SCENE_HEIGHT +
				   12.0 * x / SCENE_WIDTH;

			if (x >= 40 && x < 170 && y >= 60) {		/* door */
				v = (x < 48 || x >= 162 || y < 68) ? 70 : 118;
				if (x >= 140 && x < 150 && y >= 270 && y < 280)
					v = 200;			/* handle */
			} else if (x >= 470 && x < 600 && y >= 70 && y < 170) {
				v = (x < 478 || x >= 592 || y < 78 || y >= 162) ?
				    60 : 190 - 0.6 * (y - 78);	/* picture */
			} else if (y >= 300 && y < 312 && x >= 450) {
				v = 96;					/* shelf */
			} else if (y >= 440) {
				v = 90 + 0.05 * x;			/* desk */
			}
			v += (double)((hash32(seed ^ (uint32_t)(y * SCENE_WIDTH + x)) & 7)) - 3.5;
			px[y * SCENE_WIDTH + x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
		}
	}
}

/* Closure 0..1 of the eyes at time t: blinks min..max seconds apart. */
static double blink_closure(double t, double min_gap, double max_gap)
{
	double start = 0.8, cycle = 0, phase;
	int i;

	for (i = 0; i < BLINK_CYCLE; i++)
		cycle += min_gap + (max_gap - min_gap) * hash01((uint32_t)i + 77);
	if (t >= start)
		t = start + fmod(t - start, cycle);
	for (i = 0; i < BLINK_CYCLE; i++) {
		phase = t - start;
		if (phase < 0.35)
			break;
		start += min_gap + (max_gap - min_gap) * hash01((uint32_t)i + 77);
	}
	phase = t - start;
	if (phase < 0)
		return 0;
	if (phase < 0.1)
		return phase / 0.1;
	if (phase < 0.2)
		return 1;
	if (phase < 0.3)
		return (0.3 - phase) / 0.1;
	return 0;
}

/* y on the polyline through pts (x increasing or decreasing) at x. */
static double polyline_y(const struct mncr_face_point *p, int n, double x)
{
	for (int i = 0; i + 1 < n; i++) {
		double x0 = p[i].x, x1 = p[i + 1].x;

		if ((x >= x0 && x <= x1) || (x >= x1 && x <= x0)) {
			if (fabs(x1 - x0) < 1e-6)
				return p[i].y;
			return p[i].y + (p[i + 1].y - p[i].y) * (x - x0) / (x1 - x0);
		}
	}
	return fabs(x - p[0].x) < fabs(x - p[n - 1].x) ? p[0].y : p[n - 1].y;
}

static void put_blend(struct mncr_face_image *img, int x, int y, double v,
		      double a)
{
	uint8_t *p;

	if (x < 0 || y < 0 || x >= img->w || y >= img->h || a <= 0)
		return;
	if (a > 1)
		a = 1;
	p = &img->px[y * img->w + x];
	*p = (uint8_t)lrint(*p * (1 - a) + v * a);
}

/*
 * Closes one eye (six landmarks, iBUG order: corner, two upper, corner,
 * two lower) by c: the upper lid, in skin tone, comes down to a lash line
 * that reaches the lower lid when c is 1.
 */
static void paint_eyelid(struct mncr_face_image *img,
			 const struct mncr_face_point *e,
			 const unsigned char skin[2], double c)
{
	struct mncr_face_point up[4] = { e[0], e[1], e[2], e[3] };
	struct mncr_face_point lo[4] = { e[0], e[5], e[4], e[3] };
	double xmin = fmin(e[0].x, e[3].x), xmax = fmax(e[0].x, e[3].x);
	double w = xmax - xmin, pad = 0.18 * w;

	for (int x = (int)floor(xmin - 2); x <= (int)ceil(xmax + 2); x++) {
		double xc = x < xmin ? xmin : x > xmax ? xmax : x;
		double yu = polyline_y(up, 4, xc), yl = polyline_y(lo, 4, xc);
		double edge = yu + c * (yl - yu + 1.0);
		double top = yu - pad * c - 1;
		double fade = (x < xmin || x > xmax) ? 0.5 : 1.0;

		for (int y = (int)floor(top); y <= (int)ceil(edge + 1.5); y++) {
			double f = (y - top) / fmax(edge - top, 1.0);
			double skin_v = skin[0] + (skin[1] - skin[0]) * 0.5 * f;

			int ry = (int)lrint(2 * top - y - 2);	/* mirrored skin above */

			if (ry >= 0 && ry < img->h && x >= 0 && x < img->w)
				skin_v = 0.5 * skin_v + 0.5 * img->px[ry * img->w + x];
			if (y <= edge - 1.0)
				put_blend(img, x, y, skin_v - 6 * f, fade * fmin(1, 3 * c));
			else
				/* The lash line: mid-grey, not black, as thin
				 * lashes look at a camera's resolution; a black
				 * line on a small face (tests/faces' portrait)
				 * kept the eye region as dark as the open iris.
				 */
				put_blend(img, x, y, 90, fade * c);
		}
	}
}

struct motion {
	double ox, oy;		/* where the face centre lands */
	double scale, angle;
	double mouth, brows;	/* non-rigid amounts, 0..1 */
	double closure;
};

static void live_motion(double t, bool fast_blink, struct motion *m)
{
	m->ox = SCENE_WIDTH / 2.0 + 6 * sin(TWO_PI * t / 4.1) +
		2.5 * sin(TWO_PI * t / 1.7 + 1.0);
	m->oy = 215 + 4 * sin(TWO_PI * t / 3.3 + 0.5) +
		1.5 * sin(TWO_PI * t / 2.3);
	m->angle = 1.8 * M_PI / 180 * sin(TWO_PI * t / 5.1 + 0.3);
	m->scale = 1 + 0.015 * sin(TWO_PI * t / 6.7);
	m->mouth = pow(fmax(0, sin(TWO_PI * t / 3.7)), 2);
	m->brows = pow(0.5 + 0.5 * sin(TWO_PI * t / 5.3 + 2.0), 3);
	m->closure = fast_blink ? blink_closure(t, 0.7, 1.1) :
				  blink_closure(t, 2.0, 3.0);
}

static void photo_motion(double t, struct motion *m)
{
	memset(m, 0, sizeof(*m));
	m->ox = SCENE_WIDTH / 2.0 + 22 * sin(TWO_PI * t / 5.0) +
		6 * sin(TWO_PI * t / 2.9 + 0.7);
	m->oy = 225 + 14 * sin(TWO_PI * t / 4.3 + 1.1);
	m->angle = 6.0 * M_PI / 180 * sin(TWO_PI * t / 6.1);
	m->scale = 1 + 0.06 * sin(TWO_PI * t / 7.3 + 0.4);
}

static double bilinear(const struct mncr_face_image *img, double x, double y)
{
	int x0, y0;
	double fx, fy;
	const uint8_t *r0, *r1;

	x = fmin(fmax(x, 0), img->w - 1.001);
	y = fmin(fmax(y, 0), img->h - 1.001);
	x0 = (int)x;
	y0 = (int)y;
	fx = x - x0;
	fy = y - y0;
	r0 = img->px + y0 * img->w + x0;
	r1 = r0 + img->w;
	return (r0[0] * (1 - fx) + r0[1] * fx) * (1 - fy) +
	       (r1[0] * (1 - fx) + r1[1] * fx) * fy;
}

static double smooth01(double v)
{
	if (v <= 0)
		return 0;
	if (v >= 1)
		return 1;
	return v * v * (3 - 2 * v);
}

/* Opacity of source point (x, y): the head's ellipse, or the paper. */
static double source_alpha(const struct scene_face *f, double x, double y,
			   bool photo, double margin)
{
	double feather, d, e;

	if (photo) {
		if (x < -margin || y < -margin || x > f->img.w + margin ||
		    y > f->img.h + 1.6 * margin)
			return 0;
		return 1;
	}
	feather = 0.14 * f->fw;
	d = (x - f->cx) / (0.95 * f->fw);
	e = (y - (f->cy - 0.02 * f->fh)) / (1.2 * f->fh);
	d = 1 - sqrt(d * d + e * e);	/* > 0 inside the ellipse */
	return smooth01(d * f->fw / feather) *
	       smooth01(fmin(fmin(x, y), fmin(f->img.w - 1 - x, f->img.h - 1 - y)) / 8);
}

static double gauss(double dx, double dy, double s)
{
	double r2 = (dx * dx + dy * dy) / (2 * s * s);

	return r2 > 9 ? 0 : exp(-r2);
}

static void draw_face(const struct scene_face *f,
		      const struct mncr_face_image *src, const struct motion *m,
		      bool photo, struct mncr_face_image *out)
{
	double s = FACE_WIDTH / f->fw * m->scale, ca = cos(m->angle),
	       sa = sin(m->angle), margin = photo ? 0.08 * f->img.w : 0;
	double corners[4][2] = {
		{ -margin, -margin }, { f->img.w + margin, -margin },
		{ -margin, f->img.h + 1.6 * margin },
		{ f->img.w + margin, f->img.h + 1.6 * margin },
	};
	double x0 = SCENE_WIDTH, y0 = SCENE_HEIGHT, x1 = 0, y1 = 0;
	double sig_m = 0.12 * f->fw, sig_b = 0.16 * f->fw;

	for (int i = 0; i < 4; i++) {
		double dx = corners[i][0] - f->cx, dy = corners[i][1] - f->cy;
		double X = m->ox + s * (ca * dx - sa * dy);
		double Y = m->oy + s * (sa * dx + ca * dy);

		x0 = fmin(x0, X);
		y0 = fmin(y0, Y);
		x1 = fmax(x1, X);
		y1 = fmax(y1, Y);
	}
	x0 = fmax(floor(x0), 0);
	y0 = fmax(floor(y0), 0);
	x1 = fmin(ceil(x1), SCENE_WIDTH - 1);
	y1 = fmin(ceil(y1), SCENE_HEIGHT - 1);

	for (int Y = (int)y0; Y <= (int)y1; Y++) {
		for (int X = (int)x0; X <= (int)x1; X++) {
			double px = (X - m->ox) / s, py = (Y - m->oy) / s;
			double x = f->cx + ca * px + sa * py;
			double y = f->cy - sa * px + ca * py;
			double a = source_alpha(f, x, y, photo, margin), v;
			uint8_t *o = &out->px[Y * SCENE_WIDTH + X];

			if (a <= 0)
				continue;
			if (!photo && f->has_eyes) {
				double dy = y - f->mouth.y;

				y -= 0.05 * f->fw * m->mouth *
				     gauss(x - f->mouth.x, dy, sig_m) *
				     fmax(-1, fmin(1, dy / sig_m));
				y += 0.03 * f->fw * m->brows *
				     gauss(x - f->brows.x, y - f->brows.y, sig_b);
			}
			if (photo && (x < 0 || y < 0 || x > f->img.w - 1 ||
				      y > f->img.h - 1))
				v = 236 - 0.02 * (y + margin);	/* paper */
			else
				v = bilinear(src, x, y);
			*o = (uint8_t)lrint(*o * (1 - a) + v * a);
		}
	}
}

double scene_eye_closure(enum scene_kind k, unsigned long n, unsigned fps)
{
	struct motion m;

	if (k != SCENE_PERSON && k != SCENE_BLINK && k != SCENE_OTHER)
		return 0;
	live_motion((double)n / (fps ? fps : 15), k == SCENE_BLINK, &m);
	return m.closure;
}

void scene_render(const struct scene_assets *a, enum scene_kind k,
		  unsigned long n, unsigned fps, struct mncr_face_image *out)
{
	const struct scene_face *f = NULL;
	struct mncr_face_image lid = { 0 };
	double t = (double)n / (fps ? fps : 15);
	struct motion m;

	if (k == SCENE_PATTERN) {
		for (unsigned y = 0; y < SCENE_HEIGHT; y++)
			for (unsigned x = 0; x < SCENE_WIDTH; x++)
				out->px[y * SCENE_WIDTH + x] = scene_pattern_pixel(x, y, n);
		return;
	}
	draw_background(out->px, n);
	switch (k) {
	case SCENE_PERSON:
	case SCENE_BLINK:
		f = &a->holder;
		break;
	case SCENE_OTHER:
		f = &a->other;
		break;
	case SCENE_PHOTO:
		f = &a->card;
		break;
	default:
		return;
	}
	if (!f->img.px)
		return;
	if (k == SCENE_PHOTO) {
		photo_motion(t, &m);
		draw_face(f, &f->img, &m, true, out);
		return;
	}
	live_motion(t, k == SCENE_BLINK, &m);
	if (m.closure > 0 && f->has_eyes &&
	    !mncr_face_image_alloc(&lid, f->img.w, f->img.h)) {
		memcpy(lid.px, f->img.px, (size_t)f->img.w * f->img.h);
		paint_eyelid(&lid, &f->eye[0], f->skin, m.closure);
		paint_eyelid(&lid, &f->eye[6], f->skin, m.closure);
		draw_face(f, &lid, &m, false, out);
		mncr_face_image_free(&lid);
		return;
	}
	draw_face(f, &f->img, &m, false, out);
}
