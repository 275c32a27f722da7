/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reader as a configfs composite gadget: device identity, one
 * configuration, and its functions linked in interface order: the
 * FunctionFS control interface (interface 0), then the CCID FunctionFS
 * instance (interface 1), then the camera's FunctionFS instance
 * (interface 2: see camera_function.h for why not the kernel's uvc).
 *
 *   /sys/kernel/config/usb_gadget/mncr-SERIAL/
 *       functions/ffs.mncr-ctl-SERIAL   mounted at /run/mncr-sim/SERIAL/ctl
 *       functions/ffs.mncr-ccid-SERIAL  mounted at /run/mncr-sim/SERIAL/ccid
 *       functions/ffs.mncr-cam-SERIAL   mounted at /run/mncr-sim/SERIAL/cam
 *       configs/c.1/ffs.mncr-ctl-SERIAL -> ../../functions/...
 *       configs/c.1/ffs.mncr-ccid-SERIAL -> ../../functions/...
 *       configs/c.1/ffs.mncr-cam-SERIAL -> ../../functions/...
 */
#ifndef MNCR_SIM_GADGET_CONFIGFS_H
#define MNCR_SIM_GADGET_CONFIGFS_H

#include <stdbool.h>
#include <stdint.h>

#define CONFIGFS_ROOT	"/sys/kernel/config"
#define GADGET_ROOT	CONFIGFS_ROOT "/usb_gadget"
#define UDC_CLASS	"/sys/class/udc"
#define SIM_RUN_DIR	"/run/mncr-sim"

/* Serials name directories and ffs instances: [A-Za-z0-9_-], this long at most. */
#define SIM_SERIAL_MAX	24

struct gadget {
	char dir[128];		/* the gadget in configfs */
	char ffs_name[48];	/* FunctionFS instance: mount source */
	char run_dir[128];	/* /run/mncr-sim/SERIAL */
	char ffs_mount[160];
	char ccid_name[48];	/* the CCID FunctionFS instance */
	char ccid_mount[160];
	char cam_name[48];	/* the camera FunctionFS instance */
	char cam_mount[160];
	char udc[64];		/* bound UDC, "" when unplugged */
};

struct gadget_identity {
	const char *serial;
	uint16_t bcd_device;
};

int gadget_init(struct gadget *g, const char *serial);

/*
 * Makes sure configfs gadgets can be made (mounts configfs, loads
 * libcomposite if need be) and that there is a UDC. Prints what to do
 * when not.
 */
int gadget_check_host(void);

bool gadget_exists(const struct gadget *g);

/* Creates the gadget, its control, CCID and camera functions. -1 after printing why. */
int gadget_create(const struct gadget *g, const struct gadget_identity *id);

/* Mounts the three functions' FunctionFS. */
int gadget_mount_ffs(const struct gadget *g);

/*
 * Binds to forced (only), else preferred if free, else the first free
 * UDC. Records it in g->udc. -1 after printing why.
 */
int gadget_bind(struct gadget *g, const char *forced, const char *preferred);

/* Unbinds (a no-op when not bound). */
int gadget_unbind(struct gadget *g);

/*
 * Unbinds, unmounts and removes everything under the gadget, whatever
 * state a previous run left. Every file on FunctionFS must be closed.
 * 0 when nothing of the gadget is left.
 */
int gadget_teardown(struct gadget *g);

#endif
