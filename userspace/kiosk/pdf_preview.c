// SPDX-License-Identifier: LGPL-2.1-or-later
#include "pdf_preview.h"

#include <stdio.h>

#ifdef KIOSK_POPPLER
#include <poppler.h>

/* Cairo's ARGB32 is GDK's default memory format: no conversion. */
static GdkTexture *texture_of(cairo_surface_t *cs)
{
	int w = cairo_image_surface_get_width(cs);
	int h = cairo_image_surface_get_height(cs);
	int stride = cairo_image_surface_get_stride(cs);
	GBytes *b;
	GdkTexture *t;

	cairo_surface_flush(cs);
	b = g_bytes_new(cairo_image_surface_get_data(cs), (gsize)stride * (gsize)h);
	t = gdk_memory_texture_new(w, h, GDK_MEMORY_DEFAULT, b, (gsize)stride);
	g_bytes_unref(b);
	return t;
}

GdkTexture *kiosk_pdf_preview(const char *path, int width, char *why,
			      size_t why_len)
{
	GError *err = NULL;
	char *uri = g_filename_to_uri(path, NULL, &err);
	PopplerDocument *doc = uri ? poppler_document_new_from_file(uri, NULL, &err) : NULL;
	PopplerPage *page = NULL;
	GdkTexture *t = NULL;
	double pw, ph, scale;
	cairo_surface_t *cs;
	cairo_t *cr;

	g_free(uri);
	if (doc)
		page = poppler_document_get_page(doc, 0);
	if (!page) {
		snprintf(why, why_len, "%s: %s", path,
			 err ? err->message : "no page");
		g_clear_error(&err);
		g_clear_object(&doc);
		return NULL;
	}
	poppler_page_get_size(page, &pw, &ph);
	scale = width / pw;
	cs = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width,
					(int)(ph * scale + 0.5));
	cr = cairo_create(cs);
	cairo_set_source_rgb(cr, 1, 1, 1);	/* paper */
	cairo_paint(cr);
	cairo_scale(cr, scale, scale);
	poppler_page_render_for_printing(page, cr);
	cairo_destroy(cr);
	if (cairo_surface_status(cs) == CAIRO_STATUS_SUCCESS)
		t = texture_of(cs);
	else
		snprintf(why, why_len, "%s: cannot draw", path);
	cairo_surface_destroy(cs);
	g_object_unref(page);
	g_object_unref(doc);
	return t;
}

#else

GdkTexture *kiosk_pdf_preview(const char *path, int width, char *why,
			      size_t why_len)
{
	(void)width;
	snprintf(why, why_len, "%s: built without poppler-glib", path);
	return NULL;
}

#endif

void kiosk_claim_preview(struct kiosk_screens *s, const char *path)
{
	char why[256] = "";
	GdkTexture *t = path && *path ?
		kiosk_pdf_preview(path, 600, why, sizeof(why)) : NULL;

	if (why[0])
		fprintf(stderr, "mncr-kiosk: 申立書 preview: %s\n", why);
	kiosk_screens_image(s->claim_preview, t ? GDK_PAINTABLE(t) : NULL);
	g_clear_object(&t);
}
