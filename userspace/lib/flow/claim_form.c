// SPDX-License-Identifier: LGPL-2.1-or-later
#include "flow/claim_form.h"
#include "card/card_collation.h"
#include "elig/elig_fields.h"
#include "util/json_read.h"
#include "util/json_wipe.h"
#include "util/json_write.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/linkhash.h>
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

#define JST_OFFSET (9 * 3600)

static const char *const reason_names[MNCR_CLAIM_REASON_COUNT] = {
	"service_unavailable", "not_verified", "query_failed",
};

/* Printed on the form: why the online confirmation did not complete. */
static const char *const reason_texts[MNCR_CLAIM_REASON_COUNT] = {
	"オンライン資格確認等システムに接続できず、資格情報を照会できなかったため",
	"顔認証・暗証番号・目視のいずれでも本人確認を完了できなかったため",
	"資格情報の照会がエラーとなり、資格を確認できなかったため",
};

/* The fields in order, with their labels and who fills them in. */
enum field_id {
	F_NAME, F_BIRTH, F_SEX, F_ADDRESS, F_CONTACT, F_INSURER_NAME,
	F_INSURER_NUMBER, F_SHARE, F_DATE, F_COUNT
};

static const struct {
	const char *key;
	const char *label;
	const char *source;	/* "card", "patient", "reader" */
} fields[F_COUNT] = {
	[F_NAME] = { "name", "氏名", "card" },
	[F_BIRTH] = { "birth_date", "生年月日", "card" },
	[F_SEX] = { "sex", "性別", "card" },
	[F_ADDRESS] = { "address", "住所", "card" },
	[F_CONTACT] = { "contact", "連絡先（電話番号）", "patient" },
	[F_INSURER_NAME] = { "insurer_name", "保険者名", "patient" },
	[F_INSURER_NUMBER] = { "insurer_number", "保険者番号", "patient" },
	[F_SHARE] = { "share", "負担割合", "patient" },
	[F_DATE] = { "date", "申立日", "reader" },
};

#define FORM_TITLE "被保険者資格申立書"

const char *mncr_claim_reason_name(enum mncr_claim_reason r)
{
	return (unsigned int)r < MNCR_CLAIM_REASON_COUNT ? reason_names[r] : "?";
}

const char *mncr_claim_reason_text(enum mncr_claim_reason r)
{
	return (unsigned int)r < MNCR_CLAIM_REASON_COUNT ? reason_texts[r] : "";
}

int mncr_claim_date_jst(time_t t, char out[9])
{
	struct tm tm;
	time_t jst;

	if (__builtin_add_overflow(t, (time_t)JST_OFFSET, &jst) ||
	    !gmtime_r(&jst, &tm) || tm.tm_year + 1900 < 1 ||
	    tm.tm_year + 1900 > 9999)
		return -EOVERFLOW;
	return strftime(out, 9, "%Y%m%d", &tm) == 8 ? 0 : -EOVERFLOW;
}

int mncr_claim_form_init(struct mncr_claim_form *f,
			 enum mncr_claim_reason reason, time_t t)
{
	if (!f || (unsigned int)reason >= MNCR_CLAIM_REASON_COUNT)
		return -EINVAL;
	memset(f, 0, sizeof(*f));
	f->reason = reason;
	return mncr_claim_date_jst(t, f->date);
}

void mncr_claim_form_clear(struct mncr_claim_form *f)
{
	if (f)
		OPENSSL_cleanse(f, sizeof(*f));
}

static bool digits(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* "YYYYMMDD" that is a calendar date (era conversion agrees). */
static bool date_valid(const char *s)
{
	enum mncr_era era;
	int y, m, d, ey;

	if (!digits(s, 8))
		return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[4] - '0') * 10 + (s[5] - '0');
	d = (s[6] - '0') * 10 + (s[7] - '0');
	/* Before 明治6 there is no Gregorian date to print: still a date. */
	return mncr_era_of(y, m, d, &era, &ey) != -EINVAL;
}

static bool text_ok(const char *s, size_t max)
{
	return mncr_elig_text_valid(s, 0, max);
}

