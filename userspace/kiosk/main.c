// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mncr-kiosk: the reader's screens for the patient and the staff, on
 * libmncr's public API only (<mncr/mncr.h>) and GTK 4.
 *
 * usage: mncr-kiosk [--window] [--font-size PT] [--reader SEL]
 *                   --service HOST:PORT --service-ca PEM --cert PEM --key PEM
 *                   [--service-name NAME] [--audit FILE] [--claim-dir DIR]
 *                   [--models DIR] [--operator ID] [--site clinic|pharmacy]
 *                   [--patient-absent] [--script FILE] [--screenshot-dir DIR]
 *                   [--ca-keys DIR] [--institution CODE] [--proxy URL]
 *                   [--frame PICTURE]... [--frames-per-attempt N]
 *                   [--liveness-frames N] [--face-max N] [--allow-last-pin-try]
 *                   [--result-seconds N]
 *        mncr-kiosk --render-states DIR [--font-size PT] [--result-seconds N]
 * The library checks the numbers (mncr_qualify_new says what is wrong).
 * Full screen unless --window. Japanese unless the locale says otherwise
 * (MNCR_LOCALEDIR: where the catalogues are). The result page stays up
 * --result-seconds (5, 0..600) after the card is out, or until the next
 * card; always drawn first. Exit: 0 eligible, 10 another
 * outcome (script runs), 2 usage, 3 no reader.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk.h"
#include "text.h"

#ifndef LOCALEDIR	/* the Makefile's $(PREFIX)/share/locale */
#define LOCALEDIR "/usr/local/share/locale"
#endif

static int usage(void)
{
	fputs("usage: mncr-kiosk [--window] [--font-size PT] [--reader SEL]\n"
	      "         --service HOST:PORT --service-ca PEM --cert PEM --key PEM\n"
	      "         [--service-name NAME] [--audit FILE] [--claim-dir DIR]\n"
	      "         [--models DIR] [--operator ID] [--site clinic|pharmacy]\n"
	      "         [--patient-absent] [--script FILE] [--screenshot-dir DIR]\n"
	      "         [--ca-keys DIR] [--institution CODE] [--proxy URL]\n"
	      "         [--frame PICTURE]... [--frames-per-attempt N]\n"
	      "         [--liveness-frames N] [--face-max N] [--allow-last-pin-try]\n"
	      "         [--result-seconds N]\n"
	      "       mncr-kiosk --render-states DIR [--font-size PT] [--result-seconds N]\n",
	      stderr);
	return 2;
}

static int flag(struct kiosk *k, const char *name)
{
	if (!strcmp(name, "window"))
		k->opt.window = true;
	else if (!strcmp(name, "patient-absent"))
		k->w.cfg.patient_absent = true;
	else if (!strcmp(name, "allow-last-pin-try"))
		k->w.cfg.allow_last_pin_try = true;
	else
		return -1;
	return 0;
}

