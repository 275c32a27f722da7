// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mncr card: the card in the reader's slot over libusb or PC/SC. status,
 * pin-status (never spends a try) and cert here; info and photo, which
 * need the card front, in cmd_card_face.c.
 */
#include "cmd_card.h"
#include "card/card_cert.h"
#include "card/card_ids.h"
#include "card/card_jpki.h"
#include "card/card_kind.h"
#include "card/card_verify.h"
#include "util/json_write.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USAGE "usage: mncr card [--backend auto|usb|pcsc] [--reader R] [--json]\n" \
	"                 status | info | pin-status | photo -o FILE [--pgm] |\n" \
	"                 cert [--pem] [--trust CAFILE] [--trust-dir DIR] [--crl CRL] |\n" \
	"                 verify [--ca-keys DIR]\n"

int card_fail(const struct card_cmd *c, const char *what, int err)
{
	const char *why;
	int code = EXIT_FAILED;

	switch (err) {
	case -ENOMEDIUM:
	case -ENOTCONN:
		why = c->link ? "the card was removed" : "no card in the reader";
		code = EXIT_NO_CARD;
		break;
	case -ENODEV:
		why = "no reader with a card slot found";
		code = EXIT_NO_READER;
		break;
	case -EACCES:
		why = "permission denied on the reader's USB device";
		code = EXIT_DENIED;
		break;
	case -EBUSY:
		why = "the card slot is in use by another program (pcscd? try --backend pcsc)";
		break;
	case -ECONNREFUSED:
		why = "pcscd is not running";
		break;
	case -ETIMEDOUT:
		why = "the card does not answer";
		break;
	case -EPROTO:
	case -EBADMSG:
		why = "the reader or card sent a malformed reply";
		break;
	default:
		why = strerror(-err);
		break;
	}
	fprintf(stderr, "mncr: card: %s: %s\n", what, why);
	return code;
}

static void hex(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02X", p[i]);
	out[2 * n] = '\0';
}

static int card_status(struct card_cmd *c)
{
	char atr[2 * MNCR_CCID_ATR_MAX + 1];
	struct mncr_card_kind_info k;
	int r = mncr_card_kind_detect(&c->link->io, &k);

	if (r)
		return card_fail(c, "card kind", r);
	hex(c->link->atr, c->link->atr_len, atr);
	if (c->cli->json) {
		struct mncr_json j;

		mncr_json_init(&j, stdout);
		mncr_json_object_begin(&j, NULL);
		mncr_json_string(&j, "backend", mncr_card_backend_name(c->link->backend));
		mncr_json_string(&j, "serial", c->serial);
		mncr_json_bool(&j, "card_present", true);
		mncr_json_string(&j, "atr", atr);
		mncr_json_string(&j, "kind", mncr_card_kind_name(k.kind));
		mncr_json_bool(&j, "pin_entry", mncr_card_kind_pin_entry(k.kind));
		mncr_json_object_end(&j);
		mncr_json_finish(&j);
	} else {
		printf("card:    present (%s backend)\n", mncr_card_backend_name(c->link->backend));
		printf("ATR:     %s\n", atr);
		printf("kind:    %s%s\n", mncr_card_kind_name(k.kind),
		       mncr_card_kind_pin_entry(k.kind) ? " (PIN entry possible)" :
		       " (no PIN entry: face authentication or 目視確認)");
	}
	return EXIT_OK;
}

static void json_key(struct mncr_json *j, const char *name,
		     const struct mncr_card_key_status *st)
{
	mncr_json_object_begin(j, name);
	if (st->tries >= 0)
		mncr_json_int(j, "tries", st->tries);
	else
		mncr_json_null(j, "tries");
	mncr_json_bool(j, "blocked", st->blocked);
	mncr_json_bool(j, "verified", st->verified);
	mncr_json_object_end(j);
}

static void text_key(const char *name, const struct mncr_card_key_status *st)
{
	if (st->blocked)
		printf("%-36s blocked or not set\n", name);
	else if (st->tries >= 0)
		printf("%-36s %d tries left\n", name, st->tries);
	else
		printf("%-36s the card did not say\n", name);
}

