// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * 被保険者資格申立書: pre-filling from the card's 基本4情報, the JSON and its
 * round trip, strict parsing, the output files (0600, no symlinks, nothing
 * else written), and the PDF read back with pdftotext.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flow/claim_pdf.h"

/*
 * fontconfig keeps a few hundred bytes from its first use to exit; that is
 * not ours to free (ASan builds only read this).
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

#define T_20250401_JST	1743433200	/* 2025-03-31T15:00:00Z */

struct fx {
	char dir[64];
	char path[512];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/mncr-claim-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	DIR *d = opendir(f->dir);
	struct dirent *e;
	char p[512];

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(f->dir);
	free(f);
	return 0;
}

static const char *in_dir(struct fx *f, const char *name)
{
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, name);
	return f->path;
}

/* Names in the directory, sorted, joined by spaces. */
static void dir_list(struct fx *f, char *out, size_t cap)
{
	struct dirent **names;
	int n = scandir(f->dir, &names, NULL, alphasort);

	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			if (out[0])
				strncat(out, " ", cap - strlen(out) - 1);
			strncat(out, names[i]->d_name, cap - strlen(out) - 1);
		}
		free(names[i]);
	}
	free(names);
}

static void card_form(struct mncr_claim_form *form, enum mncr_claim_reason r)
{
	char name[] = "見本\u3000太郎";
	char address[] = "東京都千代田区見本町１丁目１番地";
	struct mncr_text_basic4 b = {
		.name = name, .address = address, .birth = "19800217", .sex = '1',
	};

	assert_int_equal(mncr_claim_form_init(form, r, T_20250401_JST), 0);
	assert_int_equal(mncr_claim_form_prefill(form, &b), 0);
}

static void test_date_jst(void **state)
{
	char d[9];

	(void)state;
	assert_int_equal(mncr_claim_date_jst(T_20250401_JST, d), 0);
	assert_string_equal(d, "20250401");
	assert_int_equal(mncr_claim_date_jst(T_20250401_JST - 1, d), 0);
	assert_string_equal(d, "20250331");
	assert_int_equal(mncr_claim_date_jst(0, d), 0);
	assert_string_equal(d, "19700101");
}

static void test_init_and_prefill(void **state)
{
	char name[] = "見本\u3000太郎", address[] = "東京都", bad[] = "\xff\xfe";
	struct mncr_text_basic4 b = {
		.name = name, .address = address, .birth = "19800217", .sex = '2',
	};
	struct mncr_claim_form f;
	char *long_name;

	(void)state;
	assert_int_equal(mncr_claim_form_init(&f, MNCR_CLAIM_REASON_COUNT, 0), -EINVAL);
	assert_int_equal(mncr_claim_form_init(&f, MNCR_CLAIM_NOT_VERIFIED,
					      T_20250401_JST), 0);
	assert_false(f.prefilled);
	assert_string_equal(f.date, "20250401");
	assert_string_equal(f.name, "");
	assert_int_equal(mncr_claim_form_check(&f), 0);
	assert_int_equal(mncr_claim_form_prefill(&f, &b), 0);
	assert_true(f.prefilled);
	assert_string_equal(f.name, name);
	assert_string_equal(f.birth, "19800217");
	assert_int_equal(f.sex, '2');
	assert_int_equal(mncr_claim_form_check(&f), 0);

	mncr_claim_form_init(&f, MNCR_CLAIM_NOT_VERIFIED, T_20250401_JST);
	memcpy(b.birth, "19801317", 9);
	assert_int_equal(mncr_claim_form_prefill(&f, &b), -EINVAL);
	memcpy(b.birth, "19800217", 9);
	b.sex = 'x';
	assert_int_equal(mncr_claim_form_prefill(&f, &b), -EINVAL);
	b.sex = '1';
	b.name = bad;
	assert_int_equal(mncr_claim_form_prefill(&f, &b), -EINVAL);
	long_name = malloc(MNCR_CLAIM_NAME_MAX + 2);
	memset(long_name, 'a', MNCR_CLAIM_NAME_MAX + 1);
	long_name[MNCR_CLAIM_NAME_MAX + 1] = '\0';
	b.name = long_name;
	assert_int_equal(mncr_claim_form_prefill(&f, &b), -E2BIG);
	free(long_name);
	/* Nothing half-copied. */
	assert_false(f.prefilled);
	assert_string_equal(f.name, "");

	f.insurer_number[0] = '1';
	assert_int_equal(mncr_claim_form_check(&f), -EINVAL);
	mncr_claim_form_clear(&f);
	assert_int_equal(f.date[0], 0);
}

