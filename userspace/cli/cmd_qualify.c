// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mncr qualify: one patient's online eligibility confirmation at the
 * reader, from the card set to the card removed (Documentation/flow.rst).
 * The flow and its rules are libmncr's public qualification run
 * (<mncr/qualify.h>); this file reads the options, opens the reader,
 * waits for the card, runs it with qualify_ui.c's callbacks and reports
 * the result as text or JSON (util/json_write, the CLI's own output).
 */
#include "qualify.h"
#include "cli.h"
#include "util/json_write.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef LOCALEDIR	/* the Makefile's $(PREFIX)/share/locale */
#define LOCALEDIR "/usr/local/share/locale"
#endif

static const char usage_text[] =
"usage: mncr qualify [--site clinic|pharmacy] [--patient-absent] [--operator ID]\n"
"                    --service HOST:PORT --service-ca PEM --cert PEM --key PEM\n"
"                    [--institution CODE] [--service-name NAME] [--proxy URL]\n"
"                    [--audit FILE]\n"
"                    [--claim-dir DIR] [--models DIR] [--model resnet|mfn512]\n"
"                    [--frame PICTURE]...\n"
"                    [--ca-keys DIR] [--card-unavailable refuse|allow]\n"
"                    [--face-max N] [--frames-per-attempt N]\n"
"                    [--liveness-frames N] [--retries N]\n"
"                    [--allow-last-try] [--no-visual-switch] [--no-pdf]\n"
"                    [--wait S] [--json] [--help]\n";

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v && *v ? v : dflt;
}

