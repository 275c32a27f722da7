// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <getopt.h>
#include <string.h>

#include "card_profiles.h"
#include "faults.h"
#include "options.h"
#include "scene.h"
#include "sysfs_io.h"

void options_usage(FILE *f)
{
	fprintf(f,
"usage: mncr-sim [--serial S] [--card PROFILE] [--camera SCENARIO]\n"
"                [--models DIR] [--no-match-engine] [--firmware STR]\n"
"                [--udc NAME] [--socket PATH] [--daemon] [--log FILE]\n"
"       mncr-sim ctl [--serial S | --socket PATH] COMMAND...\n"
"       mncr-sim scene SCENARIO --frames N -o DIR   (frames as PGM, no USB)\n"
"\n"
"Plugs a simulated mncr face-recognition card reader (USB 1209:0001) into\n"
"a free USB device controller (dummy_hcd: modprobe dummy_hcd num=4) as a\n"
"configfs gadget, serves it, and takes commands on a control socket.\n"
"\n"
"  --serial S          serial number, [A-Za-z0-9_-] up to %d (default %s)\n"
"  --card PROFILE      insert this card at start: a name below, or a\n"
"                      profile file (a path with a '/', see card.rst)\n"
"  --camera SCENARIO   what the camera (interface 2) shows: person (the\n"
"                      card holder, default), blink, other, nobody, photo,\n"
"                      pattern (test pattern with the frame number)\n"
"  --camera-clock CLOCK\n"
"                      wall (default): the scene runs in real time and a\n"
"                      slow host misses frames, as with a real camera;\n"
"                      frame: each frame sent is the scene's next frame\n"
"                      at 15 fps (reproducible captures for tests)\n"
"  --models DIR        face models for placing the faces' eyes (default\n"
"                      build/models beside mncr-sim)\n"
"  --no-match-engine   no on-device face matching (MATCH unsupported)\n"
"  --firmware STR      firmware version MAJOR[.MINOR[...]] (default %s);\n"
"                      MAJOR.MINOR also gives bcdDevice\n"
"  --udc NAME          use this UDC (default: the first free one)\n"
"  --gadget KIND       configfs (default): FunctionFS functions, the camera\n"
"                      a vendor bulk interface; gadgetfs: one GadgetFS\n"
"                      device (modprobe gadgetfs) with a UVC camera on\n"
"                      interfaces 2-3, one such reader per system\n"
"  --socket PATH       control socket (default /run/mncr-sim/SERIAL.sock)\n"
"  --daemon            return once the host has configured the reader\n"
"                      (its interface 0 is in sysfs on dummy_hcd); exit 0\n"
"                      then, non-zero with the reason if it cannot start\n"
"  --log FILE          with --daemon, append diagnostics here\n"
"  --descriptors KIND  describe interface 0 wrongly, for host driver tests:\n"
"                      %s\n"
"\n"
"SIGTERM, SIGINT or 'ctl quit' unplug the reader and remove the gadget.\n"
"\n"
"Control commands (one line each; the reply is one line, 'ok ...' or\n"
"'error ...'; ctl exits 0, 1 on error, 2 on usage or connection errors):\n"
"  insert [PROFILE] [--front YYYYMMDD,YYYY,NNNN]   default PROFILE pin\n"
"  remove\n"
"  unplug | plug          unbind from / bind to the UDC, as a cable would\n"
"  mode auto|visual       change mode on the reader (host gets EVT_MODE)\n"
"  engine on|off          GET_INFO reports it; MATCH refused while off\n"
"  fault %s [COUNT]\n"
"                         for the next COUNT responses (default: until\n"
"                         'fault none'); stall and disconnect do not run\n"
"                         the command, silence does; disconnect unplugs\n"
"  delay MS               wait MS before every response (0 ends it)\n"
"  flood N                N card events as fast as the host takes them: a\n"
"                         bouncing card whose last event is the truth\n"
"  evflood %s [N]\n"
"                         N malformed (or card) event frames, default\n"
"                         endless; 'evflood stop' ends it\n"
"  error CODE             one EVT_ERROR with errno CODE\n"
"  camera SCENARIO        switch what the camera shows\n"
"  status                 key=value lines\n"
"  quit\n"
"\n"
"Card profiles:\n",
		SIM_SERIAL_MAX, SIM_DEFAULT_SERIAL, SIM_DEFAULT_FIRMWARE,
		desc_fault_names(), fault_names(), evflood_names());
	for (size_t i = 0; card_profile_at(i); i++)
		fprintf(f, "  %-9s %s\n", card_profile_at(i)->name,
			card_profile_at(i)->summary);
}

bool options_serial_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > SIM_SERIAL_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

static bool word_ok(const char *s, size_t max, bool spaces_ok)
{
	size_t n = strlen(s);

	if (n < 1 || n >= max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isgraph((unsigned char)s[i]) && !(spaces_ok && s[i] == ' '))
			return false;
	return true;
}

static unsigned bcd(unsigned v)
{
	return (v / 10) << 4 | (v % 10);
}