/* Tries left on each PIN: empty VERIFYs only, nothing is spent. */
static int card_pin_status(struct card_cmd *c)
{
	struct mncr_card_key_status auth = { .tries = -1 }, sign = { .tries = -1 },
				    text = { .tries = -1 };
	struct mncr_card_kind_info k;
	bool pins;
	int r = mncr_card_kind_detect(&c->link->io, &k);

	if (r)
		return card_fail(c, "card kind", r);
	/* A PIN-less card has nothing to ask about. */
	pins = k.kind == MNCR_CARD_KIND_PIN || k.kind == MNCR_CARD_KIND_PIN_BLOCKED;
	if (pins) {
		r = mncr_card_key_status(&c->link->io, &mncr_card_key_jpki_auth, &auth);
		if (!r && k.sign_cert)
			r = mncr_card_key_status(&c->link->io, &mncr_card_key_jpki_sign, &sign);
		if (!r)
			r = mncr_card_key_status(&c->link->io, &mncr_card_key_text_pin, &text);
		if (r)
			return card_fail(c, "PIN status", r);
	}
	if (c->cli->json) {
		struct mncr_json j;

		mncr_json_init(&j, stdout);
		mncr_json_object_begin(&j, NULL);
		mncr_json_string(&j, "kind", mncr_card_kind_name(k.kind));
		mncr_json_bool(&j, "pin_entry", mncr_card_kind_pin_entry(k.kind));
		if (pins) {
			json_key(&j, "auth_pin", &auth);
			if (k.sign_cert)
				json_key(&j, "sign_password", &sign);
			json_key(&j, "text_pin", &text);
		}
		mncr_json_object_end(&j);
		mncr_json_finish(&j);
	} else if (!pins) {
		printf("kind: %s: this card has no PIN (face authentication or 目視確認)\n",
		       mncr_card_kind_name(k.kind));
	} else {
		printf("kind: %s\n", mncr_card_kind_name(k.kind));
		text_key("利用者証明用暗証番号 (4 digits)", &auth);
		if (k.sign_cert)
			text_key("署名用パスワード", &sign);
		text_key("券面事項入力補助用暗証番号", &text);
	}
	if (k.kind == MNCR_CARD_KIND_PIN_BLOCKED) {
		fprintf(stderr, "mncr: card: the 利用者証明用暗証番号 is blocked: "
			"no PIN entry; the municipal office can reset it\n");
		return EXIT_PIN_BLOCKED;
	}
	return EXIT_OK;
}

static void print_cert_text(const struct mncr_cert_info *in, bool sign_cert)
{
	printf("serial:      %s\n", in->serial);
	printf("subject:     %s\n", in->subject);
	printf("issuer:      %s\n", in->issuer);
	printf("valid:       %s to %s\n", in->not_before, in->not_after);
	printf("key:         %s %d bits\n", in->key_type, in->key_bits);
	printf("signing certificate (署名用): %s\n", sign_cert ? "issued" : "none");
}

static void print_cert_json(const struct mncr_cert_info *in, bool sign_cert,
			    const char *verdict, const char *why, const char *pem)
{
	struct mncr_json j;

	mncr_json_init(&j, stdout);
	mncr_json_object_begin(&j, NULL);
	mncr_json_string(&j, "serial", in->serial);
	mncr_json_string(&j, "subject", in->subject);
	mncr_json_string(&j, "issuer", in->issuer);
	mncr_json_string(&j, "not_before", in->not_before);
	mncr_json_string(&j, "not_after", in->not_after);
	mncr_json_string(&j, "key_type", in->key_type);
	mncr_json_int(&j, "key_bits", in->key_bits);
	mncr_json_bool(&j, "sign_cert", sign_cert);
	if (verdict) {
		mncr_json_string(&j, "verdict", verdict);
		mncr_json_string(&j, "reason", why);
	} else {
		mncr_json_null(&j, "verdict");
	}
	if (pem)
		mncr_json_string(&j, "pem", pem);
	mncr_json_object_end(&j);
	mncr_json_finish(&j);
}

/* The 利用者証明用 certificate: fields, and its chain against --trust. */
static int card_cert(struct card_cmd *c)
{
	struct mncr_cert_trust trust = { c->trust, c->trust_dir, c->crl, 0 };
	struct mncr_jpki_cert_state state;
	struct mncr_cert_info info;
	uint8_t *der = NULL, *ca = NULL;
	size_t len = 0, ca_len = 0;
	char why[256] = "", *pem = NULL;
	const char *verdict = NULL;
	int r, code = EXIT_OK;

	r = mncr_jpki_select(&c->link->io);
	if (!r)
		r = mncr_jpki_cert_state(&c->link->io, &state);
	if (!r)
		r = mncr_jpki_read_cert(&c->link->io, MNCR_JPKI_CERT_AUTH, &der, &len);
	if (r == -ENOENT) {
		fprintf(stderr, "mncr: card: no 利用者証明用 certificate on this card\n");
		return EXIT_FAILED;
	}
	if (r)
		return card_fail(c, "reading the certificate", r);
	/* The card's CA certificate may complete the chain; it is never trusted. */
	if (mncr_jpki_read_cert(&c->link->io, MNCR_JPKI_CERT_AUTH_CA, &ca, &ca_len))
		ca = NULL, ca_len = 0;
	if (mncr_cert_parse(der, len, &info)) {
		fprintf(stderr, "mncr: card: the certificate on the card is malformed\n");
		code = EXIT_CERT_INVALID;
		goto out;
	}
	if (c->trust || c->trust_dir) {
		r = mncr_cert_verify(der, len, ca, ca_len, &trust, why, sizeof(why));
		if (r < 0) {
			fprintf(stderr, "mncr: card: %s\n", why);
			code = EXIT_FAILED;
			goto out;
		}
		verdict = mncr_cert_verdict_name(r);
		if (r != MNCR_CERT_OK)
			code = EXIT_CERT_INVALID;
	}
	if (c->pem)
		pem = mncr_cert_pem(der, len);
	if (c->cli->json) {
		print_cert_json(&info, state.sign, verdict, why, pem);
	} else {
		if (!c->pem || verdict)
			print_cert_text(&info, state.sign);
		if (verdict)
			printf("verdict:     %s (%s)\n", verdict, why);
		if (pem)
			fputs(pem, stdout);
	}
	if (code == EXIT_CERT_INVALID)
		fprintf(stderr, "mncr: card: certificate %s: %s\n", verdict, why);
out:
	free(pem);
	free(der);
	free(ca);
	return code;
}

