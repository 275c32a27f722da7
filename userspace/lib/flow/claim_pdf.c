// SPDX-License-Identifier: LGPL-2.1-or-later
#include "flow/claim_pdf.h"
#include "flow/claim_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

/*
 * The PDF needs cairo and pango. Until the build passes their pkg-config
 * flags (cairo pangocairo), this file still compiles and the PDF writer
 * answers -ENOTSUP, so the rest of libmncr does not depend on them.
 */
#if defined(__has_include)
#if __has_include(<pango/pangocairo.h>) && __has_include(<cairo-pdf.h>)
#define MNCR_HAVE_PDF 1
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#endif
#endif

#ifdef MNCR_HAVE_PDF

#define PT_PER_MM	(72.0 / 25.4)
#define PAGE_W		(210.0 * PT_PER_MM)
#define PAGE_H		(297.0 * PT_PER_MM)
#define MARGIN		(18.0 * PT_PER_MM)
#define LABEL_W		(40.0 * PT_PER_MM)
#define PAD		6.0

/* Gothic for the form; families tried in order (fontconfig). */
#define FONT_FAMILY	"IPAexGothic,Noto Sans CJK JP,IPAGothic,sans-serif"

struct pdf {
	cairo_t *cr;
	PangoFontMap *fm;
	PangoContext *pc;
	int fd;
	int err;
};

