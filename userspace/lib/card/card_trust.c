// SPDX-License-Identifier: LGPL-2.1-or-later
#include "card/card_trust.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

struct mncr_cert_store {
	pthread_mutex_t lock;	/* guards the pointer; the store has its own */
	X509_STORE *store;
};

/* why: "trust store: WHAT PATH: reason", OpenSSL's for a file it read. */
static int fail(char *why, size_t why_len, const char *what,
		const char *path, int err)
{
	unsigned long e = err == -EINVAL ? ERR_peek_last_error() : 0;
	const char *reason = e ? ERR_reason_error_string(e) : NULL;

	snprintf(why, why_len, "trust store: %s %s: %s", what, path,
		 reason ? reason : strerror(-err));
	ERR_clear_error();
	return err;
}

/* Every CRL of a PEM file, or the one of a DER file. */
static bool add_crls(X509_STORE *st, const char *path)
{
	X509_LOOKUP *lookup = X509_STORE_add_lookup(st, X509_LOOKUP_file());

	if (!lookup)
		return false;
	if (X509_load_crl_file(lookup, path, X509_FILETYPE_PEM) > 0)
		return true;
	ERR_clear_error();
	return X509_load_crl_file(lookup, path, X509_FILETYPE_ASN1) > 0;
}

static int load(const struct mncr_cert_trust *t, X509_STORE **out, char *why,
		size_t why_len)
{
	X509_STORE *st = X509_STORE_new();
	struct stat sb;
	int r = 0;

	if (!st) {
		snprintf(why, why_len, "trust store: out of memory");
		return -ENOMEM;
	}
	if (t->ca_file && stat(t->ca_file, &sb))
		r = fail(why, why_len, "CA file", t->ca_file, -ENOENT);
	else if (t->ca_dir && stat(t->ca_dir, &sb))
		r = fail(why, why_len, "CA directory", t->ca_dir, -ENOENT);
	else if ((t->ca_file || t->ca_dir) &&
		 !X509_STORE_load_locations(st, t->ca_file, t->ca_dir))
		r = fail(why, why_len, "CA", t->ca_file ? t->ca_file : t->ca_dir,
			 -EINVAL);
	else if (t->crl_file && stat(t->crl_file, &sb))
		r = fail(why, why_len, "CRL", t->crl_file, -ENOENT);
	else if (t->crl_file && !add_crls(st, t->crl_file))
		r = fail(why, why_len, "CRL", t->crl_file, -EINVAL);
	if (r) {
		X509_STORE_free(st);
		return r;
	}
	/* The leaf's revocation is checked; the CA is the trust anchor. */
	if (t->crl_file)
		X509_STORE_set_flags(st, X509_V_FLAG_CRL_CHECK);
	*out = st;
	return 0;
}

int mncr_cert_store_new(const struct mncr_cert_trust *t,
			struct mncr_cert_store **out, char *why,
			size_t why_len)
{
	struct mncr_cert_store *s = calloc(1, sizeof(*s));
	int r;

	if (!s) {
		snprintf(why, why_len, "trust store: out of memory");
		return -ENOMEM;
	}
	r = load(t, &s->store, why, why_len);
	if (r) {
		free(s);
		return r;
	}
	pthread_mutex_init(&s->lock, NULL);
	*out = s;
	return 0;
}

int mncr_cert_store_reload(struct mncr_cert_store *s,
			   const struct mncr_cert_trust *t, char *why,
			   size_t why_len)
{
	X509_STORE *st, *old;
	int r = load(t, &st, why, why_len);

	if (r)
		return r;
	pthread_mutex_lock(&s->lock);
	old = s->store;
	s->store = st;
	pthread_mutex_unlock(&s->lock);
	X509_STORE_free(old);	/* verifications still using it hold a reference */
	return 0;
}

void mncr_cert_store_free(struct mncr_cert_store *s)
{
	if (!s)
		return;
	X509_STORE_free(s->store);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

X509_STORE *mncr_cert_store_get(struct mncr_cert_store *s, bool *crl)
{
	X509_STORE *st;

	pthread_mutex_lock(&s->lock);
	st = s->store;
	if (!X509_STORE_up_ref(st))
		st = NULL;
	pthread_mutex_unlock(&s->lock);
	if (st && crl)
		*crl = X509_VERIFY_PARAM_get_flags(X509_STORE_get0_param(st)) &
		       X509_V_FLAG_CRL_CHECK;
	return st;
}
