// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * End to end: the real mncr-eligd on 127.0.0.1 with a test PKI made by
 * tests/pki/make-pki in a temporary directory, driven by the library's
 * client. Cards: card-pin is a subscriber, card-pinless is not, and the
 * expired and revoked cards must be refused with their codes.
 *
 * The service binary is found next to this test's build directory
 * (build/mncr-eligd) or named by $MNCR_ELIGD.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "elig/elig_client.h"
#include "util/clock_ms.h"
#include "elig/elig_conn.h"
#include "elig/elig_fields.h"
#include "elig/elig_http.h"
#include "elig/elig_message.h"
#include "elig/elig_sig.h"

#define INSTITUTION "1312345678"
#define P 256

struct env {
	char dir[64];
	char pki[96];
	char eligd[PATH_MAX + 32];
	char make_pki[PATH_MAX + 32];
	char port[8];
	char pin_serial[48];
	pid_t pid;
};

/* ---- helpers ---- */

static void at(const struct env *e, char out[P], const char *name)
{
	snprintf(out, P, "%s/%s", e->pki, name);
}

/* Runs argv with output to log (or /dev/null); its exit status or -1. */
static int run(char *const argv[], const char *log)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		int fd = open(log ? log : "/dev/null",
			      O_WRONLY | O_CREAT | O_APPEND, 0600);

		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Walks up from this test's directory to find the binary and make-pki. */
static int locate(struct env *e)
{
	char self[PATH_MAX], *dir;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const char *env = getenv("MNCR_ELIGD");

	if (n < 0)
		return -1;
	self[n] = '\0';
	if (env)
		snprintf(e->eligd, sizeof(e->eligd), "%s", env);
	dir = dirname(self);
	for (; strcmp(dir, "/") != 0; dir = dirname(dir)) {
		char p[PATH_MAX + 32];

		snprintf(p, sizeof(p), "%s/mncr-eligd", dir);
		if (!e->eligd[0] && access(p, X_OK) == 0)
			snprintf(e->eligd, sizeof(e->eligd), "%s", p);
		snprintf(p, sizeof(p), "%s/tests/pki/make-pki", dir);
		if (!e->make_pki[0] && access(p, X_OK) == 0)
			snprintf(e->make_pki, sizeof(e->make_pki), "%s", p);
	}
	if (!e->eligd[0])
		fprintf(stderr, "mncr-eligd not found: make build/mncr-eligd "
			"or set MNCR_ELIGD\n");
	if (!e->make_pki[0])
		fprintf(stderr, "tests/pki/make-pki not found\n");
	return e->eligd[0] && e->make_pki[0] ? 0 : -1;
}

static int cert_serial(const char *pem, char *out, size_t len)
{
	FILE *f = fopen(pem, "r");
	X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	BIGNUM *bn = x ? ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL)
		       : NULL;
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	const char *h = hex;

	while (h && h[0] == '0' && h[1])
		h++;
	if (h)
		snprintf(out, len, "%s", h);
	OPENSSL_free(hex);
	BN_free(bn);
	X509_free(x);
	if (f)
		fclose(f);
	return h ? 0 : -1;
}

static int read_file(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
	FILE *f = fopen(path, "rb");

	if (!f)
		return -1;
	*len = fread(buf, 1, cap, f);
	fclose(f);
	return *len > 0 && *len < cap ? 0 : -1;
}

