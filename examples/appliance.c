// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A minimal reader appliance on libmncr's public API: open the reader,
 * wait for a card, run one qualification with answers read from stdin
 * (what a patient screen would collect), print the outcome.
 * Only <mncr/mncr.h>; build with
 *
 *   cc -o appliance appliance.c $(pkg-config --cflags --libs mncr)
 *
 * usage: appliance [--reader SEL] --service HOST:PORT --service-ca PEM
 *                  --cert PEM --key PEM [--service-name NAME]
 *                  [--audit FILE] [--claim-dir DIR] [--models DIR]
 *                  [--operator ID] [--wait S] < ANSWERS
 * Each question takes the next line of stdin: a choice by name ("face",
 * "pin", "visual", ...), the PIN, "yes"/"no". No line left is cancel.
 * Never the PIN as an argument: every user of the machine can read a
 * process's arguments (ps).
 * Exit: 0 eligible, 10 a fallback (申立書, 保険証, マイナポータル),
 * 1 any other outcome, 2 usage, 3 no reader or no card. SIGINT/SIGTERM
 * cancel the run (mncr_qualify_cancel is async-signal-safe).
 */
#define _POSIX_C_SOURCE 200809L

#include <mncr/mncr.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct answers {
	FILE *in;
	char line[64];		/* the last answer; wiped after a PIN */
};

/* The run a signal cancels (one per process here). */
static struct mncr_qualify *volatile running;

static void on_signal(int sig)
{
	(void)sig;
	if (running)
		mncr_qualify_cancel(running);
}

/* Not optimised away, unlike a memset before the buffer's end of life. */
static void wipe(void *p, size_t n)
{
	volatile unsigned char *b = p;

	while (n--)
		*b++ = 0;
}

/* The next line without its newline; NULL at the end or for a too long one. */
static const char *take(struct answers *a)
{
	size_t n;
	int c;

	if (!fgets(a->line, sizeof(a->line), a->in))
		return NULL;
	n = strcspn(a->line, "\n");
	if (a->line[n] != '\n' && !feof(a->in)) {
		while ((c = getc(a->in)) != EOF && c != '\n')
			;
		wipe(a->line, sizeof(a->line));
		fprintf(stderr, "appliance: answer longer than %zu bytes\n",
			sizeof(a->line) - 2);
		return NULL;
	}
	a->line[n] = '\0';
	return a->line;
}

static void transcript(void *ctx, double ms, const char *line)
{
	(void)ctx;
	fprintf(stderr, "[%7.3f] %s\n", ms / 1e3, line);
}

static void show(void *ctx, const struct mncr_qualify_prompt *p)
{
	(void)ctx;
	fprintf(stderr, "  screen (%s): %s\n",
		p->audience == MNCR_QUALIFY_PATIENT ? "patient" : "staff",
		p->text ? p->text : "");
}

static int choose(void *ctx, const struct mncr_qualify_prompt *p,
		  unsigned int *choice)
{
	const char *s = take(ctx);

	if (!s)
		return -ECANCELED;
	for (unsigned int bit = 1; bit & MNCR_QUALIFY_OPT_ALL; bit <<= 1) {
		if ((p->options & bit) && !strcmp(s, mncr_qualify_option_name(bit))) {
			*choice = bit;
			return 0;
		}
	}
	fprintf(stderr, "appliance: '%s' is not offered here\n", s);
	return -ECANCELED;
}

static int pin_entry(void *ctx, const struct mncr_qualify_prompt *p,
		     char *buf, size_t cap, size_t *len)
{
	struct answers *a = ctx;
	const char *s = take(a);
	int ret = 0;

	(void)p;
	if (!s)
		return -ECANCELED;
	*len = strlen(s);
	if (*len > cap)
		ret = -EOVERFLOW;
	else
		memcpy(buf, s, *len);
	wipe(a->line, sizeof(a->line));	/* the library wipes buf */
	return ret;
}

static int yes(struct answers *a, bool *out)
{
	const char *s = take(a);

	if (!s)
		return -ECANCELED;
	*out = !strcmp(s, "yes");
	return 0;
}

static int attest(void *ctx, const struct mncr_qualify_prompt *p,
		  struct mncr_qualify_attestation *a)
{
	(void)p;
	if (!a->operator_id[0])
		return -ECANCELED;	/* an appliance knows who is logged in */
	return yes(ctx, &a->confirmed);
}

static int consent(void *ctx, const struct mncr_qualify_prompt *p,
		   enum mncr_qualify_consent c, bool *out)
{
	(void)p;
	(void)c;
	return yes(ctx, out);
}

