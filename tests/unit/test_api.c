// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libmncr's public API without a device: the version against its macros,
 * bad arguments refused with -EINVAL, the defaults, the names, and
 * mncr_qualify_cancel() stopping a run before it touches the reader (also
 * from a signal handler), once. A handle on no reader (api/api_device.h,
 * fd -1) stands in for mncr_reader_open(); the flow's own stop between
 * steps is test_flow_session's. The eligibility client reads its CA when
 * made: a self-signed one is written for it.
 */
#include <mncr/mncr.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "api/api_device.h"

static int ui_choose(void *ctx, const struct mncr_qualify_prompt *p,
		     unsigned int *choice)
{
	(void)ctx;
	(void)p;
	(void)choice;
	return -ECANCELED;
}

static int ui_pin(void *ctx, const struct mncr_qualify_prompt *p, char *buf,
		  size_t cap, size_t *len)
{
	(void)ctx;
	(void)p;
	(void)buf;
	(void)cap;
	(void)len;
	return -ECANCELED;
}

static int ui_attest(void *ctx, const struct mncr_qualify_prompt *p,
		     struct mncr_qualify_attestation *a)
{
	(void)ctx;
	(void)p;
	(void)a;
	return -ECANCELED;
}

static int ui_consent(void *ctx, const struct mncr_qualify_prompt *p,
		      enum mncr_qualify_consent c, bool *yes)
{
	(void)ctx;
	(void)p;
	(void)c;
	(void)yes;
	return -ECANCELED;
}

static const struct mncr_qualify_ui ui = {
	.size = sizeof(ui),
	.choose = ui_choose,
	.pin_entry = ui_pin,
	.attest = ui_attest,
	.consent = ui_consent,
};

static char ca_path[] = "/tmp/mncr-api-ca-XXXXXX";

/* A self-signed P-256 certificate for the client's CA file. */
static int write_ca(void **state)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *n = X509_get_subject_name(x);
	int fd = mkstemp(ca_path);
	FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
	int ok;

	(void)state;
	ok = key && x && fp &&
	     X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
					(const unsigned char *)"test CA", -1, -1, 0) &&
	     X509_set_issuer_name(x, n) && X509_set_pubkey(x, key) &&
	     X509_gmtime_adj(X509_getm_notBefore(x), 0) &&
	     X509_gmtime_adj(X509_getm_notAfter(x), 3600) &&
	     X509_sign(x, key, EVP_sha256()) && PEM_write_X509(fp, x);
	if (fp)
		fclose(fp);
	X509_free(x);
	EVP_PKEY_free(key);
	return ok ? 0 : -1;
}

static int remove_ca(void **state)
{
	(void)state;
	unlink(ca_path);
	return 0;
}

/* A complete configuration; the service is never dialled here. */
static void config(struct mncr_qualify_config *c)
{
	mncr_qualify_config_init(c);
	c->audit_log = "/nonexistent/audit.log";
	c->service_host = "127.0.0.1";
	c->service_port = "1";
	c->service_ca = ca_path;
}

static void test_version(void **state)
{
	char want[32];

	(void)state;
	snprintf(want, sizeof(want), "%d.%d.%d", MNCR_VERSION_MAJOR,
		 MNCR_VERSION_MINOR, MNCR_VERSION_MICRO);
	assert_string_equal(mncr_version(), want);
}

static void test_defaults_and_names(void **state)
{
	struct mncr_qualify_config c;

	(void)state;
	mncr_qualify_config_init(&c);
	assert_int_equal(c.size, sizeof(c));
	assert_int_equal(c.site, MNCR_QUALIFY_SITE_CLINIC);
	assert_int_equal(c.face_max, 3);
	assert_int_equal(c.query_retries, 2);
	assert_string_equal(c.claim_dir, ".");
	assert_null(c.audit_log);
	assert_string_equal(mncr_qualify_option_name(MNCR_QUALIFY_OPT_PIN), "pin");
	assert_string_equal(mncr_qualify_option_name(MNCR_QUALIFY_OPT_VISUAL), "visual");
	assert_string_equal(mncr_qualify_consent_name(MNCR_QUALIFY_CONSENT_SURGERY), "surgery");
	assert_true(mncr_qualify_operator_valid("nurse01"));
	assert_false(mncr_qualify_operator_valid("nurse 01"));
	assert_false(mncr_qualify_operator_valid(""));
	assert_false(mncr_qualify_operator_valid(NULL));
}

