// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mncr qualify: one patient's online eligibility confirmation at the
 * reader, from the card set to the card removed (Documentation/flow.rst).
 * The flow and its rules are libmncr's (flow_session.h); this file reads
 * the options, opens the reader, the card and the eligibility client,
 * runs the session and reports the result as text or JSON.
 */
#include "qualify.h"
#include "cli.h"
#include "reader/device.h"
#include "elig/elig_fields.h"
#include "flow/flow_elig.h"
#include "util/json_write.h"
#include "flow/messages.h"

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
"                    [--claim-dir DIR] [--models DIR] [--frame PICTURE]...\n"
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
	       O_WAIT };
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
	const char *audit = NULL;
	int c, bad = 0;

	*o = (struct qualify_opts){
		.site = MNCR_ELIG_SITE_CLINIC,
		.face_max = MNCR_FLOW_FACE_MAX_DEFAULT,
		.retries = MNCR_FLOW_RETRIES_DEFAULT,
		.claim_dir = env_or("MNCR_CLAIM_DIR", "."),
		.models = env_or("MNCR_MODELS", "/usr/local/share/mncr/models"),
		.face_frames = 3,
		.liveness_frames = 30,
		.card_wait_s = 30,
		.switch_visual = true,
		.service = env_or("MNCR_SERVICE", NULL),
		.service_ca = env_or("MNCR_SERVICE_CA", NULL),
		.proxy = env_or("MNCR_PROXY", NULL),
		.cert = env_or("MNCR_READER_CERT", NULL),
		.key = env_or("MNCR_READER_KEY", NULL),
		.institution = env_or("MNCR_INSTITUTION", "1312345678"),
	};
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j': cli->json = true; break;
		case 'h': fputs(usage_text, stdout); return 1;
		case O_SITE:
			if (!strcmp(optarg, "clinic"))
				o->site = MNCR_ELIG_SITE_CLINIC;
			else if (!strcmp(optarg, "pharmacy"))
				o->site = MNCR_ELIG_SITE_PHARMACY;
			else
				bad = 1;
			break;
		case O_ABSENT: o->patient_absent = true; break;
		case O_OPERATOR: o->operator_id = optarg; break;
		case O_SERVICE: o->service = optarg; break;
		case O_SCA: o->service_ca = optarg; break;
		case O_CERT: o->cert = optarg; break;
		case O_KEY: o->key = optarg; break;
		case O_INST: o->institution = optarg; break;
		case O_SNAME: o->service_name = optarg; break;
		case O_PROXY: o->proxy = optarg; break;
		case O_AUDIT: audit = optarg; break;
		case O_CLAIM: o->claim_dir = optarg; break;
		case O_MODELS: o->models = optarg; break;
		case O_FRAME:
			if (o->n_frames == QUALIFY_FRAMES_MAX)
				bad = 1;
			else
				o->frames[o->n_frames++] = optarg;
			break;
		case O_FACEMAX: bad |= parse_uint(optarg, 1, 10, &o->face_max) < 0; break;
		case O_FPA: bad |= parse_uint(optarg, 1, 16, &o->face_frames) < 0; break;
		case O_LIVE: bad |= parse_uint(optarg, 10, 90, &o->liveness_frames) < 0; break;
		case O_RETRIES: bad |= parse_uint(optarg, 0, 10, &o->retries) < 0; break;
		case O_WAIT: bad |= parse_uint(optarg, 0, 86400, &o->card_wait_s) < 0; break;
		case O_LAST: o->allow_last_try = true; break;
		case O_NOSWITCH: o->switch_visual = false; break;
		case O_NOPDF: o->no_pdf = true; break;
		default: bad = 1; break;
		}
	}
	o->audit = cli_audit_path(audit);
	if (!bad && optind != argc)
		bad = 1;
	if (!bad && (!o->service || !o->service_ca || !o->cert || !o->key)) {
		fputs("mncr qualify: the eligibility service needs --service, --service-ca, --cert and --key\n",
		      stderr);
		bad = 1;
	}
	if (!bad && o->operator_id && !mncr_flow_operator_valid(o->operator_id)) {
		fputs("mncr qualify: --operator: 1-32 of A-Z a-z 0-9 . _ @ -\n", stderr);
		bad = 1;
	}
	if (bad) {
		fputs(usage_text, stderr);
		return -EINVAL;
	}
	return 0;
}

