// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mncr selftest: is everything mncr qualify needs in place? The driver
 * and the reader's node, the card slot (CCID over libusb), the camera,
 * the face models, and the eligibility service (a challenge fetched over
 * mutual TLS). One line per check, or JSON; exit 0 when none failed.
 */
#include "cli.h"
#include "reader/device.h"
#include "card/ccid.h"
#include "camera/camera.h"
#include "face/face_pipeline.h"
#include "elig/elig_client.h"
#include "util/json_write.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum verdict { OK, FAIL, SKIP };

/* What the checks need of mncr qualify's options. */
struct selftest_opts {
	const char *service;		/* HOST:PORT */
	const char *service_name;
	const char *service_ca;
	const char *proxy;		/* http://HOST:PORT; NULL: none */
	const char *cert;
	const char *key;
	const char *models;
};

/* Milliseconds since t (CLOCK_MONOTONIC). */
static double ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) * 1e3 +
	       (double)(now.tv_nsec - t->tv_nsec) / 1e6;
}

struct checks {
	struct cli *cli;
	struct mncr_json j;
	unsigned int failed;
	struct timespec t0;
};

static void result(struct checks *c, const char *name, enum verdict v,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void result(struct checks *c, const char *name, enum verdict v,
		   const char *fmt, ...)
{
	static const char *const word[] = { "ok", "FAIL", "skip" };
	char detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (v == FAIL)
		c->failed++;
	if (c->cli->json) {
		mncr_json_object_begin(&c->j, NULL);
		mncr_json_string(&c->j, "check", name);
		mncr_json_string(&c->j, "result", v == OK ? "ok" : v == FAIL ? "fail" : "skip");
		mncr_json_string(&c->j, "detail", detail);
		mncr_json_object_end(&c->j);
	} else {
		printf("%-4s %-8s %s\n", word[v], name, detail);
		fflush(stdout);
	}
}

static bool check_driver(struct checks *c, struct mncr_reader *r)
{
	struct mncr_info info;
	int fd, ret;

	if (access("/sys/module/mncr", F_OK) < 0) {
		result(c, "driver", FAIL, "the mncr module is not loaded (modprobe mncr, or plug a reader: udev loads it)");
		return false;
	}
	ret = mncr_reader_find(c->cli->sysfs, c->cli->reader, r);
	if (ret < 0) {
		result(c, "driver", FAIL, "module loaded, but %s",
		       ret == -ENODEV ? "no reader is plugged in" :
		       ret == -ENOTUNIQ ? "several readers: choose one with --reader" :
		       "no reader matches --reader");
		return false;
	}
	fd = mncr_device_open(r->node, 0);
	if (fd < 0) {
		result(c, "driver", FAIL, "%s: %s%s", r->node, strerror(-fd),
		       fd == -EACCES ? " (join group mncr)" : "");
		return false;
	}
	ret = mncr_device_info(fd, &info);
	close(fd);
	if (ret < 0) {
		result(c, "driver", FAIL, "%s: INFO: %s", r->node, strerror(-ret));
		return false;
	}
	result(c, "driver", OK, "%s serial %s firmware %s, ABI %u, mode %s, card %s",
	       r->node, r->serial, r->firmware, info.abi_version,
	       info.mode == MNCR_MODE_VISUAL ? "visual" : "auto",
	       info.card_present ? "present" : "absent");
	return true;
}

static void check_slot(struct checks *c, const struct mncr_reader *r)
{
	struct mncr_ccid *ccid = NULL;
	int icc = -1, ret;

	if (!r->ccid_interface[0]) {
		result(c, "card", FAIL, "the reader shows no CCID card interface");
		return;
	}
	ret = mncr_ccid_open(r->serial, &ccid);
	if (ret < 0) {
		result(c, "card", FAIL, "CCID interface %s: %s%s", r->ccid_interface,
		       strerror(-ret), ret == -EBUSY ? " (pcscd holds it? stop pcscd)" :
		       ret == -EACCES ? " (no access to /dev/bus/usb)" : "");
		return;
	}
	ret = mncr_ccid_slot_status(ccid, &icc);
	mncr_ccid_close(ccid);
	if (ret < 0 && ret != -ENOMEDIUM && ret != -ENOTCONN) {
		result(c, "card", FAIL, "slot status: %s", strerror(-ret));
		return;
	}
	result(c, "card", OK, "CCID slot %s answers: %s", r->ccid_interface,
	       icc == CCID_ICC_ABSENT ? "no card" :
	       icc == CCID_ICC_ACTIVE ? "card powered" : "card present");
}

static void check_camera(struct checks *c, const struct mncr_reader *r)
{
	char node[64] = "", why[256] = "";
	int ret;

	ret = mncr_camera_probe(r->node, node, sizeof(node), why, sizeof(why));
	if (ret < 0)
		result(c, "camera", FAIL, "%s%s%s", node, node[0] ? ": " : "", why);
	else
		result(c, "camera", OK, "%s: %s", node, why);
}

static void check_models(struct checks *c, const char *dir)
{
	struct mncr_face_pipeline *p = NULL;
	struct timespec t0;
	char err[256] = "";
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = mncr_face_pipeline_load(&p, dir, err, sizeof(err));
	if (ret < 0) {
		result(c, "models", FAIL, "%s: %s (make deps fetches them)", dir, err);
		return;
	}
	mncr_face_pipeline_free(p);
	result(c, "models", OK, "%s: detector, landmarks, recognition loaded, checksums good (%.0f ms)",
	       dir, ms_since(&t0));
}

static void check_service(struct checks *c, const struct selftest_opts *o)
{
	struct mncr_elig_client_config cfg = { 0 };
	struct mncr_elig_challenge ch;
	struct mncr_elig_error err = { 0 };
	struct mncr_elig_client *cl;
	struct timespec t0;
	char host[256];
	const char *colon;
	enum mncr_elig_status st;

	if (!o->service || !o->service_ca || !o->cert || !o->key) {
		result(c, "service", SKIP, "no --service, --service-ca, --cert, --key");
		return;
	}
	colon = strrchr(o->service, ':');
	if (!colon || colon == o->service || (size_t)(colon - o->service) >= sizeof(host)) {
		result(c, "service", FAIL, "--service %s: want HOST:PORT", o->service);
		return;
	}
	memcpy(host, o->service, (size_t)(colon - o->service));
	host[colon - o->service] = '\0';
	cfg = (struct mncr_elig_client_config){
		.host = host, .port = colon + 1, .server_name = o->service_name,
		.ca_file = o->service_ca, .cert_file = o->cert, .key_file = o->key,
		.proxy = o->proxy,
		.connect_timeout_ms = 2000, .attempts = 1,
	};
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cl = mncr_elig_client_new(&cfg, &err);
	if (!cl) {
		result(c, "service", FAIL, "client: %s", err.message);
		return;
	}
	st = mncr_elig_client_challenge(cl, &ch, &err);
	mncr_elig_client_free(cl);
	if (st != MNCR_ELIG_OK)
		result(c, "service", FAIL, "%s: %s: %s", o->service,
		       mncr_elig_status_name(st), err.message);
	else
		result(c, "service", OK, "%s answers over mutual TLS 1.3 (challenge in %.0f ms)",
		       o->service, ms_since(&t0));
}

int cmd_selftest(struct cli *cli, int argc, char **argv)
{
	enum { O_SERVICE = 256, O_SCA, O_CERT, O_KEY, O_SNAME, O_PROXY, O_MODELS };
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "service", required_argument, NULL, O_SERVICE },
		{ "service-ca", required_argument, NULL, O_SCA },
		{ "cert", required_argument, NULL, O_CERT },
		{ "key", required_argument, NULL, O_KEY },
		{ "service-name", required_argument, NULL, O_SNAME },
		{ "proxy", required_argument, NULL, O_PROXY },
		{ "models", required_argument, NULL, O_MODELS },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct selftest_opts o = {
		.service = getenv("MNCR_SERVICE"),
		.service_ca = getenv("MNCR_SERVICE_CA"),
		.proxy = getenv("MNCR_PROXY"),
		.cert = getenv("MNCR_READER_CERT"),
		.key = getenv("MNCR_READER_KEY"),
		.models = getenv("MNCR_MODELS") ? getenv("MNCR_MODELS") :
			  "/usr/local/share/mncr/models",
	};
	struct checks c = { .cli = cli };
	struct mncr_reader r;
	int opt;

	while ((opt = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			puts("usage: mncr selftest [--models DIR] [--service HOST:PORT --service-ca PEM --cert PEM --key PEM [--proxy URL]] [--json]");
			return EXIT_OK;
		case 'j': cli->json = true; break;
		case O_SERVICE: o.service = optarg; break;
		case O_SCA: o.service_ca = optarg; break;
		case O_CERT: o.cert = optarg; break;
		case O_KEY: o.key = optarg; break;
		case O_SNAME: o.service_name = optarg; break;
		case O_PROXY: o.proxy = optarg; break;
		case O_MODELS: o.models = optarg; break;
		default:
			fputs("usage: mncr selftest [--models DIR] [--service HOST:PORT --service-ca PEM --cert PEM --key PEM [--proxy URL]] [--json]\n",
			      stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fputs("usage: mncr selftest [--models DIR] [--service ...] [--json]\n", stderr);
		return EXIT_USAGE;
	}
	clock_gettime(CLOCK_MONOTONIC, &c.t0);
	if (cli->json) {
		mncr_json_init(&c.j, stdout);
		mncr_json_object_begin(&c.j, NULL);
		mncr_json_array_begin(&c.j, "checks");
	}
	if (check_driver(&c, &r)) {
		check_slot(&c, &r);
		check_camera(&c, &r);
	} else {
		result(&c, "card", SKIP, "no reader");
		result(&c, "camera", SKIP, "no reader");
	}
	check_models(&c, o.models);
	check_service(&c, &o);
	if (cli->json) {
		mncr_json_array_end(&c.j);
		mncr_json_bool(&c.j, "ok", c.failed == 0);
		mncr_json_uint(&c.j, "failed", c.failed);
		mncr_json_object_end(&c.j);
		mncr_json_finish(&c.j);
	} else {
		printf("%s: %u check%s failed\n", c.failed ? "FAILED" : "all good",
		       c.failed, c.failed == 1 ? "" : "s");
	}
	return c.failed ? EXIT_FAILED : EXIT_OK;
}
