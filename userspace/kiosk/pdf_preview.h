/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The 申立書's first page as a picture for the claim page, drawn from the
 * PDF the library wrote (poppler-glib; without it the page says so).
 */
#ifndef MNCR_KIOSK_PDF_PREVIEW_H
#define MNCR_KIOSK_PDF_PREVIEW_H

#include <stddef.h>

#include <gtk/gtk.h>

#include "screens.h"

/* Page 1 of path, width pixels wide; NULL with why on failure. */
GdkTexture *kiosk_pdf_preview(const char *path, int width, char *why,
			      size_t why_len);
/* The claim page's preview of path ("" or failing: the placeholder). */
void kiosk_claim_preview(struct kiosk_screens *s, const char *path);

#endif