/* "MAJOR[.MINOR[anything]]", each 0..99, into bcdDevice 0xMMmm. */
static int firmware_bcd(const char *fw, uint16_t *out)
{
	unsigned major = 0, minor = 0;
	const char *p = fw;
	int digits = 0;

	for (; isdigit((unsigned char)*p) && digits < 3; p++, digits++)
		major = major * 10 + (unsigned)(*p - '0');
	if (!digits || major > 99 || isdigit((unsigned char)*p))
		return -1;
	if (*p == '.') {
		p++;
		for (digits = 0; isdigit((unsigned char)*p) && digits < 3; p++, digits++)
			minor = minor * 10 + (unsigned)(*p - '0');
		if (!digits || minor > 99)
			return -1;
	}
	*out = (uint16_t)(bcd(major) << 8 | bcd(minor));
	return 0;
}

int options_default_socket(const char *serial, char *out, size_t len)
{
	return path_join(out, len, SIM_RUN_DIR "/%s.sock", serial) ? -1 : 0;
}

static int usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "mncr-sim: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	fprintf(stderr, "Try 'mncr-sim --help'.\n");
	return -1;
}

int options_parse(int argc, char **argv, struct sim_options *o)
{
	static const struct option longopts[] = {
		{ "serial", required_argument, NULL, 's' },
		{ "card", required_argument, NULL, 'c' },
		{ "camera", required_argument, NULL, 'C' },
		{ "camera-clock", required_argument, NULL, 'k' },
		{ "models", required_argument, NULL, 'm' },
		{ "no-match-engine", no_argument, NULL, 'n' },
		{ "firmware", required_argument, NULL, 'f' },
		{ "udc", required_argument, NULL, 'u' },
		{ "socket", required_argument, NULL, 'S' },
		{ "daemon", no_argument, NULL, 'd' },
		{ "log", required_argument, NULL, 'l' },
		{ "descriptors", required_argument, NULL, 'D' },
		{ "gadget", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *serial = SIM_DEFAULT_SERIAL, *firmware = SIM_DEFAULT_FIRMWARE;
	const char *socket = NULL;
	int c;

	memset(o, 0, sizeof(*o));
	o->engine = true;
	strcpy(o->camera, "person");
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': serial = optarg; break;
		case 'c': o->card = optarg; break;
		case 'C':
			if (!word_ok(optarg, sizeof(o->camera), false) ||
			    scene_parse(optarg, &(enum scene_kind){ 0 }))
				return usage_error("unknown --camera scenario (see --help)",
						   optarg);
			strcpy(o->camera, optarg);
			break;
		case 'k':
			if (strcmp(optarg, "wall") && strcmp(optarg, "frame"))
				return usage_error("--camera-clock is wall or frame",
						   optarg);
			o->camera_frame_clock = !strcmp(optarg, "frame");
			break;
		case 'm': o->models = optarg; break;
		case 'n': o->engine = false; break;
		case 'f': firmware = optarg; break;
		case 'u': o->udc = optarg; break;
		case 'S': socket = optarg; break;
		case 'd': o->daemon = true; break;
		case 'l': o->log_path = optarg; break;
		case 'D':
			if (desc_fault_parse(optarg, &o->descriptors))
				return usage_error("unknown --descriptors kind (see --help)",
						   optarg);
			break;
		case 'g':
			if (strcmp(optarg, "configfs") && strcmp(optarg, "gadgetfs"))
				return usage_error("--gadget is configfs or gadgetfs", optarg);
			o->gadgetfs = !strcmp(optarg, "gadgetfs");
			break;
		case 'h': options_usage(stdout); return 1;
		case ':': return usage_error("missing value for", argv[optind - 1]);
		default: return usage_error("unknown option", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument", argv[optind]);
	if (!options_serial_ok(serial))
		return usage_error("bad --serial (letters, digits, '_' and '-', at most 24)",
				   NULL);
	strcpy(o->serial, serial);
	if (o->card) {
		char why[160];

		if (!card_profile_get(o->card, why, sizeof(why)))
			return usage_error(why, o->card);
	}
	if (!word_ok(firmware, sizeof(o->firmware), false) ||
	    firmware_bcd(firmware, &o->bcd_device))
		return usage_error("bad --firmware: MAJOR[.MINOR...], numbers up to 99, no spaces, at most 31 characters",
				   NULL);
	strcpy(o->firmware, firmware);
	if (o->gadgetfs && (o->udc || o->descriptors))
		return usage_error("--gadget gadgetfs takes the first free UDC and the reader's own descriptors",
				   NULL);
	if (o->udc && !word_ok(o->udc, 64, false))
		return usage_error("bad --udc", NULL);
	if (socket) {
		if (strlen(socket) >= sizeof(o->socket_path) || !socket[0])
			return usage_error("--socket path too long", NULL);
		strcpy(o->socket_path, socket);
	} else if (options_default_socket(o->serial, o->socket_path,
					  sizeof(o->socket_path))) {
		return usage_error("socket path too long", NULL);
	}
	return 0;
}
