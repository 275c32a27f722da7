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
	bool chain, wrong_le_6c, extended, blocked_6983;
	/* Response data waiting for GET RESPONSE. */
	uint8_t pending[MNCR_APDU_EXT_MAX];
	size_t pending_len, pending_off;
	uint16_t pending_sw;
	/* Scratch for building a response. */
	uint8_t out[MNCR_APDU_EXT_MAX];
};

#endif