static struct mncr_elig_client *elig_client(const struct qualify_opts *o,
					    char *host, size_t cap)
{
	struct mncr_elig_client_config cfg = { 0 };
	struct mncr_elig_error err;
	struct mncr_elig_client *c;
	const char *colon = strrchr(o->service, ':');

	if (!colon || colon == o->service ||
	    (size_t)(colon - o->service) >= cap) {
		fprintf(stderr, "mncr qualify: --service %s: want HOST:PORT\n", o->service);
		return NULL;
	}
	memcpy(host, o->service, (size_t)(colon - o->service));
	host[colon - o->service] = '\0';
	cfg.host = host;
	cfg.port = colon + 1;
	cfg.server_name = o->service_name;
	cfg.ca_file = o->service_ca;
	cfg.cert_file = o->cert;
	cfg.key_file = o->key;
	cfg.proxy = o->proxy;
	cfg.connect_timeout_ms = 2000;
	cfg.attempts = 2;
	c = mncr_elig_client_new(&cfg, &err);
	if (!c)
		fprintf(stderr, "mncr qualify: eligibility client: %s\n", err.message);
	return c;
}

/* The eligibility hook: progress lines around flow_elig's query. */
static int hook_eligibility(void *ctx, const struct mncr_flow_query *fq,
			    struct mncr_flow_answer *a)
{
	struct qualify *q = ctx;
	struct timespec t0;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	qualify_say(q, "eligibility query %u to %s (mutual TLS, method %s) ...",
		    fq->attempt, q->o->service, mncr_elig_method_name(fq->method));
	ret = mncr_flow_elig_query(q->elig, fq, a);
	if (ret == 0 && a->outcome != MNCR_FLOW_ELIG_OK &&
	    q->elig->last_error.status != MNCR_ELIG_OK)
		qualify_say(q, "eligibility: %s%s%s (%.0f ms)",
			    mncr_elig_status_name(q->elig->last_error.status),
			    q->elig->last_error.code[0] ? " " : "",
			    q->elig->last_error.code, qualify_ms_since(&t0));
	else if (ret == 0)
		qualify_say(q, "eligibility: answered, validity %s (%.0f ms)",
			    mncr_elig_validity_name(a->validity),
			    qualify_ms_since(&t0));
	return ret;
}

static int exit_for_outcome(enum mncr_flow_outcome o)
{
	switch (o) {
	case MNCR_FLOW_OUT_ELIGIBLE:
		return EXIT_OK;
	case MNCR_FLOW_OUT_CLAIM_FORM:
	case MNCR_FLOW_OUT_INSURANCE_CARD:
	case MNCR_FLOW_OUT_PORTAL:
	case MNCR_FLOW_OUT_VISUAL_REFUSED:
		return EXIT_FALLBACK;
	default:
		return EXIT_FAILED;
	}
}

static const char *mode_name(int mode)
{
	return mode == MNCR_MODE_VISUAL ? "visual" :
	       mode == MNCR_MODE_AUTO ? "auto" : "unknown";
}

