// SPDX-License-Identifier: GPL-2.0-or-later
/* Reader discovery over a fake sysfs tree laid out as the kernel does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>

#include "fake_sysfs.h"
#include "reader/reader.h"

/* A reader at USB device DEV with class device NAME. */
static void add_reader(const char *root, const char *dev, const char *name,
		       const char *serial, const char *mode, const char *caps)
{
	char rel[256], target[300];

	snprintf(rel, sizeof(rel), "devices/usb1/%s/%s:1.0/mncr/%s", dev, dev, name);
	fake_sysfs_mkdirs(root, rel);
	fake_sysfs_attr(root, rel, "serial", serial);
	fake_sysfs_attr(root, rel, "firmware", "1.2.3");
	fake_sysfs_attr(root, rel, "mode", mode);
	fake_sysfs_attr(root, rel, "card_present", "1");
	fake_sysfs_attr(root, rel, "visual_timeout_ms", "120000");
	fake_sysfs_attr(root, rel, "capabilities", caps);
	fake_sysfs_link(root, rel, "device", "../..");
	snprintf(target, sizeof(target), "../../%s", rel);
	fake_sysfs_link(root, "class/mncr", name, target);
}

static int setup(void **state)
{
	char *root = fake_sysfs_new();

	fake_sysfs_mkdirs(root, "class/mncr");
	add_reader(root, "1-1", "mncr2", "AAA1", "auto", "0x3");
	add_reader(root, "1-2", "mncr10", "BBB2", "visual", "match_engine camera");
	/* 1-1 has a CCID slot and a camera with two video nodes. */
	fake_sysfs_mkdirs(root, "devices/usb1/1-1/1-1:1.1");
	fake_sysfs_attr(root, "devices/usb1/1-1/1-1:1.1", "bInterfaceClass", "0b");
	fake_sysfs_mkdirs(root, "devices/usb1/1-1/1-1:1.2/video4linux/video7");
	fake_sysfs_mkdirs(root, "devices/usb1/1-1/1-1:1.2/video4linux/video6");
	fake_sysfs_attr(root, "devices/usb1/1-1/1-1:1.2", "bInterfaceClass", "0e");
	*state = root;
	return 0;
}

static void test_list(void **state)
{
	struct mncr_reader r[MNCR_MAX_READERS];
	int n = mncr_reader_list(*state, r, MNCR_MAX_READERS);

	assert_int_equal(n, 2);
	assert_string_equal(r[0].name, "mncr2");	/* numeric order */
	assert_string_equal(r[1].name, "mncr10");
	assert_string_equal(r[0].node, "/dev/mncr2");
	assert_string_equal(r[0].serial, "AAA1");
	assert_string_equal(r[0].firmware, "1.2.3");
	assert_int_equal(r[0].mode, MNCR_MODE_AUTO);
	assert_int_equal(r[1].mode, MNCR_MODE_VISUAL);
	assert_int_equal(r[0].card_present, 1);
	assert_int_equal(r[0].visual_timeout_ms, 120000);
	assert_int_equal(r[0].caps, MNCR_CAP_MATCH_ENGINE | MNCR_CAP_CARD_FRONT);
	assert_int_equal(r[1].caps, MNCR_CAP_MATCH_ENGINE | MNCR_CAP_CAMERA);
	assert_string_equal(r[0].usb_device, "1-1");
	assert_string_equal(r[0].ccid_interface, "1-1:1.1");
	assert_string_equal(r[0].camera, "/dev/video6");
	assert_string_equal(r[1].ccid_interface, "");
	assert_string_equal(r[1].camera, "");
}

static void test_list_respects_max(void **state)
{
	struct mncr_reader r[1];

	assert_int_equal(mncr_reader_list(*state, r, 1), 1);
}

static void test_find(void **state)
{
	struct mncr_reader r;

	assert_int_equal(mncr_reader_find(*state, "BBB2", &r), 0);
	assert_string_equal(r.name, "mncr10");
	assert_int_equal(mncr_reader_find(*state, "mncr2", &r), 0);
	assert_string_equal(r.serial, "AAA1");
	assert_int_equal(mncr_reader_find(*state, "/dev/mncr10", &r), 0);
	assert_string_equal(r.serial, "BBB2");
	assert_int_equal(mncr_reader_find(*state, "nope", &r), -ENOENT);
	assert_int_equal(mncr_reader_find(*state, NULL, &r), -ENOTUNIQ);
}

static void test_no_class(void **state)
{
	struct mncr_reader r;

	(void)state;
	assert_int_equal(mncr_reader_list("/nonexistent", &r, 1), 0);
	assert_int_equal(mncr_reader_find("/nonexistent", NULL, &r), -ENODEV);
}

static void test_caps_parse(void **state)
{
	(void)state;
	assert_int_equal(mncr_caps_parse("0x5"), 5);
	assert_int_equal(mncr_caps_parse("12"), 12);
	assert_int_equal(mncr_caps_parse("card_front,ccid"),
			 MNCR_CAP_CARD_FRONT | MNCR_CAP_CCID);
	assert_int_equal(mncr_caps_parse("bogus"), 0);
	assert_int_equal(mncr_caps_parse(""), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_list_respects_max),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_no_class),
		cmocka_unit_test(test_caps_parse),
	};

	return cmocka_run_group_tests(tests, setup, fake_sysfs_teardown);
}
