// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The camera module's host-independent parts: finding a reader's camera
 * over a fake sysfs tree (a UVC video node, the simulator's bulk camera
 * interface, neither), YUYV to grey, the simulator's frame header.
 */
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

#include "camera.h"
#include "camera_stream.h"

#define USB "devices/platform/dummy_hcd.0/usb1/1-1"

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
	fprintf(f, "%s\n", text);
	fclose(f);
}

static void link_to(const char *root, const char *target, const char *rel)
{
	char t[PATH_MAX], l[PATH_MAX];

	snprintf(t, sizeof(t), "%s/%s", root, target);
	snprintf(l, sizeof(l), "%s/%s", root, rel);
	assert_int_equal(symlink(t, l), 0);
}

static void intf(const char *root, const char *name, const char *cls,
		 const char *sub, const char *proto, const char *num,
		 const char *str)
{
	char rel[256];

	snprintf(rel, sizeof(rel), USB "/%s", name);
	mkdirs(root, rel);
	snprintf(rel, sizeof(rel), USB "/%s/bInterfaceClass", name);
	put(root, rel, cls);
	snprintf(rel, sizeof(rel), USB "/%s/bInterfaceSubClass", name);
	put(root, rel, sub);
	snprintf(rel, sizeof(rel), USB "/%s/bInterfaceProtocol", name);
	put(root, rel, proto);
	snprintf(rel, sizeof(rel), USB "/%s/bInterfaceNumber", name);
	put(root, rel, num);
	snprintf(rel, sizeof(rel), USB "/%s/interface", name);
	put(root, rel, str);
}

