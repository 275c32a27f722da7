// SPDX-License-Identifier: LGPL-2.1-or-later
#include "snapshot.h"

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

static int save_png(GtkWidget *w, const char *path)
{
	int width = gtk_widget_get_width(w), height = gtk_widget_get_height(w);
	GdkPaintable *pt = gtk_widget_paintable_new(w);
	GtkSnapshot *sn = gtk_snapshot_new();
	GskRenderNode *node;
	GskRenderer *r = gtk_native_get_renderer(gtk_widget_get_native(w));
	GdkTexture *tex;
	int ret = -1;

	gdk_paintable_snapshot(pt, sn, width, height);
	node = gtk_snapshot_free_to_node(sn);
	if (node && r) {
		tex = gsk_renderer_render_texture(r, node,
			&GRAPHENE_RECT_INIT(0, 0, (float)width, (float)height));
		if (tex && gdk_texture_save_to_png(tex, path))
			ret = 0;
		g_clear_object(&tex);
	}
	if (node)
		gsk_render_node_unref(node);
	g_object_unref(pt);
	return ret;
}

int kiosk_snapshot_save(GtkWidget *w, const char *dir, const char *name)
{
	char *png = g_strdup_printf("%s/%s.png", dir, name);
	char *txt = g_strdup_printf("%s/%s.txt", dir, name);
	GString *text = g_string_new(NULL);
	GError *err = NULL;
	int ret = save_png(w, png);

	if (ret < 0)
		fprintf(stderr, "mncr-kiosk: cannot render %s\n", png);
	collect(w, text);
	if (!g_file_set_contents(txt, text->str, (gssize)text->len, &err)) {
		fprintf(stderr, "mncr-kiosk: %s\n", err->message);
		g_error_free(err);
		ret = -1;
	}
	g_string_free(text, TRUE);
	g_free(png);
	g_free(txt);
	return ret;
}
