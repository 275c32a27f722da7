// SPDX-License-Identifier: LGPL-2.1-or-later
/* The emulator's command engine: one APDU in, one response out. */
#include "emul/card_emul_int.h"

#include <errno.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/rsa.h>

static struct emul_df *cur_df(struct mncr_card_emul *e)
{
	return e->cur_df < 0 ? NULL : &e->dfs[e->cur_df];
}

static struct emul_file *cur_file(struct mncr_card_emul *e)
{
	struct emul_df *df = cur_df(e);

	return df && e->cur_file >= 0 ? &df->files[e->cur_file] : NULL;
}

static struct emul_file *find_file(struct emul_df *df, uint16_t fid)
{
	for (size_t i = 0; df && i < df->n_files; i++)
		if (df->files[i].fid == fid)
			return &df->files[i];
	return NULL;
}

static void clear_verified(struct mncr_card_emul *e)
{
	for (size_t d = 0; d < EMUL_DFS; d++)
		for (size_t i = 0; i < e->dfs[d].n_files; i++)
			e->dfs[d].files[i].verified = false;
}

void mncr_card_emul_reset(struct mncr_card_emul *e)
{
	if (!e)
		return;
	clear_verified(e);
	e->cur_df = -1;
	e->cur_file = -1;
	OPENSSL_cleanse(e->pending, e->pending_len);
	e->pending_len = e->pending_off = 0;
}

/* Access rule of a file: free, or one of its keys verified. */
static bool allowed(struct mncr_card_emul *e, const struct emul_file *f)
{
	struct emul_file *k;
	bool free_access = true;

	for (size_t i = 0; i < 2; i++) {
		if (!f->need[i])
			continue;
		free_access = false;
		k = find_file(cur_df(e), f->need[i]);
		if (k && k->verified)
			return true;
	}
	return free_access;
}

static uint16_t do_select(struct mncr_card_emul *e, const struct mncr_apdu *c)
{
	struct emul_df *df = cur_df(e);

	if (c->p2 != 0x0C && c->p2 != 0x00)
		return MNCR_SW_WRONG_P1P2;
	/* The MF: no data, or its id 3F00. No DF selected, keys forgotten. */
	if (c->p1 == 0x00 && (!c->lc || (c->lc == 2 && c->data[0] == 0x3F &&
					  !c->data[1]))) {
		clear_verified(e);
		e->cur_df = -1;
		e->cur_file = -1;
		return MNCR_SW_OK;
	}
	if (c->p1 == 0x04) {
		for (int d = 0; d < EMUL_DFS; d++) {
			if (c->lc != MNCR_CARD_AID_LEN || !e->dfs[d].aid ||
			    memcmp(c->data, e->dfs[d].aid, c->lc))
				continue;
			/* Another DF ends the verifications; the same one keeps them. */
			if (d != e->cur_df)
				clear_verified(e);
			e->cur_df = d;
			e->cur_file = -1;
			return MNCR_SW_OK;
		}
		return MNCR_SW_NOT_FOUND;
	}
	if (c->p1 == 0x02) {
		struct emul_file *f;

		if (c->lc != 2)
			return MNCR_SW_WRONG_LENGTH;
		f = find_file(df, (uint16_t)(c->data[0] << 8 | c->data[1]));
		if (!f)
			return MNCR_SW_NOT_FOUND;
		e->cur_file = (int)(f - df->files);
		return MNCR_SW_OK;
	}
	return MNCR_SW_WRONG_P1P2;
}

static uint16_t do_read_binary(struct mncr_card_emul *e,
			       const struct mncr_apdu *c, size_t *len)
{
	struct emul_file *f = cur_file(e);
	size_t off = (size_t)c->p1 << 8 | c->p2, n;

	if (c->p1 & 0x80)
		return MNCR_SW_WRONG_P1P2;	/* no SFI addressing */
	if (!f)
		return MNCR_SW_NO_EF;
	if (f->kind != EMUL_DATA)
		return 0x6981;
	if (!allowed(e, f))
		return MNCR_SW_SECURITY;
	if (c->lc || !c->le)
		return MNCR_SW_WRONG_LENGTH;
	if (off >= f->len)
		return MNCR_SW_WRONG_OFFSET;
	n = f->len - off < c->le ? f->len - off : c->le;
	if (n < c->le && e->wrong_le_6c && n < 256)
		return (uint16_t)(0x6C00 | n);
	memcpy(e->out, f->data + off, n);
	*len = n;
	/* Real cards give what there is with 9000; some readers saw 6282. */
	return n < c->le && e->eof_6282 ? MNCR_SW_EOF : MNCR_SW_OK;
}