static int start_service(struct env *e)
{
	char portfile[P], log[P], db[P], cert[P], key[P], ca[P], jpki[P],
	     crl[P], pidfile[P];
	char *argv[] = {
		e->eligd, "--listen", "127.0.0.1:0", "--port-file", portfile,
		"--pidfile", pidfile, "--log", log, "--cert", cert, "--key",
		key, "--client-ca", ca, "--card-ca", jpki, "--crl", crl, "--db",
		db, "--timeout", "1", "--handshake-timeout", "2",
		"--foreground", NULL,
	};

	snprintf(portfile, P, "%s/port", e->dir);
	snprintf(pidfile, P, "%s/pid", e->dir);
	snprintf(log, P, "%s/eligd.log", e->dir);
	snprintf(db, P, "%s/db.sqlite", e->dir);
	at(e, cert, "service.pem");
	at(e, key, "service.key");
	at(e, ca, "site-ca.pem");
	at(e, jpki, "jpki-ca.pem");
	at(e, crl, "jpki-ca.crl.pem");
	e->pid = fork();
	if (e->pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	/* The port file appears, written atomically, once it listens. */
	for (int i = 0; i < 500; i++) {
		FILE *f = fopen(portfile, "r");
		int st;

		if (f) {
			int ok = fscanf(f, "%7s", e->port) == 1;

			fclose(f);
			return ok ? 0 : -1;
		}
		if (waitpid(e->pid, &st, WNOHANG) == e->pid) {
			e->pid = 0;
			return -1;
		}
		usleep(10000);
	}
	return -1;
}

static void cleanup(struct env *e)
{
	char cmd[160];

	if (e->pid > 0) {
		kill(e->pid, SIGKILL);
		waitpid(e->pid, NULL, 0);
		e->pid = 0;
	}
	if (getenv("MNCR_KEEP_TMP") || !e->dir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", e->dir);
}

static int setup(struct env *e);

static int group_setup(void **state)
{
	static struct env e;

	if (setup(&e)) {
		fprintf(stderr, "setup failed (MNCR_KEEP_TMP=1 keeps %s)\n",
			e.dir);
		cleanup(&e);
		return -1;
	}
	*state = &e;
	return 0;
}

static int group_teardown(void **state)
{
	if (*state)
		cleanup(*state);
	return 0;
}

static int setup(struct env *e)
{
	char db[P], pem[P], spec[P], log[P];
	char *mk[] = { e->make_pki, e->pki, NULL };
	char *add[] = { e->eligd, "--db", db, "--init-db", "--add-subscriber",
			spec, NULL };

	snprintf(e->dir, sizeof(e->dir), "/tmp/mncr-elig-XXXXXX");
	if (!mkdtemp(e->dir)) {
		e->dir[0] = '\0';
		return -1;
	}
	if (locate(e))
		return -1;
	snprintf(e->pki, sizeof(e->pki), "%s/pki", e->dir);
	snprintf(db, P, "%s/db.sqlite", e->dir);
	snprintf(log, P, "%s/setup.log", e->dir);
	at(e, pem, "card-pin.pem");
	if (run(mk, log) != 0 ||
	    cert_serial(pem, e->pin_serial, sizeof(e->pin_serial))) {
		fprintf(stderr, "tests/pki/make-pki failed (openssl?)\n");
		return -1;
	}
	snprintf(spec, P, "%s:06139998:記号12:71825364:01:030:ア",
		 e->pin_serial);
	if (run(add, log) != 0) {
		fprintf(stderr, "%s --add-subscriber failed\n", e->eligd);
		return -1;
	}
	if (start_service(e)) {
		fprintf(stderr, "%s did not start\n", e->eligd);
		return -1;
	}
	/*
	 * Before the first client: libcurl reads it once, at its global
	 * initialisation. Every client in this file runs with it set.
	 */
	snprintf(log, P, "%s/keylog", e->dir);
	setenv("SSLKEYLOGFILE", log, 1);
	return 0;
}

struct client_opts {
	const char *ca, *cert, *key;	/* names in the PKI; NULL: none */
	const char *name;		/* server name; NULL: the address */
	const char *port;		/* NULL: the service */
	unsigned int attempts, handshake_ms;
};

static struct mncr_elig_client *client(const struct env *e,
				       const struct client_opts *o)
{
	char ca[P], cert[P], key[P];
	struct mncr_elig_client_config cfg = {
		.host = "127.0.0.1",
		.port = o->port ? o->port : e->port,
		.server_name = o->name,
		.ca_file = ca,
		.cert_file = o->cert ? cert : NULL,
		.key_file = o->key ? key : NULL,
		.connect_timeout_ms = 1000,
		.handshake_timeout_ms = o->handshake_ms ? o->handshake_ms : 2000,
		.io_timeout_ms = 3000,
		.attempts = o->attempts ? o->attempts : 3,
		.backoff_ms = 50,
	};
	struct mncr_elig_error err;
	struct mncr_elig_client *c;

	at(e, ca, o->ca ? o->ca : "site-ca.pem");
	if (o->cert)
		at(e, cert, o->cert);
	if (o->key)
		at(e, key, o->key);
	c = mncr_elig_client_new(&cfg, &err);
	if (!c)
		fail_msg("client: %s", err.message);
	return c;
}

static struct mncr_elig_client *reader(const struct env *e)
{
	struct client_opts o = {
		.cert = "reader.pem", .key = "reader.key", .name = "localhost",
	};

	return client(e, &o);
}

static void request(const struct env *e, struct mncr_elig_request *r,
		    const char *card, enum mncr_elig_method m)
{
	char der[P];

	memset(r, 0, sizeof(*r));
	assert_int_equal(mncr_elig_request_id_new(r->request_id), 0);
	memcpy(r->institution_code, INSTITUTION, sizeof(INSTITUTION));
	r->site = MNCR_ELIG_SITE_CLINIC;
	r->method = m;
	r->operator_attested = m == MNCR_ELIG_METHOD_VISUAL;
	r->consents.medication = true;
	r->consents.clinical = true;
	at(e, der, card);
	assert_int_equal(read_file(der, r->card_cert, sizeof(r->card_cert),
				   &r->card_cert_len), 0);
}

/* What the card does after PIN VERIFY, with the key file standing in. */
static void sign(const struct env *e, struct mncr_elig_request *r,
		 const char *key_name)
{
	uint8_t tbs[MNCR_ELIG_PIN_TBS_MAX];
	int n = mncr_elig_pin_tbs(r, tbs);
	char path[P];
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY *k;
	size_t len = sizeof(r->signature);
	FILE *f;

	at(e, path, key_name);
	f = fopen(path, "r");
	assert_non_null(f);
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(k);
	assert_true(n > 0);
	assert_int_equal(EVP_DigestSignInit_ex(md, NULL, "SHA256", NULL, NULL,
					       k, NULL), 1);
	assert_int_equal(EVP_DigestSign(md, r->signature, &len, tbs,
					(size_t)n), 1);
	r->signature_len = len;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(k);
}

static enum mncr_elig_status qualify(const struct env *e,
				     const struct mncr_elig_request *r,
				     struct mncr_elig_response *resp,
				     struct mncr_elig_error *err)
{
	struct mncr_elig_client *c = reader(e);
	enum mncr_elig_status s = mncr_elig_client_qualify(c, r, resp, err);

	mncr_elig_client_free(c);
	return s;
}

static void expect_refusal(const struct env *e, const char *card,
			   const char *code, int http)
{
	struct mncr_elig_request r;
	struct mncr_elig_response resp;
	struct mncr_elig_error err;

	request(e, &r, card, MNCR_ELIG_METHOD_FACE);
	assert_int_equal(qualify(e, &r, &resp, &err), MNCR_ELIG_REFUSED);
	assert_string_equal(err.code, code);
	assert_string_equal(resp.error.code, code);
	assert_int_equal(err.http_status, http);
	assert_string_equal(resp.request_id, r.request_id);
}

static void pin_request(const struct env *e, struct mncr_elig_request *r)
{
	struct mncr_elig_client *c = reader(e);
	struct mncr_elig_challenge ch;
	struct mncr_elig_error err;

	request(e, r, "card-pin.der", MNCR_ELIG_METHOD_PIN);
	assert_int_equal(mncr_elig_client_challenge(c, &ch, &err),
			 MNCR_ELIG_OK);
	assert_int_equal(ch.expires_in, 60);
	memcpy(r->challenge, ch.nonce, sizeof(r->challenge));
	mncr_elig_client_free(c);
}

/* ---- eligibility ---- */

static void test_face_eligible(void **state)
{
	const struct env *e = *state;
	struct mncr_elig_request r;
	struct mncr_elig_response resp;
	struct mncr_elig_error err;

	request(e, &r, "card-pin.der", MNCR_ELIG_METHOD_FACE);
	assert_int_equal(qualify(e, &r, &resp, &err), MNCR_ELIG_OK);
	assert_true(resp.ok);
	assert_int_equal(err.attempts, 1);
	assert_string_equal(resp.request_id, r.request_id);
	assert_int_equal(resp.q.validity, MNCR_ELIG_VALID);
	assert_string_equal(resp.q.insurer_number, "06139998");
	assert_string_equal(resp.q.symbol, "記号12");
	assert_string_equal(resp.q.number, "71825364");
	assert_string_equal(resp.q.branch, "01");
	assert_string_equal(resp.q.share, "030");
	assert_string_equal(resp.q.limit_class, "ア");
	assert_string_equal(resp.q.institution_code, INSTITUTION);
	assert_int_equal(strlen(resp.q.processed_at), 14);
	assert_memory_equal(resp.q.processed_at, resp.q.confirmation_date, 8);
	assert_true(resp.q.consents.medication && resp.q.consents.clinical);
	assert_false(resp.q.consents.checkup || resp.q.consents.surgery);
	mncr_elig_cleanse(&resp, sizeof(resp));
}

static void test_visual_with_attestation(void **state)
{
	const struct env *e = *state;
	struct mncr_elig_request r;
	struct mncr_elig_response resp;
	struct mncr_elig_error err;

	request(e, &r, "card-pin.der", MNCR_ELIG_METHOD_VISUAL);
	r.site = MNCR_ELIG_SITE_PHARMACY;
	assert_int_equal(qualify(e, &r, &resp, &err), MNCR_ELIG_OK);
	assert_string_equal(resp.q.insurer_number, "06139998");
}

static void test_server_checked_by_address(void **state)
{
	const struct env *e = *state;
	struct client_opts o = { .cert = "reader.pem", .key = "reader.key" };
	struct mncr_elig_client *c = client(e, &o);
	struct mncr_elig_challenge ch;
	struct mncr_elig_error err;

	/* No server name: the certificate's IP:127.0.0.1 must match. */
	assert_int_equal(mncr_elig_client_challenge(c, &ch, &err),
			 MNCR_ELIG_OK);
	mncr_elig_client_free(c);
}

static void test_expired_card(void **state)
{
	expect_refusal(*state, "card-expired.der", "cert_expired", 403);
}

static void test_revoked_card(void **state)
{
	expect_refusal(*state, "card-revoked.der", "cert_revoked", 403);
}

static void test_card_from_other_ca(void **state)
{
	/* The reader's own certificate chains to the site CA, not JPKI. */
	expect_refusal(*state, "reader.der", "cert_untrusted", 403);
}

static void test_unknown_subscriber(void **state)
{
	expect_refusal(*state, "card-pinless.der", "not_found", 404);
}

/*
 * A card certificate from the JPKI CA whose notBefore is no valid time:
 * where it parses (OpenSSL 3.0), it is a card refused as untrusted (and
 * logged), not a malformed request; OpenSSL 3.5 refuses to decode it,
 * and then it is no certificate: a malformed request.
 */
static void test_card_with_bad_validity_field(void **state)
{
	const struct env *e = *state;
	char path[P];
	unsigned char *der = NULL;
	const unsigned char *p;
	EVP_PKEY *ca_key;
	X509 *x, *y;
	FILE *f;
	int n;

	at(e, path, "jpki-ca.key");
	f = fopen(path, "r");
	assert_non_null(f);
	ca_key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	at(e, path, "card-pin.pem");
	f = fopen(path, "r");
	assert_non_null(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(ca_key);
	assert_non_null(x);
	/* A UTCTime without its seconds. */
	assert_true(ASN1_STRING_set(X509_getm_notBefore(x), "2401010000Z", -1));
	assert_true(X509_sign(x, ca_key, EVP_sha256()) > 0);
	n = i2d_X509(x, &der);
	assert_true(n > 0);
	p = der;
	y = d2i_X509(NULL, &p, n);
	at(e, path, "card-badtime.der");
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(der, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	OPENSSL_free(der);
	X509_free(x);
	EVP_PKEY_free(ca_key);
	if (y)
		expect_refusal(e, "card-badtime.der", "cert_untrusted", 403);
	else
		expect_refusal(e, "card-badtime.der", "bad_request", 400);
	X509_free(y);
}

static void test_malformed_card_certificate(void **state)
{
	const struct env *e = *state;
	struct mncr_elig_request r;
	struct mncr_elig_response resp;
	struct mncr_elig_error err;

	request(e, &r, "card-pin.der", MNCR_ELIG_METHOD_FACE);
	r.card_cert_len -= 10;
	assert_int_equal(qualify(e, &r, &resp, &err), MNCR_ELIG_REFUSED);
	assert_string_equal(err.code, "bad_request");
	assert_int_equal(err.http_status, 400);
}

/* ---- PIN mode ---- */

static void test_pin_good_signature(void **state)
{
	const struct env *e = *state;
	struct mncr_elig_request r;
	struct mncr_elig_response resp;
	struct mncr_elig_error err;

	pin_request(e, &r);
	sign(e, &r, "card-pin.key");
	assert_int_equal(qualify(e, &r, &resp, &err), MNCR_ELIG_OK);
	assert_string_equal(resp.q.number, "71825364");
	/* The very same request again (a reader retry): same answer. */
	assert_int_equal(qualify(e, &r, &resp, &err), MNCR_ELIG_OK);
	assert_string_equal(resp.q.number, "71825364");
}

static void test_pin_wrong_key(void **state)
{
	const struct env *e = *state;
	struct mncr_elig_request r;
	struct mncr_elig_response resp;
	struct mncr_elig_error err;

	pin_request(e, &r);
	sign(e, &r, "card-pinless.key");
	assert_int_equal(qualify(e, &r, &resp, &err), MNCR_ELIG_REFUSED);
	assert_string_equal(err.code, "bad_signature");
	assert_int_equal(err.http_status, 403);
}

static void test_pin_altered_signature(void **state)
{
	const struct env *e = *state;
	struct mncr_elig_request r;
	struct mncr_elig_response resp;
	struct mncr_elig_error err;

	pin_request(e, &r);
	sign(e, &r, "card-pin.key");
	r.signature[17] ^= 0x01;
	assert_int_equal(qualify(e, &r, &resp, &err), MNCR_ELIG_REFUSED);
	assert_string_equal(err.code, "bad_signature");
}

static void test_pin_replayed_challenge(void **state)
{
	const struct env *e = *state;
	struct mncr_elig_request r;
	struct mncr_elig_response resp;
	struct mncr_elig_error err;

	pin_request(e, &r);
	sign(e, &r, "card-pin.key");
	assert_int_equal(qualify(e, &r, &resp, &err), MNCR_ELIG_OK);
	/* A new request on the used challenge, correctly signed. */
	assert_int_equal(mncr_elig_request_id_new(r.request_id), 0);
	sign(e, &r, "card-pin.key");
	assert_int_equal(qualify(e, &r, &resp, &err), MNCR_ELIG_REFUSED);
	assert_string_equal(err.code, "bad_signature");
	assert_non_null(strstr(err.message, "already used"));
}

static void test_pin_unissued_challenge(void **state)
{
	const struct env *e = *state;
	struct mncr_elig_request r;
	struct mncr_elig_response resp;
	struct mncr_elig_error err;

	request(e, &r, "card-pin.der", MNCR_ELIG_METHOD_PIN);
	memset(r.challenge, 0x5a, sizeof(r.challenge));
	sign(e, &r, "card-pin.key");
	assert_int_equal(qualify(e, &r, &resp, &err), MNCR_ELIG_REFUSED);
	assert_string_equal(err.code, "bad_signature");
}

static void test_request_id_reused_for_other_request(void **state)
{
	const struct env *e = *state;
	struct mncr_elig_request r;
	struct mncr_elig_response resp;
	struct mncr_elig_error err;

	request(e, &r, "card-pin.der", MNCR_ELIG_METHOD_FACE);
	assert_int_equal(qualify(e, &r, &resp, &err), MNCR_ELIG_OK);
	r.consents.surgery = true;
	assert_int_equal(qualify(e, &r, &resp, &err), MNCR_ELIG_REFUSED);
	assert_string_equal(err.code, "duplicate_request");
	assert_int_equal(err.http_status, 409);
}

static void test_repeat_of_refusal_is_refused_again(void **state)
{
	const struct env *e = *state;
	struct mncr_elig_request r;
	struct mncr_elig_response resp;
	struct mncr_elig_error err;

	request(e, &r, "card-revoked.der", MNCR_ELIG_METHOD_FACE);
	assert_int_equal(qualify(e, &r, &resp, &err), MNCR_ELIG_REFUSED);
	assert_int_equal(qualify(e, &r, &resp, &err), MNCR_ELIG_REFUSED);
	assert_string_equal(err.code, "cert_revoked");
}

/* ---- TLS ---- */

static void expect_tls_failure(const struct env *e, struct client_opts *o,
			       const char *why)
{
	struct mncr_elig_client *c = client(e, o);
	struct mncr_elig_challenge ch;
	struct mncr_elig_error err;

	assert_int_equal(mncr_elig_client_challenge(c, &ch, &err),
			 MNCR_ELIG_TLS);
	/* Certificate failures are final: no second connection. */
	assert_int_equal(err.attempts, 1);
	if (!strstr(err.message, why))
		fail_msg("\"%s\" does not say \"%s\"", err.message, why);
	mncr_elig_client_free(c);
}

static void test_client_without_certificate(void **state)
{
	struct client_opts o = { .name = "localhost" };

	expect_tls_failure(*state, &o, "certificate required");
}

static void test_client_certificate_from_other_ca(void **state)
{
	struct client_opts o = {
		.cert = "card-pinless.pem", .key = "card-pinless.key",
		.name = "localhost",
	};

	expect_tls_failure(*state, &o, "unknown ca");
}

static void test_server_from_untrusted_ca(void **state)
{
	struct client_opts o = {
		.ca = "jpki-ca.pem", .cert = "reader.pem", .key = "reader.key",
		.name = "localhost",
	};

	expect_tls_failure(*state, &o, "certificate verify failed");
}

static void test_server_wrong_name(void **state)
{
	struct client_opts o = {
		.cert = "reader.pem", .key = "reader.key",
		.name = "eligibility.example.jp",
	};

	expect_tls_failure(*state, &o, "hostname mismatch");
}

/* ---- unreachable ---- */

static void test_service_down(void **state)
{
	const struct env *e = *state;
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	char port[8];
	struct client_opts o = {
		.cert = "reader.pem", .key = "reader.key", .name = "localhost",
		.port = port, .attempts = 3,
	};
	struct mncr_elig_client *c;
	struct mncr_elig_challenge ch;
	struct mncr_elig_error err;
	uint64_t t0;

	/* Bound but not listening: refused, and no one else gets the port. */
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &len), 0);
	snprintf(port, sizeof(port), "%d", ntohs(a.sin_port));
	c = client(e, &o);
	t0 = mncr_now_ms();
	assert_int_equal(mncr_elig_client_challenge(c, &ch, &err),
			 MNCR_ELIG_UNREACHABLE);
	assert_int_equal(err.attempts, 3);
	assert_true(mncr_now_ms() - t0 < 2000);
	assert_non_null(strstr(err.message, "refused"));
	mncr_elig_client_free(c);
	close(s);
}

static void test_silent_service(void **state)
{
	const struct env *e = *state;
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	char port[8];
	struct client_opts o = {
		.cert = "reader.pem", .key = "reader.key", .name = "localhost",
		.port = port, .attempts = 2, .handshake_ms = 200,
	};
	struct mncr_elig_client *c;
	struct mncr_elig_challenge ch;
	struct mncr_elig_error err;
	uint64_t t0, took;

	/* Listening, never accepting: TCP connects, TLS never answers. */
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s, 8), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &len), 0);
	snprintf(port, sizeof(port), "%d", ntohs(a.sin_port));
	c = client(e, &o);
	t0 = mncr_now_ms();
	assert_int_equal(mncr_elig_client_challenge(c, &ch, &err),
			 MNCR_ELIG_UNREACHABLE);
	took = mncr_now_ms() - t0;
	assert_int_equal(err.attempts, 2);
	assert_true(took >= 400 && took < 2000);
	assert_non_null(strstr(err.message, "timed out"));
	mncr_elig_client_free(c);
	close(s);
}