int mncr_claim_form_check(const struct mncr_claim_form *f)
{
	if (!f || (unsigned int)f->reason >= MNCR_CLAIM_REASON_COUNT ||
	    !date_valid(f->date))
		return -EINVAL;
	if (!text_ok(f->name, MNCR_CLAIM_NAME_MAX) ||
	    !text_ok(f->address, MNCR_CLAIM_ADDRESS_MAX) ||
	    !text_ok(f->contact, MNCR_CLAIM_CONTACT_MAX) ||
	    !text_ok(f->insurer_name, MNCR_CLAIM_INSURER_MAX) ||
	    !text_ok(f->share, MNCR_CLAIM_SHARE_MAX))
		return -EINVAL;
	if (f->birth[0] && !date_valid(f->birth))
		return -EINVAL;
	if (f->sex && !strchr("0129", f->sex))
		return -EINVAL;
	if (f->insurer_number[0] && !digits(f->insurer_number, 6) &&
	    !digits(f->insurer_number, 8))
		return -EINVAL;
	return 0;
}

int mncr_claim_form_prefill(struct mncr_claim_form *f,
			    const struct mncr_text_basic4 *b)
{
	size_t nl, al;

	if (!f || !b || !b->name || !b->address)
		return -EINVAL;
	nl = strlen(b->name);
	al = strlen(b->address);
	if (nl > MNCR_CLAIM_NAME_MAX || al > MNCR_CLAIM_ADDRESS_MAX)
		return -E2BIG;
	if (!text_ok(b->name, MNCR_CLAIM_NAME_MAX) ||
	    !text_ok(b->address, MNCR_CLAIM_ADDRESS_MAX) ||
	    !date_valid(b->birth) || !strchr("0129", b->sex) || !b->sex)
		return -EINVAL;
	memcpy(f->name, b->name, nl + 1);
	memcpy(f->address, b->address, al + 1);
	memcpy(f->birth, b->birth, sizeof(f->birth));
	f->sex = b->sex;
	f->prefilled = true;
	return 0;
}

static const char *sex_text(char sex)
{
	switch (sex) {
	case '1': return "男";
	case '2': return "女";
	case '9': return "適用不能";
	case '0': return "不明";
	default: return "";
	}
}

static char sex_from_code(const char *s)
{
	return strlen(s) == 1 && strchr("0129", s[0]) ? s[0] : 0;
}

/* "昭和55年2月17日" (元年 for year 1); "" when not a date. */
static void era_date(const char *ymd, char *out, size_t cap)
{
	enum mncr_era era;
	int y, m, d, ey;

	out[0] = '\0';
	if (!digits(ymd, 8))
		return;
	y = atoi((char[5]){ ymd[0], ymd[1], ymd[2], ymd[3], 0 });
	m = atoi((char[3]){ ymd[4], ymd[5], 0 });
	d = atoi((char[3]){ ymd[6], ymd[7], 0 });
	if (mncr_era_of(y, m, d, &era, &ey) < 0)
		snprintf(out, cap, "%d年%d月%d日", y, m, d);
	else if (ey == 1)
		snprintf(out, cap, "%s元年%d月%d日", mncr_era_name(era), m, d);
	else
		snprintf(out, cap, "%s%d年%d月%d日", mncr_era_name(era), ey, m, d);
}

/* ---- JSON ---- */

static void json_field(struct mncr_json *j, enum field_id id, const char *value,
		       const char *text, bool from_card)
{
	mncr_json_object_begin(j, fields[id].key);
	mncr_json_string(j, "label", fields[id].label);
	mncr_json_string(j, "value", value);
	if (text)
		mncr_json_string(j, "text", text);
	/* Card fields that could not be read are the patient's to fill. */
	mncr_json_string(j, "source", strcmp(fields[id].source, "card") == 0 &&
			 !from_card ? "patient" : fields[id].source);
	mncr_json_object_end(j);
}

