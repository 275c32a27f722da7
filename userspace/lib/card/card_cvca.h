/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The CV CA public keys card-verifiable certificates are checked against:
 * a directory with one file per key, named after the key's 16-byte
 * 証明者鍵ID in hex (32 digits, either case) with ".pem", holding the RSA
 * public key as PEM SubjectPublicKeyInfo ("BEGIN PUBLIC KEY", what
 * "openssl pkey -pubout" writes). Other files are ignored. Example:
 *
 *   /etc/mncr/cv-ca/35303030303233080530303100000000.pem
 *
 * Documentation/card.rst says where real authority keys come from; the
 * test CA's are written by the simulator and the unit tests.
 */
#ifndef MNCR_CARD_CVCA_H
#define MNCR_CARD_CVCA_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#include "card/card_cvc.h"

#define MNCR_CVCA_MAX	64

struct mncr_cvca_set;

/*
 * Loads every KEYID.pem of dir into a new set (it may be empty). 0, or
 * -ENOENT (no such directory), -EINVAL (a key file is unreadable or not
 * RSA-2048, or more than MNCR_CVCA_MAX), -ENOMEM; why names the file.
 */
int mncr_cvca_load(const char *dir, struct mncr_cvca_set **out, char *why,
		   size_t why_len);

/* An empty set; add keys with mncr_cvca_add(). NULL when out of memory. */
struct mncr_cvca_set *mncr_cvca_new(void);

/* Adds key (referenced) under id. 0, -EINVAL (not RSA-2048), -ENOSPC. */
int mncr_cvca_add(struct mncr_cvca_set *s, const uint8_t id[MNCR_CVC_KEY_ID_LEN],
		  EVP_PKEY *key);

/* The key for id, or NULL. The set keeps it. */
EVP_PKEY *mncr_cvca_find(const struct mncr_cvca_set *s,
			 const uint8_t id[MNCR_CVC_KEY_ID_LEN]);

size_t mncr_cvca_count(const struct mncr_cvca_set *s);

/* Writes key's public half as dir/KEYID.pem (the simulator, the tests). */
int mncr_cvca_write(const char *dir, const uint8_t id[MNCR_CVC_KEY_ID_LEN],
		    EVP_PKEY *key);

void mncr_cvca_free(struct mncr_cvca_set *s);

#endif
