// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host_sysfs.h"
#include "log.h"
#include "sim.h"
#include "sysfs_io.h"

static int lock_path(const char *serial, char *out, size_t len)
{
	return path_join(out, len, SIM_RUN_DIR "/%s.lock", serial);
}

int sim_lock_serial(struct sim *s)
{
	const struct sim_options *opt = &s->opt;
	char path[128], pid[32] = "";
	int fd;

	if (mkdir(SIM_RUN_DIR, 0755) && errno != EEXIST) {
		sim_log("mkdir " SIM_RUN_DIR ": %s", strerror(errno));
		return -1;
	}
	if (lock_path(opt->serial, path, sizeof(path)))
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		sim_log("open %s: %s", path, strerror(errno));
		return -1;
	}
	/* The kernel drops the lock when we die, however we die. */
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		if (read(fd, pid, sizeof(pid) - 1) < 0)
			pid[0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		sim_log("another mncr-sim already serves serial %s%s%s%s", opt->serial,
			pid[0] ? " (pid " : "", pid, pid[0] ? ")" : "");
		close(fd);
		return -1;
	}
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) || pwrite(fd, pid, strlen(pid), 0) < 0)
		sim_log("cannot record our pid in %s: %s", path, strerror(errno));
	s->lock_fd = fd;
	return 0;
}

static void disconnect_fault(void *ctx)
{
	char msg[96];

	sim_unplug(ctx, false, msg, sizeof(msg));
	sim_log("fault: disconnected after a command (%s)", msg);
}

/* Waits for the host to configure us, then for its sysfs to show it. */
static int wait_host(struct sim *s, bool required, char *note, size_t len)
{
	const char *why = NULL;

	if (!device_wait_link(&s->dev, true, SIM_HOST_WAIT_MS))
		why = "the host did not configure the reader";
	else if (host_is_local(sim_udc(s)) &&
		 !host_wait_device(s->opt.serial, true, SIM_HOST_WAIT_MS))
		why = "the host configured the reader but its interface did not appear in sysfs";
	if (!why) {
		if (note)
			snprintf(note, len, "plugged into %s", sim_udc(s));
		return 0;
	}
	if (note)
		snprintf(note, len, "plugged into %s but %s within %d s",
			 sim_udc(s), why, SIM_HOST_WAIT_MS / 1000);
	else
		sim_log("bound to %s but %s within %d s", sim_udc(s), why,
			SIM_HOST_WAIT_MS / 1000);
	return required ? -1 : 0;
}

const char *sim_udc(const struct sim *s)
{
	return s->opt.gadgetfs ? s->gfs.udc : s->gadget.udc;
}

static int bind_locked(struct sim *s)
{
	if (s->opt.gadgetfs)
		return gadgetfs_plug(&s->gfs);
	if (gadget_bind(&s->gadget, s->opt.udc, s->last_udc))
		return -1;
	snprintf(s->last_udc, sizeof(s->last_udc), "%s", s->gadget.udc);
	device_lock(&s->dev);
	s->dev.plugged = true;
	device_unlock(&s->dev);
	return 0;
}

int sim_init(struct sim *s, const struct sim_options *opt)
{
	enum scene_kind scene;

	memset(s, 0, sizeof(*s));
	s->opt = *opt;
	s->lock_fd = -1;
	s->ffs.ep0 = s->ffs.ep_out = s->ffs.ep_in = s->ffs.ep_int = -1;
	s->ffs.stop_fd = -1;
	device_init(&s->dev, opt->serial, opt->firmware, opt->engine);
	s->dev.descriptors = opt->descriptors;
	ccid_function_init(&s->ccid, &s->dev);
	if (scene_parse(opt->camera, &scene))
		scene = SCENE_PERSON;
	camera_function_init(&s->cam, &s->dev, scene, opt->camera_frame_clock);
	pthread_mutex_init(&s->udc_lock, NULL);
	s->initialized = true;
	if (opt->gadgetfs) {
		uvc_function_init(&s->uvc, &s->dev, scene, opt->camera_frame_clock,
				  NULL);
		return gadgetfs_init(&s->gfs, opt->serial, opt->bcd_device, &s->dev,
				     &s->ccid, &s->uvc);
	}
	return gadget_init(&s->gadget, opt->serial);
}