static void report(struct qualify *q, const struct mncr_flow *f, int mode_after)
{
	double id_ms = q->verified_seen ?
		       (double)(q->t_verified.tv_sec - q->t_card.tv_sec) * 1e3 +
		       (double)(q->t_verified.tv_nsec - q->t_card.tv_nsec) / 1e6 : -1;
	const bool c[4] = { f->consents.medication, f->consents.checkup,
			    f->consents.clinical, f->consents.surgery };
	const struct mncr_face_attempt_status *fs = qualify_face_status(q);
	bool photo_tried = fs && fs->photo_tried;
	struct mncr_json j;

	if (!q->json) {
		printf("result: %s\n", mncr_flow_outcome_name(f->outcome));
		printf("  method: %s%s\n", f->verified ? mncr_elig_method_name(f->method) : "none",
		       f->verified ? "" : " (identity not verified)");
		printf("  consents:");
		for (int i = 0; i < MNCR_FLOW_CONSENT_COUNT; i++)
			printf(" %s=%s", mncr_flow_consent_name(i),
			       f->consents_asked ? (c[i] ? "yes" : "no") : "not_asked");
		printf("\n");
		if (f->outcome == MNCR_FLOW_OUT_ELIGIBLE && f->share[0])
			printf("  share: %s\n", f->share);
		if (photo_tried && !fs->photo_usable)
			printf("  card photo: not usable (%s)\n", fs->photo_why);
		if (q->claim_written)
			printf("  申立書: %s%s%s\n", q->claim_json,
			       q->claim_pdf[0] ? " " : "", q->claim_pdf);
		if (id_ms >= 0)
			printf("  card set to identity verified: %.0f ms, %llu APDU bytes\n",
			       id_ms, (unsigned long long)q->apdu_bytes_verified);
		printf("  card APDUs: %llu commands, %llu bytes\n",
		       (unsigned long long)q->apdu_count,
		       (unsigned long long)q->apdu_bytes);
		printf("  reader mode after removal: %s\n", mode_name(mode_after));
		printf("  session: %s (audit log %s)\n", q->session_id, q->o->audit);
		return;
	}
	mncr_json_init(&j, stdout);
	mncr_json_object_begin(&j, NULL);
	mncr_json_string(&j, "session", q->session_id);
	mncr_json_string(&j, "outcome", mncr_flow_outcome_name(f->outcome));
	mncr_json_string(&j, "method", f->verified ? mncr_elig_method_name(f->method) : "none");
	mncr_json_string(&j, "site", mncr_elig_site_name(f->cfg.site));
	mncr_json_string(&j, "card_kind", mncr_card_kind_name(f->kind));
	mncr_json_object_begin(&j, "consents");
	for (int i = 0; i < MNCR_FLOW_CONSENT_COUNT; i++)
		mncr_json_string(&j, mncr_flow_consent_name(i),
				 f->consents_asked ? (c[i] ? "yes" : "no") : "not_asked");
	mncr_json_object_end(&j);
	if (f->outcome == MNCR_FLOW_OUT_ELIGIBLE ||
	    f->outcome == MNCR_FLOW_OUT_INELIGIBLE)
		mncr_json_string(&j, "share", f->share);
	mncr_json_uint(&j, "face_failures", f->face_failures);
	mncr_json_uint(&j, "pin_wrong", f->pin_wrong);
	mncr_json_int(&j, "pin_tries_left", f->pin_tries);
	mncr_json_uint(&j, "queries", f->queries);
	if (photo_tried) {
		mncr_json_object_begin(&j, "card_photo");
		mncr_json_bool(&j, "usable", fs->photo_usable);
		if (!fs->photo_usable)
			mncr_json_string(&j, "reason", fs->photo_why);
		mncr_json_object_end(&j);
	}
	if (q->claim_written) {
		mncr_json_object_begin(&j, "claim_form");
		mncr_json_string(&j, "json", q->claim_json);
		if (q->claim_pdf[0])
			mncr_json_string(&j, "pdf", q->claim_pdf);
		mncr_json_bool(&j, "prefilled", f->claim_prefilled);
		mncr_json_object_end(&j);
	}
	if (id_ms >= 0)
		mncr_json_int(&j, "identity_ms", (int64_t)(id_ms + 0.5));
	mncr_json_object_begin(&j, "apdu");
	mncr_json_uint(&j, "commands", q->apdu_count);
	mncr_json_uint(&j, "bytes", q->apdu_bytes);
	if (id_ms >= 0)
		mncr_json_uint(&j, "bytes_to_identity", q->apdu_bytes_verified);
	mncr_json_object_end(&j);
	mncr_json_string(&j, "mode_after", mode_name(mode_after));
	mncr_json_string(&j, "audit_log", q->o->audit);
	mncr_json_object_end(&j);
	mncr_json_finish(&j);
}

/* The mode once the card is out: the kernel ends a visual lease then. */
static int mode_after_removal(struct qualify *q)
{
	struct mncr_mode m;

	for (int i = 0; i < 40; i++) {
		if (mncr_device_get_mode(q->fd, &m) < 0)
			return -1;
		if (m.mode == MNCR_MODE_AUTO)
			break;
		usleep(50000);
	}
	qualify_say(q, "reader mode: %s%s", mode_name((int)m.mode),
		    m.mode == MNCR_MODE_AUTO && q->visual_lease ?
		    " (目視確認 ended by the kernel at card removal)" : "");
	return (int)m.mode;
}

