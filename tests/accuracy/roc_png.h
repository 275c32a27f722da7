/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A ROC plot as a PNG, drawn here and written with libpng. */
#ifndef MNCR_ACCURACY_ROC_PNG_H
#define MNCR_ACCURACY_ROC_PNG_H

struct roc_point {
	double fmr, fnmr;
};

/*
 * Plots TAR = 1 - FNMR against FMR on a log axis (1e-7 .. 1) into a
 * 800x560 greyscale PNG at path, with decade grid lines and labels; the
 * TAR axis runs from the tenth below the lowest TAR at FMR >= 1e-6 to 1.
 * Not thread-safe (one plot at a time).
 * Returns 0 or -1.
 */
int roc_png_write(const char *path, const struct roc_point *pts, int n,
		  const char *title);

#endif
