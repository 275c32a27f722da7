/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The trust store card certificates are checked against: CA certificates
 * (a PEM file and/or a c_rehash'd directory) and the CRLs of their cards.
 * A long-running verifier (the eligibility service) reloads it, on SIGHUP,
 * while other threads verify: each verification takes its own reference
 * to the store it began with, so a reload never pulls it from under them,
 * and a reload that fails keeps the store in force.
 */
#ifndef MNCR_CARD_TRUST_H
#define MNCR_CARD_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <openssl/types.h>

struct mncr_cert_trust {
	const char *ca_file;	/* PEM CA certificates; NULL: none */
	const char *ca_dir;	/* c_rehash'd directory; NULL: none */
	const char *crl_file;	/* PEM (all its CRLs) or DER, for the leaf; NULL: none */
	time_t at;		/* check time; 0: now (not part of the store) */
};

struct mncr_cert_store;

/*
 * Loads t's files into a new store: 0, or -ENOENT (a file is missing),
 * -EINVAL (unreadable, or no certificate / no CRL in it), -ENOMEM; why
 * names the file and OpenSSL's reason.
 */
int mncr_cert_store_new(const struct mncr_cert_trust *t,
			struct mncr_cert_store **out, char *why,
			size_t why_len);

/*
 * Loads t's files afresh and puts them in place of s's; on error (as
 * mncr_cert_store_new()) s stays as it was. Safe while other threads
 * verify against s.
 */
int mncr_cert_store_reload(struct mncr_cert_store *s,
			   const struct mncr_cert_trust *t, char *why,
			   size_t why_len);

/* Frees s; no verification may still be running against it. */
void mncr_cert_store_free(struct mncr_cert_store *s);

/*
 * The store now in force, with a reference of the caller's own
 * (X509_STORE_free() it), and whether it checks CRLs; NULL when out of
 * memory. For the verifiers in card_cert.c.
 */
X509_STORE *mncr_cert_store_get(struct mncr_cert_store *s, bool *crl);

#endif