static void models_dir(const struct sim *s, char *out, size_t len)
{
	if (s->opt.models)
		snprintf(out, len, "%s", s->opt.models);
	else if (scene_default_models(out, len))
		out[0] = '\0';
}

/* Control and CCID as with FunctionFS, on the device's stable endpoints. */
static int start_gadgetfs(struct sim *s)
{
	const int *ep = s->gfs.stable;

	models_dir(s, s->uvc.models_dir, sizeof(s->uvc.models_dir));
	if (gadgetfs_mount(&s->gfs) ||
	    ccid_function_attach(&s->ccid, ep[GFS_EP_CCID_OUT], ep[GFS_EP_CCID_IN],
				 ep[GFS_EP_CCID_INT]) ||
	    ccid_function_start(&s->ccid) ||
	    uvc_function_start(&s->uvc, ep[GFS_EP_VIDEO_IN]))
		return -1;
	s->cmd = (struct command_pump) {
		.dev = &s->dev, .ep_out = ep[GFS_EP_CTL_OUT], .ep_in = ep[GFS_EP_CTL_IN],
		.disconnect = disconnect_fault, .ctx = s,
	};
	s->evt = (struct event_pump) { .dev = &s->dev, .ep_int = ep[GFS_EP_CTL_INT] };
	if (command_pump_start(&s->cmd) || event_pump_start(&s->evt))
		return -1;
	return gadgetfs_add_io_thread(&s->gfs, s->cmd.thread) ||
	       gadgetfs_add_io_thread(&s->gfs, s->evt.thread) ||
	       gadgetfs_add_io_thread(&s->gfs, s->ccid.bulk_thread) ||
	       gadgetfs_add_io_thread(&s->gfs, s->ccid.notify_thread) ||
	       gadgetfs_add_io_thread(&s->gfs, s->uvc.stream_thread) ? -1 : 0;
}

int sim_start(struct sim *s)
{
	char models[PATH_MAX];

	if (s->opt.gadgetfs) {
		if (start_gadgetfs(s))
			return -1;
		goto plug;
	}
	if (gadget_check_host())
		return -1;
	/* We hold the serial's lock, so whatever is there is a dead run's. */
	if (gadget_exists(&s->gadget)) {
		sim_log("removing the gadget an earlier run left behind");
		if (gadget_teardown(&s->gadget))
			return -1;
	}
	s->created = true;
	if (gadget_create(&s->gadget, &(struct gadget_identity) {
			.serial = s->opt.serial, .bcd_device = s->opt.bcd_device }))
		return -1;
	s->mounted = true;
	if (gadget_mount_ffs(&s->gadget) ||
	    ffs_control_open(&s->ffs, s->gadget.ffs_mount, &s->dev) ||
	    ffs_control_start(&s->ffs) ||
	    ccid_function_open(&s->ccid, s->gadget.ccid_mount))
		return -1;
	models_dir(s, models, sizeof(models));
	if (camera_function_open(&s->cam, s->gadget.cam_mount, models) ||
	    camera_function_start(&s->cam) || ccid_function_start(&s->ccid))
		return -1;
	s->cmd = (struct command_pump) {
		.dev = &s->dev, .ep_out = s->ffs.ep_out, .ep_in = s->ffs.ep_in,
		.disconnect = disconnect_fault, .ctx = s,
	};
	s->evt = (struct event_pump) { .dev = &s->dev, .ep_int = s->ffs.ep_int };
	if (command_pump_start(&s->cmd) || event_pump_start(&s->evt))
		return -1;
plug:
	if (s->opt.card) {
		device_lock(&s->dev);
		device_insert_card(&s->dev, card_profile_find(s->opt.card), NULL);
		device_unlock(&s->dev);
	}
	pthread_mutex_lock(&s->udc_lock);
	if (bind_locked(s)) {
		pthread_mutex_unlock(&s->udc_lock);
		return -1;
	}
	pthread_mutex_unlock(&s->udc_lock);
	return wait_host(s, s->opt.daemon, NULL, 0);
}

