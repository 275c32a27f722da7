// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/mncr_proto.h>

#include "gadget_configfs.h"
#include "log.h"
#include "sysfs_io.h"

#define CONFIGFS_MAGIC	0x62656570
#define MAX_UDCS	32

extern char **environ;

int gadget_init(struct gadget *g, const char *serial)
{
	memset(g, 0, sizeof(*g));
	if (path_join(g->dir, sizeof(g->dir), GADGET_ROOT "/mncr-%s", serial) ||
	    path_join(g->ffs_name, sizeof(g->ffs_name), "mncr-ctl-%s", serial) ||
	    path_join(g->run_dir, sizeof(g->run_dir), SIM_RUN_DIR "/%s", serial) ||
	    path_join(g->ffs_mount, sizeof(g->ffs_mount), "%s/ctl", g->run_dir) ||
	    path_join(g->ccid_name, sizeof(g->ccid_name), "mncr-ccid-%s", serial) ||
	    path_join(g->ccid_mount, sizeof(g->ccid_mount), "%s/ccid", g->run_dir) ||
	    path_join(g->cam_name, sizeof(g->cam_name), "mncr-cam-%s", serial) ||
	    path_join(g->cam_mount, sizeof(g->cam_mount), "%s/cam", g->run_dir)) {
		sim_log("serial too long");
		return -1;
	}
	return 0;
}

