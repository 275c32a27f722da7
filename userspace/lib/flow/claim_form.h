/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * 被保険者資格申立書: the form a patient fills in when online eligibility
 * confirmation could not be completed (no way to verify identity and no
 * insurance card, or the service is unreachable). Pre-filled from the card
 * (基本4情報 read with 照合番号B: name, birth date, sex, address), with
 * blanks for what only the patient knows (contact, insurer, 負担割合), the
 * date, and why it was made.
 *
 * This module is the form itself: its fields, their checks and its JSON
 * (each field with its Japanese label; parsed back by
 * mncr_claim_form_parse_json()). The printable A4 PDF is claim_pdf.h, the
 * files both are written to claim_file.h.
 *
 * Patient data stays in the caller's struct and in buffers wiped before
 * they are freed.
 */
#ifndef MNCR_CLAIM_FORM_H
#define MNCR_CLAIM_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "card/card_text_ap.h"

#define MNCR_CLAIM_NAME_MAX	512	/* bytes of UTF-8 */
#define MNCR_CLAIM_ADDRESS_MAX	1024
#define MNCR_CLAIM_CONTACT_MAX	128
#define MNCR_CLAIM_INSURER_MAX	128
#define MNCR_CLAIM_SHARE_MAX	16
#define MNCR_CLAIM_JSON_MAX	16384

#define MNCR_CLAIM_FORM_TITLE	"被保険者資格申立書"

enum mncr_claim_reason {
	MNCR_CLAIM_SERVICE_UNAVAILABLE,	/* the eligibility service did not answer */
	MNCR_CLAIM_NOT_VERIFIED,	/* identity could not be confirmed */
	MNCR_CLAIM_QUERY_FAILED,	/* the service refused the query */
	MNCR_CLAIM_REASON_COUNT
};

/* The fields, in the order the form lists them. */
enum mncr_claim_field {
	MNCR_CLAIM_FIELD_NAME,
	MNCR_CLAIM_FIELD_BIRTH,
	MNCR_CLAIM_FIELD_SEX,
	MNCR_CLAIM_FIELD_ADDRESS,
	MNCR_CLAIM_FIELD_CONTACT,
	MNCR_CLAIM_FIELD_INSURER_NAME,
	MNCR_CLAIM_FIELD_INSURER_NUMBER,
	MNCR_CLAIM_FIELD_SHARE,
	MNCR_CLAIM_FIELD_DATE,
	MNCR_CLAIM_FIELD_COUNT
};

struct mncr_claim_form {
	enum mncr_claim_reason reason;
	char date[9];			/* 申立日, YYYYMMDD (JST) */
	bool prefilled;			/* the card fields come from the card */

	/* From the card; "" / 0 when not read. */
	char name[MNCR_CLAIM_NAME_MAX + 1];		/* 氏名 */
	char address[MNCR_CLAIM_ADDRESS_MAX + 1];	/* 住所 */
	char birth[9];			/* 生年月日, Gregorian YYYYMMDD */
	char sex;			/* '1' '2' '9' '0', or 0 */

	/* For the patient: empty in a generated form. */
	char contact[MNCR_CLAIM_CONTACT_MAX + 1];	/* 連絡先 */
	char insurer_name[MNCR_CLAIM_INSURER_MAX + 1];	/* 保険者名 */
	char insurer_number[9];		/* 保険者番号: "", 6 or 8 digits */
	char share[MNCR_CLAIM_SHARE_MAX + 1];		/* 負担割合 */
};

/*
 * Starts a form: reason, the date of t in JST, everything else empty.
 * -EINVAL for a bad reason.
 */
int mncr_claim_form_init(struct mncr_claim_form *f,
			 enum mncr_claim_reason reason, time_t t);

/*
 * Copies the card's 基本4情報 into f and sets prefilled. -EINVAL when a
 * field is not valid UTF-8 text or the birth date is not YYYYMMDD, -E2BIG
 * when one does not fit; f's card fields are then left empty.
 */
int mncr_claim_form_prefill(struct mncr_claim_form *f,
			    const struct mncr_text_basic4 *b);

/* 0 when every field has its format (as the parser checks), else -EINVAL. */
int mncr_claim_form_check(const struct mncr_claim_form *f);

/* Wipes f (OPENSSL_cleanse). */
void mncr_claim_form_clear(struct mncr_claim_form *f);

/*
 * JSON into out (NUL-terminated, at most MNCR_CLAIM_JSON_MAX with the
 * NUL): returns the length, -EINVAL for a form that fails the check,
 * -ENOSPC when cap is short.
 */
int mncr_claim_form_json(const struct mncr_claim_form *f, char *out,
			 size_t cap);

/* Parses what mncr_claim_form_json() writes: 0 or -EINVAL (why says where). */
int mncr_claim_form_parse_json(const char *text, size_t len,
			       struct mncr_claim_form *out, char *why,
			       size_t why_len);

/* Writes the JSON to path (as mncr_claim_file_open()): 0 or -errno. */
int mncr_claim_form_write_json(const struct mncr_claim_form *f,
			       const char *path);

/* "service_unavailable", "not_verified", "query_failed"; "?" otherwise. */
const char *mncr_claim_reason_name(enum mncr_claim_reason r);
/* The sentence printed on the form, in Japanese; "" otherwise. */
const char *mncr_claim_reason_text(enum mncr_claim_reason r);

/* The field's Japanese label ("氏名", ...); "" otherwise. */
const char *mncr_claim_field_label(enum mncr_claim_field id);
/* "男", "女", "適用不能", "不明" for the card's sex codes; "" otherwise. */
const char *mncr_claim_sex_text(char sex);
/*
 * YYYYMMDD as the form prints it: "昭和55年2月17日" (元年 for year 1),
 * Gregorian before 明治6; "" in out when ymd is not 8 digits.
 */
void mncr_claim_era_date(const char *ymd, char *out, size_t cap);

/* Date of t in JST as YYYYMMDD: 0 or -EOVERFLOW. */
int mncr_claim_date_jst(time_t t, char out[9]);

#endif
