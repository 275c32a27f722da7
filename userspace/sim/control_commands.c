// SPDX-License-Identifier: GPL-2.0-or-later
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/mncr.h>
#include <linux/mncr_proto.h>

#include "card_profiles.h"
#include "control_commands.h"
#include "event_pump.h"
#include "host_sysfs.h"

#define MAX_WORDS	8
#define MAX_COUNT	1000000UL
#define MAX_FLOOD	100000UL
#define MAX_ERRNO	4095UL

struct reply {
	char *buf;
	size_t len;
};

static bool say(struct reply *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool say(struct reply *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->buf, r->len, fmt, ap);
	va_end(ap);
	return false;
}

static bool parse_ulong(const char *s, unsigned long min, unsigned long max,
			unsigned long *out)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return !errno && !*end && *out >= min && *out <= max;
}

static bool cmd_insert(struct sim *s, int argc, char **argv, struct reply *r)
{
	const struct card_profile *p = card_profile_find("pin");
	struct card_front front;
	const char *front_text = NULL;
	char err[96];

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--front") == 0) {
			if (++i == argc)
				return say(r, "error --front wants YYYYMMDD,YYYY,NNNN");
			front_text = argv[i];
		} else if (strncmp(argv[i], "--front=", 8) == 0) {
			front_text = argv[i] + 8;
		} else if (argv[i][0] == '-' || i != 1) {
			return say(r, "error usage: insert [PROFILE] [--front YYYYMMDD,YYYY,NNNN]");
		} else if (!(p = card_profile_find(argv[i]))) {
			return say(r, "error unknown card profile '%.32s' (pin, pinless, blocked, expired, revoked, nosign, garbled, slow, yank)",
				   argv[i]);
		}
	}
	if (front_text && card_front_parse(front_text, &front, err, sizeof(err)))
		return say(r, "error %s", err);
	device_lock(&s->dev);
	device_insert_card(&s->dev, p, front_text ? &front : NULL);
	device_unlock(&s->dev);
	explicit_bzero(&front, sizeof(front));
	return say(r, "ok inserted %s%s", p->name, front_text ? " with the given front" : "");
}

static bool cmd_remove(struct sim *s, struct reply *r)
{
	bool had;

	device_lock(&s->dev);
	had = device_remove_card(&s->dev);
	device_unlock(&s->dev);
	return say(r, had ? "ok removed" : "ok no card was inserted");
}

static bool cmd_mode(struct sim *s, const char *arg, struct reply *r)
{
	uint8_t mode;

	if (arg && strcmp(arg, "auto") == 0)
		mode = MNCR_MODE_AUTO;
	else if (arg && strcmp(arg, "visual") == 0)
		mode = MNCR_MODE_VISUAL;
	else
		return say(r, "error usage: mode auto|visual");
	device_lock(&s->dev);
	device_set_mode_local(&s->dev, mode);
	device_unlock(&s->dev);
	return say(r, "ok mode %s", arg);
}

static bool cmd_engine(struct sim *s, const char *arg, struct reply *r)
{
	bool on;

	if (arg && strcmp(arg, "on") == 0)
		on = true;
	else if (arg && strcmp(arg, "off") == 0)
		on = false;
	else
		return say(r, "error usage: engine on|off");
	device_lock(&s->dev);
	s->dev.engine = on;
	device_unlock(&s->dev);
	return say(r, "ok engine %s (GET_INFO reports it from now on)", arg);
}

static bool cmd_fault(struct sim *s, int argc, char **argv, struct reply *r)
{
	enum fault_kind kind;
	unsigned long count = 0;

	if (argc < 2 || argc > 3 || fault_parse(argv[1], &kind))
		return say(r, "error usage: fault %s [COUNT]", fault_names());
	if (argc == 3 && (kind == FAULT_NONE ||
			  !parse_ulong(argv[2], 1, MAX_COUNT, &count)))
		return say(r, "error fault COUNT must be 1..%lu (and none takes none)",
			   MAX_COUNT);
	device_lock(&s->dev);
	s->dev.fault = kind;
	s->dev.fault_left = kind == FAULT_NONE ? 0 : count ? (long)count : -1;
	device_unlock(&s->dev);
	if (kind == FAULT_NONE)
		return say(r, "ok fault none");
	if (count)
		return say(r, "ok fault %s for %lu response%s", argv[1], count,
			   count == 1 ? "" : "s");
	return say(r, "ok fault %s until 'fault none'", argv[1]);
}

