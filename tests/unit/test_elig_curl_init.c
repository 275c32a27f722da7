// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The eligibility client and libcurl's global state: initialised once
 * per process whatever the number of clients and threads, and never torn
 * down (curl_global_cleanup() under another thread's client is undefined).
 * This test's own curl_global_init and curl_global_cleanup stand in front
 * of libcurl's, count the calls and pass them on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "elig/elig_client.h"

#define THREADS 8
#define ROUNDS 4

static atomic_int inits, cleanups;

CURLcode curl_global_init(long flags)
{
	CURLcode (*real)(long) = (CURLcode (*)(long))dlsym(RTLD_NEXT,
							     "curl_global_init");

	atomic_fetch_add(&inits, 1);
	return real ? real(flags) : CURLE_FAILED_INIT;
}

void curl_global_cleanup(void)
{
	void (*real)(void) = (void (*)(void))dlsym(RTLD_NEXT,
						   "curl_global_cleanup");

	atomic_fetch_add(&cleanups, 1);
	if (real)
		real();
}

/* A self-signed CA in a temporary file: the client checks it loads. */
static void write_ca(char *path)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	assert_non_null(k);
	assert_non_null(x);
	assert_non_null(f);
	assert_true(ASN1_INTEGER_set(X509_get_serialNumber(x), 1));
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), 0));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), 3600));
	assert_true(X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN",
					       MBSTRING_ASC,
					       (const unsigned char *)"ca", -1,
					       -1, 0));
	assert_true(X509_set_issuer_name(x, X509_get_subject_name(x)));
	assert_true(X509_set_pubkey(x, k));
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	assert_true(PEM_write_X509(f, x));
	fclose(f);
	X509_free(x);
	EVP_PKEY_free(k);
}

static void *clients(void *arg)
{
	struct mncr_elig_client_config cfg = {
		.host = "127.0.0.1", .port = "9", .ca_file = arg,
	};
	struct mncr_elig_error err;
	intptr_t made = 0;

	for (int i = 0; i < ROUNDS; i++) {
		struct mncr_elig_client *c = mncr_elig_client_new(&cfg, &err);

		made += c != NULL;
		mncr_elig_client_free(c);
	}
	return (void *)made;
}

static void test_global_init_once(void **state)
{
	char ca[] = "/tmp/mncr-curl-init-XXXXXX";
	pthread_t t[THREADS];
	void *made;

	(void)state;
	write_ca(ca);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, clients, ca), 0);
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], &made), 0);
		assert_int_equal((intptr_t)made, ROUNDS);
	}
	/* And one more after every client is gone. */
	assert_int_equal((intptr_t)clients(ca), ROUNDS);
	unlink(ca);
	assert_int_equal(atomic_load(&inits), 1);
	assert_int_equal(atomic_load(&cleanups), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_global_init_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