static int option(struct kiosk *k, const char *name, const char *v,
		  char *host, size_t cap)
{
	struct mncr_qualify_config *cfg = &k->w.cfg;
	const char *colon;

	if (!strcmp(name, "service")) {
		colon = strrchr(v, ':');
		if (!colon || (size_t)(colon - v) >= cap)
			return -1;
		memcpy(host, v, (size_t)(colon - v));
		host[colon - v] = '\0';
		cfg->service_host = host;
		cfg->service_port = colon + 1;
	} else if (!strcmp(name, "font-size")) {
		k->opt.font_pt = atoi(v);
	} else if (!strcmp(name, "reader")) {
		k->w.reader = v;
	} else if (!strcmp(name, "service-ca")) {
		cfg->service_ca = v;
	} else if (!strcmp(name, "service-name")) {
		cfg->service_name = v;
	} else if (!strcmp(name, "cert")) {
		cfg->cert = v;
	} else if (!strcmp(name, "key")) {
		cfg->key = v;
	} else if (!strcmp(name, "audit")) {
		cfg->audit_log = v;
	} else if (!strcmp(name, "claim-dir")) {
		cfg->claim_dir = v;
	} else if (!strcmp(name, "models")) {
		cfg->models = v;
	} else if (!strcmp(name, "operator")) {
		cfg->operator_id = v;
	} else if (!strcmp(name, "site")) {
		if (strcmp(v, "clinic") && strcmp(v, "pharmacy"))
			return -1;
		cfg->site = strcmp(v, "pharmacy") ? MNCR_QUALIFY_SITE_CLINIC :
			    MNCR_QUALIFY_SITE_PHARMACY;
	} else if (!strcmp(name, "ca-keys")) {
		cfg->card_ca_keys = v;
	} else if (!strcmp(name, "institution")) {
		cfg->institution = v;
	} else if (!strcmp(name, "proxy")) {
		cfg->proxy = v;
	} else if (!strcmp(name, "frame")) {
		k->frames[cfg->n_frames++] = v;	/* argc entries: room */
		cfg->frames = k->frames;
	} else if (!strcmp(name, "frames-per-attempt")) {
		cfg->face_frames = (unsigned int)atoi(v);
	} else if (!strcmp(name, "liveness-frames")) {
		cfg->liveness_frames = (unsigned int)atoi(v);
	} else if (!strcmp(name, "face-max")) {
		cfg->face_max = (unsigned int)atoi(v);
	} else if (!strcmp(name, "script")) {
		k->opt.script = v;
	} else if (!strcmp(name, "screenshot-dir")) {
		k->opt.shot_dir = v;
	} else if (!strcmp(name, "result-seconds")) {
		k->opt.result_seconds = atoi(v);
	} else if (!strcmp(name, "render-states")) {
		k->opt.render_dir = v;
	} else {
		return -1;
	}
	return 0;
}

static int parse(int argc, char **argv, struct kiosk *k, char *host,
		 size_t cap)
{
	for (int i = 1; i < argc; i++) {
		const char *name = argv[i] + 2;

		if (strncmp(argv[i], "--", 2) || !*name)
			return -1;
		if (flag(k, name) == 0)
			continue;
		if (i + 1 >= argc || option(k, name, argv[++i], host, cap) < 0)
			return -1;
	}
	if (k->opt.result_seconds < 0 || k->opt.result_seconds > 600)
		return -1;
	return k->opt.font_pt >= 8 && k->opt.font_pt <= 96 ? 0 : -1;
}

static void activate(GApplication *app, gpointer data)
{
	(void)app;
	kiosk_activate(data);
}

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v && *v ? v : dflt;
}

int main(int argc, char **argv)
{
	struct kiosk k = { 0 };
	char host[256];
	int ret;

	k.opt.font_pt = 20;
	k.opt.result_seconds = 5;
	k.frames = g_new0(const char *, (size_t)argc + 1);
	mncr_qualify_config_init(&k.w.cfg);
	k.w.cfg.audit_log = "audit.log";
	if (parse(argc, argv, &k, host, sizeof(host)) < 0) {
		g_free(k.frames);
		return usage();
	}
	if (k.opt.script && kiosk_script_load(&k.script, k.opt.script) < 0) {
		fprintf(stderr, "mncr-kiosk: cannot read %s\n", k.opt.script);
		g_free(k.frames);
		return 2;
	}
	setlocale(LC_ALL, "");
	mncr_qualify_bind_locale(env_or("MNCR_LOCALEDIR", LOCALEDIR));
	bindtextdomain(KIOSK_DOMAIN, env_or("MNCR_LOCALEDIR", LOCALEDIR));
	bind_textdomain_codeset(KIOSK_DOMAIN, "UTF-8");

	k.app = gtk_application_new("org.mncr.Kiosk", G_APPLICATION_NON_UNIQUE);
	g_signal_connect(k.app, "activate", G_CALLBACK(activate), &k);
	ret = g_application_run(G_APPLICATION(k.app), 1, argv);
	kiosk_shutdown(&k);
	g_object_unref(k.app);
	g_free(k.frames);
	return ret ? ret : k.status;
}