int mncr_claim_form_json(const struct mncr_claim_form *f, char *out,
			 size_t cap)
{
	char birth_text[64], sex_code[2] = { f ? f->sex : 0, 0 };
	struct mncr_json j;
	FILE *mem;
	long len;
	int ret = 0;

	if (!f || !out || cap < 2)
		return -EINVAL;
	if (mncr_claim_form_check(f) < 0)
		return -EINVAL;
	if (cap > MNCR_CLAIM_JSON_MAX)
		cap = MNCR_CLAIM_JSON_MAX;
	mem = fmemopen(out, cap - 1, "w");
	if (!mem)
		return -errno;
	/* Unbuffered: stdio would keep a copy of the data in its own buffer. */
	setvbuf(mem, NULL, _IONBF, 0);
	era_date(f->birth, birth_text, sizeof(birth_text));

	mncr_json_init(&j, mem);
	mncr_json_object_begin(&j, NULL);
	mncr_json_int(&j, "version", 1);
	mncr_json_string(&j, "form", FORM_TITLE);
	mncr_json_object_begin(&j, "reason");
	mncr_json_string(&j, "code", reason_names[f->reason]);
	mncr_json_string(&j, "text", reason_texts[f->reason]);
	mncr_json_object_end(&j);
	mncr_json_bool(&j, "prefilled", f->prefilled);
	mncr_json_object_begin(&j, "fields");
	json_field(&j, F_NAME, f->name, NULL, f->prefilled);
	json_field(&j, F_BIRTH, f->birth, f->birth[0] ? birth_text : NULL, f->prefilled);
	json_field(&j, F_SEX, sex_code, f->sex ? sex_text(f->sex) : NULL, f->prefilled);
	json_field(&j, F_ADDRESS, f->address, NULL, f->prefilled);
	json_field(&j, F_CONTACT, f->contact, NULL, false);
	json_field(&j, F_INSURER_NAME, f->insurer_name, NULL, false);
	json_field(&j, F_INSURER_NUMBER, f->insurer_number, NULL, false);
	json_field(&j, F_SHARE, f->share, NULL, false);
	json_field(&j, F_DATE, f->date, NULL, false);
	mncr_json_object_end(&j);
	mncr_json_object_end(&j);
	fputc('\n', mem);
	fflush(mem);
	len = ftell(mem);
	if (ferror(mem) || len < 0 || (size_t)len >= cap - 1)
		ret = -ENOSPC;
	fclose(mem);
	OPENSSL_cleanse(birth_text, sizeof(birth_text));
	if (ret < 0) {
		OPENSSL_cleanse(out, cap);
		out[0] = '\0';
		return ret;
	}
	out[len] = '\0';
	return (int)len;
}

/* True when obj is an object whose keys are all in allowed (NULL-ended). */
static bool only_keys(const struct json_object *obj, const char *const *allowed)
{
	if (!json_object_is_type(obj, json_type_object))
		return false;
	json_object_object_foreach((struct json_object *)obj, key, val) {
		bool ok = false;

		(void)val;
		for (const char *const *a = allowed; *a; a++)
			ok |= strcmp(key, *a) == 0;
		if (!ok)
			return false;
	}
	return true;
}

static int why_set(char *why, size_t why_len, const char *what)
{
	if (why && why_len)
		snprintf(why, why_len, "%s", what);
	return -EINVAL;
}

/* Copies fields.<key>.value into dst (cap bytes with the NUL). */
static int take(const struct json_object *fs, enum field_id id, char *dst,
		size_t cap, char *why, size_t why_len)
{
	static const char *const keys[] = { "label", "value", "text", "source", NULL };
	const struct json_object *o = mncr_json_value_get(fs, fields[id].key);
	const char *label = mncr_json_value_str(mncr_json_value_get(o, "label"));
	const char *value = mncr_json_value_str(mncr_json_value_get(o, "value"));
	const struct json_object *text = mncr_json_value_get(o, "text");
	const struct json_object *src = mncr_json_value_get(o, "source");
	char msg[80];

	snprintf(msg, sizeof(msg), "fields.%s", fields[id].key);
	if (!only_keys(o, keys) || !label || !value ||
	    (text && !mncr_json_value_str(text)) || (src && !mncr_json_value_str(src)))
		return why_set(why, why_len, msg);
	if (strcmp(label, fields[id].label) != 0) {
		snprintf(msg, sizeof(msg), "fields.%s.label", fields[id].key);
		return why_set(why, why_len, msg);
	}
	if (strlen(value) >= cap) {
		snprintf(msg, sizeof(msg), "fields.%s.value: too long", fields[id].key);
		return why_set(why, why_len, msg);
	}
	memcpy(dst, value, strlen(value) + 1);
	return 0;
}