static void assert_forms_equal(const struct mncr_claim_form *a,
			       const struct mncr_claim_form *b)
{
	assert_int_equal(a->reason, b->reason);
	assert_string_equal(a->date, b->date);
	assert_int_equal(a->prefilled, b->prefilled);
	assert_string_equal(a->name, b->name);
	assert_string_equal(a->address, b->address);
	assert_string_equal(a->birth, b->birth);
	assert_int_equal(a->sex, b->sex);
	assert_string_equal(a->contact, b->contact);
	assert_string_equal(a->insurer_name, b->insurer_name);
	assert_string_equal(a->insurer_number, b->insurer_number);
	assert_string_equal(a->share, b->share);
}

static void test_json_round_trip(void **state)
{
	struct mncr_claim_form f, g;
	char buf[MNCR_CLAIM_JSON_MAX], why[128];
	int len;

	(void)state;
	card_form(&f, MNCR_CLAIM_SERVICE_UNAVAILABLE);
	len = mncr_claim_form_json(&f, buf, sizeof(buf));
	assert_true(len > 0);
	assert_int_equal(strlen(buf), (size_t)len);
	/* Labels in Japanese, the card's values, blanks for the patient. */
	assert_non_null(strstr(buf, "\"form\":\"被保険者資格申立書\""));
	assert_non_null(strstr(buf, "\"label\":\"氏名\",\"value\":\"見本\u3000太郎\""));
	assert_non_null(strstr(buf, "\"text\":\"昭和55年2月17日\""));
	assert_non_null(strstr(buf, "\"text\":\"男\""));
	assert_non_null(strstr(buf, "\"label\":\"連絡先（電話番号）\",\"value\":\"\""));
	assert_non_null(strstr(buf, "\"label\":\"保険者番号\",\"value\":\"\""));
	assert_non_null(strstr(buf, "\"code\":\"service_unavailable\""));
	assert_int_equal(mncr_claim_form_parse_json(buf, (size_t)len, &g, why,
						    sizeof(why)), 0);
	assert_forms_equal(&f, &g);

	/* Filled in by the patient, then back. */
	snprintf(f.contact, sizeof(f.contact), "090-1234-5678");
	snprintf(f.insurer_name, sizeof(f.insurer_name), "全国健康保険協会");
	snprintf(f.insurer_number, sizeof(f.insurer_number), "01130012");
	snprintf(f.share, sizeof(f.share), "3割");
	len = mncr_claim_form_json(&f, buf, sizeof(buf));
	assert_true(len > 0);
	assert_int_equal(mncr_claim_form_parse_json(buf, (size_t)len, &g, why,
						    sizeof(why)), 0);
	assert_forms_equal(&f, &g);

	/* Not pre-filled: the card fields are the patient's. */
	mncr_claim_form_init(&f, MNCR_CLAIM_NOT_VERIFIED, T_20250401_JST);
	len = mncr_claim_form_json(&f, buf, sizeof(buf));
	assert_true(len > 0);
	assert_null(strstr(buf, "\"source\":\"card\""));
	assert_int_equal(mncr_claim_form_parse_json(buf, (size_t)len, &g, why,
						    sizeof(why)), 0);
	assert_forms_equal(&f, &g);

	assert_int_equal(mncr_claim_form_json(&f, buf, 64), -ENOSPC);
	assert_string_equal(buf, "");
	f.sex = 'x';
	assert_int_equal(mncr_claim_form_json(&f, buf, sizeof(buf)), -EINVAL);
}