/* ---- hostile input: answered or dropped, never fatal ---- */

/* A TCP connection to the service on 127.0.0.1, or -1. */
static int dial_service(const struct env *e)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons((uint16_t)atoi(e->port)),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	/* Non-blocking, as the tests' reads poll. */
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    fcntl(fd, F_SETFL, O_NONBLOCK) == 0)
		return fd;
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Sends raw bytes over TLS as the reader; the HTTP status, or -1. */
static int raw(const struct env *e, const char *data, size_t len,
	       char *body, size_t body_cap)
{
	char cert[P], key[P], ca[P], buf[8192];
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	struct mncr_elig_conn c;
	uint64_t deadline = mncr_now_ms() + 5000;
	size_t got = 0;
	long head = 0;
	int fd, status = -1;

	at(e, cert, "reader.pem");
	at(e, key, "reader.key");
	at(e, ca, "site-ca.pem");
	assert_int_equal(SSL_CTX_use_certificate_file(ctx, cert,
						      SSL_FILETYPE_PEM), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey_file(ctx, key,
						     SSL_FILETYPE_PEM), 1);
	assert_int_equal(SSL_CTX_load_verify_file(ctx, ca), 1);
	fd = dial_service(e);
	assert_true(fd >= 0);
	assert_int_equal(mncr_elig_conn_init(&c, ctx, fd, false), 0);
	assert_int_equal(mncr_elig_conn_handshake(&c, deadline), 0);
	assert_int_equal(mncr_elig_conn_write(&c, data, len, deadline), 0);
	for (;;) {
		long n = mncr_elig_conn_read(&c, buf + got,
					     sizeof(buf) - got - 1, deadline);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	head = mncr_elig_http_head_len(buf, got);
	if (head > 0 && sscanf(buf, "HTTP/1.1 %3d ", &status) == 1) {
		if (body)
			snprintf(body, body_cap, "%s", buf + head);
	}
	mncr_elig_conn_close(&c, 100);
	SSL_CTX_free(ctx);
	return status;
}

static void expect_raw(const struct env *e, const char *data, int status,
		       const char *code)
{
	char body[2048] = "";

	assert_int_equal(raw(e, data, strlen(data), body, sizeof(body)),
			 status);
	if (code && !strstr(body, code))
		fail_msg("%s lacks %s", body, code);
}

#define POST_HEAD "POST /v1/qualification HTTP/1.1\r\nHost: x\r\n" \
		  "Content-Type: application/json\r\n"

static void test_hostile_requests(void **state)
{
	const struct env *e = *state;
	char big[10000];

	expect_raw(e, "HELLO\r\n\r\n", 400, "bad_request");
	expect_raw(e, "GET /v1/challenge HTTP/1.0\r\nHost: x\r\n\r\n", 505,
		   "only HTTP/1.1");
	expect_raw(e, "GET /v1/challenge HTTP/1.1\r\n\r\n", 400,
		   "no Host header");
	expect_raw(e, "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n", 404,
		   "unknown_endpoint");
	expect_raw(e, "GET /v1/qualification HTTP/1.1\r\nHost: x\r\n\r\n",
		   405, "method_not_allowed");
	expect_raw(e, POST_HEAD "Content-Length: 5\r\n\r\n{\"a\":", 400,
		   "bad_request");
	expect_raw(e, POST_HEAD "Content-Length: 2\r\n\r\n[]", 400,
		   "object expected");
	expect_raw(e, POST_HEAD "Content-Length: 99999\r\n\r\n", 413,
		   "too_large");
	/* Too large however many digits, not a bad number. */
	expect_raw(e, POST_HEAD "Content-Length: 10000000\r\n\r\n", 413,
		   "too_large");
	expect_raw(e, POST_HEAD "Content-Length: 123456789012345678901234"
		   "\r\n\r\n", 413, "too_large");
	expect_raw(e, POST_HEAD "Transfer-Encoding: chunked\r\n\r\n", 501,
		   "transfer codings");
	expect_raw(e, POST_HEAD "Content-Length: 2\r\n\r\n{}extra", 400,
		   "bytes after");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "GET /v1/challenge HTTP/1.1\r\nX: ", 31);
	expect_raw(e, big, 431, "too_large");
}

