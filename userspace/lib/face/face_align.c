// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <math.h>
#include <stdint.h>

#include "face/face_align.h"

/* dlib's mean face shape, points 17..67 in a unit square (x, then y). */
static const double mean_x[51] = {
	0.000213256, 0.0752622, 0.18113, 0.29077, 0.393397, 0.586856, 0.689483,
	0.799124, 0.904991, 0.98004, 0.490127, 0.490127, 0.490127, 0.490127,
	0.36688, 0.426036, 0.490127, 0.554217, 0.613373, 0.121737, 0.187122,
	0.265825, 0.334606, 0.260918, 0.182743, 0.645647, 0.714428, 0.793132,
	0.858516, 0.79751, 0.719335, 0.254149, 0.340985, 0.428858, 0.490127,
	0.551395, 0.639268, 0.726104, 0.642159, 0.556721, 0.490127, 0.423532,
	0.338094, 0.290379, 0.428096, 0.490127, 0.552157, 0.689874, 0.553364,
	0.490127, 0.42689,
};
static const double mean_y[51] = {
	0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906,
	0.0344891, 0.0187482, 0.038915, 0.106454, 0.203352, 0.307009, 0.409805,
	0.515625, 0.587326, 0.609345, 0.628106, 0.609345, 0.587326, 0.216423,
	0.178758, 0.179852, 0.231733, 0.245099, 0.244077, 0.231733, 0.179852,
	0.178758, 0.216423, 0.244077, 0.245099, 0.780233, 0.745405, 0.727388,
	0.742578, 0.727388, 0.745405, 0.780233, 0.864805, 0.902192, 0.909281,
	0.902192, 0.864805, 0.784792, 0.778746, 0.785343, 0.778746, 0.784792,
	0.824182, 0.831803, 0.824182,
};

/* The points the fit uses: rigid ones (no brows, no lower lip). */
static int fit_point(int i)
{
	return (i >= 27 && i <= 54) || (i >= 60 && i <= 64);
}

int mncr_face_similarity_fit(const struct mncr_face_point *from,
			     const struct mncr_face_point *to, int n,
			     struct mncr_face_similarity *t)
{
	double fx = 0, fy = 0, tx = 0, ty = 0, ss = 0, sa = 0, sb = 0;

	if (!from || !to || !t || n < 2)
		return -EINVAL;
	for (int i = 0; i < n; i++) {
		if (!isfinite(from[i].x) || !isfinite(from[i].y) ||
		    !isfinite(to[i].x) || !isfinite(to[i].y))
			return -EINVAL;
		fx += from[i].x;
		fy += from[i].y;
		tx += to[i].x;
		ty += to[i].y;
	}
	fx /= n;
	fy /= n;
	tx /= n;
	ty /= n;
	/*
	 * As complex numbers, to - t = z (from - f) with z = a + ib; least
	 * squares: z = sum conj(p) q / sum |p|² (Umeyama's result in 2-D,
	 * never a reflection).
	 */
	for (int i = 0; i < n; i++) {
		double px = from[i].x - fx, py = from[i].y - fy;
		double qx = to[i].x - tx, qy = to[i].y - ty;

		ss += px * px + py * py;
		sa += px * qx + py * qy;
		sb += px * qy - py * qx;
	}
	if (!(ss > 1e-12))
		return -EINVAL;
	t->a = sa / ss;
	t->b = sb / ss;
	t->tx = tx - (t->a * fx - t->b * fy);
	t->ty = ty - (t->b * fx + t->a * fy);
	return 0;
}

void mncr_face_similarity_apply(const struct mncr_face_similarity *t,
				double x, double y, double *ox, double *oy)
{
	*ox = t->a * x - t->b * y + t->tx;
	*oy = t->b * x + t->a * y + t->ty;
}

int mncr_face_similarity_invert(const struct mncr_face_similarity *t,
				struct mncr_face_similarity *inv)
{
	double d = t->a * t->a + t->b * t->b;

	if (!(d > 0) || !isfinite(d))
		return -EINVAL;
	/* the inverse of z is conj(z) / |z|² */
	inv->a = t->a / d;
	inv->b = -t->b / d;
	inv->tx = -(inv->a * t->tx - inv->b * t->ty);
	inv->ty = -(inv->b * t->tx + inv->a * t->ty);
	return 0;
}

struct mncr_face_point mncr_face_chip_point(int i, int size, double padding)
{
	struct mncr_face_point p = { 0, 0 };

	if (i >= 17 && i < 68) {
		p.x = (float)((padding + mean_x[i - 17]) / (2 * padding + 1) * size);
		p.y = (float)((padding + mean_y[i - 17]) / (2 * padding + 1) * size);
	}
	return p;
}

