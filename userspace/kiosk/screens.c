// SPDX-License-Identifier: LGPL-2.1-or-later
#include "screens.h"

#include "text.h"

static const char *const names[KIOSK_SCR_COUNT] = {
	[KIOSK_SCR_WAITING] = "waiting",
	[KIOSK_SCR_READING] = "reading",
	[KIOSK_SCR_FACE] = "face",
	[KIOSK_SCR_CHOOSE] = "choose",
	[KIOSK_SCR_PIN] = "pin",
	[KIOSK_SCR_CONSENT] = "consent",
	[KIOSK_SCR_RESULT] = "result",
	[KIOSK_SCR_STAFF] = "staff",
	[KIOSK_SCR_VISUAL] = "visual",
	[KIOSK_SCR_CLAIM] = "claim",
	[KIOSK_SCR_LAST_TRY] = "lasttry",
};

/* Titles; the staff's pages say so, the patient must not act on them. */
static const char *title_of(enum kiosk_screen scr)
{
	switch (scr) {
	case KIOSK_SCR_WAITING: return K_("マイナンバーカードを置いてください");
	case KIOSK_SCR_READING: return K_("カードを読み取っています");
	case KIOSK_SCR_FACE: return K_("顔認証");
	case KIOSK_SCR_CHOOSE: return K_("本人確認の方法");
	case KIOSK_SCR_PIN: return K_("暗証番号の入力");
	case KIOSK_SCR_CONSENT: return K_("情報提供への同意");
	case KIOSK_SCR_RESULT: return K_("確認結果");
	case KIOSK_SCR_STAFF: return K_("職員の方へ");
	case KIOSK_SCR_VISUAL: return K_("職員の方へ：目視確認");
	case KIOSK_SCR_CLAIM: return K_("被保険者資格申立書");
	case KIOSK_SCR_LAST_TRY: return K_("職員の方へ：暗証番号は残り1回です");
	default: return "";
	}
}

const char *kiosk_screen_name(enum kiosk_screen scr)
{
	return scr < KIOSK_SCR_COUNT ? names[scr] : "?";
}