/*
 * The answer's status tells the two apart, not a clock (a loaded machine
 * made a time bound fail): waiting would have given 408 at --timeout.
 */
static void test_bare_lf_refused_at_once(void **state)
{
	/* No CRLF head can follow: 400 now, not 408 at --timeout (1 s). */
	expect_raw(*state, "GET /v1/challenge HTTP/1.1\nHost: x\n\n", 400,
		   "bare CR or LF");
}

static void test_slow_client_times_out(void **state)
{
	/* A head that never ends: the service gives up after --timeout 1. */
	expect_raw(*state, POST_HEAD, 408, "timeout");
}

static void test_plaintext_client(void **state)
{
	const struct env *e = *state;
	static const char req[] = "GET /v1/challenge HTTP/1.1\r\n\r\n";
	char buf[256];
	int fd = dial_service(e);
	ssize_t n;

	assert_true(fd >= 0);
	assert_int_equal(send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL),
			 (ssize_t)sizeof(req) - 1);
	/* The service drops it; it must not answer in clear text. */
	for (int i = 0; i < 300; i++) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			break;
		usleep(10000);
	}
	assert_true(n <= 0 || buf[0] != 'H');
	close(fd);
	/* And it still serves. */
	test_face_eligible(state);
}

/* ---- other servers, a proxy, the environment ---- */