void sim_stop(struct sim *s)
{
	char path[128], udc[64];

	if (!s->initialized)
		return;
	s->initialized = false;
	device_lock(&s->dev);
	s->dev.stopping = true;
	pthread_cond_broadcast(&s->dev.cond);
	device_unlock(&s->dev);

	/* Unbinding ends every transfer in flight, so the threads can be joined. */
	pthread_mutex_lock(&s->udc_lock);
	snprintf(udc, sizeof(udc), "%s", sim_udc(s));
	if (s->opt.gadgetfs)
		gadgetfs_unplug(&s->gfs);
	else if (udc[0])
		gadget_unbind(&s->gadget);
	pthread_mutex_unlock(&s->udc_lock);
	/* Whoever waits for our exit may plug the same serial next: be gone. */
	if (udc[0] && host_is_local(udc))
		host_wait_device(s->opt.serial, false, SIM_HOST_WAIT_MS);
	ffs_control_stop(&s->ffs);
	command_pump_join(&s->cmd);
	event_pump_join(&s->evt);
	ccid_function_stop(&s->ccid);
	camera_function_stop(&s->cam);
	ffs_control_close(&s->ffs);
	ccid_function_close(&s->ccid);
	camera_function_close(&s->cam);
	if (s->opt.gadgetfs) {
		uvc_function_stop(&s->uvc);
		uvc_function_destroy(&s->uvc);
		gadgetfs_destroy(&s->gfs);
	}
	if (s->created || s->mounted)
		gadget_teardown(&s->gadget);
	s->created = s->mounted = false;

	if (s->lock_fd >= 0) {
		if (lock_path(s->opt.serial, path, sizeof(path)) == 0)
			unlink(path);
		close(s->lock_fd);
		s->lock_fd = -1;
	}
	pthread_mutex_destroy(&s->udc_lock);
	device_destroy(&s->dev);
}

int sim_plug(struct sim *s, char *msg, size_t len)
{
	pthread_mutex_lock(&s->udc_lock);
	if (s->opt.gadgetfs ? s->gfs.ep0 >= 0 : s->gadget.udc[0] != '\0') {
		snprintf(msg, len, "already plugged into %s", sim_udc(s));
		pthread_mutex_unlock(&s->udc_lock);
		return 0;
	}
	if (bind_locked(s)) {
		snprintf(msg, len, "no UDC to plug into (see the simulator's log)");
		pthread_mutex_unlock(&s->udc_lock);
		return -1;
	}
	pthread_mutex_unlock(&s->udc_lock);
	return wait_host(s, false, msg, len);
}

int sim_unplug(struct sim *s, bool wait_host_side, char *msg, size_t len)
{
	char udc[64];

	pthread_mutex_lock(&s->udc_lock);
	if (s->opt.gadgetfs ? s->gfs.ep0 < 0 : !s->gadget.udc[0]) {
		snprintf(msg, len, "already unplugged");
		pthread_mutex_unlock(&s->udc_lock);
		return 0;
	}
	snprintf(udc, sizeof(udc), "%s", sim_udc(s));
	if (s->opt.gadgetfs ? gadgetfs_unplug(&s->gfs) : gadget_unbind(&s->gadget)) {
		snprintf(msg, len, "unbinding from %s failed", udc);
		pthread_mutex_unlock(&s->udc_lock);
		return -1;
	}
	/* Reset now: FunctionFS may fold the UNBIND into a later ENABLE. */
	device_lock(&s->dev);
	s->dev.plugged = false;
	device_link_unbind(&s->dev);
	device_unlock(&s->dev);
	pthread_mutex_unlock(&s->udc_lock);

	if (wait_host_side && host_is_local(udc) &&
	    !host_wait_device(s->opt.serial, false, SIM_HOST_WAIT_MS)) {
		snprintf(msg, len, "unplugged from %s but the host still lists the reader",
			 udc);
		return 0;
	}
	snprintf(msg, len, "unplugged from %s", udc);
	return 0;
}

void sim_camera_set_scene(struct sim *s, enum scene_kind k)
{
	if (s->opt.gadgetfs)
		uvc_function_set_scene(&s->uvc, k);
	else
		camera_function_set_scene(&s->cam, k);
}

enum scene_kind sim_camera_scene(struct sim *s)
{
	return s->opt.gadgetfs ? uvc_function_scene(&s->uvc) :
				 camera_function_scene(&s->cam);
}

void sim_camera_stats(struct sim *s, unsigned long *frames, double *fps)
{
	if (s->opt.gadgetfs)
		uvc_function_stats(&s->uvc, frames, fps);
	else
		camera_function_stats(&s->cam, frames, fps);
}