/*
 * Every structure that crosses the boundary starts with its size and
 * ends in reserved space (Documentation/libmncr.rst): a later library
 * adds fields at the end.
 */
#define BOUNDARY(type) \
	do { \
		assert_int_equal(offsetof(type, size), 0); \
		assert_true(sizeof(((type *)0)->reserved) >= 16); \
		assert_true(sizeof(type) - offsetof(type, reserved) - \
			    sizeof(((type *)0)->reserved) < _Alignof(type)); \
	} while (0)

static void test_boundary_structs(void **state)
{
	(void)state;
	BOUNDARY(struct mncr_qualify_config);
	BOUNDARY(struct mncr_qualify_ui);
	BOUNDARY(struct mncr_qualify_outcome);
	BOUNDARY(struct mncr_qualify_prompt);
	BOUNDARY(struct mncr_qualify_attestation);
}

static void test_new_einval(void **state)
{
	struct mncr_qualify_config c;
	struct mncr_qualify_ui u = ui;
	struct mncr_qualify *q = (struct mncr_qualify *)&u;
	char why[128];

	(void)state;
	config(&c);
	assert_int_equal(mncr_qualify_new(&c, &ui, NULL, why, sizeof(why)), -EINVAL);
	assert_int_equal(mncr_qualify_new(NULL, &ui, &q, why, sizeof(why)), -EINVAL);
	assert_null(q);
	assert_int_equal(mncr_qualify_new(&c, NULL, &q, NULL, 0), -EINVAL);
	c.size = sizeof(c) - 1;
	assert_int_equal(mncr_qualify_new(&c, &ui, &q, why, sizeof(why)), -EINVAL);
	config(&c);
	u.consent = NULL;
	assert_int_equal(mncr_qualify_new(&c, &u, &q, why, sizeof(why)), -EINVAL);
	c.audit_log = NULL;
	assert_int_equal(mncr_qualify_new(&c, &ui, &q, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "no audit log");
	config(&c);
	c.operator_id = "no spaces";
	assert_int_equal(mncr_qualify_new(&c, &ui, &q, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "operator id"));
	config(&c);
	c.service_port = NULL;
	assert_int_equal(mncr_qualify_new(&c, &ui, &q, why, sizeof(why)), -EINVAL);
	config(&c);
	c.service_port = "https";	/* numeric only */
	assert_int_equal(mncr_qualify_new(&c, &ui, &q, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "eligibility client"));
	assert_null(q);
	config(&c);
	assert_int_equal(mncr_qualify_new(&c, &ui, &q, why, sizeof(why)), 0);
	assert_non_null(q);
	mncr_qualify_free(q);
	mncr_qualify_free(NULL);
}

/* Refused by mncr_qualify_new(), with the reason, or taken. */
static void refused(const struct mncr_qualify_config *c, const char *why_part)
{
	struct mncr_qualify *q = NULL;
	char why[128];

	assert_int_equal(mncr_qualify_new(c, &ui, &q, why, sizeof(why)), -EINVAL);
	assert_null(q);
	assert_non_null(strstr(why, why_part));
}

static void taken(const struct mncr_qualify_config *c)
{
	struct mncr_qualify *q = NULL;
	char why[128];

	assert_int_equal(mncr_qualify_new(c, &ui, &q, why, sizeof(why)), 0);
	assert_non_null(q);
	mncr_qualify_free(q);
}

/*
 * The 申立書 goes to DIR/claim-SESSION.json, SESSION up to 64 bytes, in
 * the outcome's 512-byte claim_json: a folder path of 435 bytes fits.
 */
static void test_new_claim_dir(void **state)
{
	struct mncr_qualify_config c;
	char dir[437];

	(void)state;
	config(&c);
	memset(dir, 'd', sizeof(dir) - 1);
	dir[sizeof(dir) - 1] = '\0';
	c.claim_dir = dir;
	refused(&c, "claim folder");
	dir[435] = '\0';
	taken(&c);
	c.claim_dir = "";
	refused(&c, "claim folder");
	c.claim_dir = NULL;
	refused(&c, "claim folder");
}

/* What the request would refuse at every run is refused now. */
static void test_new_ranges(void **state)
{
	struct mncr_qualify_config c;

	(void)state;
	config(&c);
	c.face_max = 0;
	refused(&c, "face_max");
	c.face_max = 11;
	refused(&c, "face_max");
	c.face_max = 10;
	taken(&c);
	config(&c);
	c.query_retries = 11;
	refused(&c, "query_retries");
	c.query_retries = 0;
	taken(&c);
	config(&c);
	c.site = (enum mncr_qualify_site)2;
	refused(&c, "site");
	c.site = MNCR_QUALIFY_SITE_PHARMACY;
	taken(&c);
	config(&c);
	c.institution = "131234567";
	refused(&c, "institution");
	c.institution = "13123456789";
	refused(&c, "institution");
	c.institution = "13123456a8";
	refused(&c, "institution");
	c.institution = NULL;
	refused(&c, "institution");
	config(&c);
	c.n_frames = 1;
	refused(&c, "frames");
	config(&c);
	c.models = NULL;
	refused(&c, "models");
}

static void test_reader_einval(void **state)
{
	struct mncr_device dev = { .fd = -1, .writable = false };
	struct mncr_reader_status st = { .size = 8 };

	(void)state;
	assert_int_equal(mncr_reader_open(NULL, false, NULL), -EINVAL);
	assert_int_equal(mncr_reader_get_status(NULL, &st), -EINVAL);
	assert_int_equal(mncr_reader_get_status(&dev, NULL), -EINVAL);
	/* Smaller than the first version's struct. */
	assert_int_equal(mncr_reader_get_status(&dev, &st), -EINVAL);
	assert_int_equal(mncr_reader_set_mode(NULL, MNCR_READER_MODE_AUTO), -EINVAL);
	assert_int_equal(mncr_reader_set_mode(&dev, (enum mncr_reader_mode)7), -EINVAL);
	assert_int_equal(mncr_reader_set_mode(&dev, MNCR_READER_MODE_VISUAL), -EBADF);
	assert_int_equal(mncr_reader_wait_card(NULL, 0), -EINVAL);
	assert_int_equal(mncr_reader_wait_removal(NULL, 0), -EINVAL);
	mncr_reader_close(NULL);
}

static struct mncr_qualify *signalled;

static void on_usr1(int sig)
{
	(void)sig;
	mncr_qualify_cancel(signalled);
}

/*
 * A cancel before the run stops it before the reader is touched (fd -1
 * would fail otherwise), and only that run: the next one goes on to the
 * reader (here: refused, not writable).
 */
static void test_cancel(void **state)
{
	struct mncr_device dev = { .fd = -1, .writable = true };
	struct mncr_device ro = { .fd = -1, .writable = false };
	struct mncr_qualify_outcome out = { .size = sizeof(out) };
	struct mncr_qualify_config c;
	struct mncr_qualify *q;

	(void)state;
	config(&c);
	assert_int_equal(mncr_qualify_new(&c, &ui, &q, NULL, 0), 0);
	assert_int_equal(mncr_qualify_run(NULL, &dev, &out), -EINVAL);
	assert_int_equal(mncr_qualify_run(q, NULL, &out), -EINVAL);
	assert_int_equal(mncr_qualify_run(q, &dev, NULL), -EINVAL);
	out.size = 0;
	assert_int_equal(mncr_qualify_run(q, &dev, &out), -EINVAL);

	out.size = sizeof(out);
	mncr_qualify_cancel(q);
	assert_int_equal(mncr_qualify_run(q, &dev, &out), -ECANCELED);
	assert_false(out.started);
	assert_false(out.card_opened);
	assert_int_equal(out.result, MNCR_QUALIFY_NONE);
	assert_int_equal(out.err, -ECANCELED);
	assert_int_equal(out.mode_after, -1);

	assert_int_equal(mncr_qualify_run(q, &ro, &out), -EBADF);

	signalled = q;
	signal(SIGUSR1, on_usr1);
	raise(SIGUSR1);
	assert_int_equal(mncr_qualify_run(q, &dev, &out), -ECANCELED);
	signal(SIGUSR1, SIG_DFL);
	mncr_qualify_cancel(NULL);
	mncr_qualify_free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_defaults_and_names),
		cmocka_unit_test(test_boundary_structs),
		cmocka_unit_test(test_new_einval),
		cmocka_unit_test(test_new_claim_dir),
		cmocka_unit_test(test_new_ranges),
		cmocka_unit_test(test_reader_einval),
		cmocka_unit_test(test_cancel),
	};

	return cmocka_run_group_tests(tests, write_ca, remove_ca);
}