/*
 * A one-connection TLS 1.3 server on 127.0.0.1 with the service's
 * certificate, requiring the reader's: it reads a request head and sends
 * answer, whatever was asked.
 */
struct fake {
	int lfd;
	char port[8];
	SSL_CTX *ctx;
	const char *answer;
	size_t len;
	char request[2048];	/* the head it got */
	pthread_t t;
};

static void *fake_serve(void *arg)
{
	struct fake *f = arg;
	int fd = accept(f->lfd, NULL, NULL);
	SSL *ssl = fd >= 0 ? SSL_new(f->ctx) : NULL;
	size_t got = 0;

	if (ssl && SSL_set_fd(ssl, fd) == 1 && SSL_accept(ssl) == 1) {
		while (got < sizeof(f->request) - 1 &&
		       !strstr(f->request, "\r\n\r\n")) {
			int n = SSL_read(ssl, f->request + got,
					 (int)(sizeof(f->request) - 1 - got));

			if (n <= 0)
				break;
			got += (size_t)n;
			f->request[got] = '\0';
		}
		SSL_write(ssl, f->answer, (int)f->len);
		SSL_shutdown(ssl);
	}
	SSL_free(ssl);
	if (fd >= 0)
		close(fd);
	return NULL;
}

static void fake_start(const struct env *e, struct fake *f,
		       const char *answer, size_t len)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 5 };
	socklen_t alen = sizeof(a);
	char cert[P], key[P], ca[P];

	memset(f, 0, sizeof(*f));
	f->answer = answer;
	f->len = len;
	at(e, cert, "service.pem");
	at(e, key, "service.key");
	at(e, ca, "site-ca.pem");
	f->ctx = SSL_CTX_new(TLS_server_method());
	assert_non_null(f->ctx);
	assert_int_equal(SSL_CTX_set_min_proto_version(f->ctx,
						       TLS1_3_VERSION), 1);
	assert_int_equal(SSL_CTX_use_certificate_chain_file(f->ctx, cert), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey_file(f->ctx, key,
						     SSL_FILETYPE_PEM), 1);
	assert_int_equal(SSL_CTX_load_verify_file(f->ctx, ca), 1);
	SSL_CTX_set_verify(f->ctx, SSL_VERIFY_PEER |
			   SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	f->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* accept() and reads give up after 5 s should the client not come. */
	assert_int_equal(setsockopt(f->lfd, SOL_SOCKET, SO_RCVTIMEO, &tv,
				    sizeof(tv)), 0);
	assert_int_equal(bind(f->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(f->lfd, 4), 0);
	assert_int_equal(getsockname(f->lfd, (struct sockaddr *)&a, &alen), 0);
	snprintf(f->port, sizeof(f->port), "%d", ntohs(a.sin_port));
	assert_int_equal(pthread_create(&f->t, NULL, fake_serve, f), 0);
}

static void fake_stop(struct fake *f)
{
	pthread_join(f->t, NULL);
	close(f->lfd);
	SSL_CTX_free(f->ctx);
}

#define CHUNKED_HEAD "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" \
		     "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"

/* head, then body in chunks of at most step bytes, then the last chunk. */
static size_t chunked(char *out, size_t cap, const char *body, size_t len,
		      size_t step)
{
	size_t n = (size_t)snprintf(out, cap, CHUNKED_HEAD);

	for (size_t i = 0; i < len; i += step) {
		size_t k = len - i < step ? len - i : step;

		n += (size_t)snprintf(out + n, cap - n, "%zx\r\n", k);
		assert_true(n + k + 2 < cap);
		memcpy(out + n, body + i, k);
		memcpy(out + n + k, "\r\n", 2);
		n += k + 2;
	}
	n += (size_t)snprintf(out + n, cap - n, "0\r\n\r\n");
	assert_true(n < cap);
	return n;
}

/* A reader's client for the fake server on port. */
static struct mncr_elig_client *fake_reader(const struct env *e,
					    const char *port)
{
	struct client_opts o = {
		.cert = "reader.pem", .key = "reader.key", .name = "localhost",
		.port = port, .attempts = 1,
	};

	return client(e, &o);
}

static void test_chunked_answer(void **state)
{
	const struct env *e = *state;
	struct mncr_elig_challenge sent = { .expires_in = 42 }, got;
	struct mncr_elig_error err;
	struct mncr_elig_client *c;
	static char answer[4096];
	char body[256];
	size_t len;
	struct fake f;

	for (size_t i = 0; i < sizeof(sent.nonce); i++)
		sent.nonce[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(mncr_elig_challenge_encode(&sent, body, sizeof(body),
						    &len), 0);
	/* Chunks of 5 bytes: every JSON token is split somewhere. */
	fake_start(e, &f, answer, chunked(answer, sizeof(answer), body, len,
					  5));
	c = fake_reader(e, f.port);
	assert_int_equal(mncr_elig_client_challenge(c, &got, &err),
			 MNCR_ELIG_OK);
	mncr_elig_client_free(c);
	fake_stop(&f);
	assert_memory_equal(got.nonce, sent.nonce, sizeof(sent.nonce));
	assert_int_equal(got.expires_in, 42);
	assert_non_null(strstr(f.request, "GET /v1/challenge HTTP/1.1\r\n"));
	assert_non_null(strstr(f.request, "\r\nConnection: close\r\n"));
}

/* A chunked answer that breaks off or is malformed: its client's verdict. */
static void expect_broken_chunks(const struct env *e, const char *tail,
				 enum mncr_elig_status want, const char *says)
{
	struct mncr_elig_challenge got;
	struct mncr_elig_error err;
	struct mncr_elig_client *c;
	static char answer[512];
	struct fake f;
	int n = snprintf(answer, sizeof(answer), CHUNKED_HEAD "%s", tail);

	fake_start(e, &f, answer, (size_t)n);
	c = fake_reader(e, f.port);
	assert_int_equal(mncr_elig_client_challenge(c, &got, &err), want);
	mncr_elig_client_free(c);
	fake_stop(&f);
	if (!strstr(err.message, says))
		fail_msg("\"%s\" does not say \"%s\"", err.message, says);
}

static void test_broken_chunks(void **state)
{
	const struct env *e = *state;

	/* not a hexadecimal size: the answer is wrong, not lost */
	expect_broken_chunks(e, "zz\r\n{}\r\n0\r\n\r\n",
			     MNCR_ELIG_PROTOCOL, "chunk");
	/* cut inside a chunk: sent, then lost, outcome unknown */
	expect_broken_chunks(e, "40\r\n{\"nonce\":", MNCR_ELIG_INTERRUPTED,
			     "");
}

/* An answer from the fake server, expected to fail as too large. */
static void expect_too_large(const struct env *e, const char *answer,
			     size_t len)
{
	struct mncr_elig_challenge got;
	struct mncr_elig_error err;
	struct mncr_elig_client *c;
	struct fake f;

	fake_start(e, &f, answer, len);
	c = fake_reader(e, f.port);
	assert_int_equal(mncr_elig_client_challenge(c, &got, &err),
			 MNCR_ELIG_PROTOCOL);
	mncr_elig_client_free(c);
	fake_stop(&f);
	if (!strstr(err.message, "too large"))
		fail_msg("\"%s\" does not say \"too large\"", err.message);
}

static void test_answer_over_the_limit(void **state)
{
	const struct env *e = *state;
	static char body[MNCR_ELIG_BODY_MAX + 1], answer[2 * sizeof(body)];
	size_t n;

	/* One byte over the body limit, chunked: caught while it arrives. */
	memset(body, ' ', sizeof(body));
	body[0] = '{';
	body[sizeof(body) - 1] = '}';
	expect_too_large(e, answer, chunked(answer, sizeof(answer), body,
					    sizeof(body), 4000));
	/* The same announced by Content-Length. */
	n = (size_t)snprintf(answer, sizeof(answer), "HTTP/1.1 200 OK\r\n"
			     "Content-Type: application/json\r\n"
			     "Content-Length: %zu\r\n\r\n", sizeof(body));
	memcpy(answer + n, body, sizeof(body));
	expect_too_large(e, answer, n + sizeof(body));
}

/* A free TCP port on 127.0.0.1 (free a moment ago). */
static void free_port(char port[8])
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &len), 0);
	snprintf(port, 8, "%d", ntohs(a.sin_port));
	close(s);
}