static int usage(void)
{
	fputs("usage: appliance [--reader SEL] --service HOST:PORT --service-ca PEM\n"
	      "                 --cert PEM --key PEM [--service-name NAME] [--audit FILE]\n"
	      "                 [--claim-dir DIR] [--models DIR] [--operator ID]\n"
	      "                 [--wait S] < ANSWERS (one a line)\n", stderr);
	return 2;
}

static int exit_for(enum mncr_qualify_result r)
{
	switch (r) {
	case MNCR_QUALIFY_ELIGIBLE:
		return 0;
	case MNCR_QUALIFY_CLAIM_FORM:
	case MNCR_QUALIFY_INSURANCE_CARD:
	case MNCR_QUALIFY_PORTAL:
	case MNCR_QUALIFY_VISUAL_REFUSED:
		return 10;
	default:
		return 1;
	}
}

/* --name VALUE options into cfg; 0, or -1 for anything else. */
static int parse(int argc, char **argv, struct mncr_qualify_config *cfg,
		 const char **reader, char *host, size_t cap, int *wait_s)
{
	for (int i = 1; i < argc; i += 2) {
		const char *k = argv[i] + 2, *v = argv[i + 1];

		if (strncmp(argv[i], "--", 2) || !*k || !v)
			return -1;
		if (!strcmp(k, "reader")) {
			*reader = v;
		} else if (!strcmp(k, "service")) {
			const char *colon = strrchr(v, ':');

			if (!colon || (size_t)(colon - v) >= cap)
				return -1;
			memcpy(host, v, (size_t)(colon - v));
			host[colon - v] = '\0';
			cfg->service_host = host;
			cfg->service_port = colon + 1;
		} else if (!strcmp(k, "service-ca")) {
			cfg->service_ca = v;
		} else if (!strcmp(k, "service-name")) {
			cfg->service_name = v;
		} else if (!strcmp(k, "cert")) {
			cfg->cert = v;
		} else if (!strcmp(k, "key")) {
			cfg->key = v;
		} else if (!strcmp(k, "audit")) {
			cfg->audit_log = v;
		} else if (!strcmp(k, "claim-dir")) {
			cfg->claim_dir = v;
		} else if (!strcmp(k, "models")) {
			cfg->models = v;
		} else if (!strcmp(k, "operator")) {
			cfg->operator_id = v;
		} else if (!strcmp(k, "wait")) {
			*wait_s = atoi(v);
		} else {
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct mncr_qualify_config cfg;
	struct mncr_qualify_outcome out = { .size = sizeof(out) };
	struct mncr_qualify_ui ui = { .size = sizeof(ui) };
	struct sigaction sa = { .sa_handler = on_signal };
	struct answers ans = { .in = stdin };
	struct mncr_device *dev;
	struct mncr_qualify *q;
	const char *reader = NULL;
	char host[256], why[256];
	int wait_s = 30, ret;

	mncr_qualify_config_init(&cfg);
	cfg.audit_log = "audit.log";
	if (parse(argc, argv, &cfg, &reader, host, sizeof(host), &wait_s) < 0)
		return usage();
	/* Unbuffered: no stdio buffer keeps the PIN line after its use. */
	setvbuf(stdin, NULL, _IONBF, 0);
	ui.ctx = &ans;
	ui.transcript = transcript;
	ui.show = show;
	ui.choose = choose;
	ui.pin_entry = pin_entry;
	ui.attest = attest;
	ui.consent = consent;

	printf("libmncr %s (built against %d.%d.%d)\n", mncr_version(),
	       MNCR_VERSION_MAJOR, MNCR_VERSION_MINOR, MNCR_VERSION_MICRO);
	ret = mncr_qualify_new(&cfg, &ui, &q, why, sizeof(why));
	if (ret < 0) {
		fprintf(stderr, "appliance: %s\n", why);
		return usage();
	}
	ret = mncr_reader_open(reader, true, &dev);
	if (ret < 0) {
		fprintf(stderr, "appliance: reader: %s\n", strerror(-ret));
		mncr_qualify_free(q);
		return 3;
	}
	running = q;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	printf("waiting for a card ...\n");
	fflush(stdout);
	ret = mncr_reader_wait_card(dev, wait_s * 1000);
	if (ret == 0)
		ret = mncr_qualify_run(q, dev, &out);
	running = NULL;
	if (!out.started) {
		fprintf(stderr, "appliance: no session: %s\n", strerror(-ret));
		ret = 3;
	} else {
		printf("outcome: %s\n", out.result_name);
		printf("method: %s\n", out.method_name);
		printf("share: %s\n", out.share[0] ? out.share : "-");
		printf("session: %s\n", out.session);
		ret = ret < 0 ? 1 : exit_for(out.result);
	}
	mncr_reader_close(dev);
	mncr_qualify_free(q);
	return ret;
}