void kiosk_screens_name(GtkWidget *w, const char *name)
{
	gtk_accessible_update_property(GTK_ACCESSIBLE(w),
				       GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static GtkWidget *label(const char *css)
{
	GtkWidget *l = gtk_label_new(NULL);

	gtk_label_set_wrap(GTK_LABEL(l), TRUE);
	gtk_label_set_justify(GTK_LABEL(l), GTK_JUSTIFY_CENTER);
	gtk_widget_add_css_class(l, css);
	return l;
}

static GtkWidget *button(const char *text)
{
	GtkWidget *b = gtk_button_new_with_label(text);

	gtk_widget_add_css_class(b, "kiosk-target");
	kiosk_screens_name(b, text);
	return b;
}

/* A named frame for a picture; a placeholder until one comes. */
static GtkWidget *picture(const char *what)
{
	GtkWidget *f = gtk_frame_new(what);

	kiosk_screens_image(f, NULL);
	gtk_widget_set_size_request(f, 320, 240);
	gtk_widget_set_hexpand(f, TRUE);
	gtk_widget_set_vexpand(f, TRUE);
	kiosk_screens_name(f, what);
	return f;
}

void kiosk_screens_image(GtkWidget *frame, GdkPaintable *image)
{
	GtkWidget *c;

	if (!image) {
		c = label("kiosk-placeholder");
		gtk_label_set_text(GTK_LABEL(c), K_("（画像なし）"));
	} else {
		c = gtk_picture_new_for_paintable(image);
		gtk_picture_set_content_fit(GTK_PICTURE(c),
					    GTK_CONTENT_FIT_CONTAIN);
		kiosk_screens_name(c, gtk_frame_get_label(GTK_FRAME(frame)));
	}
	gtk_frame_set_child(GTK_FRAME(frame), c);
}

void kiosk_screens_face_status(struct kiosk_screens *s, bool face,
			       enum mncr_qualify_liveness l)
{
	const char *t = !face ? K_("顔が見つかりません。カメラを見てください。") :
			l == MNCR_QUALIFY_LIVENESS_PENDING ? K_("まばたきをしてください。") :
			l == MNCR_QUALIFY_LIVENESS_LIVE ? K_("確認できました。") :
			l == MNCR_QUALIFY_LIVENESS_SPOOF ? K_("確認できませんでした。") :
			K_("顔を確認しています。");

	gtk_label_set_text(GTK_LABEL(s->face_status), t);
}

static GtkWidget *row(void)
{
	GtkWidget *r = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 24);

	gtk_widget_set_halign(r, GTK_ALIGN_CENTER);
	return r;
}

static void build_pin(struct kiosk_screens *s, GtkWidget *box)
{
	GtkWidget *grid = gtk_grid_new();
	char d[2] = "0";

	s->pin_dots = label("kiosk-pin-dots");
	gtk_box_append(GTK_BOX(box), s->pin_dots);
	gtk_grid_set_row_spacing(GTK_GRID(grid), 12);
	gtk_grid_set_column_spacing(GTK_GRID(grid), 12);
	gtk_widget_set_halign(grid, GTK_ALIGN_CENTER);
	for (int i = 0; i < 10; i++) {
		d[0] = (char)('0' + i);
		s->pin_key[i] = button(d);
		if (i)
			gtk_grid_attach(GTK_GRID(grid), s->pin_key[i],
					(i - 1) % 3, (i - 1) / 3, 1, 1);
	}
	gtk_grid_attach(GTK_GRID(grid), s->pin_key[0], 1, 3, 1, 1);
	s->pin_clear = button(K_("訂正"));
	s->pin_ok = button(K_("確定"));
	gtk_grid_attach(GTK_GRID(grid), s->pin_clear, 0, 3, 1, 1);
	gtk_grid_attach(GTK_GRID(grid), s->pin_ok, 2, 3, 1, 1);
	gtk_box_append(GTK_BOX(box), grid);
	kiosk_screens_pin_dots(s, 0);
}

static void build_visual(struct kiosk_screens *s, GtkWidget *box)
{
	GtkWidget *pics = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 24);
	GtkWidget *r = row();

	s->card_photo = picture(K_("カードの顔写真"));
	s->live_image = picture(K_("カメラの映像"));
	gtk_box_append(GTK_BOX(pics), s->card_photo);
	gtk_box_append(GTK_BOX(pics), s->live_image);
	gtk_box_append(GTK_BOX(box), pics);

	s->operator_id = gtk_entry_new();
	gtk_entry_set_placeholder_text(GTK_ENTRY(s->operator_id),
				       K_("職員ID"));
	kiosk_screens_name(s->operator_id, K_("職員ID"));
	s->present = gtk_check_button_new_with_label(K_("ご本人がいらっしゃる"));
	kiosk_screens_name(s->present, K_("ご本人がいらっしゃる"));
	gtk_box_append(GTK_BOX(r), s->operator_id);
	gtk_box_append(GTK_BOX(r), s->present);
	gtk_box_append(GTK_BOX(box), r);

	r = row();
	s->confirm = button(K_("目視で本人確認完了"));
	s->reject = button(K_("本人確認できない"));
	gtk_box_append(GTK_BOX(r), s->confirm);
	gtk_box_append(GTK_BOX(r), s->reject);
	gtk_box_append(GTK_BOX(box), r);
}

