// SPDX-License-Identifier: GPL-2.0-or-later
/* 照合番号B: Gregorian birth date to era YYMMDD, every era boundary day. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "card/card_collation.h"

static void front(struct mncr_card_front *f, const char *birth,
		  const char *year, const char *code)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->birth_date, birth, 8);
	memcpy(f->expiry_year, year, 4);
	memcpy(f->security_code, code, 4);
}

static void check_era(int y, int m, int d, enum mncr_era want_era,
		      int want_year, const char *want_key)
{
	char birth[9], key[MNCR_CARD_BIRTH_KEY_LEN + 1];
	enum mncr_era era;
	int ey;

	assert_int_equal(mncr_era_of(y, m, d, &era, &ey), 0);
	assert_int_equal(era, want_era);
	assert_int_equal(ey, want_year);
	snprintf(birth, sizeof(birth), "%04d%02d%02d", y, m, d);
	assert_int_equal(mncr_card_birth_key(birth, key), 0);
	assert_string_equal(key, want_key);
}

static void test_era_boundaries(void **state)
{
	(void)state;
	check_era(1873, 1, 1, MNCR_ERA_MEIJI, 6, "060101");
	check_era(1912, 7, 29, MNCR_ERA_MEIJI, 45, "450729");
	check_era(1912, 7, 30, MNCR_ERA_TAISHO, 1, "010730");
	check_era(1926, 12, 24, MNCR_ERA_TAISHO, 15, "151224");
	check_era(1926, 12, 25, MNCR_ERA_SHOWA, 1, "011225");
	check_era(1926, 12, 31, MNCR_ERA_SHOWA, 1, "011231");
	check_era(1927, 1, 1, MNCR_ERA_SHOWA, 2, "020101");
	check_era(1989, 1, 7, MNCR_ERA_SHOWA, 64, "640107");
	check_era(1989, 1, 8, MNCR_ERA_HEISEI, 1, "010108");
	check_era(1989, 12, 31, MNCR_ERA_HEISEI, 1, "011231");
	check_era(1990, 1, 1, MNCR_ERA_HEISEI, 2, "020101");
	check_era(2019, 4, 30, MNCR_ERA_HEISEI, 31, "310430");
	check_era(2019, 5, 1, MNCR_ERA_REIWA, 1, "010501");
	check_era(2020, 2, 24, MNCR_ERA_REIWA, 2, "020224");	/* 令和2年2月24日 */
	check_era(2117, 12, 31, MNCR_ERA_REIWA, 99, "991231");
}

static void test_era_invalid(void **state)
{
	char key[MNCR_CARD_BIRTH_KEY_LEN + 1];
	enum mncr_era era;
	int ey;

	(void)state;
	assert_int_equal(mncr_era_of(1872, 12, 31, &era, &ey), -ERANGE);
	assert_int_equal(mncr_era_of(2118, 1, 1, &era, &ey), -ERANGE);	/* 令和100 */
	assert_int_equal(mncr_era_of(1989, 2, 30, &era, &ey), -EINVAL);
	assert_int_equal(mncr_era_of(1900, 2, 29, &era, &ey), -EINVAL);
	assert_int_equal(mncr_era_of(2019, 2, 29, &era, &ey), -EINVAL);
	assert_int_equal(mncr_era_of(1980, 13, 1, &era, &ey), -EINVAL);
	assert_int_equal(mncr_era_of(1980, 0, 1, &era, &ey), -EINVAL);
	assert_int_equal(mncr_era_of(1980, 4, 31, &era, &ey), -EINVAL);
	assert_int_equal(mncr_era_of(1980, 1, 0, &era, &ey), -EINVAL);
	check_era(2000, 2, 29, MNCR_ERA_HEISEI, 12, "120229");
	check_era(2020, 2, 29, MNCR_ERA_REIWA, 2, "020229");
	assert_int_equal(mncr_card_birth_key("1980021 ", key), -EINVAL);
	assert_int_equal(mncr_card_birth_key("19800a17", key), -EINVAL);
	assert_string_equal(mncr_era_name(MNCR_ERA_SHOWA), "昭和");
	assert_string_equal(mncr_era_name(MNCR_ERA_REIWA), "令和");
	assert_string_equal(mncr_era_name((enum mncr_era)9), "?");
}

static void test_collation_b(void **state)
{
	char out[MNCR_CARD_COLLATION_B_LEN + 1];
	struct mncr_card_front f;

	(void)state;
	/* The value that opened a real card (spec 1.6). */
	front(&f, "19800217", "2035", "2285");
	assert_int_equal(mncr_card_collation_b(&f, out), 0);
	assert_string_equal(out, "55021720352285");
	front(&f, "19890107", "2030", "0001");
	assert_int_equal(mncr_card_collation_b(&f, out), 0);
	assert_string_equal(out, "64010720300001");
	front(&f, "19890108", "2030", "0001");
	assert_int_equal(mncr_card_collation_b(&f, out), 0);
	assert_string_equal(out, "01010820300001");
	front(&f, "20190430", "2029", "9999");
	assert_int_equal(mncr_card_collation_b(&f, out), 0);
	assert_string_equal(out, "31043020299999");
	front(&f, "20190501", "2029", "9999");
	assert_int_equal(mncr_card_collation_b(&f, out), 0);
	assert_string_equal(out, "01050120299999");
	front(&f, "19261225", "2027", "1234");
	assert_int_equal(mncr_card_collation_b(&f, out), 0);
	assert_string_equal(out, "01122520271234");
	front(&f, "19261224", "2027", "1234");
	assert_int_equal(mncr_card_collation_b(&f, out), 0);
	assert_string_equal(out, "15122420271234");
	assert_int_equal(strlen(out), MNCR_CARD_COLLATION_B_LEN);
}

static void test_collation_b_invalid(void **state)
{
	char out[MNCR_CARD_COLLATION_B_LEN + 1];
	struct mncr_card_front f;

	(void)state;
	front(&f, "19800217", "20a5", "2285");
	assert_int_equal(mncr_card_collation_b(&f, out), -EINVAL);
	front(&f, "19800217", "2035", "22 5");
	assert_int_equal(mncr_card_collation_b(&f, out), -EINVAL);
	front(&f, "19800230", "2035", "2285");
	assert_int_equal(mncr_card_collation_b(&f, out), -EINVAL);
	front(&f, "18000101", "2035", "2285");
	assert_int_equal(mncr_card_collation_b(&f, out), -ERANGE);
	assert_int_equal(mncr_card_collation_b(NULL, out), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_era_boundaries),
		cmocka_unit_test(test_era_invalid),
		cmocka_unit_test(test_collation_b),
		cmocka_unit_test(test_collation_b_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
