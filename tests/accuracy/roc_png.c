// SPDX-License-Identifier: GPL-2.0-or-later
#include <math.h>
#include <png.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "roc_png.h"

#define W 800
#define H 560
#define LEFT 90
#define RIGHT 30
#define TOP 50
#define BOTTOM 70
#define X_DECADES 7		/* 1e-7 .. 1 */
#define Y_MAX 1.00

/* A 5x7 font for the labels: rows top down, bit 4 the left column. */
static const struct {
	char c;
	uint8_t rows[7];
} font[] = {
	{ '0', { 14, 17, 19, 21, 25, 17, 14 } }, { '1', { 4, 12, 4, 4, 4, 4, 14 } },
	{ '2', { 14, 17, 1, 2, 4, 8, 31 } },	 { '3', { 31, 2, 4, 2, 1, 17, 14 } },
	{ '4', { 2, 6, 10, 18, 31, 2, 2 } },	 { '5', { 31, 16, 30, 1, 1, 17, 14 } },
	{ '6', { 6, 8, 16, 30, 17, 17, 14 } },	 { '7', { 31, 1, 2, 4, 8, 8, 8 } },
	{ '8', { 14, 17, 17, 14, 17, 17, 14 } }, { '9', { 14, 17, 17, 15, 1, 2, 12 } },
	{ '.', { 0, 0, 0, 0, 0, 12, 12 } },	 { '-', { 0, 0, 0, 31, 0, 0, 0 } },
	{ '=', { 0, 0, 31, 0, 31, 0, 0 } },	 { 'e', { 0, 0, 14, 17, 31, 16, 14 } },
	{ 'a', { 0, 0, 14, 1, 15, 17, 15 } },	 { 'l', { 12, 4, 4, 4, 4, 4, 14 } },
	{ 's', { 0, 0, 15, 16, 14, 1, 30 } },	 { 'v', { 0, 0, 17, 17, 17, 10, 4 } },
	{ 'A', { 14, 17, 17, 31, 17, 17, 17 } }, { 'C', { 14, 17, 16, 16, 16, 17, 14 } },
	{ 'F', { 31, 16, 16, 30, 16, 16, 16 } }, { 'L', { 16, 16, 16, 16, 16, 16, 31 } },
	{ 'M', { 17, 27, 21, 21, 17, 17, 17 } }, { 'N', { 17, 17, 25, 21, 19, 17, 17 } },
	{ 'O', { 14, 17, 17, 17, 17, 17, 14 } }, { 'R', { 30, 17, 17, 30, 20, 18, 17 } },
	{ 'T', { 31, 4, 4, 4, 4, 4, 4 } },	 { 'W', { 17, 17, 17, 21, 21, 21, 10 } },
	{ '(', { 2, 4, 8, 8, 8, 4, 2 } },	 { ')', { 8, 4, 2, 2, 2, 4, 8 } },
};

struct canvas {
	uint8_t px[H][W];
};

static void put(struct canvas *c, int x, int y, uint8_t v)
{
	if (x >= 0 && x < W && y >= 0 && y < H && v < c->px[y][x])
		c->px[y][x] = v;
}

/* Text at scale 2 (10x14 glyphs, 12 apart), top-left at (x, y). */
static void text(struct canvas *c, int x, int y, const char *s)
{
	for (; *s; s++, x += 12) {
		for (size_t g = 0; g < sizeof(font) / sizeof(font[0]); g++) {
			if (font[g].c != *s)
				continue;
			for (int r = 0; r < 14; r++)
				for (int k = 0; k < 10; k++)
					if (font[g].rows[r / 2] >> (4 - k / 2) & 1)
						put(c, x + k, y + r, 0);
		}
	}
}

static int text_width(const char *s)
{
	return (int)strlen(s) * 12;
}

/* Anti-aliasing is not worth it here: a plain line, thickness t. */
static void line(struct canvas *c, double x0, double y0, double x1, double y1,
		 uint8_t v, int t)
{
	int steps = (int)fmax(fabs(x1 - x0), fabs(y1 - y0)) + 1;

	for (int i = 0; i <= steps; i++) {
		double x = x0 + (x1 - x0) * i / steps, y = y0 + (y1 - y0) * i / steps;

		for (int dy = 0; dy < t; dy++)
			for (int dx = 0; dx < t; dx++)
				put(c, (int)x + dx - t / 2, (int)y + dy - t / 2, v);
	}
}

static double px_x(double fmr)
{
	double l = log10(fmax(fmr, pow(10, -X_DECADES)));

	return LEFT + (l + X_DECADES) / X_DECADES * (W - LEFT - RIGHT);
}

static double px_y(double tar, double y_min)
{
	double v = fmin(fmax(tar, y_min), Y_MAX);

	return TOP + (Y_MAX - v) / (Y_MAX - y_min) * (H - TOP - BOTTOM);
}

int roc_png_write(const char *path, const struct roc_point *pts, int n,
		  const char *title)
{
	struct canvas *c = malloc(sizeof(*c));
	png_image img;
	int ok, have = 0;
	double lx = 0, ly = 0, y_min = 0.9;

	if (!c)
		return -1;
	/* the TAR axis starts at the tenth below the lowest TAR (FMR >= 1e-6) */
	for (int i = 0; i < n; i++)
		if (pts[i].fmr >= 1e-6 && 1 - pts[i].fnmr < y_min)
			y_min = floor((1 - pts[i].fnmr) * 10) / 10;
	y_min = y_min < 0 ? 0 : y_min;
	memset(c->px, 255, sizeof(c->px));
	for (int d = 0; d <= X_DECADES; d++) {
		char label[8];
		double x = px_x(pow(10, d - X_DECADES));

		line(c, x, TOP, x, H - BOTTOM, 200, 1);
		if (d == X_DECADES)
			snprintf(label, sizeof(label), "1");
		else
			snprintf(label, sizeof(label), "1e-%d", X_DECADES - d);
		text(c, (int)x - text_width(label) / 2, H - BOTTOM + 10, label);
	}
	for (int k = 0; k <= 4; k++) {
		char label[8];
		double v = y_min + k * (Y_MAX - y_min) / 4, y = px_y(v, y_min);

		line(c, LEFT, y, W - RIGHT, y, 200, 1);
		snprintf(label, sizeof(label), "%.2f", v);
		text(c, LEFT - 10 - text_width(label), (int)y - 7, label);
	}
	line(c, LEFT, TOP, LEFT, H - BOTTOM, 0, 1);
	line(c, LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM, 0, 1);
	text(c, (W - text_width("FMR")) / 2, H - 30, "FMR");
	text(c, LEFT, 12, title);
	text(c, W - RIGHT - text_width("TAR = 1 - FNMR"), 12, "TAR = 1 - FNMR");
	for (int i = 0; i < n; i++) {
		double x, y;

		if (!(pts[i].fmr > 0))
			continue;
		x = px_x(pts[i].fmr);
		y = px_y(1 - pts[i].fnmr, y_min);
		if (have)
			line(c, lx, ly, x, y, 0, 3);
		lx = x;
		ly = y;
		have = 1;
	}
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = W;
	img.height = H;
	img.format = PNG_FORMAT_GRAY;
	ok = png_image_write_to_file(&img, path, 0, c->px, W, NULL);
	free(c);
	return ok ? 0 : -1;
}
