// SPDX-License-Identifier: LGPL-2.1-or-later
#include "snapshot.h"

#include <errno.h>
#include <stdio.h>

/* Only what is mapped: a stack's other pages are not on screen. */
static void collect(GtkWidget *w, GString *out)
{
	const char *t = NULL;

	if (!gtk_widget_get_mapped(w))
		return;
	if (GTK_IS_LABEL(w))
		t = gtk_label_get_text(GTK_LABEL(w));
	else if (GTK_IS_EDITABLE(w) && GTK_IS_ENTRY(w))
		t = gtk_editable_get_text(GTK_EDITABLE(w));
	if (t && *t)
		g_string_append_printf(out, "%s\n", t);
	if (GTK_IS_PICTURE(w) && gtk_picture_get_paintable(GTK_PICTURE(w))) {
		GdkPaintable *p = gtk_picture_get_paintable(GTK_PICTURE(w));
		GtkWidget *f = gtk_widget_get_parent(w);

		g_string_append_printf(out, "[picture: %s %dx%d]\n",
			GTK_IS_FRAME(f) ? gtk_frame_get_label(GTK_FRAME(f)) : "",
			gdk_paintable_get_intrinsic_width(p),
			gdk_paintable_get_intrinsic_height(p));
	}
	if (GTK_IS_ENTRY(w))
		return;	/* its inner text widget again */
	for (GtkWidget *c = gtk_widget_get_first_child(w); c;
	     c = gtk_widget_get_next_sibling(c))
		collect(c, out);
}

/*
 * NULL, or why not. The widget's paintable is empty while a resize is
 * pending (a page or picture changed after the paint): the caller
 * records right after a paint, and tries again at the next one.
 */
static const char *save_png(GtkWidget *w, const char *path)
{
	int width = gtk_widget_get_width(w), height = gtk_widget_get_height(w);
	GskRenderer *r = gtk_native_get_renderer(gtk_widget_get_native(w));
	GdkPaintable *pt;
	GtkSnapshot *sn;
	GskRenderNode *node;
	GdkTexture *tex;
	const char *why = NULL;

	if (width <= 0 || height <= 0)
		return "no size yet";
	if (!r)
		return "no renderer";
	pt = gtk_widget_paintable_new(w);
	sn = gtk_snapshot_new();
	gdk_paintable_snapshot(pt, sn, width, height);
	node = gtk_snapshot_free_to_node(sn);
	g_object_unref(pt);
	if (!node)
		return "nothing drawn (layout pending)";
	tex = gsk_renderer_render_texture(r, node,
		&GRAPHENE_RECT_INIT(0, 0, (float)width, (float)height));
	if (!tex)
		why = "the renderer made no texture";
	else if (!gdk_texture_save_to_png(tex, path))
		why = "cannot write the PNG";
	g_clear_object(&tex);
	gsk_render_node_unref(node);
	return why;
}

int kiosk_snapshot_save(GtkWidget *w, const char *dir, const char *name,
			bool last_try)
{
	char *png = g_strdup_printf("%s/%s.png", dir, name);
	char *txt = g_strdup_printf("%s/%s.txt", dir, name);
	GString *text;
	GError *err = NULL;
	const char *why = save_png(w, png);
	int ret = 0;

	if (why && !last_try) {
		g_free(png);
		g_free(txt);
		return -EAGAIN;
	}
	if (why) {
		fprintf(stderr, "mncr-kiosk: cannot render %s: %s\n", png, why);
		ret = -EIO;
	}
	text = g_string_new(NULL);
	collect(w, text);
	if (!g_file_set_contents(txt, text->str, (gssize)text->len, &err)) {
		fprintf(stderr, "mncr-kiosk: %s\n", err->message);
		g_error_free(err);
		ret = -EIO;
	}
	g_string_free(text, TRUE);
	g_free(png);
	g_free(txt);
	return ret;
}