static void build_page(struct kiosk_screens *s, enum kiosk_screen scr)
{
	struct kiosk_page *p = &s->page[scr];
	GtkWidget *r;

	p->box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 24);
	gtk_widget_set_valign(p->box, GTK_ALIGN_CENTER);
	gtk_widget_set_margin_start(p->box, 32);
	gtk_widget_set_margin_end(p->box, 32);
	p->title = label("kiosk-title");
	gtk_label_set_text(GTK_LABEL(p->title), title_of(scr));
	p->text = label("kiosk-text");
	p->detail = label("kiosk-detail");
	p->guide = label("kiosk-guide");
	gtk_box_append(GTK_BOX(p->box), p->title);
	if (scr == KIOSK_SCR_FACE) {
		s->face_preview = picture(K_("カメラの映像"));
		gtk_box_append(GTK_BOX(p->box), s->face_preview);
		s->face_status = label("kiosk-detail");
		gtk_box_append(GTK_BOX(p->box), s->face_status);
	}
	gtk_box_append(GTK_BOX(p->box), p->text);
	gtk_box_append(GTK_BOX(p->box), p->detail);
	gtk_box_append(GTK_BOX(p->box), p->guide);

	switch (scr) {
	case KIOSK_SCR_CLAIM:
		s->claim_preview = picture(K_("申立書のプレビュー"));
		gtk_box_append(GTK_BOX(p->box), s->claim_preview);
		/* retry or done */
		__attribute__((fallthrough));
	case KIOSK_SCR_CHOOSE:
	case KIOSK_SCR_STAFF:
	case KIOSK_SCR_LAST_TRY:
		p->choices = gtk_flow_box_new();
		gtk_flow_box_set_selection_mode(GTK_FLOW_BOX(p->choices),
						GTK_SELECTION_NONE);
		gtk_flow_box_set_max_children_per_line(GTK_FLOW_BOX(p->choices),
						       3);
		gtk_box_append(GTK_BOX(p->box), p->choices);
		break;
	case KIOSK_SCR_PIN:
		build_pin(s, p->box);
		break;
	case KIOSK_SCR_CONSENT:
		r = row();
		s->yes = button(K_("同意する"));
		s->no = button(K_("同意しない"));
		gtk_box_append(GTK_BOX(r), s->yes);
		gtk_box_append(GTK_BOX(r), s->no);
		gtk_box_append(GTK_BOX(p->box), r);
		break;
	case KIOSK_SCR_VISUAL:
		build_visual(s, p->box);
		break;
	default:
		break;
	}
	gtk_stack_add_named(GTK_STACK(s->stack), p->box, names[scr]);
}

void kiosk_screens_build(struct kiosk_screens *s)
{
	GtkWidget *bar = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0);

	s->root = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
	s->stack = gtk_stack_new();
	gtk_stack_set_transition_type(GTK_STACK(s->stack),
				      GTK_STACK_TRANSITION_TYPE_NONE);
	gtk_widget_set_vexpand(s->stack, TRUE);
	for (int i = 0; i < KIOSK_SCR_COUNT; i++)
		build_page(s, (enum kiosk_screen)i);
	s->cancel = button(K_("中止"));
	gtk_widget_set_halign(bar, GTK_ALIGN_END);
	gtk_widget_set_margin_end(bar, 24);
	gtk_widget_set_margin_bottom(bar, 24);
	gtk_box_append(GTK_BOX(bar), s->cancel);
	gtk_box_append(GTK_BOX(s->root), s->stack);
	gtk_box_append(GTK_BOX(s->root), bar);
}

static void set_line(GtkWidget *l, const char *t)
{
	gtk_label_set_text(GTK_LABEL(l), t ? t : "");
	gtk_widget_set_visible(l, t && *t);
}

void kiosk_screens_show(struct kiosk_screens *s, enum kiosk_screen scr,
			const char *text, const char *detail,
			const char *guide)
{
	struct kiosk_page *p = &s->page[scr];

	set_line(p->text, text);
	set_line(p->detail, detail);
	set_line(p->guide, guide);
	gtk_stack_set_visible_child(GTK_STACK(s->stack), p->box);
	/* Nothing to cancel before a card or once the result is there. */
	gtk_widget_set_visible(s->cancel, scr != KIOSK_SCR_WAITING &&
			       scr != KIOSK_SCR_RESULT &&
			       scr != KIOSK_SCR_CLAIM);
}

