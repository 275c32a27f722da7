// SPDX-License-Identifier: LGPL-2.1-or-later
#include "reader/reader.h"
#include "reader/names.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>

/* snprintf that reports truncation: sysfs names are short, but say so. */
static int format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : 0;
}

/* Reads a sysfs attribute into buf without the trailing newline. */
static int read_attr(const char *dir, const char *name, char *buf, size_t size)
{
	char path[PATH_MAX];
	FILE *f;
	size_t n;

	if (format(path, sizeof(path), "%s/%s", dir, name) < 0)
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

static uint32_t read_u32(const char *dir, const char *name)
{
	char buf[32];

	if (read_attr(dir, name, buf, sizeof(buf)) < 0)
		return 0;
	return (uint32_t)strtoul(buf, NULL, 0);
}

uint32_t mncr_caps_parse(const char *text)
{
	static const struct { const char *word; uint32_t bit; } words[] = {
		{ "match_engine", MNCR_CAP_MATCH_ENGINE },
		{ "card_front", MNCR_CAP_CARD_FRONT },
		{ "ccid", MNCR_CAP_CCID },
		{ "camera", MNCR_CAP_CAMERA },
	};
	char copy[256], *save = NULL, *end;
	uint32_t caps = 0;
	unsigned long n;

	n = strtoul(text, &end, 0);
	if (end != text)
		return (uint32_t)n;
	format(copy, sizeof(copy), "%s", text);
	for (char *w = strtok_r(copy, " ,\t\n", &save); w;
	     w = strtok_r(NULL, " ,\t\n", &save))
		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (strcmp(w, words[i].word) == 0)
				caps |= words[i].bit;
	return caps;
}

/* The lowest-numbered video node under a USB interface directory. */
static void find_camera(const char *intf_dir, char *out, size_t size)
{
	char path[PATH_MAX];
	struct dirent *e;
	long best = -1;
	DIR *d;

	if (format(path, sizeof(path), "%s/video4linux", intf_dir) < 0)
		return;
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d))) {
		char *end;
		long n;

		if (strncmp(e->d_name, "video", 5) != 0)
			continue;
		n = strtol(e->d_name + 5, &end, 10);
		if (*end == '\0' && end != e->d_name + 5 && (best < 0 || n < best))
			best = n;
	}
	closedir(d);
	if (best >= 0 && !out[0])
		format(out, size, "/dev/video%ld", best);
}

/*
 * The reader's other interfaces are siblings of its control interface
 * under the same USB device: the CCID slot (class 0x0b) and the camera.
 */
static void find_siblings(const char *class_dir, struct mncr_reader *r)
{
	char link[PATH_MAX], intf[PATH_MAX], *usb_dir, *base;
	struct dirent *e;
	size_t prefix;
	DIR *d;

	if (format(link, sizeof(link), "%s/device", class_dir) < 0 ||
	    !realpath(link, intf))
		return;
	base = strrchr(intf, '/');
	if (!base)
		return;
	*base = '\0';
	usb_dir = intf;
	base = strrchr(usb_dir, '/');
	format(r->usb_device, sizeof(r->usb_device), "%s", base ? base + 1 : usb_dir);
	prefix = strlen(r->usb_device);

	d = opendir(usb_dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		char dir[PATH_MAX], cls[8];

		if (strncmp(e->d_name, r->usb_device, prefix) != 0 ||
		    e->d_name[prefix] != ':')
			continue;
		if (format(dir, sizeof(dir), "%s/%s", usb_dir, e->d_name) < 0)
			continue;
		if (read_attr(dir, "bInterfaceClass", cls, sizeof(cls)) == 0 &&
		    strtoul(cls, NULL, 16) == 0x0b && !r->ccid_interface[0])
			format(r->ccid_interface, sizeof(r->ccid_interface),
				 "%s", e->d_name);
		find_camera(dir, r->camera, sizeof(r->camera));
	}
	closedir(d);
}

static int load_reader(const char *class_root, const char *name,
		       struct mncr_reader *r)
{
	char dir[PATH_MAX], buf[64];
	int ret;

	memset(r, 0, sizeof(*r));
	if (format(dir, sizeof(dir), "%s/%s", class_root, name) < 0 ||
	    format(r->name, sizeof(r->name), "%s", name) < 0 ||
	    format(r->node, sizeof(r->node), "/dev/%s", name) < 0)
		return -ENAMETOOLONG;
	ret = read_attr(dir, "serial", r->serial, sizeof(r->serial));
	if (ret < 0)
		return ret;
	read_attr(dir, "firmware", r->firmware, sizeof(r->firmware));
	if (read_attr(dir, "mode", buf, sizeof(buf)) == 0 &&
	    mncr_mode_parse(buf, &r->mode) < 0)
		r->mode = UINT32_MAX;
	r->card_present = read_u32(dir, "card_present") != 0;
	r->visual_timeout_ms = read_u32(dir, "visual_timeout_ms");
	if (read_attr(dir, "capabilities", buf, sizeof(buf)) == 0)
		r->caps = mncr_caps_parse(buf);
	find_siblings(dir, r);
	return 0;
}

static int reader_number(const char *name)
{
	char *end;
	long n;

	if (strncmp(name, "mncr", 4) != 0)
		return -1;
	n = strtol(name + 4, &end, 10);
	return (*end || end == name + 4 || n < 0 || n > INT_MAX) ? -1 : (int)n;
}

static int by_number(const void *a, const void *b)
{
	return reader_number(((const struct mncr_reader *)a)->name) -
	       reader_number(((const struct mncr_reader *)b)->name);
}

int mncr_reader_list(const char *sysfs_root, struct mncr_reader *out,
		     size_t max)
{
	char class_root[PATH_MAX];
	struct dirent *e;
	size_t n = 0;
	DIR *d;

	if (format(class_root, sizeof(class_root), "%s/class/mncr",
		   sysfs_root ? sysfs_root : "/sys") < 0)
		return -ENAMETOOLONG;
	d = opendir(class_root);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d)) && n < max) {
		if (reader_number(e->d_name) < 0)
			continue;
		/* A reader unplugged while we look is simply not listed. */
		if (load_reader(class_root, e->d_name, &out[n]) == 0)
			n++;
	}
	closedir(d);
	qsort(out, n, sizeof(*out), by_number);
	return (int)n;
}

int mncr_reader_find(const char *sysfs_root, const char *selector,
		     struct mncr_reader *out)
{
	struct mncr_reader all[MNCR_MAX_READERS];
	char resolved[PATH_MAX];
	int n = mncr_reader_list(sysfs_root, all, MNCR_MAX_READERS);

	if (n < 0)
		return n;
	if (n == 0)
		return -ENODEV;
	if (!selector) {
		if (n > 1)
			return -ENOTUNIQ;
		*out = all[0];
		return 0;
	}
	/* A path such as /dev/mncr/by-serial/S is a link to the node. */
	if (selector[0] == '/' && realpath(selector, resolved))
		selector = resolved;
	for (int i = 0; i < n; i++) {
		if (strcmp(selector, all[i].name) == 0 ||
		    strcmp(selector, all[i].node) == 0 ||
		    strcmp(selector, all[i].serial) == 0) {
			*out = all[i];
			return 0;
		}
	}
	return -ENOENT;
}