/* Replaces the first "from" in text by "to"; asserts it was there. */
static void replace(char *text, size_t cap, const char *from, const char *to)
{
	char *p = strstr(text, from), *tail;

	assert_non_null(p);
	tail = strdup(p + strlen(from));
	assert_true(strlen(text) - strlen(from) + strlen(to) < cap);
	snprintf(p, cap - (size_t)(p - text), "%s%s", to, tail);
	free(tail);
}

static void test_json_rejects(void **state)
{
	static const struct {
		const char *from, *to;
	} edits[] = {
		{ "\"version\":1", "\"version\":2" },
		{ "\"version\":1", "\"version\":1,\"extra\":1" },
		{ "\"label\":\"氏名\"", "\"label\":\"名前\"" },
		{ "\"code\":\"not_verified\"", "\"code\":\"whatever\"" },
		{ "\"prefilled\":true", "\"prefilled\":1" },
		{ "\"label\":\"保険者番号\",\"value\":\"\"",
		  "\"label\":\"保険者番号\",\"value\":\"123\"" },
		{ "\"label\":\"性別\",\"value\":\"1\"", "\"label\":\"性別\",\"value\":\"7\"" },
		{ "\"value\":\"19800217\"", "\"value\":\"19800230\"" },
		{ "\"value\":\"20250401\"", "\"value\":\"2025-04-01\"" },
		{ "\"source\":\"patient\"", "\"source\":\"patient\",\"x\":\"\"" },
		{ "\"form\":\"被保険者資格申立書\"", "\"form\":\"申立書\"" },
		{ "}}\n", "}} x" },
	};
	struct mncr_claim_form f, g;
	char buf[MNCR_CLAIM_JSON_MAX], why[128];

	(void)state;
	card_form(&f, MNCR_CLAIM_NOT_VERIFIED);
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		int len = mncr_claim_form_json(&f, buf, sizeof(buf));

		assert_true(len > 0);
		replace(buf, sizeof(buf), edits[i].from, edits[i].to);
		why[0] = '\0';
		assert_int_equal(mncr_claim_form_parse_json(buf, strlen(buf), &g, why,
							    sizeof(why)), -EINVAL);
		assert_true(why[0] != '\0');
		/* Nothing of the patient left in the output. */
		assert_string_equal(g.name, "");
	}
	assert_int_equal(mncr_claim_form_parse_json("{}", 2, &g, why, sizeof(why)),
			 -EINVAL);
	assert_int_equal(mncr_claim_form_parse_json("", 0, &g, why, sizeof(why)),
			 -EINVAL);
}

static mode_t file_mode(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = malloc(1 << 20);
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, (1 << 20) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	if (len)
		*len = n;
	return buf;
}

static void test_write_json_file(void **state)
{
	struct fx *fx = *state;
	struct mncr_claim_form f;
	char expect[MNCR_CLAIM_JSON_MAX], list[256], *got;
	mode_t old = umask(0);
	FILE *fp;

	card_form(&f, MNCR_CLAIM_SERVICE_UNAVAILABLE);
	assert_int_equal(mncr_claim_form_write_json(&f, in_dir(fx, "form.json")), 0);
	assert_int_equal(file_mode(fx->path), 0600);
	mncr_claim_form_json(&f, expect, sizeof(expect));
	got = slurp(fx->path, NULL);
	assert_string_equal(got, expect);
	free(got);

	/* An older, longer, world-readable file is replaced and closed up. */
	fp = fopen(in_dir(fx, "old.json"), "w");
	for (int i = 0; i < 2000; i++)
		fputs("0123456789", fp);
	fclose(fp);
	chmod(fx->path, 0644);
	assert_int_equal(mncr_claim_form_write_json(&f, fx->path), 0);
	assert_int_equal(file_mode(fx->path), 0600);
	got = slurp(fx->path, NULL);
	assert_string_equal(got, expect);
	free(got);

	/* Never through a symlink; the target stays as it was. */
	assert_int_equal(symlink("old.json", in_dir(fx, "link.json")), 0);
	assert_int_equal(mncr_claim_form_write_json(&f, fx->path), -ELOOP);
	assert_int_equal(mncr_claim_form_write_json(&f, fx->dir), -EISDIR);
	assert_int_equal(mncr_claim_form_write_json(&f, ""), -EINVAL);
	umask(old);
	dir_list(fx, list, sizeof(list));
	assert_string_equal(list, "form.json link.json old.json");
}