int mncr_claim_form_parse_json(const char *text, size_t len,
			       struct mncr_claim_form *out, char *why,
			       size_t why_len)
{
	static const char *const root_keys[] = {
		"version", "form", "reason", "prefilled", "fields", NULL,
	};
	static const char *const reason_keys[] = { "code", "text", NULL };
	static const char *const field_keys[] = {
		"name", "birth_date", "sex", "address", "contact", "insurer_name",
		"insurer_number", "share", "date", NULL,
	};
	struct json_object *root;
	const struct json_object *reason, *fs, *pre;
	unsigned long long version;
	char err[96], sex[2] = "";
	const char *code;
	int ret = -EINVAL;

	if (!text || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	root = mncr_json_value_parse(text, len, err, sizeof(err));
	if (!root)
		return why_set(why, why_len, err);
	reason = mncr_json_value_get(root, "reason");
	fs = mncr_json_value_get(root, "fields");
	pre = mncr_json_value_get(root, "prefilled");
	code = mncr_json_value_str(mncr_json_value_get(reason, "code"));
	if (!only_keys(root, root_keys) || mncr_json_value_len(root) != 5) {
		why_set(why, why_len, "members of the form");
		goto out;
	}
	if (mncr_json_value_uint(mncr_json_value_get(root, "version"), 1, &version) < 0 ||
	    version != 1) {
		why_set(why, why_len, "version");
		goto out;
	}
	if (!mncr_json_value_str(mncr_json_value_get(root, "form")) ||
	    strcmp(mncr_json_value_str(mncr_json_value_get(root, "form")), FORM_TITLE)) {
		why_set(why, why_len, "form");
		goto out;
	}
	if (!only_keys(reason, reason_keys) || !code) {
		why_set(why, why_len, "reason");
		goto out;
	}
	out->reason = MNCR_CLAIM_REASON_COUNT;
	for (int i = 0; i < MNCR_CLAIM_REASON_COUNT; i++)
		if (strcmp(code, reason_names[i]) == 0)
			out->reason = (enum mncr_claim_reason)i;
	if (out->reason == MNCR_CLAIM_REASON_COUNT) {
		why_set(why, why_len, "reason.code");
		goto out;
	}
	if (!json_object_is_type(pre, json_type_boolean)) {
		why_set(why, why_len, "prefilled");
		goto out;
	}
	out->prefilled = json_object_get_boolean(pre);
	if (!only_keys(fs, field_keys) || mncr_json_value_len(fs) != F_COUNT) {
		why_set(why, why_len, "fields");
		goto out;
	}
	if (take(fs, F_NAME, out->name, sizeof(out->name), why, why_len) ||
	    take(fs, F_BIRTH, out->birth, sizeof(out->birth), why, why_len) ||
	    take(fs, F_SEX, sex, sizeof(sex), why, why_len) ||
	    take(fs, F_ADDRESS, out->address, sizeof(out->address), why, why_len) ||
	    take(fs, F_CONTACT, out->contact, sizeof(out->contact), why, why_len) ||
	    take(fs, F_INSURER_NAME, out->insurer_name, sizeof(out->insurer_name),
		 why, why_len) ||
	    take(fs, F_INSURER_NUMBER, out->insurer_number,
		 sizeof(out->insurer_number), why, why_len) ||
	    take(fs, F_SHARE, out->share, sizeof(out->share), why, why_len) ||
	    take(fs, F_DATE, out->date, sizeof(out->date), why, why_len))
		goto out;
	out->sex = sex_from_code(sex);
	if (sex[0] && !out->sex) {
		why_set(why, why_len, "fields.sex.value");
		goto out;
	}
	if (mncr_claim_form_check(out) < 0) {
		why_set(why, why_len, "a field value has the wrong format");
		goto out;
	}
	ret = 0;
out:
	mncr_json_wipe_free(root);
	if (ret < 0)
		mncr_claim_form_clear(out);
	return ret;
}

/* ---- output files ---- */

/* The requested path only, owner-only, never through a symlink or FIFO. */
static int open_output(const char *path)
{
	struct stat st;
	int fd, flags;

	if (!path || !path[0])
		return -EINVAL;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK,
		  0600);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0 ||
	    fchmod(fd, 0600) < 0 || ftruncate(fd, 0) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	return fd;
}

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Ends an output: fsync and close, or on failure leave nothing behind. */
static int close_output(int fd, const char *path, int ret)
{
	if (ret == 0 && fsync(fd) < 0)
		ret = -errno;
	if (ret < 0) {
		if (ftruncate(fd, 0) < 0) {
			/* unlinked below anyway */
		}
		unlink(path);
	}
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	return ret;
}