static int run_modprobe(const char *module)
{
	char *argv[] = { "modprobe", "-q", (char *)module, NULL };
	pid_t pid;
	int status;

	if (posix_spawnp(&pid, "modprobe", NULL, NULL, argv, environ))
		return -1;
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static bool is_configfs(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == CONFIGFS_MAGIC;
}

static int count_udcs(void)
{
	DIR *d = opendir(UDC_CLASS);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

int gadget_check_host(void)
{
	struct stat st;

	if (!is_configfs(CONFIGFS_ROOT) &&
	    mount("none", CONFIGFS_ROOT, "configfs", 0, NULL) && errno != EBUSY) {
		sim_log("configfs is not mounted and mounting it failed (%s): "
			"mount -t configfs none " CONFIGFS_ROOT, strerror(errno));
		return -1;
	}
	if (stat(GADGET_ROOT, &st) && run_modprobe("libcomposite") == 0)
		stat(GADGET_ROOT, &st);
	if (stat(GADGET_ROOT, &st)) {
		sim_log("no " GADGET_ROOT ": USB gadget support is not loaded "
			"(modprobe libcomposite)");
		return -1;
	}
	if (count_udcs() == 0) {
		sim_log("no USB device controller in " UDC_CLASS
			": modprobe dummy_hcd num=4");
		return -1;
	}
	return 0;
}

bool gadget_exists(const struct gadget *g)
{
	struct stat st;

	return stat(g->dir, &st) == 0;
}

static int mkdir_at(const char *base, const char *sub)
{
	char path[256];

	if (path_join(path, sizeof(path), "%s/%s", base, sub))
		return -ENAMETOOLONG;
	if (mkdir(path, 0755) && errno != EEXIST) {
		int err = -errno;

		sim_log("mkdir %s: %s", path, strerror(errno));
		return err;
	}
	return 0;
}

static int write_at(const char *base, const char *attr, const char *value)
{
	char path[256];
	int err;

	if (path_join(path, sizeof(path), "%s/%s", base, attr))
		return -ENAMETOOLONG;
	err = attr_write(path, value);
	if (err)
		sim_log("write %s: %s", path, strerror(-err));
	return err;
}

/* A FunctionFS instance, linked into the configuration after those before it. */
static int add_function(const struct gadget *g, const char *name)
{
	char fn[128], link[192];

	if (path_join(fn, sizeof(fn), "%s/functions/ffs.%s", g->dir, name) ||
	    path_join(link, sizeof(link), "%s/configs/c.1/ffs.%s", g->dir, name))
		return -1;
	if (mkdir(fn, 0755)) {
		sim_log("mkdir %s: %s%s", fn, strerror(errno),
			errno == ENOENT ? " (is usb_f_fs available?)" : "");
		return -1;
	}
	if (symlink(fn, link)) {
		sim_log("symlink %s: %s", link, strerror(errno));
		return -1;
	}
	return 0;
}

int gadget_create(const struct gadget *g, const struct gadget_identity *id)
{
	char num[16];
	int err = 0;

	if (mkdir(g->dir, 0755)) {
		sim_log("mkdir %s: %s", g->dir, strerror(errno));
		return -1;
	}
	snprintf(num, sizeof(num), "0x%04x", id->bcd_device);
	err |= write_at(g->dir, "idVendor", "0x1209");
	err |= write_at(g->dir, "idProduct", "0x0001");
	err |= write_at(g->dir, "bcdDevice", num);
	err |= write_at(g->dir, "bcdUSB", "0x0200");
	/* Descriptors for full and high speed only. */
	err |= write_at(g->dir, "max_speed", "high-speed");
	err |= mkdir_at(g->dir, "strings/0x409");
	err |= write_at(g->dir, "strings/0x409/manufacturer", "mncr");
	err |= write_at(g->dir, "strings/0x409/product",
			"mncr simulated face-recognition card reader");
	err |= write_at(g->dir, "strings/0x409/serialnumber", id->serial);
	err |= mkdir_at(g->dir, "configs/c.1");
	err |= write_at(g->dir, "configs/c.1/MaxPower", "100");
	err |= mkdir_at(g->dir, "configs/c.1/strings/0x409");
	err |= write_at(g->dir, "configs/c.1/strings/0x409/configuration",
			"mncr reader");
	if (err)
		return -1;

	/* Linking order is interface order: the control function goes first. */
	return add_function(g, g->ffs_name) || add_function(g, g->ccid_name) ||
	       add_function(g, g->cam_name) ? -1 : 0;
}

static int mkdir_p(const char *path)
{
	char tmp[256];

	if (path_join(tmp, sizeof(tmp), "%s", path))
		return -1;
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0755) && errno != EEXIST ? -1 : 0;
}

static int mount_one(const char *name, const char *mount_point)
{
	if (mkdir_p(mount_point)) {
		sim_log("mkdir %s: %s", mount_point, strerror(errno));
		return -1;
	}
	if (mount(name, mount_point, "functionfs", 0, NULL)) {
		sim_log("mount -t functionfs %s %s: %s", name, mount_point,
			strerror(errno));
		return -1;
	}
	return 0;
}

int gadget_mount_ffs(const struct gadget *g)
{
	return mount_one(g->ffs_name, g->ffs_mount) ||
	       mount_one(g->ccid_name, g->ccid_mount) ||
	       mount_one(g->cam_name, g->cam_mount) ? -1 : 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A UDC is taken when a gadget driver (configfs or legacy) is bound to it. */
static bool udc_free(const char *udc)
{
	char path[192], fn[128];

	if (path_join(path, sizeof(path), UDC_CLASS "/%s/function", udc))
		return false;
	return attr_read(path, fn, sizeof(fn)) == 0 && fn[0] == '\0';
}

static int try_bind(struct gadget *g, const char *udc)
{
	char path[192];
	int err;

	if (path_join(path, sizeof(path), "%s/UDC", g->dir))
		return -ENAMETOOLONG;
	err = attr_write(path, udc);
	if (!err)
		snprintf(g->udc, sizeof(g->udc), "%s", udc);
	return err;
}

int gadget_bind(struct gadget *g, const char *forced, const char *preferred)
{
	char *names[MAX_UDCS];
	size_t n = 0;
	struct dirent *e;
	DIR *d;
	int err = -ENODEV;

	if (forced) {
		char path[192];
		struct stat st;

		if (path_join(path, sizeof(path), UDC_CLASS "/%s", forced) ||
		    stat(path, &st)) {
			sim_log("cannot bind to UDC %s: no such UDC in " UDC_CLASS, forced);
			return -1;
		}
		err = try_bind(g, forced);
		if (err)
			sim_log("cannot bind to UDC %s: %s%s", forced, strerror(-err),
				err == -EBUSY ? " (another gadget uses it)" : "");
		return err ? -1 : 0;
	}
	if (preferred && preferred[0] && udc_free(preferred) &&
	    try_bind(g, preferred) == 0)
		return 0;

	d = opendir(UDC_CLASS);
	if (!d) {
		sim_log("no " UDC_CLASS ": modprobe dummy_hcd num=4");
		return -1;
	}
	while ((e = readdir(d)) && n < MAX_UDCS)
		if (e->d_name[0] != '.')
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);

	/* Two simulators may race for one UDC: the loser takes the next. */
	for (size_t i = 0; i < n && err; i++)
		if (names[i] && udc_free(names[i]))
			err = try_bind(g, names[i]);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	if (err) {
		sim_log("no free UDC among %zu (each reader needs one): "
			"modprobe dummy_hcd num=4, or quit another mncr-sim", n);
		return -1;
	}
	return 0;
}

int gadget_unbind(struct gadget *g)
{
	char path[192];
	int err;

	if (path_join(path, sizeof(path), "%s/UDC", g->dir))
		return -1;
	err = attr_write(path, "");
	if (err && err != -ENODEV && err != -ENOENT) {
		sim_log("unbind %s: %s", path, strerror(-err));
		return -1;
	}
	g->udc[0] = '\0';
	return 0;
}

/* Runs fn on every entry of dir (but . and ..). */
static void each_entry(const char *dir, void (*fn)(const char *path))
{
	char path[320];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (path_join(path, sizeof(path), "%s/%s", dir, e->d_name) == 0)
			fn(path);
	}
	closedir(d);
}