static bool cmd_number(struct sim *s, int argc, char **argv, struct reply *r)
{
	const char *what = argv[0];
	unsigned long v, max = strcmp(what, "delay") == 0 ? SIM_MAX_DELAY_MS :
			       strcmp(what, "flood") == 0 ? MAX_FLOOD : MAX_ERRNO;
	unsigned long min = strcmp(what, "delay") == 0 ? 0 : 1;
	uint8_t payload[4];
	bool enabled;
	uint32_t le;

	if (argc != 2 || !parse_ulong(argv[1], min, max, &v))
		return say(r, "error usage: %s %s (%lu..%lu)", what,
			   what[0] == 'd' ? "MS" : what[0] == 'f' ? "N" : "CODE",
			   min, max);
	device_lock(&s->dev);
	enabled = s->dev.enabled;
	if (what[0] == 'd') {
		s->dev.delay_ms = (unsigned)v;
	} else if (what[0] == 'f') {
		if (enabled)
			s->dev.flood_left += (unsigned)v;
		pthread_cond_broadcast(&s->dev.cond);
	} else {
		le = htole32((uint32_t)v);
		memcpy(payload, &le, sizeof(payload));
		device_queue_event(&s->dev, MNCR_EVT_ERROR, payload);
	}
	device_unlock(&s->dev);
	if (what[0] == 'd')
		return say(r, "ok delay %lu ms", v);
	return say(r, "ok %s %lu%s", what, v,
		   enabled ? "" : " (dropped: the host has not configured the reader)");
}

static bool cmd_evflood(struct sim *s, int argc, char **argv, struct reply *r)
{
	enum evflood_kind kind = EVFLOOD_NONE;
	unsigned long n = EVFLOOD_ENDLESS;

	if (argc < 2 || argc > 3 ||
	    (strcmp(argv[1], "stop") != 0 && evflood_parse(argv[1], &kind)) ||
	    (argc == 3 && (kind == EVFLOOD_NONE ||
			   !parse_ulong(argv[2], 1, MAX_COUNT, &n))))
		return say(r, "error usage: evflood %s [N] | evflood stop",
			   evflood_names());
	device_lock(&s->dev);
	event_flood_set(&s->dev, kind, n);
	device_unlock(&s->dev);
	if (kind == EVFLOOD_NONE)
		return say(r, "ok evflood stopped");
	if (n == EVFLOOD_ENDLESS)
		return say(r, "ok evflood %s until 'evflood stop'", argv[1]);
	return say(r, "ok evflood %s for %lu frames", argv[1], n);
}

static bool cmd_camera(struct sim *s, const char *arg, struct reply *r)
{
	enum scene_kind k;

	if (!arg || scene_parse(arg, &k))
		return say(r, "error usage: camera %s", scene_names());
	sim_camera_set_scene(s, k);
	return say(r, "ok camera %s", scene_name(k));
}