int mncr_face_chip_transform(const struct mncr_face_point pts[MNCR_FACE_LANDMARKS],
			     int size, double padding,
			     struct mncr_face_similarity *chip_to_img)
{
	struct mncr_face_point from[MNCR_FACE_LANDMARKS], to[MNCR_FACE_LANDMARKS];
	struct mncr_face_similarity t;
	double cx, cy, k;
	int n = 0, ret;

	if (!pts || !chip_to_img || size < 2 || size > 4096 ||
	    !(padding >= 0 && padding <= 10))
		return -EINVAL;
	for (int i = 17; i < MNCR_FACE_LANDMARKS; i++) {
		if (!fit_point(i))
			continue;
		from[n] = mncr_face_chip_point(i, size, padding);
		to[n++] = pts[i];
	}
	ret = mncr_face_similarity_fit(from, to, n, &t);
	if (ret)
		return ret;
	/*
	 * dlib maps the chip's corner pixels onto the corners of the square
	 * the fit puts around the chip: about the chip's centre, pixel c goes
	 * to (c - (size - 1) / 2) * size / (size - 1).
	 */
	mncr_face_similarity_apply(&t, size / 2.0, size / 2.0, &cx, &cy);
	k = (double)size / (size - 1);
	chip_to_img->a = t.a * k;
	chip_to_img->b = t.b * k;
	chip_to_img->tx = cx - (chip_to_img->a - chip_to_img->b) * (size - 1) / 2.0;
	chip_to_img->ty = cy - (chip_to_img->b + chip_to_img->a) * (size - 1) / 2.0;
	return 0;
}

/* Bilinear at (x, y), pixel centres at integers, the edge repeating. */
static double sample(const struct mncr_face_image *img, double x, double y)
{
	double fx, fy;
	int x0, y0, x1, y1;
	const uint8_t *r0, *r1;

	x = fmin(fmax(x, 0.0), img->w - 1.0);
	y = fmin(fmax(y, 0.0), img->h - 1.0);
	x0 = (int)x;
	y0 = (int)y;
	fx = x - x0;
	fy = y - y0;
	x1 = x0 + 1 < img->w ? x0 + 1 : x0;
	y1 = y0 + 1 < img->h ? y0 + 1 : y0;
	r0 = img->px + (size_t)y0 * (size_t)img->w;
	r1 = img->px + (size_t)y1 * (size_t)img->w;
	return (r0[x0] * (1 - fx) + r0[x1] * fx) * (1 - fy) +
	       (r1[x0] * (1 - fx) + r1[x1] * fx) * fy;
}

int mncr_face_chip_extract(const struct mncr_face_image *img,
			   const struct mncr_face_similarity *t,
			   struct mncr_face_image *chip)
{
	double scale;
	int n;

	if (!img || !img->px || img->w <= 0 || img->h <= 0 || !t || !chip ||
	    !chip->px || chip->w <= 0 || chip->h <= 0 || !isfinite(t->a) ||
	    !isfinite(t->b) || !isfinite(t->tx) || !isfinite(t->ty))
		return -EINVAL;
	/* n x n samples per chip pixel: one per image pixel or closer */
	scale = hypot(t->a, t->b);
	if (!(scale > 0) || scale > 1e4 || fabs(t->tx) > 1e7 || fabs(t->ty) > 1e7)
		return -EINVAL;
	n = scale <= 1 ? 1 : (int)ceil(scale);
	n = n > 16 ? 16 : n;
	for (int r = 0; r < chip->h; r++) {
		for (int c = 0; c < chip->w; c++) {
			double sum = 0;

			for (int j = 0; j < n; j++) {
				for (int i = 0; i < n; i++) {
					double u = c + (i + 0.5) / n - 0.5;
					double v = r + (j + 0.5) / n - 0.5;
					double x, y;

					mncr_face_similarity_apply(t, u, v, &x, &y);
					sum += sample(img, x, y);
				}
			}
			sum = sum / (n * n) + 0.5;
			chip->px[(size_t)r * (size_t)chip->w + (size_t)c] =
				sum >= 255 ? 255 : (uint8_t)sum;
		}
	}
	return 0;
}

int mncr_face_align(const struct mncr_face_image *img,
		    const struct mncr_face_point pts[MNCR_FACE_LANDMARKS],
		    struct mncr_face_image *chip)
{
	struct mncr_face_similarity t;
	int ret;

	if (!chip || chip->w != MNCR_FACE_CHIP_SIZE || chip->h != MNCR_FACE_CHIP_SIZE)
		return -EINVAL;
	ret = mncr_face_chip_transform(pts, MNCR_FACE_CHIP_SIZE,
				       MNCR_FACE_CHIP_PADDING, &t);
	return ret ? ret : mncr_face_chip_extract(img, &t, chip);
}