static int run(struct cli *cli, struct qualify *q, struct mncr_flow_elig *elig)
{
	const struct mncr_flow_hooks hooks = {
		.card_kind = qualify_hook_card_kind,
		.reader_mode = qualify_hook_reader_mode,
		.face_attempt = qualify_hook_face,
		.pin_entry = qualify_hook_pin_entry,
		.pin_verify = qualify_hook_pin_verify,
		.choose = qualify_hook_choose,
		.attest = qualify_hook_attest,
		.consent = qualify_hook_consent,
		.eligibility = hook_eligibility,
		.basic4 = qualify_hook_basic4,
		.claim_form = qualify_hook_claim_form,
		.wait_removal = qualify_hook_wait_removal,
		.show = qualify_hook_show,
	};
	struct mncr_flow_config cfg;
	struct mncr_flow_session s;
	int ret, mode;

	(void)cli;
	mncr_flow_config_default(&cfg, q->o->site);
	cfg.face_max = q->o->face_max;
	cfg.query_retries = q->o->retries;
	cfg.allow_last_pin_try = q->o->allow_last_try;
	q->elig = elig;
	q->session = &s;
	ret = mncr_flow_session_init(&s, &cfg, &hooks, q, q->o->audit);
	if (ret < 0) {
		fprintf(stderr, "mncr qualify: cannot start the session: %s\n", strerror(-ret));
		return EXIT_FAILED;
	}
	q->session_id = s.id;
	qualify_say(q, "session %s: %s, %s; audit log %s", s.id,
		    mncr_elig_site_name(q->o->site),
		    q->o->patient_absent ? "patient absent" : "patient present",
		    q->o->audit);
	ret = mncr_flow_session_run(&s);
	q->verified_seen = s.flow.verified &&
			   (q->t_verified.tv_sec || q->t_verified.tv_nsec);
	mode = mode_after_removal(q);
	if (ret < 0)
		fprintf(stderr, "mncr qualify: audit log %s: %s\n", q->o->audit, strerror(-ret));
	report(q, &s.flow, mode);
	ret = ret < 0 ? EXIT_FAILED : exit_for_outcome(s.flow.outcome);
	mncr_flow_session_clear(&s);
	q->session = NULL;
	q->session_id = "";
	return ret;
}

int cmd_qualify(struct cli *cli, int argc, char **argv)
{
	struct qualify_opts o;
	struct qualify q = { .fd = -1 };
	struct mncr_flow_elig elig = { 0 };
	char host[256];
	int ret;

	setlocale(LC_ALL, "");
	mncr_msg_bind(env_or("MNCR_LOCALEDIR", LOCALEDIR));
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
	clock_gettime(CLOCK_MONOTONIC, &q.t_card);

	ret = cli_find_reader(cli, &q.reader);
	if (ret != EXIT_OK)
		return ret;
	ret = cli_open_reader(&q.reader, true);
	if (ret < 0)
		return -ret;
	q.fd = ret;
	elig.client = elig_client(&o, host, sizeof(host));
	if (!elig.client) {
		close(q.fd);
		return EXIT_FAILED;
	}
	elig.io = &q.io;
	snprintf(elig.institution_code, sizeof(elig.institution_code), "%s",
		 o.institution);

	if (qualify_card_present(&q) < 0)
		fprintf(q.out, "waiting up to %u s for a card on %s ...\n",
			o.card_wait_s, q.reader.node);
	ret = qualify_card_open(&q, o.card_wait_s);
	if (ret < 0) {
		fprintf(stderr, "mncr qualify: %s: %s\n", q.reader.serial,
			ret == -ENOMEDIUM ? "no card was set" :
			ret == -ENODEV ? "the reader's card slot is gone or not found" :
			strerror(-ret));
		ret = ret == -ENODEV ? EXIT_NO_READER :
		      ret == -ENOMEDIUM ? EXIT_NO_CARD :
		      ret == -EACCES ? EXIT_DENIED : EXIT_FAILED;
	} else {
		qualify_say(&q, "card set on %s (serial %s)", q.reader.node, q.reader.serial);
		ret = run(cli, &q, &elig);
	}
	qualify_card_close(&q);
	qualify_face_free(&q);
	mncr_flow_elig_clear(&elig);
	mncr_elig_client_free(elig.client);
	close(q.fd);
	return ret;
}