static bool cmd_status(struct sim *s, struct reply *r)
{
	struct sim_device *d = &s->dev;
	char usbdev[64] = "", left[24];
	unsigned long frames;
	double fps;
	enum scene_kind scene = sim_camera_scene(s);

	host_find_device(s->opt.serial, usbdev, sizeof(usbdev));
	sim_camera_stats(s, &frames, &fps);
	pthread_mutex_lock(&s->udc_lock);
	device_lock(d);
	if (d->fault == FAULT_NONE)
		snprintf(left, sizeof(left), "0");
	else if (d->fault_left < 0)
		snprintf(left, sizeof(left), "inf");
	else
		snprintf(left, sizeof(left), "%ld", d->fault_left);
	say(r, "ok serial=%s udc=%s plugged=%d enabled=%d suspended=%d usbdev=%s "
	    "mode=%s card=%d profile=%s engine=%d fault=%s fault_left=%s "
	    "delay=%u commands=%llu events=%llu last_reason=%u camera=%s "
	    "camera_frames=%lu camera_fps=%.1f firmware=%s",
	    d->serial, sim_udc(s), d->plugged, d->enabled, d->suspended, usbdev,
	    d->mode == MNCR_MODE_VISUAL ? "visual" : "auto", d->card.present,
	    d->card.present ? d->card.profile->name : "", d->engine,
	    fault_name(d->fault), left, d->delay_ms,
	    (unsigned long long)d->commands, (unsigned long long)d->events_sent,
	    d->last_reason, scene_name(scene), frames, fps, d->firmware);
	device_unlock(d);
	pthread_mutex_unlock(&s->udc_lock);
	return false;
}

bool control_execute(struct sim *s, char *line, char *reply, size_t len)
{
	struct reply r = { reply, len };
	char *argv[MAX_WORDS + 1], *save = NULL, *w;
	char note[160];
	int argc = 0;

	for (w = strtok_r(line, " \t\r\n", &save); w; w = strtok_r(NULL, " \t\r\n", &save)) {
		if (argc == MAX_WORDS)
			return say(&r, "error too many words");
		argv[argc++] = w;
	}
	argv[argc] = NULL;
	if (!argc)
		return say(&r, "error empty command (try: status)");

	if (strcmp(argv[0], "insert") == 0)
		return cmd_insert(s, argc, argv, &r);
	if (strcmp(argv[0], "evflood") == 0)
		return cmd_evflood(s, argc, argv, &r);
	if (argc > 2 && strcmp(argv[0], "fault") != 0)
		return say(&r, "error too many arguments for %s", argv[0]);
	if (strcmp(argv[0], "remove") == 0 && argc == 1)
		return cmd_remove(s, &r);
	if (strcmp(argv[0], "mode") == 0)
		return cmd_mode(s, argv[1], &r);
	if (strcmp(argv[0], "engine") == 0)
		return cmd_engine(s, argv[1], &r);
	if (strcmp(argv[0], "fault") == 0)
		return cmd_fault(s, argc, argv, &r);
	if (strcmp(argv[0], "delay") == 0 || strcmp(argv[0], "flood") == 0 ||
	    strcmp(argv[0], "error") == 0)
		return cmd_number(s, argc, argv, &r);
	if (strcmp(argv[0], "status") == 0 && argc == 1)
		return cmd_status(s, &r);
	if (strcmp(argv[0], "camera") == 0)
		return cmd_camera(s, argv[1], &r);
	if (strcmp(argv[0], "plug") == 0 && argc == 1) {
		int rc = sim_plug(s, note, sizeof(note));

		return say(&r, "%s %s", rc ? "error" : "ok", note);
	}
	if (strcmp(argv[0], "unplug") == 0 && argc == 1) {
		int rc = sim_unplug(s, true, note, sizeof(note));

		return say(&r, "%s %s", rc ? "error" : "ok", note);
	}
	if (strcmp(argv[0], "quit") == 0 && argc == 1) {
		say(&r, "ok quit");
		return true;
	}
	if (strcmp(argv[0], "remove") == 0 || strcmp(argv[0], "status") == 0 ||
	    strcmp(argv[0], "plug") == 0 || strcmp(argv[0], "unplug") == 0 ||
	    strcmp(argv[0], "quit") == 0)
		return say(&r, "error %s takes no arguments", argv[0]);
	return say(&r, "error unknown command '%.32s' (insert, remove, unplug, plug, mode, engine, fault, delay, flood, evflood, error, camera, status, quit)",
		   argv[0]);
}