/* Starts tinyproxy on 127.0.0.1:port, allowing CONNECT to target only. */
static pid_t start_tinyproxy(const struct env *e, const char *port,
			     const char *target, const char *log)
{
	char conf[P], *argv[] = { "/usr/bin/tinyproxy", "-d", "-c", conf,
				  NULL };
	FILE *f;
	pid_t pid;

	snprintf(conf, P, "%s/tinyproxy.conf", e->dir);
	f = fopen(conf, "w");
	assert_non_null(f);
	fprintf(f, "Port %s\nListen 127.0.0.1\nTimeout 10\nLogFile \"%s\"\n"
		"LogLevel Connect\nMaxClients 8\nAllow 127.0.0.1\n"
		"ConnectPort %s\n", port, log, target);
	fclose(f);
	pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	assert_true(pid > 0);
	/* Ready once it accepts. */
	for (int i = 0; i < 500; i++) {
		struct sockaddr_in a = {
			.sin_family = AF_INET,
			.sin_port = htons((uint16_t)atoi(port)),
			.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
		};
		int s = socket(AF_INET, SOCK_STREAM, 0);
		int ok = connect(s, (struct sockaddr *)&a, sizeof(a)) == 0;

		close(s);
		if (ok)
			return pid;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	fail_msg("tinyproxy did not start");
	return -1;
}

/* Lines of the file at path that contain both a and b. */
static int lines_with(const char *path, const char *a, const char *b)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, a) && strstr(line, b);
	if (f)
		fclose(f);
	return n;
}