static cairo_status_t pdf_write(void *closure, const unsigned char *data,
				unsigned int len)
{
	struct pdf *p = closure;
	int ret = mncr_claim_file_write(p->fd, data, len);

	if (ret < 0) {
		p->err = ret;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

/*
 * Draws text in a box of width w at (x, y): size in points, bold or not,
 * grey or black. Returns the height it took.
 */
static double text(struct pdf *p, double x, double y, double w, double size,
		   bool bold, bool grey, PangoAlignment align, const char *s)
{
	PangoLayout *lay = pango_layout_new(p->pc);
	PangoFontDescription *fd = pango_font_description_from_string(FONT_FAMILY);
	int lw, lh;

	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD :
						      PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(lay, fd);
	pango_layout_set_width(lay, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(lay, align);
	pango_layout_set_text(lay, s, -1);
	if (grey)
		cairo_set_source_rgb(p->cr, 0.35, 0.35, 0.35);
	else
		cairo_set_source_rgb(p->cr, 0, 0, 0);
	cairo_move_to(p->cr, x, y);
	pango_cairo_update_layout(p->cr, lay);
	pango_cairo_show_layout(p->cr, lay);
	pango_layout_get_size(lay, &lw, &lh);
	pango_font_description_free(fd);
	g_object_unref(lay);
	return (double)lh / PANGO_SCALE;
}

static void box(struct pdf *p, double x, double y, double w, double h, double lw)
{
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	cairo_set_line_width(p->cr, lw);
	cairo_rectangle(p->cr, x, y, w, h);
	cairo_stroke(p->cr);
}

/*
 * One row of the table: label cell, value cell. A blank patient field
 * gets a grey hint instead of a value. Returns the row height.
 */
static double row(struct pdf *p, double y, double min_h, const char *label,
		  const char *value, const char *hint)
{
	double vx = MARGIN + LABEL_W, vw = PAGE_W - 2 * MARGIN - LABEL_W;
	double h = min_h, th;

	text(p, MARGIN + PAD, y + PAD, LABEL_W - 2 * PAD, 10.5, true, false,
	     PANGO_ALIGN_LEFT, label);
	if (value && value[0])
		th = text(p, vx + PAD, y + PAD, vw - 2 * PAD, 12, false, false,
			  PANGO_ALIGN_LEFT, value);
	else
		th = text(p, vx + PAD, y + PAD, vw - 2 * PAD, 8.5, false, true,
			  PANGO_ALIGN_LEFT, hint ? hint : "");
	if (th + 2 * PAD > h)
		h = th + 2 * PAD;
	box(p, MARGIN, y, LABEL_W, h, 0.8);
	box(p, vx, y, vw, h, 0.8);
	return h;
}

/* The hint in a blank field the patient fills in. */
#define ASK "ご記入ください"

static double field_row(struct pdf *p, double y, double min_h,
			enum mncr_claim_field id, const char *value,
			const char *hint)
{
	return row(p, y, min_h, mncr_claim_field_label(id), value, hint);
}

static void insurer_number_boxes(struct pdf *p, double y, double h,
				  const char *number)
{
	double x = MARGIN + LABEL_W + PAD + 150, size = 16;

	for (int i = 0; i < 8; i++) {
		char digit[2] = { number[0] && (size_t)i < strlen(number) ? number[i] : 0, 0 };

		box(p, x + i * (size + 2), y + (h - size) / 2, size, size, 0.6);
		if (digit[0])
			text(p, x + i * (size + 2), y + (h - size) / 2 + 1, size, 11,
			     false, false, PANGO_ALIGN_CENTER, digit);
	}
}

static void draw_form(struct pdf *p, const struct mncr_claim_form *f)
{
	char birth[160], era[64], date[96], note[512];
	double y = MARGIN, w = PAGE_W - 2 * MARGIN, h;
	const char *share = f->share[0] ? f->share :
			    "□ 1割　　□ 2割　　□ 3割　　□ その他（　　　　）";

	mncr_claim_era_date(f->birth, era, sizeof(era));
	if (f->birth[0])
		snprintf(birth, sizeof(birth), "%s（%.4s年%d月%d日）", era, f->birth,
			 atoi((char[3]){ f->birth[4], f->birth[5], 0 }),
			 atoi((char[3]){ f->birth[6], f->birth[7], 0 }));
	else
		birth[0] = '\0';
	mncr_claim_era_date(f->date, era, sizeof(era));
	snprintf(date, sizeof(date), "申立日　%s", era);

	y += text(p, MARGIN, y, w, 22, true, false, PANGO_ALIGN_CENTER,
		  MNCR_CLAIM_FORM_TITLE);
	y += 14;
	text(p, MARGIN, y, w, 10.5, false, false, PANGO_ALIGN_RIGHT, date);
	y += 24;
	y += text(p, MARGIN, y, w, 10.5, false, false, PANGO_ALIGN_LEFT,
		  "私は、下記のとおり医療保険の被保険者（被扶養者）の資格を有していることを申し立てます。");
	y += 12;

	y += field_row(p, y, 40, MNCR_CLAIM_FIELD_NAME, f->name, ASK);
	y += field_row(p, y, 30, MNCR_CLAIM_FIELD_BIRTH, birth, ASK);
	y += field_row(p, y, 30, MNCR_CLAIM_FIELD_SEX, mncr_claim_sex_text(f->sex),
		       ASK);
	y += field_row(p, y, 52, MNCR_CLAIM_FIELD_ADDRESS, f->address, ASK);
	y += field_row(p, y, 40, MNCR_CLAIM_FIELD_CONTACT, f->contact,
		       ASK "（日中に連絡のつく電話番号）");
	y += field_row(p, y, 40, MNCR_CLAIM_FIELD_INSURER_NAME, f->insurer_name,
		       ASK "（加入している健康保険組合・協会けんぽ・市区町村など）");
	h = field_row(p, y, 40, MNCR_CLAIM_FIELD_INSURER_NUMBER, "",
		      ASK "（わかる場合）");
	insurer_number_boxes(p, y, h, f->insurer_number);
	y += h;
	y += field_row(p, y, 36, MNCR_CLAIM_FIELD_SHARE, share, NULL);
	y += row(p, y, 44, "署名", "", "ご本人（または代理の方）の署名");
	y += 20;

	snprintf(note, sizeof(note),
		 "オンライン資格確認を完了できなかったため、この申立書を作成しました。\n理由：%s。\n%s",
		 mncr_claim_reason_text(f->reason),
		 f->prefilled ?
		 "氏名・生年月日・性別・住所は、マイナンバーカードのICチップから読み取って記入しています。" :
		 "カードから氏名などを読み取れなかったため、すべての欄をご記入ください。");
	h = text(p, MARGIN + PAD, y + PAD, w - 2 * PAD, 9.5, false, false,
		 PANGO_ALIGN_LEFT, note);
	box(p, MARGIN, y, w, h + 2 * PAD, 0.6);
	y += h + 2 * PAD + 10;
	text(p, MARGIN, y, w, 9.5, false, false, PANGO_ALIGN_LEFT,
	     "連絡先・保険者名・保険者番号・負担割合をご記入のうえ、受付にご提出ください。");
	text(p, MARGIN, PAGE_H - MARGIN - 12, w, 7.5, false, true,
	     PANGO_ALIGN_RIGHT, "mncr 顔認証付きカードリーダーで作成");
	OPENSSL_cleanse(birth, sizeof(birth));
	OPENSSL_cleanse(note, sizeof(note));
}

int mncr_claim_form_write_pdf(const struct mncr_claim_form *f,
			      const char *path)
{
	struct pdf p = { .fd = -1 };
	cairo_surface_t *surf;
	cairo_status_t st;
	int ret;

	if (!f || mncr_claim_form_check(f) < 0)
		return -EINVAL;
	p.fd = mncr_claim_file_open(path);
	if (p.fd < 0)
		return p.fd;
	surf = cairo_pdf_surface_create_for_stream(pdf_write, &p, PAGE_W, PAGE_H);
	/* Metadata names the form, never the patient. */
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE,
				       MNCR_CLAIM_FORM_TITLE);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "mncr");
	p.cr = cairo_create(surf);
	/* A font map of our own: nothing process-wide is created or kept. */
	p.fm = pango_cairo_font_map_new();
	p.pc = pango_font_map_create_context(p.fm);
	pango_cairo_update_context(p.cr, p.pc);
	draw_form(&p, f);
	cairo_show_page(p.cr);
	g_object_unref(p.pc);
	g_object_unref(p.fm);
	cairo_destroy(p.cr);
	cairo_surface_finish(surf);
	st = cairo_surface_status(surf);
	cairo_surface_destroy(surf);
	ret = p.err ? p.err : st != CAIRO_STATUS_SUCCESS ? -EIO : 0;
	return mncr_claim_file_close(p.fd, path, ret);
}

bool mncr_claim_form_pdf_supported(void)
{
	return true;
}

#else

int mncr_claim_form_write_pdf(const struct mncr_claim_form *f,
			      const char *path)
{
	(void)f;
	(void)path;
	return -ENOTSUP;
}

bool mncr_claim_form_pdf_supported(void)
{
	return false;
}

#endif
