// SPDX-License-Identifier: GPL-2.0-or-later
/* Reader discovery over a fake sysfs tree laid out as the kernel does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reader.h"

static void mkdirs(const char *root, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	}
	mkdir(path, 0755);
}

static void put(const char *root, const char *rel, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void link_to(const char *root, const char *target, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(symlink(target, path), 0);
}

/* A reader at USB device DEV with class device NAME. */
static void add_reader(const char *root, const char *dev, const char *name,
		       const char *serial, const char *mode, const char *caps)
{
	char rel[256], attr[300], target[300];

	snprintf(rel, sizeof(rel), "devices/usb1/%s/%s:1.0/mncr/%s", dev, dev, name);
	mkdirs(root, rel);
	snprintf(attr, sizeof(attr), "%s/serial", rel);
	put(root, attr, serial);
	snprintf(attr, sizeof(attr), "%s/firmware", rel);
	put(root, attr, "1.2.3\n");
	snprintf(attr, sizeof(attr), "%s/mode", rel);
	put(root, attr, mode);
	snprintf(attr, sizeof(attr), "%s/card_present", rel);
	put(root, attr, "1\n");
	snprintf(attr, sizeof(attr), "%s/visual_timeout_ms", rel);
	put(root, attr, "120000\n");
	snprintf(attr, sizeof(attr), "%s/capabilities", rel);
	put(root, attr, caps);
	snprintf(attr, sizeof(attr), "%s/device", rel);
	link_to(root, "../..", attr);
	snprintf(target, sizeof(target), "../../%s", rel);
	snprintf(attr, sizeof(attr), "class/mncr/%s", name);
	link_to(root, target, attr);
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/mncr-sysfs-XXXXXX";
	char *root = mkdtemp(tmpl);

	assert_non_null(root);
	root = strdup(root);
	mkdirs(root, "class/mncr");
	add_reader(root, "1-1", "mncr2", "AAA1\n", "auto\n", "0x3\n");
	add_reader(root, "1-2", "mncr10", "BBB2\n", "visual\n", "match_engine camera\n");
	/* 1-1 has a CCID slot and a camera with two video nodes. */
	mkdirs(root, "devices/usb1/1-1/1-1:1.1");
	put(root, "devices/usb1/1-1/1-1:1.1/bInterfaceClass", "0b\n");
	mkdirs(root, "devices/usb1/1-1/1-1:1.2/video4linux/video7");
	mkdirs(root, "devices/usb1/1-1/1-1:1.2/video4linux/video6");
	put(root, "devices/usb1/1-1/1-1:1.2/bInterfaceClass", "0e\n");
	*state = root;
	return 0;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", (char *)*state);
	assert_int_equal(system(cmd), 0);
	free(*state);
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

	return cmocka_run_group_tests(tests, setup, teardown);
}