void kiosk_screens_choices(struct kiosk_screens *s, enum kiosk_screen scr,
			   unsigned int options, GCallback cb, gpointer data)
{
	GtkFlowBox *box = GTK_FLOW_BOX(s->page[scr].choices);
	GtkFlowBoxChild *c;

	while ((c = gtk_flow_box_get_child_at_index(box, 0)))
		gtk_flow_box_remove(box, GTK_WIDGET(c));
	for (unsigned int bit = 1; bit & MNCR_QUALIFY_OPT_ALL; bit <<= 1) {
		GtkWidget *b;

		if (!(options & bit))
			continue;
		b = button(mncr_qualify_option_text(bit));
		g_object_set_data(G_OBJECT(b), "mncr-option",
				  GUINT_TO_POINTER(bit));
		if (cb)
			g_signal_connect(b, "clicked", cb, data);
		gtk_flow_box_append(box, b);
	}
}

GtkWidget *kiosk_screens_choice(struct kiosk_screens *s,
				enum kiosk_screen scr, unsigned int opt)
{
	GtkFlowBox *box = GTK_FLOW_BOX(s->page[scr].choices);
	GtkFlowBoxChild *c;

	for (int i = 0; (c = gtk_flow_box_get_child_at_index(box, i)); i++) {
		GtkWidget *b = gtk_flow_box_child_get_child(c);

		if (GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(b),
						       "mncr-option")) == opt)
			return b;
	}
	return NULL;
}

void kiosk_screens_pin_dots(struct kiosk_screens *s, size_t n)
{
	char dots[3 * 16 + 1] = "";
	char *name;

	for (size_t i = 0; i < n && i < 16; i++)
		g_strlcat(dots, "●", sizeof(dots));
	gtk_label_set_text(GTK_LABEL(s->pin_dots), n ? dots : "・・・・");
	name = g_strdup_printf(K_("入力済み %zu 桁"), n);
	kiosk_screens_name(s->pin_dots, name);
	g_free(name);
}

void kiosk_screens_consent(struct kiosk_screens *s,
			   enum mncr_qualify_consent c)
{
	static const char *const what[MNCR_QUALIFY_CONSENT_COUNT] = {
		KN_("薬剤情報"), KN_("特定健診情報"), KN_("診療情報"),
		KN_("手術情報"),
	};
	char *t = g_strdup_printf(K_("情報提供への同意（%s）"),
				  c < MNCR_QUALIFY_CONSENT_COUNT ? K_(what[c]) : "");

	gtk_label_set_text(GTK_LABEL(s->page[KIOSK_SCR_CONSENT].title), t);
	g_free(t);
}

void kiosk_screens_font(int pt)
{
	GtkCssProvider *css = gtk_css_provider_new();
	char *rules = g_strdup_printf(
		"window, label, button, entry { font-size: %dpt; }\n"
		".kiosk-title { font-size: %dpt; font-weight: bold; }\n"
		".kiosk-pin-dots { font-size: %dpt; letter-spacing: 8px; }\n"
		".kiosk-target { min-width: 96px; min-height: 72px; }\n"
		".kiosk-placeholder { color: #666; }\n",
		pt, pt * 3 / 2, pt * 2);

#if GTK_CHECK_VERSION(4, 12, 0)	/* load_from_data: deprecated in 4.12 */
	gtk_css_provider_load_from_string(css, rules);
#else
	gtk_css_provider_load_from_data(css, rules, -1);
#endif
	gtk_style_context_add_provider_for_display(gdk_display_get_default(),
		GTK_STYLE_PROVIDER(css),
		GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
	g_object_unref(css);
	g_free(rules);
}