static uint16_t blocked_sw(const struct mncr_card_emul *e)
{
	return e->blocked_6983 ? MNCR_SW_BLOCKED : MNCR_SW_REF_UNUSABLE;
}

static uint16_t do_verify(struct mncr_card_emul *e, const struct mncr_apdu *c)
{
	struct emul_file *k = cur_file(e);

	if (c->p1 != 0x00 || c->p2 != 0x80)
		return MNCR_SW_WRONG_P1P2;
	if (!k || k->kind != EMUL_PIN)
		return MNCR_SW_REF_NOT_FOUND;
	/* Asked for its status, a blocked or never-set key says 0 tries. */
	if (!k->set || !k->tries)
		return c->lc ? blocked_sw(e) : 0x63C0;
	if (!c->lc)	/* status only: spends nothing */
		return k->verified && !e->status_63cx ? MNCR_SW_OK :
		       (uint16_t)(0x63C0 | k->tries);
	if (c->lc == k->secret_len &&
	    !CRYPTO_memcmp(c->data, k->secret, k->secret_len)) {
		k->tries = k->max;
		k->verified = true;
		return MNCR_SW_OK;
	}
	k->tries--;
	k->verified = false;
	return (uint16_t)(0x63C0 | k->tries);
}

/* 80 2A 00 00: the 券面AP's default key, no credential (a challenge). */
static uint16_t sign_default(struct mncr_card_emul *e, const struct mncr_apdu *c,
			     size_t *len)
{
	struct emul_df *df = cur_df(e);

	if (!df || df->aid != mncr_card_aid_visual || !e->face_signer)
		return MNCR_SW_REF_NOT_FOUND;
	if (!c->lc || c->lc > 245)
		return MNCR_SW_WRONG_LENGTH;
	return emul_cv_sign_raw(e->face_signer, c->data, c->lc, e->out, len) ?
	       MNCR_SW_NO_DIAG : MNCR_SW_OK;
}

/* GET DATA: the MF's CV certificates, only while no DF is selected. */
static uint16_t do_get_data(struct mncr_card_emul *e, const struct mncr_apdu *c,
			    size_t *len)
{
	uint16_t tag = (uint16_t)(c->p1 << 8 | c->p2);
	int i = tag == 0x00F8 ? 0 : tag == 0x7F21 ? 1 : -1;

	if (c->lc)
		return MNCR_SW_WRONG_LENGTH;
	if (e->cur_df >= 0 || i < 0 || !e->mf_do[i])
		return MNCR_SW_REF_NOT_FOUND;
	memcpy(e->out, e->mf_do[i], e->mf_do_len[i]);
	*len = e->mf_do_len[i];
	return MNCR_SW_OK;
}

static uint16_t do_sign(struct mncr_card_emul *e, const struct mncr_apdu *c,
			size_t *len)
{
	struct emul_file *k = cur_file(e);
	EVP_PKEY_CTX *ctx;
	size_t n = sizeof(e->out);
	uint16_t sw = MNCR_SW_NO_DIAG;

	if (c->p1 != 0x00 || (c->p2 != 0x80 && c->p2 != 0x00))
		return MNCR_SW_WRONG_P1P2;	/* only the documented schemes */
	if (c->p2 == 0x00)
		return sign_default(e, c, len);
	if (!k)
		return MNCR_SW_NO_EF;
	if (k->kind != EMUL_PKEY)
		return MNCR_SW_REF_NOT_FOUND;
	if (!allowed(e, k))
		return MNCR_SW_SECURITY;
	if (!c->lc || c->lc > 245)	/* PKCS#1 v1.5 room in 2048 bits */
		return MNCR_SW_WRONG_LENGTH;
	ctx = EVP_PKEY_CTX_new(k->pkey, NULL);
	/* No digest set: the card pads what it is given (DigestInfo). */
	if (ctx && EVP_PKEY_sign_init(ctx) > 0 &&
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0 &&
	    EVP_PKEY_sign(ctx, e->out, &n, c->data, c->lc) > 0) {
		*len = n;
		sw = MNCR_SW_OK;
	}
	EVP_PKEY_CTX_free(ctx);
	return sw;
}

