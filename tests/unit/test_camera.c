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
#include <stdio.h>
#include <string.h>

#include "camera/camera.h"
#include "camera/camera_stream.h"
#include "fake_sysfs.h"

#define USB "devices/platform/dummy_hcd.0/usb1/1-1"

static void intf(const char *root, const char *name, const char *cls,
		 const char *sub, const char *proto, const char *num,
		 const char *str)
{
	char dir[256];

	snprintf(dir, sizeof(dir), USB "/%s", name);
	fake_sysfs_mkdirs(root, dir);
	fake_sysfs_attr(root, dir, "bInterfaceClass", cls);
	fake_sysfs_attr(root, dir, "bInterfaceSubClass", sub);
	fake_sysfs_attr(root, dir, "bInterfaceProtocol", proto);
	fake_sysfs_attr(root, dir, "bInterfaceNumber", num);
	fake_sysfs_attr(root, dir, "interface", str);
}

/* A reader 1-1 (bus 1, address 7) with mncr0 on interface 0 and its CCID slot. */
static int setup(void **state)
{
	char *root = fake_sysfs_new();

	fake_sysfs_mkdirs(root, USB);
	fake_sysfs_attr(root, USB, "busnum", "1");
	fake_sysfs_attr(root, USB, "devnum", "7");
	intf(root, "1-1:1.0", "ff", "00", "00", "00", "mncr control");
	intf(root, "1-1:1.1", "0b", "00", "00", "01", "mncr smart card");
	fake_sysfs_mkdirs(root, "class/mncr/mncr0");
	fake_sysfs_link(root, "class/mncr/mncr0", "device", "../../../" USB "/1-1:1.0");
	*state = root;
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
	fake_sysfs_mkdirs(root, USB "/1-1:1.2/video4linux/video4");
	fake_sysfs_attr(root, USB "/1-1:1.2/video4linux/video4", "index", "1");
	fake_sysfs_mkdirs(root, USB "/1-1:1.2/video4linux/video3");
	fake_sysfs_attr(root, USB "/1-1:1.2/video4linux/video3", "index", "0");
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
	fake_sysfs_mkdirs(root, "devices/platform/dummy_hcd.0/usb1/1-2/1-2:1.0/video4linux/video0");
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
		cmocka_unit_test_setup_teardown(test_find_sim_camera, setup, fake_sysfs_teardown),
		cmocka_unit_test_setup_teardown(test_find_uvc_node, setup, fake_sysfs_teardown),
		cmocka_unit_test_setup_teardown(test_find_errors, setup, fake_sysfs_teardown),
		cmocka_unit_test(test_yuyv_to_grey),
		cmocka_unit_test(test_frame_header),
		cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
