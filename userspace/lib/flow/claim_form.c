// SPDX-License-Identifier: LGPL-2.1-or-later
#include "flow/claim_form.h"
#include "card/card_collation.h"
#include "elig/elig_fields.h"
#include "flow/claim_file.h"
#include "util/json_read.h"
#include "util/json_wipe.h"
#include "util/json_write.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/linkhash.h>
#include <openssl/crypto.h>

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

/* The fields with their labels and who fills them in. */
static const struct {
	const char *key;
	const char *label;
	const char *source;	/* "card", "patient", "reader" */
} fields[MNCR_CLAIM_FIELD_COUNT] = {
	[MNCR_CLAIM_FIELD_NAME] = { "name", "氏名", "card" },
	[MNCR_CLAIM_FIELD_BIRTH] = { "birth_date", "生年月日", "card" },
	[MNCR_CLAIM_FIELD_SEX] = { "sex", "性別", "card" },
	[MNCR_CLAIM_FIELD_ADDRESS] = { "address", "住所", "card" },
	[MNCR_CLAIM_FIELD_CONTACT] = { "contact", "連絡先（電話番号）", "patient" },
	[MNCR_CLAIM_FIELD_INSURER_NAME] = { "insurer_name", "保険者名", "patient" },
	[MNCR_CLAIM_FIELD_INSURER_NUMBER] = { "insurer_number", "保険者番号", "patient" },
	[MNCR_CLAIM_FIELD_SHARE] = { "share", "負担割合", "patient" },
	[MNCR_CLAIM_FIELD_DATE] = { "date", "申立日", "reader" },
};

const char *mncr_claim_reason_name(enum mncr_claim_reason r)
{
	return (unsigned int)r < MNCR_CLAIM_REASON_COUNT ? reason_names[r] : "?";
}

const char *mncr_claim_reason_text(enum mncr_claim_reason r)
{
	return (unsigned int)r < MNCR_CLAIM_REASON_COUNT ? reason_texts[r] : "";
}

const char *mncr_claim_field_label(enum mncr_claim_field id)
{
	return (unsigned int)id < MNCR_CLAIM_FIELD_COUNT ? fields[id].label : "";
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

const char *mncr_claim_sex_text(char sex)
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

void mncr_claim_era_date(const char *ymd, char *out, size_t cap)
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

static void json_field(struct mncr_json *j, enum mncr_claim_field id, const char *value,
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
	mncr_claim_era_date(f->birth, birth_text, sizeof(birth_text));

	mncr_json_init(&j, mem);
	mncr_json_object_begin(&j, NULL);
	mncr_json_int(&j, "version", 1);
	mncr_json_string(&j, "form", MNCR_CLAIM_FORM_TITLE);
	mncr_json_object_begin(&j, "reason");
	mncr_json_string(&j, "code", reason_names[f->reason]);
	mncr_json_string(&j, "text", reason_texts[f->reason]);
	mncr_json_object_end(&j);
	mncr_json_bool(&j, "prefilled", f->prefilled);
	mncr_json_object_begin(&j, "fields");
	json_field(&j, MNCR_CLAIM_FIELD_NAME, f->name, NULL, f->prefilled);
	json_field(&j, MNCR_CLAIM_FIELD_BIRTH, f->birth,
		   f->birth[0] ? birth_text : NULL, f->prefilled);
	json_field(&j, MNCR_CLAIM_FIELD_SEX, sex_code,
		   f->sex ? mncr_claim_sex_text(f->sex) : NULL, f->prefilled);
	json_field(&j, MNCR_CLAIM_FIELD_ADDRESS, f->address, NULL, f->prefilled);
	json_field(&j, MNCR_CLAIM_FIELD_CONTACT, f->contact, NULL, false);
	json_field(&j, MNCR_CLAIM_FIELD_INSURER_NAME, f->insurer_name, NULL, false);
	json_field(&j, MNCR_CLAIM_FIELD_INSURER_NUMBER, f->insurer_number, NULL,
		   false);
	json_field(&j, MNCR_CLAIM_FIELD_SHARE, f->share, NULL, false);
	json_field(&j, MNCR_CLAIM_FIELD_DATE, f->date, NULL, false);
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
static int take(const struct json_object *fs, enum mncr_claim_field id, char *dst,
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
	    strcmp(mncr_json_value_str(mncr_json_value_get(root, "form")),
		   MNCR_CLAIM_FORM_TITLE)) {
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
	if (!only_keys(fs, field_keys) || mncr_json_value_len(fs) != MNCR_CLAIM_FIELD_COUNT) {
		why_set(why, why_len, "fields");
		goto out;
	}
	if (take(fs, MNCR_CLAIM_FIELD_NAME, out->name, sizeof(out->name), why,
		 why_len) ||
	    take(fs, MNCR_CLAIM_FIELD_BIRTH, out->birth, sizeof(out->birth), why,
		 why_len) ||
	    take(fs, MNCR_CLAIM_FIELD_SEX, sex, sizeof(sex), why, why_len) ||
	    take(fs, MNCR_CLAIM_FIELD_ADDRESS, out->address, sizeof(out->address),
		 why, why_len) ||
	    take(fs, MNCR_CLAIM_FIELD_CONTACT, out->contact, sizeof(out->contact),
		 why, why_len) ||
	    take(fs, MNCR_CLAIM_FIELD_INSURER_NAME, out->insurer_name,
		 sizeof(out->insurer_name), why, why_len) ||
	    take(fs, MNCR_CLAIM_FIELD_INSURER_NUMBER, out->insurer_number,
		 sizeof(out->insurer_number), why, why_len) ||
	    take(fs, MNCR_CLAIM_FIELD_SHARE, out->share, sizeof(out->share), why,
		 why_len) ||
	    take(fs, MNCR_CLAIM_FIELD_DATE, out->date, sizeof(out->date), why,
		 why_len))
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
	fd = mncr_claim_file_open(path);
	if (fd < 0) {
		OPENSSL_cleanse(buf, MNCR_CLAIM_JSON_MAX);
		free(buf);
		return fd;
	}
	ret = mncr_claim_file_close(fd, path,
				     mncr_claim_file_write(fd, buf, (size_t)len));
	OPENSSL_cleanse(buf, MNCR_CLAIM_JSON_MAX);
	free(buf);
	return ret;
}