static uint16_t do_get_response(struct mncr_card_emul *e,
				const struct mncr_apdu *c, size_t *len)
{
	size_t left = e->pending_len - e->pending_off;
	size_t n = c->le ? c->le : 256;

	if (c->p1 || c->p2)
		return MNCR_SW_WRONG_P1P2;
	if (!left)
		return MNCR_SW_CONDITIONS;
	n = n < left ? n : left;
	memcpy(e->out, e->pending + e->pending_off, n);
	e->pending_off += n;
	*len = n;
	left -= n;
	if (left)
		return (uint16_t)(0x6100 | (left > 255 ? 0 : left));
	return e->pending_sw;
}

static uint16_t dispatch(struct mncr_card_emul *e, const struct mncr_apdu *c,
			 size_t *len)
{
	if (c->cla == 0x80)
		return c->ins == 0x2A ? do_sign(e, c, len) : MNCR_SW_INS;
	if (c->cla != 0x00)
		return MNCR_SW_CLA;
	switch (c->ins) {
	case 0xA4:
		return do_select(e, c);
	case 0xB0:
		return do_read_binary(e, c, len);
	case 0x20:
		return do_verify(e, c);
	case 0xC0:
		return do_get_response(e, c, len);
	case 0xCA:
		return do_get_data(e, c, len);
	default:
		return MNCR_SW_INS;
	}
}

int mncr_card_emul_transmit(void *emul, const uint8_t *cmd, size_t n,
			    uint8_t *resp, size_t *resp_len)
{
	struct mncr_card_emul *e = emul;
	struct mncr_apdu c;
	size_t len = 0;
	uint16_t sw;

	if (!e || !cmd || !resp || !resp_len)
		return -EINVAL;
	if (mncr_apdu_parse_command(cmd, n, &c))
		sw = MNCR_SW_WRONG_LENGTH;
	else if (c.extended && !e->extended)
		sw = MNCR_SW_WRONG_LENGTH;
	else
		sw = dispatch(e, &c, &len);
	if (n >= 2 && cmd[1] != 0xC0 && e->pending_len) {
		/* Any other command drops what GET RESPONSE did not fetch. */
		OPENSSL_cleanse(e->pending, e->pending_len);
		e->pending_len = e->pending_off = 0;
	}
	/* GET DATA beyond a short Le (a CVC is 563 bytes): the rest via 61xx. */
	if (len && cmd[1] != 0xC0 &&
	    (e->chain || (cmd[1] == 0xCA && !c.extended && len > c.le))) {
		memcpy(e->pending, e->out, len);
		e->pending_len = len;
		e->pending_off = 0;
		e->pending_sw = sw;
		sw = (uint16_t)(0x6100 | (len > 255 ? 0 : len));
		len = 0;
	}
	if (len + 2 > *resp_len) {
		OPENSSL_cleanse(e->out, len);
		return -ENOBUFS;
	}
	memcpy(resp, e->out, len);
	resp[len] = sw >> 8;
	resp[len + 1] = sw & 0xFF;
	*resp_len = len + 2;
	OPENSSL_cleanse(e->out, len);
	return 0;
}

int mncr_card_emul_tries(const struct mncr_card_emul *e,
			 const struct mncr_card_key *key)
{
	for (size_t d = 0; e && key && d < EMUL_DFS; d++) {
		const struct emul_df *df = &e->dfs[d];

		if (!df->aid || memcmp(df->aid, key->aid, MNCR_CARD_AID_LEN))
			continue;
		for (size_t i = 0; i < df->n_files; i++)
			if (df->files[i].fid == key->fid &&
			    df->files[i].kind == EMUL_PIN)
				return df->files[i].tries;
	}
	return -ENOENT;
}
