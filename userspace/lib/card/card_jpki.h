/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * 公的個人認証AP (JPKI): certificates, the certificate-state and token
 * files, and COMPUTE DIGITAL SIGNATURE. The user-authentication PIN is
 * verified with mncr_card_verify(io, &mncr_card_key_jpki_auth, ...), which
 * also selects this AP. Everything else expects the AP to be selected
 * already and does not select it again, so a VERIFY stays in effect.
 */
#ifndef MNCR_CARD_JPKI_H
#define MNCR_CARD_JPKI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "card/apdu.h"

#define MNCR_JPKI_CERT_MAX	8192	/* observed certificates are ~1.5 KiB */
#define MNCR_JPKI_SIG_LEN	256	/* RSA-2048 */
#define MNCR_JPKI_DIGEST_INFO_MAX 245	/* PKCS#1 v1.5 room in 2048 bits */
#define MNCR_JPKI_LABEL_LEN	32

enum mncr_jpki_cert {
	MNCR_JPKI_CERT_AUTH,		/* 利用者証明用 (EF 000A), free */
	MNCR_JPKI_CERT_AUTH_CA,		/* EF 000B */
	MNCR_JPKI_CERT_SIGN,		/* 署名用 (EF 0001), needs the password */
	MNCR_JPKI_CERT_SIGN_CA,		/* EF 0002 */
};

enum mncr_jpki_key {
	MNCR_JPKI_AUTH,			/* key 0017, PIN 0018 */
	MNCR_JPKI_SIGN,			/* key 001A, password 001B */
};

/* EF 0008: 8F means the certificate is there (byte 0 sign, byte 1 auth). */
struct mncr_jpki_cert_state {
	bool sign;
	bool auth;
	uint8_t raw[3];
};

enum mncr_jpki_token {
	MNCR_JPKI_TOKEN_UNKNOWN,
	MNCR_JPKI_TOKEN_CARD,		/* JPKIAPICCTOKEN2: plastic card */
	MNCR_JPKI_TOKEN_ANDROID,	/* JPKIAPGPSETOKEN */
	MNCR_JPKI_TOKEN_IPHONE,		/* JPKIAPIOSTOKEN */
};

int mncr_jpki_select(const struct mncr_apdu_io *io);

/* DER certificate in *der (malloc'd, free()). -EACCES for the sign cert
 * without the password, -ENOENT when the card has none. */
int mncr_jpki_read_cert(const struct mncr_apdu_io *io, enum mncr_jpki_cert which,
			uint8_t **der, size_t *len);

int mncr_jpki_cert_state(const struct mncr_apdu_io *io,
			 struct mncr_jpki_cert_state *out);

/* Token label from EF 0006, trailing blanks cut, NUL-terminated. */
int mncr_jpki_token(const struct mncr_apdu_io *io, enum mncr_jpki_token *type,
		    char label[MNCR_JPKI_LABEL_LEN + 1]);

/*
 * PKCS#1 v1.5 signature over a DER DigestInfo (the card pads, the host
 * hashes). Needs the key's PIN verified first (-EACCES otherwise).
 * Selects the key EF and sends 80 2A 00 80 Lc DigestInfo 00.
 */
int mncr_jpki_sign(const struct mncr_apdu_io *io, enum mncr_jpki_key key,
		   const uint8_t *digest_info, size_t len, uint8_t *sig,
		   size_t cap, size_t *sig_len);

/*
 * DER DigestInfo for a hash: md is "SHA256", "SHA384" or "SHA512" and
 * hash_len must match it. -EINVAL otherwise, -ENOSPC if cap is short.
 */
int mncr_jpki_digest_info(const char *md, const uint8_t *hash,
			  size_t hash_len, uint8_t *out, size_t cap, size_t *n);

#endif