static int parse_uint(const char *s, unsigned int lo, unsigned int hi,
		      unsigned int *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (end == s || *end || v < lo || v > hi)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

/* Returns 0, 1 after --help (usage printed), or -EINVAL (usage printed). */
static int parse_opts(struct cli *cli, int argc, char **argv,
		      struct qualify_opts *o)
{
	enum { O_SITE = 256, O_ABSENT, O_OPERATOR, O_SERVICE, O_SCA, O_CERT,
	       O_KEY, O_INST, O_SNAME, O_PROXY, O_AUDIT, O_CLAIM, O_MODELS, O_FRAME,
	       O_FACEMAX, O_FPA, O_LIVE, O_RETRIES, O_LAST, O_NOSWITCH, O_NOPDF,
	       O_WAIT, O_CAKEYS, O_UNAVAIL, O_MODEL };
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "site", required_argument, NULL, O_SITE },
		{ "patient-absent", no_argument, NULL, O_ABSENT },
		{ "operator", required_argument, NULL, O_OPERATOR },
		{ "service", required_argument, NULL, O_SERVICE },
		{ "service-ca", required_argument, NULL, O_SCA },
		{ "cert", required_argument, NULL, O_CERT },
		{ "key", required_argument, NULL, O_KEY },
		{ "institution", required_argument, NULL, O_INST },
		{ "service-name", required_argument, NULL, O_SNAME },
		{ "proxy", required_argument, NULL, O_PROXY },
		{ "audit", required_argument, NULL, O_AUDIT },
		{ "claim-dir", required_argument, NULL, O_CLAIM },
		{ "models", required_argument, NULL, O_MODELS },
		{ "model", required_argument, NULL, O_MODEL },
		{ "ca-keys", required_argument, NULL, O_CAKEYS },
		{ "card-unavailable", required_argument, NULL, O_UNAVAIL },
		{ "frame", required_argument, NULL, O_FRAME },
		{ "face-max", required_argument, NULL, O_FACEMAX },
		{ "frames-per-attempt", required_argument, NULL, O_FPA },
		{ "liveness-frames", required_argument, NULL, O_LIVE },
		{ "retries", required_argument, NULL, O_RETRIES },
		{ "allow-last-try", no_argument, NULL, O_LAST },
		{ "no-visual-switch", no_argument, NULL, O_NOSWITCH },
		{ "no-pdf", no_argument, NULL, O_NOPDF },
		{ "wait", required_argument, NULL, O_WAIT },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct mncr_qualify_config *cf = &o->cfg;
	const char *audit = NULL;
	int c, bad = 0;

	memset(o, 0, sizeof(*o));
	mncr_qualify_config_init(cf);
	cf->claim_dir = env_or("MNCR_CLAIM_DIR", ".");
	cf->models = env_or("MNCR_MODELS", "/usr/local/share/mncr/models");
	cf->service_ca = env_or("MNCR_SERVICE_CA", NULL);
	cf->proxy = env_or("MNCR_PROXY", NULL);
	cf->cert = env_or("MNCR_READER_CERT", NULL);
	cf->key = env_or("MNCR_READER_KEY", NULL);
	cf->institution = env_or("MNCR_INSTITUTION", "1312345678");
	cf->frames = o->frames;
	o->service = env_or("MNCR_SERVICE", NULL);
	o->card_wait_s = 30;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j': cli->json = true; break;
		case 'h': fputs(usage_text, stdout); return 1;
		case O_SITE:
			if (!strcmp(optarg, "clinic"))
				cf->site = MNCR_QUALIFY_SITE_CLINIC;
			else if (!strcmp(optarg, "pharmacy"))
				cf->site = MNCR_QUALIFY_SITE_PHARMACY;
			else
				bad = 1;
			break;
		case O_ABSENT: cf->patient_absent = true; break;
		case O_OPERATOR: cf->operator_id = optarg; break;
		case O_SERVICE: o->service = optarg; break;
		case O_SCA: cf->service_ca = optarg; break;
		case O_CERT: cf->cert = optarg; break;
		case O_KEY: cf->key = optarg; break;
		case O_INST: cf->institution = optarg; break;
		case O_SNAME: cf->service_name = optarg; break;
		case O_PROXY: cf->proxy = optarg; break;
		case O_AUDIT: audit = optarg; break;
		case O_CLAIM: cf->claim_dir = optarg; break;
		case O_MODELS: cf->models = optarg; break;
		case O_CAKEYS: cf->card_ca_keys = optarg; break;
		case O_MODEL:
			cf->face_model = !strcmp(optarg, "resnet") ?
				MNCR_QUALIFY_FACE_MODEL_RESNET :
				!strcmp(optarg, "mfn512") ? MNCR_QUALIFY_FACE_MODEL_MFN512 :
				MNCR_QUALIFY_FACE_MODEL_DEFAULT;
			bad |= cf->face_model == MNCR_QUALIFY_FACE_MODEL_DEFAULT;
			break;
		case O_UNAVAIL:
			cf->card_allow_unavailable = strcmp(optarg, "allow") == 0;
			bad |= !cf->card_allow_unavailable && strcmp(optarg, "refuse") != 0;
			break;
		case O_FRAME:
			if (cf->n_frames == QUALIFY_FRAMES_MAX)
				bad = 1;
			else
				o->frames[cf->n_frames++] = optarg;
			break;
		case O_FACEMAX: bad |= parse_uint(optarg, 1, 10, &cf->face_max) < 0; break;
		case O_FPA: bad |= parse_uint(optarg, 1, 16, &cf->face_frames) < 0; break;
		case O_LIVE: bad |= parse_uint(optarg, 10, 90, &cf->liveness_frames) < 0; break;
		case O_RETRIES: bad |= parse_uint(optarg, 0, 10, &cf->query_retries) < 0; break;
		case O_WAIT: bad |= parse_uint(optarg, 0, 86400, &o->card_wait_s) < 0; break;
		case O_LAST: cf->allow_last_pin_try = true; break;
		case O_NOSWITCH: cf->no_visual_switch = true; break;
		case O_NOPDF: cf->no_pdf = true; break;
		default: bad = 1; break;
		}
	}
	cf->audit_log = cli_audit_path(audit);
	if (!bad && optind != argc)
		bad = 1;
	if (!bad && (!o->service || !cf->service_ca || !cf->cert || !cf->key)) {
		fputs("mncr qualify: the eligibility service needs --service, --service-ca, --cert and --key\n",
		      stderr);
		bad = 1;
	}
	if (!bad && cf->operator_id && !mncr_qualify_operator_valid(cf->operator_id)) {
		fputs("mncr qualify: --operator: 1-32 of A-Z a-z 0-9 . _ @ -\n", stderr);
		bad = 1;
	}
	if (bad) {
		fputs(usage_text, stderr);
		return -EINVAL;
	}
	return 0;
}

/* --service HOST:PORT into the configuration's host and port. */
static int split_service(struct qualify_opts *o)
{
	const char *colon = strrchr(o->service, ':');

	if (!colon || colon == o->service ||
	    (size_t)(colon - o->service) >= sizeof(o->host)) {
		fprintf(stderr, "mncr qualify: --service %s: want HOST:PORT\n", o->service);
		return -EINVAL;
	}
	memcpy(o->host, o->service, (size_t)(colon - o->service));
	o->host[colon - o->service] = '\0';
	o->cfg.service_host = o->host;
	o->cfg.service_port = colon + 1;
	return 0;
}

