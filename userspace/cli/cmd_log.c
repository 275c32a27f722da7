// SPDX-License-Identifier: GPL-2.0-or-later
/* mncr log [verify]: print or verify the hash-chained audit log. */
#include "flow/audit_log.h"
#include "cli.h"
#include "util/json_write.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_LOG "/var/log/mncr/audit.log"

const char *cli_audit_path(const char *option)
{
	const char *env = getenv("MNCR_AUDIT_LOG");

	return option ? option : env && *env ? env : DEFAULT_LOG;
}

static int print_log(const char *path)
{
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "re");

	if (!f) {
		fprintf(stderr, "mncr: %s: %s\n", path, strerror(errno));
		return errno == ENOENT ? EXIT_FAILED : cli_exit_for(-errno);
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	return EXIT_OK;
}

static int verify(const struct cli *cli, const char *path)
{
	struct mncr_audit_report r;
	int ret = mncr_audit_verify(path, &r);

	if (cli->json) {
		struct mncr_json j;

		mncr_json_init(&j, stdout);
		mncr_json_object_begin(&j, NULL);
		mncr_json_string(&j, "log", path);
		mncr_json_bool(&j, "ok", ret == 0);
		mncr_json_uint(&j, "records", r.records);
		if (ret == -EBADMSG) {
			mncr_json_uint(&j, "bad_line", r.bad_line);
			mncr_json_string(&j, "why", r.why);
		} else if (ret == -ENOENT) {
			mncr_json_string(&j, "error", "no audit log");
		} else if (ret < 0) {
			mncr_json_string(&j, "error", strerror(-ret));
		}
		mncr_json_object_end(&j);
		mncr_json_finish(&j);
	} else if (ret == 0) {
		printf("%s: %llu records, chain intact\n", path,
		       (unsigned long long)r.records);
	} else if (ret == -EBADMSG && r.bad_line == 0) {
		printf("%s: TAMPERED: %s\n", path, r.why);
	} else if (ret == -EBADMSG) {
		printf("%s: TAMPERED at line %llu: %s (%llu records verified before it)\n",
		       path, (unsigned long long)r.bad_line, r.why,
		       (unsigned long long)r.records);
	} else if (ret == -ENOENT) {
		fprintf(stderr, "mncr: no audit log at %s (nor its head %s.head): nothing to verify\n",
			path, path);
	} else {
		fprintf(stderr, "mncr: %s: %s\n", path, strerror(-ret));
	}
	/* No log at all is not an intact one: 2, as for a wrong path. */
	return ret == 0 ? EXIT_OK : ret == -ENOENT ? EXIT_USAGE : EXIT_FAILED;
}

int cmd_log(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "file", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *usage = "usage: mncr log [--file PATH] [verify] [--json]\n";
	const char *file = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "jf:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': cli->json = true; break;
		case 'f': file = optarg; break;
		case 'h': fputs(usage, stdout); return EXIT_OK;
		default: fputs(usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind == argc)
		return print_log(cli_audit_path(file));
	if (optind + 1 == argc && strcmp(argv[optind], "verify") == 0)
		return verify(cli, cli_audit_path(file));
	fputs(usage, stderr);
	return EXIT_USAGE;
}
