// SPDX-License-Identifier: GPL-2.0-or-later
/* mncr status: every reader, its mode, card and firmware. */
#include "cli.h"
#include "util/json_write.h"
#include "reader/names.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void caps_text(uint32_t caps, char *buf, size_t size)
{
	static const struct { uint32_t bit; const char *word; } words[] = {
		{ MNCR_CAP_MATCH_ENGINE, "match_engine" },
		{ MNCR_CAP_CARD_FRONT, "card_front" },
		{ MNCR_CAP_CCID, "ccid" },
		{ MNCR_CAP_CAMERA, "camera" },
	};
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (!(caps & words[i].bit))
			continue;
		int n = snprintf(buf + used, size - used, "%s%s",
				 used ? "," : "", words[i].word);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
	if (!used)
		snprintf(buf, size, "none");
}

static void print_json(const struct mncr_reader *r, int n)
{
	struct mncr_json j;

	mncr_json_init(&j, stdout);
	mncr_json_object_begin(&j, NULL);
	mncr_json_array_begin(&j, "readers");
	for (int i = 0; i < n; i++) {
		char caps[96];

		caps_text(r[i].caps, caps, sizeof(caps));
		mncr_json_object_begin(&j, NULL);
		mncr_json_string(&j, "name", r[i].name);
		mncr_json_string(&j, "node", r[i].node);
		mncr_json_string(&j, "serial", r[i].serial);
		mncr_json_string(&j, "firmware", r[i].firmware);
		mncr_json_string(&j, "mode", mncr_mode_name(r[i].mode));
		mncr_json_bool(&j, "card_present", r[i].card_present);
		mncr_json_uint(&j, "visual_timeout_ms", r[i].visual_timeout_ms);
		mncr_json_uint(&j, "capabilities", r[i].caps);
		mncr_json_string(&j, "capability_names", caps);
		mncr_json_string(&j, "usb_device", r[i].usb_device);
		if (r[i].ccid_interface[0])
			mncr_json_string(&j, "ccid_interface", r[i].ccid_interface);
		else
			mncr_json_null(&j, "ccid_interface");
		if (r[i].camera[0])
			mncr_json_string(&j, "camera", r[i].camera);
		else
			mncr_json_null(&j, "camera");
		mncr_json_object_end(&j);
	}
	mncr_json_array_end(&j);
	mncr_json_object_end(&j);
	mncr_json_finish(&j);
}

static void print_text(const struct mncr_reader *r, int n)
{
	if (n == 0)
		printf("no reader found\n");
	for (int i = 0; i < n; i++) {
		char caps[96];

		caps_text(r[i].caps, caps, sizeof(caps));
		printf("%s: serial %s, firmware %s\n", r[i].name, r[i].serial,
		       r[i].firmware);
		printf("  mode:      %s%s\n", mncr_mode_name(r[i].mode),
		       r[i].mode == MNCR_MODE_VISUAL ?
		       " (目視確認: face authentication is off until it reverts)" :
		       " (自動運転)");
		printf("  card:      %s\n", r[i].card_present ? "present" : "none");
		printf("  node:      %s (USB %s)\n", r[i].node, r[i].usb_device);
		printf("  card slot: %s\n",
		       r[i].ccid_interface[0] ? r[i].ccid_interface : "not found");
		printf("  camera:    %s\n", r[i].camera[0] ? r[i].camera : "not found");
		printf("  features:  %s; visual mode time limit %u s\n", caps,
		       r[i].visual_timeout_ms / 1000);
	}
}

int cmd_status(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct mncr_reader readers[MNCR_MAX_READERS];
	int n, c;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		if (c == 'h') {
			printf("usage: mncr status [--json]\n");
			return EXIT_OK;
		}
		if (c != 'j') {
			fprintf(stderr, "usage: mncr status [--json]\n");
			return EXIT_USAGE;
		}
		cli->json = true;
	}
	if (optind != argc) {
		fprintf(stderr, "usage: mncr status [--json]\n");
		return EXIT_USAGE;
	}
	n = mncr_reader_list(cli->sysfs, readers, MNCR_MAX_READERS);
	if (n < 0) {
		fprintf(stderr, "mncr: cannot list readers: %s\n", strerror(-n));
		return EXIT_FAILED;
	}
	if (cli->reader) {
		struct mncr_reader one;
		int ret = cli_find_reader(cli, &one);

		if (ret != EXIT_OK)
			return ret;
		readers[0] = one;
		n = 1;
	}
	if (cli->json)
		print_json(readers, n);
	else
		print_text(readers, n);
	return n ? EXIT_OK : EXIT_NO_READER;
}