static int exit_for_outcome(enum mncr_qualify_result r)
{
	switch (r) {
	case MNCR_QUALIFY_ELIGIBLE:
		return EXIT_OK;
	case MNCR_QUALIFY_CLAIM_FORM:
	case MNCR_QUALIFY_INSURANCE_CARD:
	case MNCR_QUALIFY_PORTAL:
	case MNCR_QUALIFY_VISUAL_REFUSED:
		return EXIT_FALLBACK;
	default:
		return EXIT_FAILED;
	}
}

static const char *mode_name(int mode)
{
	return mode == MNCR_READER_MODE_VISUAL ? "visual" :
	       mode == MNCR_READER_MODE_AUTO ? "auto" : "unknown";
}

static const char *consent_answer(const struct mncr_qualify_outcome *r, int i)
{
	return r->consents_asked ? (r->consents[i] ? "yes" : "no") : "not_asked";
}

static void report_text(const struct mncr_qualify_outcome *r, const char *audit)
{
	printf("result: %s\n", r->result_name);
	printf("  method: %s%s\n", r->method_name,
	       r->verified ? "" : " (identity not verified)");
	printf("  consents:");
	for (int i = 0; i < MNCR_QUALIFY_CONSENT_COUNT; i++)
		printf(" %s=%s", mncr_qualify_consent_name(i), consent_answer(r, i));
	printf("\n");
	if (r->result == MNCR_QUALIFY_ELIGIBLE && r->share[0])
		printf("  share: %s\n", r->share);
	if (r->card_verdict_name)
		printf("  card: %s\n", r->card_verdict_name);
	if (r->photo_tried && !r->photo_usable)
		printf("  card photo: not usable (%s)\n", r->photo_why);
	if (r->claim_written)
		printf("  申立書: %s%s%s\n", r->claim_json,
		       r->claim_pdf[0] ? " " : "", r->claim_pdf);
	if (r->identity_ms >= 0)
		printf("  card set to identity verified: %.0f ms, %llu APDU bytes\n",
		       r->identity_ms, (unsigned long long)r->apdu_bytes_to_identity);
	printf("  card APDUs: %llu commands, %llu bytes\n",
	       (unsigned long long)r->apdu_commands,
	       (unsigned long long)r->apdu_bytes);
	printf("  reader mode after removal: %s\n", mode_name(r->mode_after));
	printf("  session: %s (audit log %s)\n", r->session, audit);
}

static void report_json(const struct mncr_qualify_outcome *r, const char *audit)
{
	struct mncr_json j;

	mncr_json_init(&j, stdout);
	mncr_json_object_begin(&j, NULL);
	mncr_json_string(&j, "session", r->session);
	mncr_json_string(&j, "outcome", r->result_name);
	mncr_json_string(&j, "method", r->method_name);
	mncr_json_string(&j, "site", r->site_name);
	mncr_json_string(&j, "card_kind", r->card_kind_name);
	mncr_json_object_begin(&j, "consents");
	for (int i = 0; i < MNCR_QUALIFY_CONSENT_COUNT; i++)
		mncr_json_string(&j, mncr_qualify_consent_name(i), consent_answer(r, i));
	mncr_json_object_end(&j);
	if (r->result == MNCR_QUALIFY_ELIGIBLE ||
	    r->result == MNCR_QUALIFY_INELIGIBLE)
		mncr_json_string(&j, "share", r->share);
	mncr_json_uint(&j, "face_failures", r->face_failures);
	mncr_json_uint(&j, "pin_wrong", r->pin_wrong);
	mncr_json_int(&j, "pin_tries_left", r->pin_tries_left);
	mncr_json_uint(&j, "queries", r->queries);
	if (r->photo_tried) {
		mncr_json_object_begin(&j, "card_photo");
		mncr_json_bool(&j, "usable", r->photo_usable);
		if (!r->photo_usable)
			mncr_json_string(&j, "reason", r->photo_why);
		if (r->card_verdict_name)
			mncr_json_string(&j, "card_verdict",
					 r->card_verdict_name);
		mncr_json_object_end(&j);
	}
	if (r->claim_written) {
		mncr_json_object_begin(&j, "claim_form");
		mncr_json_string(&j, "json", r->claim_json);
		if (r->claim_pdf[0])
			mncr_json_string(&j, "pdf", r->claim_pdf);
		mncr_json_bool(&j, "prefilled", r->claim_prefilled);
		mncr_json_object_end(&j);
	}
	if (r->identity_ms >= 0)
		mncr_json_int(&j, "identity_ms", (int64_t)(r->identity_ms + 0.5));
	mncr_json_object_begin(&j, "apdu");
	mncr_json_uint(&j, "commands", r->apdu_commands);
	mncr_json_uint(&j, "bytes", r->apdu_bytes);
	if (r->identity_ms >= 0)
		mncr_json_uint(&j, "bytes_to_identity", r->apdu_bytes_to_identity);
	mncr_json_object_end(&j);
	mncr_json_string(&j, "mode_after", mode_name(r->mode_after));
	mncr_json_string(&j, "audit_log", audit);
	mncr_json_object_end(&j);
	mncr_json_finish(&j);
}