/* pdftotext -raw (content order), spaces and U+3000 removed; NULL without it. */
static char *pdf_text(const char *path)
{
	char cmd[512], *buf = malloc(1 << 16), *o;
	size_t n;
	FILE *p;
	int status;

	snprintf(cmd, sizeof(cmd), "pdftotext -raw -enc UTF-8 '%s' - 2>/dev/null", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(buf, 1, (1 << 16) - 1, p);
	buf[n] = '\0';
	status = pclose(p);
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 127) {
		free(buf);
		return NULL;
	}
	assert_int_equal(WEXITSTATUS(status), 0);
	o = buf;
	for (char *s = buf; *s; ) {
		if (*s == ' ' || *s == '\n' || *s == '\f') {
			s++;
		} else if (strncmp(s, "\u3000", 3) == 0) {
			s += 3;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return buf;
}

static void test_pdf(void **state)
{
	struct fx *fx = *state;
	struct mncr_claim_form f;
	char list[256], *pdf, *txt;
	size_t len;

	if (!mncr_claim_form_pdf_supported()) {
		print_message("libmncr built without cairo/pango (pkg-config "
			      "cairo pangocairo): PDF not tested\n");
		skip();
	}
	card_form(&f, MNCR_CLAIM_SERVICE_UNAVAILABLE);
	assert_int_equal(mncr_claim_form_write_pdf(&f, in_dir(fx, "form.pdf")), 0);
	assert_int_equal(file_mode(fx->path), 0600);
	pdf = slurp(fx->path, &len);
	assert_true(len > 1000);
	assert_memory_equal(pdf, "%PDF-", 5);
	assert_non_null(strstr(pdf + len - 8, "%%EOF"));
	/* The patient's name is in the text, not in the document's metadata. */
	assert_null(memmem(pdf, len, "見本", strlen("見本")));
	free(pdf);

	txt = pdf_text(fx->path);
	if (!txt) {
		print_message("pdftotext (poppler-utils) not found: text not checked\n");
		skip();
	}
	assert_non_null(strstr(txt, "被保険者資格申立書"));
	assert_non_null(strstr(txt, "見本太郎"));
	assert_non_null(strstr(txt, "東京都千代田区見本町１丁目１番地"));
	assert_non_null(strstr(txt, "昭和55年2月17日"));
	assert_non_null(strstr(txt, "令和7年4月1日"));
	assert_non_null(strstr(txt, "連絡先"));
	assert_non_null(strstr(txt, "保険者名"));
	assert_non_null(strstr(txt, "負担割合"));
	assert_non_null(strstr(txt, "オンライン資格確認を完了できなかったため"));
	assert_non_null(strstr(txt, "接続できず"));
	free(txt);

	/* Not pre-filled: everything is the patient's to write. */
	mncr_claim_form_init(&f, MNCR_CLAIM_NOT_VERIFIED, T_20250401_JST);
	assert_int_equal(mncr_claim_form_write_pdf(&f, in_dir(fx, "blank.pdf")), 0);
	txt = pdf_text(fx->path);
	assert_non_null(txt);
	assert_non_null(strstr(txt, "すべての欄をご記入ください"));
	assert_non_null(strstr(txt, "本人確認を完了できなかった"));
	free(txt);

	/* Only the requested files: no temporaries left behind. */
	dir_list(fx, list, sizeof(list));
	assert_string_equal(list, "blank.pdf form.pdf");
	assert_int_equal(mncr_claim_form_write_pdf(&f, fx->dir), -EISDIR);
	f.birth[0] = 'x';
	assert_int_equal(mncr_claim_form_write_pdf(&f, in_dir(fx, "bad.pdf")), -EINVAL);
	dir_list(fx, list, sizeof(list));
	assert_string_equal(list, "blank.pdf form.pdf");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_jst),
		cmocka_unit_test(test_init_and_prefill),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_json_rejects),
		cmocka_unit_test_setup_teardown(test_write_json_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pdf, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
