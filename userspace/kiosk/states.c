// SPDX-License-Identifier: LGPL-2.1-or-later
#include "states.h"

#include <unistd.h>

#include <cairo-pdf.h>
#include <glib/gstdio.h>

#include "pdf_preview.h"
#include "text.h"

static void choose(struct kiosk_screens *s, enum kiosk_screen scr,
		   unsigned int options, const char *text)
{
	kiosk_screens_choices(s, scr, options, NULL, NULL);
	kiosk_screens_show(s, scr, text, NULL, NULL);
}

/* A stand-in picture (grey rings): the sample screens have no camera. */
static void sample_picture(GtkWidget *frame, int w, int h)
{
	guint8 *px = g_malloc((size_t)w * (size_t)h * 3);
	GBytes *b;
	GdkTexture *t;

	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int dx = x - w / 2, dy = y - h / 2;
			guint8 v = (guint8)(96 + ((dx * dx + dy * dy) / 64) % 128);
			guint8 *p = px + 3 * ((size_t)y * (size_t)w + (size_t)x);

			p[0] = p[1] = p[2] = v;
		}
	b = g_bytes_new_take(px, (size_t)w * (size_t)h * 3);
	t = gdk_memory_texture_new(w, h, GDK_MEMORY_R8G8B8, b, (gsize)w * 3);
	kiosk_screens_image(frame, GDK_PAINTABLE(t));
	g_object_unref(t);
	g_bytes_unref(b);
}

/* A one-page A4 PDF with a heading, standing in for the library's 申立書. */
static char *sample_pdf(void)
{
	char *path = g_build_filename(g_get_tmp_dir(), "mncr-kiosk-sample-XXXXXX.pdf", NULL);
	int fd = g_mkstemp(path);
	cairo_surface_t *cs;
	cairo_t *cr;

	if (fd < 0) {
		g_free(path);
		return NULL;
	}
	close(fd);
	cs = cairo_pdf_surface_create(path, 595, 842);
	cr = cairo_create(cs);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_rectangle(cr, 40, 40, 515, 762);
	cairo_stroke(cr);
	cairo_move_to(cr, 60, 90);
	cairo_set_font_size(cr, 24);
	cairo_show_text(cr, "sample claim form");
	cairo_destroy(cr);
	cairo_surface_destroy(cs);
	return path;
}

bool kiosk_states_show(struct kiosk_screens *s, int step)
{
	switch (step) {
	case 0:
		kiosk_screens_show(s, KIOSK_SCR_WAITING, NULL, NULL, NULL);
		break;
	case 1:
		kiosk_screens_show(s, KIOSK_SCR_READING,
			K_("カードを動かさないでください。"), NULL, NULL);
		break;
	case 2:
		choose(s, KIOSK_SCR_CHOOSE,
		       MNCR_QUALIFY_OPT_FACE | MNCR_QUALIFY_OPT_PIN,
		       K_("本人確認の方法を選んでください。"));
		break;
	case 3:
		sample_picture(s->face_preview, 320, 240);
		kiosk_screens_face_status(s, true, MNCR_QUALIFY_LIVENESS_PENDING);
		kiosk_screens_show(s, KIOSK_SCR_FACE,
			K_("カメラを見て、まばたきをしてください。"), NULL, NULL);
		break;
	case 4:
		/* Three digits in: the dots, never the digits. */
		kiosk_screens_pin_dots(s, 3);
		kiosk_screens_show(s, KIOSK_SCR_PIN,
			K_("暗証番号（数字4桁）を入力してください。"), NULL, NULL);
		break;
	case 5:
		kiosk_screens_consent(s, MNCR_QUALIFY_CONSENT_MEDICATION);
		kiosk_screens_show(s, KIOSK_SCR_CONSENT,
			K_("過去のお薬の情報を提供することに同意しますか？"),
			NULL, NULL);
		break;
	case 6:
		kiosk_screens_show(s, KIOSK_SCR_RESULT,
			K_("資格を確認できました。カードをお取りください。"),
			K_("負担割合：3割"), NULL);
		break;
	case 7:
		choose(s, KIOSK_SCR_STAFF,
		       MNCR_QUALIFY_OPT_VISUAL | MNCR_QUALIFY_OPT_INSURANCE_CARD |
		       MNCR_QUALIFY_OPT_CLAIM_FORM | MNCR_QUALIFY_OPT_CANCEL,
		       K_("目視確認、資格確認書・保険証の確認、申立書の作成のいずれかを選んでください。"));
		break;
	case 8:
		sample_picture(s->card_photo, 150, 180);
		sample_picture(s->live_image, 320, 240);
		kiosk_screens_show(s, KIOSK_SCR_VISUAL,
			K_("カードの顔写真とご本人を見比べてください。"),
			NULL, NULL);
		break;
	case 9: {
		char *pdf = sample_pdf();

		kiosk_claim_preview(s, pdf);
		if (pdf)
			g_unlink(pdf);
		g_free(pdf);
		choose(s, KIOSK_SCR_CLAIM,
		       MNCR_QUALIFY_OPT_RETRY | MNCR_QUALIFY_OPT_DONE, NULL);
		kiosk_screens_show(s, KIOSK_SCR_CLAIM,
			K_("被保険者資格申立書を作成しました。"), NULL, NULL);
		break;
	}
	case 10:
		choose(s, KIOSK_SCR_LAST_TRY,
		       MNCR_QUALIFY_OPT_LAST_TRY | MNCR_QUALIFY_OPT_STAFF |
		       MNCR_QUALIFY_OPT_CANCEL,
		       K_("暗証番号の入力は残り1回です。間違えるとロックされます。"));
		break;
	default:
		return false;
	}
	return true;
}