static void test_through_proxy(void **state)
{
	const struct env *e = *state;
	struct mncr_elig_request r;
	struct mncr_elig_response resp;
	struct mncr_elig_challenge ch;
	struct mncr_elig_error err;
	struct mncr_elig_client *c;
	char pport[8], proxy[64], log[P], target[32];
	char ca[P], cert[P], key[P];
	struct mncr_elig_client_config cfg = {
		.host = "127.0.0.1", .port = e->port,
		.server_name = "localhost", .ca_file = ca, .cert_file = cert,
		.key_file = key, .proxy = proxy, .attempts = 1,
	};
	pid_t pid;

	if (access("/usr/bin/tinyproxy", X_OK) != 0)
		skip();	/* scripts/install-deps installs it */
	at(e, ca, "site-ca.pem");
	at(e, cert, "reader.pem");
	at(e, key, "reader.key");
	free_port(pport);
	snprintf(proxy, sizeof(proxy), "http://127.0.0.1:%s", pport);
	snprintf(log, P, "%s/tinyproxy.log", e->dir);
	snprintf(target, sizeof(target), "CONNECT 127.0.0.1:%s ", e->port);
	pid = start_tinyproxy(e, pport, e->port, log);
	request(e, &r, "card-pin.der", MNCR_ELIG_METHOD_FACE);
	c = mncr_elig_client_new(&cfg, &err);
	assert_non_null(c);
	assert_int_equal(mncr_elig_client_qualify(c, &r, &resp, &err),
			 MNCR_ELIG_OK);
	assert_string_equal(resp.q.insurer_number, "06139998");
	mncr_elig_cleanse(&resp, sizeof(resp));
	/* The proxy saw the tunnel to the service, once. */
	assert_int_equal(lines_with(log, "Request", target), 1);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	/* Proxy gone: unreachable, though the service itself is up. */
	assert_int_equal(mncr_elig_client_challenge(c, &ch, &err),
			 MNCR_ELIG_UNREACHABLE);
	mncr_elig_client_free(c);
}

static void test_bad_proxy_setting(void **state)
{
	const struct env *e = *state;
	char ca[P];
	struct mncr_elig_client_config cfg = {
		.host = "127.0.0.1", .port = e->port, .ca_file = ca,
		.proxy = "socks5://127.0.0.1:1080",
	};
	struct mncr_elig_error err;

	at(e, ca, "site-ca.pem");
	assert_null(mncr_elig_client_new(&cfg, &err));
	assert_int_equal(err.status, MNCR_ELIG_LOCAL);
	cfg.proxy = "http://127.0.0.1:3128/\r\nX: y";
	assert_null(mncr_elig_client_new(&cfg, &err));
}

static const char *const proxy_vars[] = {
	"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
};

