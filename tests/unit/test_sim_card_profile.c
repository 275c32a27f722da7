// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The simulator's card profiles (userspace/sim/card_profile.c,
 * card_profiles.c and card_profile_file.c, compiled in here): built-in
 * names, the card-front text, the profile file format with its defaults
 * and errors, and loading a file by path (the same path gives the same
 * profile).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../userspace/sim/card_profile.c"
#include "../../userspace/sim/card_profiles.c"
#include "../../userspace/sim/card_profile_file.c"

static void builtins(void **state)
{
	static const char *const names[] = { "pin", "pinless", "blocked", "expired",
					      "revoked", "nosign", "garbled", "slow", "yank" };
	char err[160];

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_non_null(card_profile_find(names[i]));
	assert_false(card_profile_find("pinless")->pin_set);
	assert_int_equal(card_profile_find("revoked")->cert, CARD_CERT_REVOKED);
	assert_false(card_profile_find("nosign")->sign_cert);
	assert_null(card_profile_get("nope", err, sizeof(err)));
	assert_non_null(strstr(err, "unknown card profile"));
}

static void parse_full(void **state)
{
	struct card_profile p;
	char err[160] = "";
	const char *text =
		"# a custom card\n"
		"name = child2\n"
		"pin_set=yes\n"
		"pin=9876\n"
		"tries=2\n"
		"cert=revoked\n"
		"sign_cert=no\n"
		"front=20100101,2030,1234\n"
		"holder_name=見本　花子\n"
		"address=大阪府見本市1-2-3\n"
		"sex=2\n"
		"photo=/tmp/face.png\n"
		"front_delay_ms=300\n"
		"collation_tries=1\n";

	(void)state;
	assert_int_equal(card_profile_parse(text, &p, err, sizeof(err)), 0);
	assert_string_equal(p.name, "child2");
	assert_true(p.pin_set);
	assert_string_equal(p.pin, "9876");
	assert_int_equal(p.pin_tries_left, 2);
	assert_int_equal(p.cert, CARD_CERT_REVOKED);
	assert_false(p.sign_cert);
	assert_memory_equal(p.front.birth_date, "20100101", 8);
	assert_memory_equal(p.front.security_code, "1234", 4);
	assert_string_equal(p.holder_name, "見本　花子");
	assert_int_equal(p.sex, '2');
	assert_string_equal(p.photo, "/tmp/face.png");
	assert_int_equal(p.front_delay_ms, 300);
	assert_int_equal(p.collation_spent, CARD_COLLATION_TRIES - 1);
	card_profile_clear(&p);
	assert_null(p.pin);
}

static void defaults_and_pinless(void **state)
{
	struct card_profile p;
	char err[160];

	(void)state;
	assert_int_equal(card_profile_parse("front=19800217,2035,2285\n", &p, err,
					    sizeof(err)), 0);
	assert_true(p.pin_set);
	assert_int_equal(p.pin_tries_left, 3);
	assert_int_equal(p.collation_spent, 0);
	assert_true(p.sign_cert);
	assert_int_equal(p.cert, CARD_CERT_VALID);
	assert_null(p.pin);
	card_profile_clear(&p);
	assert_int_equal(card_profile_parse("pin_set=no\ntries=3\nfront=19800217,2035,2285",
					    &p, err, sizeof(err)), 0);
	assert_int_equal(p.pin_tries_left, 0);
	card_profile_clear(&p);
}

static void errors(void **state)
{
	static const struct { const char *text, *reason; } bad[] = {
		{ "pin_set=yes\n", "front=" },
		{ "front=19800231,2035,2285\n", "birth date" },
		{ "front=19800217,2035,2285\npin=12a4\n", "line 2: pin wants 4 digits" },
		{ "front=19800217,2035,2285\ntries=4\n", "tries" },
		{ "front=19800217,2035,2285\ncollation_tries=11\n", "collation_tries wants 0 to 10" },
		{ "front=19800217,2035,2285\ncert=lost\n", "cert wants" },
		{ "front=19800217,2035,2285\ncolour=blue\n", "unknown key" },
		{ "front=19800217,2035,2285\njust words\n", "not key=value" },
		{ "front=19800217,2035,2285\nsex=3\n", "sex" },
	};
	struct card_profile p;
	char err[160];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(card_profile_parse(bad[i].text, &p, err, sizeof(err)), -1);
		if (!strstr(err, bad[i].reason))
			fail_msg("case %zu: '%s' lacks '%s'", i, err, bad[i].reason);
		card_profile_clear(&p);
	}
	/* A wrong PIN value is never quoted back. */
	card_profile_parse("front=19800217,2035,2285\npin=98x6\n", &p, err, sizeof(err));
	assert_null(strstr(err, "98x6"));
	card_profile_clear(&p);
}

static void load_file(void **state)
{
	char path[] = "/tmp/mncr-card-XXXXXX";
	const struct card_profile *a, *b;
	char err[160];
	int fd = mkstemp(path);
	static const char text[] = "name=filecard\nfront=19800217,2035,2285\nsign_cert=no\n";

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
	close(fd);
	a = card_profile_get(path, err, sizeof(err));
	assert_non_null(a);
	assert_string_equal(a->name, "filecard");
	assert_false(a->sign_cert);
	b = card_profile_find(path);
	assert_ptr_equal(a, b);
	unlink(path);
	assert_null(card_profile_get("/nonexistent/x.card", err, sizeof(err)));
	assert_non_null(strstr(err, "cannot read"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtins),
		cmocka_unit_test(parse_full),
		cmocka_unit_test(defaults_and_pinless),
		cmocka_unit_test(errors),
		cmocka_unit_test(load_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
