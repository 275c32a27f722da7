/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Card emulator internals shared by its engine and its builder. */
#ifndef MNCR_CARD_EMUL_INT_H
#define MNCR_CARD_EMUL_INT_H

#include "emul/card_emul.h"
#include "card/apdu.h"

#define EMUL_DFS	3
#define EMUL_FILES	12

enum emul_file_kind {
	EMUL_DATA,	/* transparent EF */
	EMUL_PIN,	/* key reference, the target of VERIFY */
	EMUL_PKEY,	/* private key, used by COMPUTE DIGITAL SIGNATURE */
};

struct emul_file {
	uint16_t fid;
	enum emul_file_kind kind;
	/* DATA: read; PKEY: use. Allowed when any listed key is verified;
	 * all zero means free. */
	uint16_t need[2];
	uint8_t *data;			/* DATA */
	size_t len;
	char secret[MNCR_CARD_EMUL_SECRET_MAX];	/* PIN */
	uint8_t secret_len;
	bool set;
	bool verified;
	uint8_t tries, max;
	EVP_PKEY *pkey;			/* PKEY, referenced */
};

struct emul_df {
	const uint8_t *aid;
	struct emul_file files[EMUL_FILES];
	size_t n_files;
};

struct mncr_card_emul {
	struct emul_df dfs[EMUL_DFS];
	int cur_df;			/* -1: MF */
	int cur_file;			/* -1: none */
	bool chain, wrong_le_6c, extended, blocked_6983, eof_6282, status_63cx;
	/* GET DATA with no DF selected: 00F8 and 7F21 (contents, no template). */
	uint8_t *mf_do[2];
	size_t mf_do_len[2];
	/* Answers 80 2A 00 00 in the 券面AP; NULL: 6A88. */
	EVP_PKEY *face_signer;
	/* Response data waiting for GET RESPONSE. */
	uint8_t pending[MNCR_APDU_EXT_MAX];
	size_t pending_len, pending_off;
	uint16_t pending_sw;
	/* Scratch for building a response. */
	uint8_t out[MNCR_APDU_EXT_MAX];
};

/* The 券面AP's CV objects and signatures (card_emul_cv.c). */
#define EMUL_CV_PUBKEY_LEN	(5 + 4 + MNCR_CARD_RSA_BYTES)
#define EMUL_CV_CERT_MAX	600

/* key's public half as 90 exponent 91 modulus. 0 or -EINVAL. */
int emul_cv_pubkey(EVP_PKEY *key, uint8_t out[EMUL_CV_PUBKEY_LEN]);
/*
 * A CV certificate of subject's key, signed by signer: with the 7F21
 * template or (GET DATA) without. 0 or -errno.
 */
int emul_cv_cert(EVP_PKEY *signer, const uint8_t *car, const uint8_t *chr,
		 EVP_PKEY *subject, bool template, uint8_t *out, size_t cap,
		 size_t *len);
/* PKCS#1 v1.5 over tbs as given (the card's own padding). 0 or -EIO. */
int emul_cv_sign_raw(EVP_PKEY *key, const uint8_t *tbs, size_t n,
		     uint8_t *sig, size_t *sig_len);

#endif