static void remove_link(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && unlink(path))
		sim_log("unlink %s: %s", path, strerror(errno));
}

static void remove_dir(const char *path)
{
	if (rmdir(path) && errno != ENOENT)
		sim_log("rmdir %s: %s", path, strerror(errno));
}

static void remove_config(const char *path)
{
	char sub[400];

	each_entry(path, remove_link);
	if (path_join(sub, sizeof(sub), "%s/strings", path) == 0)
		each_entry(sub, remove_dir);
	remove_dir(path);
}

static void umount_quiet(const char *path)
{
	if (umount2(path, 0) && errno != EINVAL && errno != ENOENT)
		sim_log("umount %s: %s", path, strerror(errno));
}

int gadget_teardown(struct gadget *g)
{
	char path[192];

	if (gadget_exists(g))
		gadget_unbind(g);
	umount_quiet(g->ffs_mount);
	rmdir(g->ffs_mount);
	umount_quiet(g->ccid_mount);
	rmdir(g->ccid_mount);
	umount_quiet(g->cam_mount);
	rmdir(g->cam_mount);
	rmdir(g->run_dir);
	if (!gadget_exists(g))
		return 0;

	/* The order configfs wants: links, configs, functions, strings. */
	if (path_join(path, sizeof(path), "%s/configs", g->dir) == 0)
		each_entry(path, remove_config);
	if (path_join(path, sizeof(path), "%s/functions", g->dir) == 0)
		each_entry(path, remove_dir);
	if (path_join(path, sizeof(path), "%s/strings", g->dir) == 0)
		each_entry(path, remove_dir);
	if (path_join(path, sizeof(path), "%s/os_desc", g->dir) == 0)
		each_entry(path, remove_link);
	if (rmdir(g->dir) && errno != ENOENT) {
		sim_log("rmdir %s: %s", g->dir, strerror(errno));
		return -1;
	}
	return 0;
}
