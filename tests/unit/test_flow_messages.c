// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The flow's messages: every id has a key and a Japanese text, parameters
 * are substituted without printf, and the English catalogue (po/en.po,
 * compiled here with msgfmt) translates every message with the same
 * placeholders.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <libgen.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flow/messages.h"

static void test_ids_keys_texts(void **state)
{
	(void)state;
	assert_string_equal(mncr_msg_key(MNCR_MSG_NONE), "none");
	assert_string_equal(mncr_msg_text(MNCR_MSG_NONE), "");
	assert_null(mncr_msg_key(MNCR_MSG_COUNT));
	assert_null(mncr_msg_source((enum mncr_msg)-1));
	assert_string_equal(mncr_msg_text(MNCR_MSG_COUNT), "");
	for (int i = 1; i < MNCR_MSG_COUNT; i++) {
		enum mncr_msg back;

		assert_non_null(mncr_msg_key(i));
		assert_non_null(mncr_msg_source(i));
		assert_true(strlen(mncr_msg_source(i)) > 0);
		assert_int_equal(mncr_msg_from_key(mncr_msg_key(i), &back), 0);
		assert_int_equal(back, i);
		for (int j = 1; j < i; j++)
			assert_string_not_equal(mncr_msg_key(i), mncr_msg_key(j));
	}
	assert_int_equal(mncr_msg_from_key("no_such_key", &(enum mncr_msg){ 0 }),
			 -EINVAL);
	assert_string_equal(mncr_msg_key(MNCR_MSG_PIN_LAST_TRY), "pin_last_try");
}

static void test_format(void **state)
{
	const int p[2] = { 2, 3 };
	char buf[256];
	int n;

	(void)state;
	n = mncr_msg_format_text("{0}回目／{1}回まで", p, 2, buf, sizeof(buf));
	assert_string_equal(buf, "2回目／3回まで");
	assert_int_equal(n, (int)strlen(buf));
	/* A placeholder without a parameter, or a stray brace, stays. */
	mncr_msg_format_text("{1}と{0}と{x}{", p, 1, buf, sizeof(buf));
	assert_string_equal(buf, "{1}と2と{x}{");
	/* % is no format here. */
	mncr_msg_format_text("%s%n{0}%%", (const int[]){ -7 }, 1, buf, sizeof(buf));
	assert_string_equal(buf, "%s%n-7%%");
	assert_int_equal(mncr_msg_format_text("x", p, 3, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(mncr_msg_format_text(NULL, p, 1, buf, sizeof(buf)), -EINVAL);

	/* Cut short: the length needed, and never half a character. */
	n = mncr_msg_format_text("あいう", NULL, 0, buf, 8);
	assert_int_equal(n, 9);
	assert_string_equal(buf, "あい");
	n = mncr_msg_format_text("あいう", NULL, 0, buf, 7);
	assert_string_equal(buf, "あい");
	n = mncr_msg_format_text("あいう", NULL, 0, buf, 6);
	assert_string_equal(buf, "あ");
	n = mncr_msg_format_text("aあ", NULL, 0, buf, 3);
	assert_string_equal(buf, "a");
	assert_int_equal(mncr_msg_format_text("abc", NULL, 0, NULL, 0), 3);

	n = mncr_msg_format(MNCR_MSG_PIN_WRONG, (const int[]){ 2 }, 1, buf, sizeof(buf));
	assert_true(n > 0);
	assert_non_null(strstr(buf, "あと2回"));
	assert_int_equal(mncr_msg_format(MNCR_MSG_COUNT, NULL, 0, buf, sizeof(buf)),
			 -EINVAL);
}

/* The placeholders {0} {1} a text uses, as bits. */
static unsigned int placeholders(const char *s)
{
	unsigned int bits = 0;

	for (; *s; s++)
		if (s[0] == '{' && (s[1] == '0' || s[1] == '1') && s[2] == '}')
			bits |= 1U << (s[1] - '0');
	return bits;
}

/*
 * An English locale of the test's own, as a user whose LANG is English has:
 * compiled by localedef into DIR (LOCPATH), so that the test depends on
 * neither the machine's locales nor the caller's. LANGUAGE=en under C.UTF-8
 * is not enough: newer glibc ignores LANGUAGE in C.UTF-8 as it does in C.
 */
static void english_locale(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd),
		 "localedef -i en_US -f UTF-8 '%s/en_US.UTF-8' 2>&1", dir);
	if (system(cmd) != 0)
		fail_msg("localedef en_US.UTF-8 failed (Debian package locales)");
	setenv("LOCPATH", dir, 1);
	assert_non_null(setlocale(LC_ALL, "en_US.UTF-8"));
}

/* po/en.po, found from the source tree; NULL when not there. */
static const char *po_path(char *buf, size_t cap)
{
	char here[512];

	if (access("po/en.po", R_OK) == 0)
		return "po/en.po";
	snprintf(here, sizeof(here), "%s", __FILE__);
	snprintf(buf, cap, "%s/../../po/en.po", dirname(here));
	return access(buf, R_OK) == 0 ? buf : NULL;
}

static void test_english_catalogue(void **state)
{
	char dir[] = "/tmp/mncr-msg-XXXXXX", sub[128], mo[160], cmd[1024], pb[512];
	const char *po = po_path(pb, sizeof(pb));
	int status;

	(void)state;
	if (!po) {
		print_message("po/en.po not found from here: catalogue not tested\n");
		skip();
	}
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/en", dir);
	mkdir(sub, 0700);
	snprintf(sub, sizeof(sub), "%s/en/LC_MESSAGES", dir);
	mkdir(sub, 0700);
	snprintf(mo, sizeof(mo), "%s/mncr.mo", sub);
	snprintf(cmd, sizeof(cmd), "msgfmt -c -o '%s' '%s' 2>&1", mo, po);
	status = system(cmd);
	if (WEXITSTATUS(status) == 127) {
		rmdir(sub);
		snprintf(sub, sizeof(sub), "%s/en", dir);
		rmdir(sub);
		rmdir(dir);
		print_message("msgfmt (gettext) not found: catalogue not tested\n");
		skip();
	}
	assert_int_equal(status, 0);
	assert_int_equal(mncr_msg_bind(dir), 0);

	unsetenv("LANGUAGE");
	english_locale(dir);
	for (int i = 1; i < MNCR_MSG_COUNT; i++) {
		const char *ja = mncr_msg_source(i), *en = mncr_msg_text(i);

		/* Translated, with the same parameters. */
		assert_string_not_equal(en, ja);
		assert_int_equal(placeholders(en), placeholders(ja));
	}
	{
		char buf[256];

		mncr_msg_format(MNCR_MSG_FACE_NO_MATCH, (const int[]){ 1, 3 }, 2,
				buf, sizeof(buf));
		assert_non_null(strstr(buf, "attempt 1 of 3"));
		mncr_msg_format(MNCR_MSG_SHARE, (const int[]){ 3 }, 1, buf, sizeof(buf));
		assert_string_equal(buf, "Co-payment: 30%");
	}

	/* Japanese again in a locale the catalogue does not cover. */
	assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
	assert_string_equal(mncr_msg_text(MNCR_MSG_PIN_LAST_TRY),
			    mncr_msg_source(MNCR_MSG_PIN_LAST_TRY));
	setlocale(LC_ALL, "C");
	unsetenv("LOCPATH");

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids_keys_texts),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_english_catalogue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