/* A reader 1-1 (bus 1, address 7) with mncr0 on interface 0 and its CCID slot. */
static int setup(void **state)
{
	char tmpl[] = "/tmp/test_camera.XXXXXX", *root = mkdtemp(tmpl);

	assert_non_null(root);
	mkdirs(root, USB);
	put(root, USB "/busnum", "1");
	put(root, USB "/devnum", "7");
	intf(root, "1-1:1.0", "ff", "00", "00", "00", "mncr control");
	intf(root, "1-1:1.1", "0b", "00", "00", "01", "mncr smart card");
	mkdirs(root, "class/mncr/mncr0");
	link_to(root, USB "/1-1:1.0", "class/mncr/mncr0/device");
	*state = strdup(root);
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

static void test_find_sim_camera(void **state)
{
	const char *root = *state;
	char node[64], err[256];

	intf(root, "1-1:1.2", "ff", "0e", "01", "02", MNCR_CAM_IF_NAME);
	assert_int_equal(mncr_camera_find_in(root, "/dev/mncr0", node, sizeof(node),
					     err, sizeof(err)), 0);
	assert_string_equal(node, "usb:1:7:2");
	/* The buffer must hold the whole name. */
	assert_int_equal(mncr_camera_find_in(root, "/dev/mncr0", node, 5, err,
					     sizeof(err)), -ENAMETOOLONG);
}

static void test_find_uvc_node(void **state)
{
	const char *root = *state;
	char node[64], err[256];

	/* A UVC camera: capture node video3 (index 0), metadata video4. */
	intf(root, "1-1:1.2", "0e", "01", "00", "02", "camera");
	intf(root, "1-1:1.3", "0e", "02", "00", "03", "camera");
	mkdirs(root, USB "/1-1:1.2/video4linux/video4");
	put(root, USB "/1-1:1.2/video4linux/video4/index", "1");
	mkdirs(root, USB "/1-1:1.2/video4linux/video3");
	put(root, USB "/1-1:1.2/video4linux/video3/index", "0");
	/* Preferred to a simulator interface on the same device. */
	intf(root, "1-1:1.4", "ff", "0e", "01", "04", MNCR_CAM_IF_NAME);
	assert_int_equal(mncr_camera_find_in(root, "/dev/mncr0", node, sizeof(node),
					     err, sizeof(err)), 0);
	assert_string_equal(node, "/dev/video3");
}

static void test_find_errors(void **state)
{
	const char *root = *state;
	char node[64], err[256];

	/* No camera interface: a vendor interface with another string does not count. */
	intf(root, "1-1:1.2", "ff", "0e", "01", "02", "something else");
	assert_int_equal(mncr_camera_find_in(root, "/dev/mncr0", node, sizeof(node),
					     err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "no camera"));
	/* A video node of another USB device is not ours. */
	mkdirs(root, "devices/platform/dummy_hcd.0/usb1/1-2/1-2:1.0/video4linux/video0");
	assert_int_equal(mncr_camera_find_in(root, "/dev/mncr0", node, sizeof(node),
					     err, sizeof(err)), -ENOENT);
	assert_int_equal(mncr_camera_find_in(root, "/dev/mncr5", node, sizeof(node),
					     err, sizeof(err)), -ENODEV);
	assert_int_equal(mncr_camera_find_in(root, "/dev/video0", node, sizeof(node),
					     err, sizeof(err)), -ENODEV);
	assert_int_equal(mncr_camera_find_in(root, NULL, node, sizeof(node),
					     err, sizeof(err)), -EINVAL);
}

static void test_yuyv_to_grey(void **state)
{
	/* 3x2 pixels, stride 8 (two bytes of padding per row). */
	const uint8_t yuyv[] = {
		10, 128, 20, 129, 30, 130, 0xee, 0xee,
		40, 131, 50, 132, 60, 133, 0xee, 0xee,
	};
	uint8_t grey[6];

	(void)state;
	mncr_camera_yuyv_to_grey(yuyv, 3, 2, 8, grey);
	assert_memory_equal(grey, ((uint8_t[]){ 10, 20, 30, 40, 50, 60 }), 6);
}

static void test_frame_header(void **state)
{
	struct mncr_cam_frame_hdr h = {
		.format = MNCR_CAM_FMT_GREY, .width = 4, .height = 2,
		.seq = 0x12345678,
	}, g;
	uint8_t buf[MNCR_CAM_HDR_LEN + 8];

	(void)state;
	memset(buf, 0, sizeof(buf));
	mncr_cam_hdr_encode(buf, &h);
	assert_memory_equal(buf, "MCAM\x10\x00\x01\x00\x04\x00\x02\x00\x78\x56\x34\x12", 16);
	assert_int_equal(mncr_cam_hdr_decode(buf, sizeof(buf), &g), 0);
	assert_int_equal(g.width, 4);
	assert_int_equal(g.height, 2);
	assert_int_equal(g.seq, 0x12345678);
	/* The length must be exactly header + pixels: a frame's tail is refused. */
	assert_int_equal(mncr_cam_hdr_decode(buf, sizeof(buf) - 1, &g), -EINVAL);
	assert_int_equal(mncr_cam_hdr_decode(buf + 16, 8, &g), -EINVAL);
	buf[6] = 2;	/* unknown format */
	assert_int_equal(mncr_cam_hdr_decode(buf, sizeof(buf), &g), -EINVAL);
	buf[6] = 1;
	buf[0] = 'X';
	assert_int_equal(mncr_cam_hdr_decode(buf, sizeof(buf), &g), -EINVAL);
}

static void test_open_errors(void **state)
{
	struct mncr_camera *cam = (void *)1;
	char err[256];

	(void)state;
	assert_int_equal(mncr_camera_open("usb:1:2", 0, 0, &cam, err, sizeof(err)),
			 -EINVAL);
	assert_null(cam);
	assert_int_equal(mncr_camera_open("/nonexistent/video9", 0, 0, &cam, err,
					  sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/video9"));
	assert_int_equal(mncr_camera_open("/dev/null", 640, 0, &cam, err,
					  sizeof(err)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_find_sim_camera, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_uvc_node, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_errors, setup, teardown),
		cmocka_unit_test(test_yuyv_to_grey),
		cmocka_unit_test(test_frame_header),
		cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