/* The USB serial of the selected reader, from sysfs when the driver has it. */
static int resolve_reader(struct card_cmd *c)
{
	int r = mncr_reader_find(c->cli->sysfs, c->selector, &c->reader);

	if (!r) {
		c->have_node = true;
		snprintf(c->serial, sizeof(c->serial), "%s", c->reader.serial);
		return EXIT_OK;
	}
	if (r == -ENOTUNIQ) {
		fprintf(stderr, "mncr: several readers: choose one with --reader (see 'mncr status')\n");
		return EXIT_USAGE;
	}
	/* No mncr driver (or not this reader): take the selector as a serial. */
	if (c->selector)
		snprintf(c->serial, sizeof(c->serial), "%s", c->selector);
	return EXIT_OK;
}

static int parse(struct card_cmd *c, int argc, char **argv, const char **sub)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "backend", required_argument, NULL, 'b' },
		{ "reader", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "pgm", no_argument, NULL, 'g' },
		{ "pem", no_argument, NULL, 'p' },
		{ "trust", required_argument, NULL, 't' },
		{ "trust-dir", required_argument, NULL, 'd' },
		{ "crl", required_argument, NULL, 'c' },
		{ "ca-keys", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int o;

	while ((o = getopt_long(argc, argv, "jb:r:o:h", opts, NULL)) != -1) {
		switch (o) {
		case 'j': c->cli->json = true; break;
		case 'b':
			if (mncr_card_backend_parse(optarg, &c->backend)) {
				fprintf(stderr, "mncr: card: --backend is auto, usb or pcsc\n");
				return EXIT_USAGE;
			}
			break;
		case 'r': c->selector = optarg; break;
		case 'o': c->output = optarg; break;
		case 'g': c->pgm = true; break;
		case 'p': c->pem = true; break;
		case 't': c->trust = optarg; break;
		case 'd': c->trust_dir = optarg; break;
		case 'c': c->crl = optarg; break;
		case 'k': c->ca_keys = optarg; break;
		case 'h': fputs(USAGE, stdout); return -1;
		default: fputs(USAGE, stderr); return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fputs(USAGE, stderr);
		return EXIT_USAGE;
	}
	*sub = argv[optind];
	if (strcmp(*sub, "photo") == 0 && !c->output) {
		fprintf(stderr, "mncr: card photo needs -o FILE\n");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int cmd_card(struct cli *cli, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(struct card_cmd *c);
	} subs[] = {
		{ "status", card_status }, { "info", card_info },
		{ "pin-status", card_pin_status }, { "photo", card_photo },
		{ "cert", card_cert }, { "verify", card_verify },
	};
	struct card_cmd c = { .cli = cli, .selector = cli->reader };
	int (*run)(struct card_cmd *c) = NULL;
	const char *sub = NULL;
	int code = parse(&c, argc, argv, &sub), r;

	if (code)
		return code < 0 ? EXIT_OK : code;
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(sub, subs[i].name) == 0)
			run = subs[i].run;
	if (!run) {
		fprintf(stderr, "mncr: card: unknown subcommand '%s'\n", sub);
		fputs(USAGE, stderr);
		return EXIT_USAGE;
	}
	code = resolve_reader(&c);
	if (code)
		return code;
	r = mncr_card_link_open(c.backend, c.serial[0] ? c.serial : NULL, &c.link);
	if (r) {
		if (r == -ENOMEDIUM && cli->json && strcmp(sub, "status") == 0) {
			printf("{\"backend\":\"%s\",\"card_present\":false}\n",
			       mncr_card_backend_name(c.backend));
		}
		return card_fail(&c, "opening the card", r);
	}
	code = run(&c);
	mncr_card_link_close(c.link);
	return code;
}