int mncr_claim_form_write_json(const struct mncr_claim_form *f,
			       const char *path)
{
	char *buf = malloc(MNCR_CLAIM_JSON_MAX);
	int len, fd, ret;

	if (!buf)
		return -ENOMEM;
	len = mncr_claim_form_json(f, buf, MNCR_CLAIM_JSON_MAX);
	if (len < 0) {
		free(buf);
		return len;
	}
	fd = open_output(path);
	if (fd < 0) {
		OPENSSL_cleanse(buf, MNCR_CLAIM_JSON_MAX);
		free(buf);
		return fd;
	}
	ret = close_output(fd, path, write_all(fd, buf, (size_t)len));
	OPENSSL_cleanse(buf, MNCR_CLAIM_JSON_MAX);
	free(buf);
	return ret;
}

/* ---- PDF ---- */

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
	int ret = write_all(p->fd, data, len);

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

	era_date(f->birth, era, sizeof(era));
	if (f->birth[0])
		snprintf(birth, sizeof(birth), "%s（%.4s年%d月%d日）", era, f->birth,
			 atoi((char[3]){ f->birth[4], f->birth[5], 0 }),
			 atoi((char[3]){ f->birth[6], f->birth[7], 0 }));
	else
		birth[0] = '\0';
	era_date(f->date, era, sizeof(era));
	snprintf(date, sizeof(date), "申立日　%s", era);

	y += text(p, MARGIN, y, w, 22, true, false, PANGO_ALIGN_CENTER, FORM_TITLE);
	y += 14;
	text(p, MARGIN, y, w, 10.5, false, false, PANGO_ALIGN_RIGHT, date);
	y += 24;
	y += text(p, MARGIN, y, w, 10.5, false, false, PANGO_ALIGN_LEFT,
		  "私は、下記のとおり医療保険の被保険者（被扶養者）の資格を有していることを申し立てます。");
	y += 12;

	y += row(p, y, 40, fields[F_NAME].label, f->name, "ご記入ください");
	y += row(p, y, 30, fields[F_BIRTH].label, birth, "ご記入ください");
	y += row(p, y, 30, fields[F_SEX].label, sex_text(f->sex), "ご記入ください");
	y += row(p, y, 52, fields[F_ADDRESS].label, f->address, "ご記入ください");
	y += row(p, y, 40, fields[F_CONTACT].label, f->contact,
		 "ご記入ください（日中に連絡のつく電話番号）");
	y += row(p, y, 40, fields[F_INSURER_NAME].label, f->insurer_name,
		 "ご記入ください（加入している健康保険組合・協会けんぽ・市区町村など）");
	h = row(p, y, 40, fields[F_INSURER_NUMBER].label, "",
		"ご記入ください（わかる場合）");
	insurer_number_boxes(p, y, h, f->insurer_number);
	y += h;
	y += row(p, y, 36, fields[F_SHARE].label, share, NULL);
	y += row(p, y, 44, "署名", "", "ご本人（または代理の方）の署名");
	y += 20;

	snprintf(note, sizeof(note),
		 "オンライン資格確認を完了できなかったため、この申立書を作成しました。\n理由：%s。\n%s",
		 reason_texts[f->reason],
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
	p.fd = open_output(path);
	if (p.fd < 0)
		return p.fd;
	surf = cairo_pdf_surface_create_for_stream(pdf_write, &p, PAGE_W, PAGE_H);
	/* Metadata names the form, never the patient. */
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, FORM_TITLE);
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
	return close_output(p.fd, path, ret);
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