static void test_proxy_environment_ignored(void **state)
{
	const struct env *e = *state;
	struct mncr_elig_client *c = reader(e);
	struct mncr_elig_challenge ch;
	struct mncr_elig_error err;
	enum mncr_elig_status s;

	/* Port 9 on loopback: nothing listens, a proxy there fails. */
	for (size_t i = 0; i < sizeof(proxy_vars) / sizeof(*proxy_vars); i++)
		setenv(proxy_vars[i], "http://127.0.0.1:9", 1);
	s = mncr_elig_client_challenge(c, &ch, &err);
	for (size_t i = 0; i < sizeof(proxy_vars) / sizeof(*proxy_vars); i++)
		unsetenv(proxy_vars[i]);
	mncr_elig_client_free(c);
	if (s != MNCR_ELIG_OK)
		fail_msg("%s: %s", mncr_elig_status_name(s), err.message);
}

static void test_no_default_trust_store(void **state)
{
	const struct env *e = *state;
	struct client_opts o = {
		.ca = "jpki-ca.pem", .cert = "reader.pem", .key = "reader.key",
		.name = "localhost",
	};
	char site_ca[P];

	/*
	 * OpenSSL's and curl's default locations point at the CA that did
	 * sign the service: only a client that loads them would succeed.
	 */
	at(e, site_ca, "site-ca.pem");
	setenv("SSL_CERT_FILE", site_ca, 1);
	setenv("SSL_CERT_DIR", e->pki, 1);
	setenv("CURL_CA_BUNDLE", site_ca, 1);
	expect_tls_failure(e, &o, "certificate verify failed");
	unsetenv("SSL_CERT_FILE");
	unsetenv("SSL_CERT_DIR");
	unsetenv("CURL_CA_BUNDLE");
}

/* Session keys in a file would let anyone read the traffic. */
static void test_no_tls_key_log(void **state)
{
	const struct env *e = *state;
	struct mncr_elig_client *c = reader(e);
	struct mncr_elig_challenge ch;
	struct mncr_elig_error err;
	char path[P];
	struct stat st;

	assert_int_equal(mncr_elig_client_challenge(c, &ch, &err),
			 MNCR_ELIG_OK);
	mncr_elig_client_free(c);
	snprintf(path, P, "%s/keylog", e->dir);
	assert_string_equal(getenv("SSLKEYLOGFILE"), path);
	/* libcurl may create it empty; no line may be in it. */
	if (stat(path, &st) == 0)
		assert_int_equal(st.st_size, 0);
	else
		assert_int_equal(errno, ENOENT);
}

/* ---- several readers at once ---- */

static void *concurrent_one(void *arg)
{
	const struct env *e = arg;
	struct mncr_elig_request r;
	struct mncr_elig_response resp;
	struct mncr_elig_error err;

	request(e, &r, "card-pin.der", MNCR_ELIG_METHOD_FACE);
	return (void *)(intptr_t)(qualify(e, &r, &resp, &err) == MNCR_ELIG_OK &&
				  strcmp(resp.q.insurer_number, "06139998") ==
				  0);
}

static void test_concurrent_readers(void **state)
{
	pthread_t t[8];
	void *ok;

	for (int i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&t[i], NULL, concurrent_one,
						*state), 0);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(pthread_join(t[i], &ok), 0);
		assert_true(ok != NULL);
	}
}

/* ---- the log, then a clean stop ---- */

static void test_log_has_no_patient_data(void **state)
{
	const struct env *e = *state;
	char path[P], line[1024];
	FILE *f;
	int lines = 0;

	snprintf(path, P, "%s/eligd.log", e->dir);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		lines++;
		if (strstr(line, "06139998") || strstr(line, "71825364") ||
		    strstr(line, "記号"))
			fail_msg("log line has insurance data: %s", line);
	}
	fclose(f);
	assert_true(lines > 10);
}

static void test_sigterm_stops_cleanly(void **state)
{
	struct env *e = *state;
	char pidfile[P];
	int st = -1, i;
	long pid = 0;
	FILE *f;

	snprintf(pidfile, P, "%s/pid", e->dir);
	f = fopen(pidfile, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%ld", &pid), 1);
	fclose(f);
	assert_int_equal(pid, e->pid);
	assert_int_equal(kill(e->pid, SIGTERM), 0);
	for (i = 0; i < 300; i++) {
		if (waitpid(e->pid, &st, WNOHANG) == e->pid)
			break;
		usleep(10000);
	}
	assert_true(i < 300);
	e->pid = 0;
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(access(pidfile, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_face_eligible),
		cmocka_unit_test(test_visual_with_attestation),
		cmocka_unit_test(test_server_checked_by_address),
		cmocka_unit_test(test_expired_card),
		cmocka_unit_test(test_revoked_card),
		cmocka_unit_test(test_card_from_other_ca),
		cmocka_unit_test(test_unknown_subscriber),
		cmocka_unit_test(test_card_with_bad_validity_field),
		cmocka_unit_test(test_malformed_card_certificate),
		cmocka_unit_test(test_pin_good_signature),
		cmocka_unit_test(test_pin_wrong_key),
		cmocka_unit_test(test_pin_altered_signature),
		cmocka_unit_test(test_pin_replayed_challenge),
		cmocka_unit_test(test_pin_unissued_challenge),
		cmocka_unit_test(test_request_id_reused_for_other_request),
		cmocka_unit_test(test_repeat_of_refusal_is_refused_again),
		cmocka_unit_test(test_client_without_certificate),
		cmocka_unit_test(test_client_certificate_from_other_ca),
		cmocka_unit_test(test_server_from_untrusted_ca),
		cmocka_unit_test(test_server_wrong_name),
		cmocka_unit_test(test_service_down),
		cmocka_unit_test(test_silent_service),
		cmocka_unit_test(test_hostile_requests),
		cmocka_unit_test(test_bare_lf_refused_at_once),
		cmocka_unit_test(test_slow_client_times_out),
		cmocka_unit_test(test_plaintext_client),
		cmocka_unit_test(test_chunked_answer),
		cmocka_unit_test(test_broken_chunks),
		cmocka_unit_test(test_answer_over_the_limit),
		cmocka_unit_test(test_through_proxy),
		cmocka_unit_test(test_bad_proxy_setting),
		cmocka_unit_test(test_proxy_environment_ignored),
		cmocka_unit_test(test_no_default_trust_store),
		cmocka_unit_test(test_no_tls_key_log),
		cmocka_unit_test(test_concurrent_readers),
		cmocka_unit_test(test_log_has_no_patient_data),
		cmocka_unit_test(test_sigterm_stops_cleanly),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