/* The card is set: the run, its errors, the result. */
static int run(struct qualify *q, struct mncr_device *dev,
	       const struct mncr_reader *r)
{
	struct mncr_qualify_outcome res = { .size = sizeof(res) };
	const char *audit = q->o->cfg.audit_log;
	int ret = mncr_qualify_run(q->run, dev, &res);

	if (!res.card_opened) {
		fprintf(stderr, "mncr qualify: %s: %s\n", r->serial,
			ret == -ENOMEDIUM ? "no card was set" :
			ret == -ENODEV ? "the reader's card slot is gone or not found" :
			strerror(-ret));
		return ret == -ENODEV ? EXIT_NO_READER :
		       ret == -ENOMEDIUM ? EXIT_NO_CARD :
		       ret == -EACCES ? EXIT_DENIED : EXIT_FAILED;
	}
	if (!res.started) {
		fprintf(stderr, "mncr qualify: cannot start the session: %s\n", strerror(-ret));
		return EXIT_FAILED;
	}
	if (ret < 0)
		fprintf(stderr, "mncr qualify: audit log %s: %s\n", audit, strerror(-ret));
	if (q->json)
		report_json(&res, audit);
	else
		report_text(&res, audit);
	return ret < 0 ? EXIT_FAILED : exit_for_outcome(res.result);
}

int cmd_qualify(struct cli *cli, int argc, char **argv)
{
	struct qualify_opts o;
	struct qualify q = { 0 };
	struct mncr_qualify_ui ui;
	struct mncr_reader_status st = { .size = sizeof(st) };
	struct mncr_reader r;
	struct mncr_device *dev;
	char why[256];
	int ret;

	setlocale(LC_ALL, "");
	mncr_qualify_bind_locale(env_or("MNCR_LOCALEDIR", LOCALEDIR));
	ret = parse_opts(cli, argc, argv, &o);
	if (ret < 0)
		return EXIT_USAGE;
	if (ret > 0)
		return EXIT_OK;
	q.o = &o;
	q.json = cli->json;
	q.out = cli->json ? stderr : stdout;
	q.in = stdin;
	q.tty = isatty(STDIN_FILENO);

	ret = cli_find_reader(cli, &r);
	if (ret != EXIT_OK)
		return ret;
	ret = mncr_reader_open(r.node, true, &dev);
	if (ret < 0)
		return cli_open_failed(r.node, true, ret);
	if (split_service(&o) < 0) {
		mncr_reader_close(dev);
		return EXIT_FAILED;
	}
	qualify_ui_init(&q, &ui);
	ret = mncr_qualify_new(&o.cfg, &ui, &q.run, why, sizeof(why));
	if (ret < 0) {
		fprintf(stderr, "mncr qualify: %s\n", why[0] ? why : strerror(-ret));
		mncr_reader_close(dev);
		return EXIT_FAILED;
	}

	if (mncr_reader_get_status(dev, &st) == 0 && !st.card_present)
		fprintf(q.out, "waiting up to %u s for a card on %s ...\n",
			o.card_wait_s, r.node);
	ret = mncr_reader_wait_card(dev, (int)o.card_wait_s * 1000);
	if (ret < 0) {
		fprintf(stderr, "mncr qualify: %s: %s\n", r.serial,
			ret == -ETIMEDOUT ? "no card was set" :
			ret == -ENODEV ? "the reader's card slot is gone or not found" :
			strerror(-ret));
		ret = ret == -ENODEV ? EXIT_NO_READER :
		      ret == -ETIMEDOUT ? EXIT_NO_CARD : EXIT_FAILED;
	} else {
		ret = run(&q, dev, &r);
	}
	mncr_qualify_free(q.run);
	mncr_reader_close(dev);
	return ret;
}
