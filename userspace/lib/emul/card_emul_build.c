// SPDX-License-Identifier: LGPL-2.1-or-later
/* The emulator's card: files and keys built from a profile, and presets. */
#include "emul/card_emul_int.h"
#include "card/card_collation.h"
#include "card/card_face_record.h"
#include "card/card_jpki.h"
#include "util/tlv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#define FILE_MAX	MNCR_APDU_EXT_MAX
#define FILLER		16	/* filler bytes after each TLV file */

/* Placeholders for what a profile leaves out; marked as made up. */
static const uint8_t placeholder_photo[] = {
	0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A,
	0x00, 0x00, 0x00, 0x14, 0x66, 0x74, 0x79, 0x70, 0x6A, 0x70, 0x32, 0x20,
	0x00, 0x00, 0x00, 0x00, 0x6A, 0x70, 0x32, 0x20,
	'm', 'n', 'c', 'r', ' ', 'p', 'l', 'a', 'c', 'e', 'h', 'o', 'l', 'd',
	'e', 'r',
};
static const uint8_t placeholder_image[] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A,
					     0x1A, 0x0A };

static struct emul_file *add_file(struct emul_df *df, uint16_t fid,
				  enum emul_file_kind kind, uint16_t need0,
				  uint16_t need1)
{
	struct emul_file *f;

	if (df->n_files == EMUL_FILES)
		return NULL;
	f = &df->files[df->n_files++];
	memset(f, 0, sizeof(*f));
	f->fid = fid;
	f->kind = kind;
	f->need[0] = need0;
	f->need[1] = need1;
	return f;
}

static int add_data(struct emul_df *df, uint16_t fid, const void *data,
		    size_t len, uint16_t need0, uint16_t need1)
{
	struct emul_file *f = add_file(df, fid, EMUL_DATA, need0, need1);

	if (!f || !len || len > FILE_MAX)
		return -EINVAL;
	f->data = malloc(len);
	if (!f->data)
		return -ENOMEM;
	memcpy(f->data, data, len);
	f->len = len;
	return 0;
}

static int add_pin(struct emul_df *df, uint16_t fid, const char *secret,
		   size_t len, uint8_t tries, uint8_t max)
{
	struct emul_file *f = add_file(df, fid, EMUL_PIN, 0, 0);

	if (!f || len > MNCR_CARD_EMUL_SECRET_MAX || tries > 15 || tries > max)
		return -EINVAL;
	if (secret) {
		memcpy(f->secret, secret, len);
		f->secret_len = (uint8_t)len;
		f->set = true;
	}
	f->tries = tries;
	f->max = max;
	return 0;
}

static int add_profile_pin(struct emul_df *df, uint16_t fid,
			   const struct mncr_card_emul_pin *pin)
{
	return add_pin(df, fid, pin->secret,
		       pin->secret ? strlen(pin->secret) : 0, pin->tries, pin->max);
}

static int add_pkey(struct emul_df *df, uint16_t fid, EVP_PKEY *key,
		    uint16_t need)
{
	struct emul_file *f = add_file(df, fid, EMUL_PKEY, need, 0);

	if (!f || !key || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA ||
	    EVP_PKEY_get_bits(key) != 2048 || !EVP_PKEY_up_ref(key))
		return -EINVAL;
	f->pkey = key;
	return 0;
}

static int build_jpki(struct emul_df *df, const struct mncr_card_emul_profile *p)
{
	uint8_t token[160], state[3] = { 0 };
	const char *label = p->token_label ? p->token_label : "JPKIAPICCTOKEN2";
	int ret = 0;

	memset(token, 0, sizeof(token));
	memset(token, ' ', MNCR_JPKI_LABEL_LEN);
	memcpy(token, label, strnlen(label, MNCR_JPKI_LABEL_LEN));
	state[0] = p->sign_issued ? 0x8F : 0x00;
	state[1] = p->auth_issued ? 0x8F : 0x00;
	df->aid = mncr_card_aid_jpki;
	if (p->sign_issued) {
		ret = add_data(df, MNCR_JPKI_EF_SIGN_CERT, p->sign_cert,
			       p->sign_cert_len, MNCR_JPKI_PIN_SIGN, 0);
		if (!ret && p->sign_ca_cert)
			ret = add_data(df, MNCR_JPKI_EF_SIGN_CA_CERT,
				       p->sign_ca_cert, p->sign_ca_cert_len, 0, 0);
		if (!ret)
			ret = add_pkey(df, MNCR_JPKI_KEY_SIGN, p->sign_key,
				       MNCR_JPKI_PIN_SIGN);
	}
	if (!ret && p->auth_issued) {
		ret = add_data(df, MNCR_JPKI_EF_AUTH_CERT, p->auth_cert,
			       p->auth_cert_len, 0, 0);
		if (!ret && p->auth_ca_cert)
			ret = add_data(df, MNCR_JPKI_EF_AUTH_CA_CERT,
				       p->auth_ca_cert, p->auth_ca_cert_len, 0, 0);
		if (!ret)
			ret = add_pkey(df, MNCR_JPKI_KEY_AUTH, p->auth_key,
				       MNCR_JPKI_PIN_AUTH);
	}
	if (!ret)
		ret = add_data(df, MNCR_JPKI_EF_TOKEN_INFO, token, sizeof(token),
			       0, 0);
	if (!ret)
		ret = add_data(df, MNCR_JPKI_EF_CERT_STATE, state, sizeof(state),
			       0, 0);
	if (!ret)
		ret = add_profile_pin(df, MNCR_JPKI_PIN_AUTH, &p->auth_pin);
	if (!ret)
		ret = add_profile_pin(df, MNCR_JPKI_PIN_SIGN, &p->sign_pin);
	return ret;
}

/*
 * Fills the offset table (first child, tag DF21) of the object at
 * buf[start] with the file offsets of the children after it.
 */
static void patch_offsets(uint8_t *buf, size_t start, size_t n)
{
	struct mncr_tlv outer, t, table = { 0 };
	struct mncr_tlv_iter it;
	size_t i = 0, off;
	uint8_t *slot;

	if (mncr_tlv_parse(buf + start, n - start, &outer))
		return;
	mncr_tlv_iter_init(&it, outer.value, outer.len);
	while (mncr_tlv_next(&it, &t) > 0) {
		if (t.tag == 0xDF21) {
			table = t;
			continue;
		}
		if (!table.value || 2 * i + 2 > table.len)
			break;
		off = (size_t)(t.value - t.hdr_len - buf);
		slot = buf + (table.value - buf) + 2 * i++;
		slot[0] = (uint8_t)(off >> 8);
		slot[1] = (uint8_t)off;
	}
}

/* Ends a TLV file: offsets, then filler (00 or FF as cards use both). */
static int finish_file(struct emul_df *df, uint16_t fid,
		       struct mncr_tlv_writer *w, size_t start, uint8_t fill,
		       uint16_t need0, uint16_t need1)
{
	uint8_t pad[FILLER];

	memset(pad, fill, sizeof(pad));
	mncr_tlv_put_raw(w, pad, sizeof(pad));
	if (w->err)
		return w->err;
	patch_offsets(w->buf, start, w->len);
	return add_data(df, fid, w->buf, w->len, need0, need1);
}

static int build_text(struct emul_df *df, const struct mncr_card_emul_profile *p,
		      const char *coll_b, uint8_t *buf)
{
	static const uint8_t lead[2] = { 0x01, 0x02 };	/* arbitrary junk */
	struct mncr_tlv_writer w;
	uint8_t zero_offsets[8] = { 0 };
	size_t m, start;
	int ret;

	df->aid = mncr_card_aid_text;
	mncr_tlv_writer_init(&w, buf, FILE_MAX);
	mncr_tlv_put(&w, MNCR_TAG_MY_NUMBER, p->my_number, sizeof(p->my_number));
	ret = finish_file(df, MNCR_TEXT_EF_MY_NUMBER, &w, 0, 0xFF,
			  MNCR_TEXT_PIN, MNCR_TEXT_COLLATION_A);
	if (ret)
		return ret;

	mncr_tlv_writer_init(&w, buf, FILE_MAX);
	if (p->lead_bytes)
		mncr_tlv_put_raw(&w, lead, sizeof(lead));
	start = w.len;
	m = mncr_tlv_begin(&w, MNCR_TAG_BASIC4);
	mncr_tlv_put(&w, 0xDF21, zero_offsets, sizeof(zero_offsets));
	mncr_tlv_put(&w, 0xDF22, p->name_utf8, strlen(p->name_utf8));
	mncr_tlv_put(&w, 0xDF23, p->address_utf8, strlen(p->address_utf8));
	mncr_tlv_put(&w, 0xDF24, p->birth_date, sizeof(p->birth_date));
	mncr_tlv_put(&w, 0xDF25, &p->sex, 1);
	mncr_tlv_end(&w, m);
	ret = finish_file(df, MNCR_TEXT_EF_BASIC4, &w, start, 0x00,
			  MNCR_TEXT_PIN, MNCR_TEXT_COLLATION_B);
	if (!ret)
		ret = add_profile_pin(df, MNCR_TEXT_PIN, &p->text_pin);
	if (!ret)
		ret = add_pin(df, MNCR_TEXT_COLLATION_A, p->my_number,
			      sizeof(p->my_number), p->collation_tries,
			      p->collation_max);
	if (!ret)
		ret = add_pin(df, MNCR_TEXT_COLLATION_B, coll_b,
			      MNCR_CARD_COLLATION_B_LEN, p->collation_tries,
			      p->collation_max);
	return ret;
}

/* Test key ids, 7 digits 08 05 3 digits and padding as on cards. */
#define KEY_ID(d) { '9', '1', '0', '0', '0', '2', d, 0x08, 0x05, '0', '0', '1', 0, 0, 0, 0 }
static const uint8_t mid_id[MNCR_CVC_KEY_ID_LEN] = KEY_ID('0');
static const uint8_t ap_id[MNCR_CVC_KEY_ID_LEN] = KEY_ID('3');
static const uint8_t mf_id[MNCR_CVC_KEY_ID_LEN] = KEY_ID('9');
static const uint8_t foreign_id[MNCR_CVC_KEY_ID_LEN] = KEY_ID('7');

/*
 * DF28 over the record as built (DF28 still zero), or for a forged photo
 * over the record with another photo: what the card holds is not what
 * was signed.
 */
static int sign_record(struct emul_file *f, const struct mncr_card_emul_profile *p)
{
	uint8_t di[MNCR_FACE_RECORD_DI_LEN], *copy = NULL;
	struct mncr_face_record rec;
	size_t sig_off, n;
	int ret = mncr_face_record_parse(f->data, f->len, &rec);

	if (ret)
		return -EINVAL;
	sig_off = (size_t)(rec.sig - f->data);
	if (p->auth == MNCR_EMUL_AUTH_FORGED_PHOTO) {
		copy = malloc(f->len);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, f->data, f->len);
		copy[rec.photo - f->data + rec.photo_len / 2] ^= 0x01;
		ret = mncr_face_record_parse(copy, f->len, &rec);
	}
	if (!ret)
		ret = mncr_face_record_digest_info(&rec, di);
	if (!ret)
		ret = emul_cv_sign_raw(p->cv->ap_key, di, sizeof(di),
				       f->data + sig_off, &n);
	free(copy);
	return ret;
}

/* EF 0004 and the MF's GET DATA objects. */
static int build_cv(struct mncr_card_emul *e, struct emul_df *df,
		    const struct mncr_card_emul_profile *p, uint8_t *buf)
{
	const struct mncr_card_emul_cv *cv = p->cv;
	bool foreign = p->auth == MNCR_EMUL_AUTH_UNKNOWN_CA;
	size_t len;
	int ret;

	ret = emul_cv_cert(cv->ap_key, mid_id, ap_id, cv->ap_key, true, buf,
			   EMUL_CV_CERT_MAX, &len);
	if (!ret)
		ret = add_data(df, 0x0004, buf, len, 0, 0);
	/* The unknown CA's intermediate is self-issued under a foreign id. */
	if (!ret)
		ret = emul_cv_cert(foreign ? cv->ap_key : cv->ca_key,
				   foreign ? foreign_id : cv->ca_id, mid_id,
				   cv->ap_key, false, buf, EMUL_CV_CERT_MAX, &len);
	for (int i = 0; !ret && i < 2; i++) {
		if (i == 1)
			ret = emul_cv_cert(cv->ap_key, mid_id, mf_id, p->face_key,
					   false, buf, EMUL_CV_CERT_MAX, &len);
		e->mf_do[i] = ret ? NULL : malloc(len);
		if (!ret && !e->mf_do[i])
			ret = -ENOMEM;
		if (!ret) {
			memcpy(e->mf_do[i], buf, len);
			e->mf_do_len[i] = len;
		}
	}
	return ret;
}

static int build_visual(struct mncr_card_emul *e, struct emul_df *df,
			const struct mncr_card_emul_profile *p,
			const char *coll_b, const char *birth_key, uint8_t *buf)
{
	uint8_t zero_offsets[18] = { 0 }, sig[256], pub[EMUL_CV_PUBKEY_LEN + 5];
	struct mncr_tlv_writer w;
	size_t m, pub_len = sizeof(pub);
	int ret;

	/* Without a PKI: fixed made-up bytes where key and signature go. */
	memset(sig, p->cv ? 0x00 : 0x5A, sizeof(sig));
	memset(pub, 0xA5, sizeof(pub));
	if (p->cv) {
		pub_len = EMUL_CV_PUBKEY_LEN;
		if (emul_cv_pubkey(p->face_key, pub))
			return -EINVAL;
	}
	df->aid = mncr_card_aid_visual;
	mncr_tlv_writer_init(&w, buf, FILE_MAX);
	m = mncr_tlv_begin(&w, MNCR_TAG_FRONT);
	mncr_tlv_put(&w, 0xDF21, zero_offsets, sizeof(zero_offsets));
	mncr_tlv_put(&w, 0xDF22, p->birth_date, sizeof(p->birth_date));
	mncr_tlv_put(&w, 0xDF23, &p->sex, 1);
	mncr_tlv_put(&w, 0xDF24, pub, pub_len);
	mncr_tlv_put(&w, 0xDF25, placeholder_image, sizeof(placeholder_image));
	mncr_tlv_put(&w, 0xDF26, placeholder_image, sizeof(placeholder_image));
	if (p->photo)
		mncr_tlv_put(&w, 0xDF27, p->photo, p->photo_len);
	else
		mncr_tlv_put(&w, 0xDF27, placeholder_photo,
			     sizeof(placeholder_photo));
	mncr_tlv_put(&w, 0xDF28, sig, sizeof(sig));
	mncr_tlv_put(&w, 0xDF29, p->expiry_date, sizeof(p->expiry_date));
	mncr_tlv_put(&w, 0xDF2A, placeholder_image, sizeof(placeholder_image));
	mncr_tlv_end(&w, m);
	ret = finish_file(df, MNCR_VISUAL_EF_FRONT, &w, 0, 0xFF,
			  MNCR_VISUAL_COLLATION_B, MNCR_VISUAL_COLLATION_A);
	if (!ret && p->cv)
		ret = sign_record(&df->files[df->n_files - 1], p);
	if (!ret && p->cv)
		ret = build_cv(e, df, p, buf);
	if (!ret)
		ret = add_pin(df, MNCR_VISUAL_BIRTH_KEY, birth_key,
			      MNCR_CARD_BIRTH_KEY_LEN, p->collation_tries,
			      p->collation_max);
	if (!ret)
		ret = add_pin(df, MNCR_VISUAL_COLLATION_B, coll_b,
			      MNCR_CARD_COLLATION_B_LEN, p->collation_tries,
			      p->collation_max);
	if (!ret)
		ret = add_pin(df, MNCR_VISUAL_COLLATION_A, p->my_number,
			      sizeof(p->my_number), p->collation_tries,
			      p->collation_max);
	return ret;
}

static bool profile_ok(const struct mncr_card_emul_profile *p)
{
	if (!p->name_utf8 || !p->address_utf8)
		return false;
	if (p->auth_issued && (!p->auth_cert || !p->auth_cert_len ||
			       !p->auth_key))
		return false;
	if (p->sign_issued && (!p->sign_cert || !p->sign_cert_len ||
			       !p->sign_key))
		return false;
	if (p->cv && (!p->cv->ca_key || !p->cv->ap_key || !p->face_key))
		return false;
	return !p->photo || p->photo_len;
}

static int build(struct mncr_card_emul *e, const struct mncr_card_emul_profile *p)
{
	char coll_b[MNCR_CARD_COLLATION_B_LEN + 1];
	char birth_key[MNCR_CARD_BIRTH_KEY_LEN + 1];
	struct mncr_card_front front;
	uint8_t *buf;
	int ret;

	memset(&front, 0, sizeof(front));
	memcpy(front.birth_date, p->birth_date, sizeof(front.birth_date));
	memcpy(front.expiry_year, p->expiry_date, sizeof(front.expiry_year));
	memcpy(front.security_code, p->security_code,
	       sizeof(front.security_code));
	ret = mncr_card_collation_b(&front, coll_b);
	if (!ret)
		ret = mncr_card_birth_key(p->birth_date, birth_key);
	if (ret)
		return -EINVAL;
	buf = malloc(FILE_MAX);
	if (!buf)
		return -ENOMEM;
	ret = build_jpki(&e->dfs[0], p);
	if (!ret)
		ret = build_text(&e->dfs[1], p, coll_b, buf);
	if (!ret)
		ret = build_visual(e, &e->dfs[2], p, coll_b, birth_key, buf);
	mncr_apdu_free_secret(buf, FILE_MAX);
	OPENSSL_cleanse(coll_b, sizeof(coll_b));
	OPENSSL_cleanse(birth_key, sizeof(birth_key));
	OPENSSL_cleanse(&front, sizeof(front));
	return ret;
}

int mncr_card_emul_new(const struct mncr_card_emul_profile *p,
		       struct mncr_card_emul **out)
{
	struct mncr_card_emul *e;
	int ret;

	if (!p || !out || !profile_ok(p))
		return -EINVAL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->chain = p->chain;
	e->wrong_le_6c = p->wrong_le_6c;
	e->extended = p->extended;
	e->blocked_6983 = p->blocked_6983;
	e->eof_6282 = p->eof_6282;
	e->status_63cx = p->status_63cx;
	mncr_card_emul_reset(e);
	ret = build(e, p);
	if (!ret && p->cv) {
		/* A clone has the files but not the key: another one answers. */
		e->face_signer = p->auth == MNCR_EMUL_AUTH_CLONE ? p->cv->ca_key :
								  p->face_key;
		if (!EVP_PKEY_up_ref(e->face_signer)) {
			e->face_signer = NULL;
			ret = -EINVAL;
		}
	}
	if (ret) {
		mncr_card_emul_free(e);
		return ret;
	}
	*out = e;
	return 0;
}

void mncr_card_emul_free(struct mncr_card_emul *e)
{
	if (!e)
		return;
	for (size_t d = 0; d < EMUL_DFS; d++) {
		for (size_t i = 0; i < e->dfs[d].n_files; i++) {
			struct emul_file *f = &e->dfs[d].files[i];

			mncr_apdu_free_secret(f->data, f->len);
			EVP_PKEY_free(f->pkey);
		}
	}
	for (size_t i = 0; i < 2; i++)
		free(e->mf_do[i]);
	EVP_PKEY_free(e->face_signer);
	OPENSSL_cleanse(e, sizeof(*e));
	free(e);
}

/* Made-up people; the front fields match the simulator's card table. */
static const struct preset {
	const char *name;
	const char *front;	/* birth YYYYMMDD, expiry YYYYMMDD, code */
	bool pins;		/* PINs set (not a 顔認証 card) */
	bool sign;		/* 署名用 certificate issued */
	uint8_t auth_tries;
	enum mncr_card_emul_auth auth;
} presets[] = {
	{ "pin", "19800217" "20350217" "2285", true, true, 3, MNCR_EMUL_AUTH_GENUINE },
	{ "pinless", "19420623" "20310623" "7316", false, false, 0, MNCR_EMUL_AUTH_GENUINE },
	{ "blocked", "19721105" "20331105" "4820", true, true, 0, MNCR_EMUL_AUTH_GENUINE },
	{ "expired", "19660330" "20210330" "1957", true, true, 3, MNCR_EMUL_AUTH_GENUINE },
	{ "revoked", "19910712" "20340712" "6603", true, true, 3, MNCR_EMUL_AUTH_GENUINE },
	{ "nosign", "20150924" "20300924" "3141", true, false, 3, MNCR_EMUL_AUTH_GENUINE },
	{ "forged-photo", "19880314" "20360314" "6021", true, true, 3,
	  MNCR_EMUL_AUTH_FORGED_PHOTO },
	{ "clone", "19750829" "20340829" "3398", true, true, 3,
	  MNCR_EMUL_AUTH_CLONE },
	{ "unknown-ca", "19930402" "20350402" "7754", true, true, 3,
	  MNCR_EMUL_AUTH_UNKNOWN_CA },
};

int mncr_card_emul_preset(struct mncr_card_emul_profile *p, const char *name)
{
	const struct preset *s = NULL;

	for (size_t i = 0; name && i < sizeof(presets) / sizeof(presets[0]); i++)
		if (strcmp(presets[i].name, name) == 0)
			s = &presets[i];
	if (!s || !p)
		return -ENOENT;
	memset(p, 0, sizeof(*p));
	p->name = s->name;
	memcpy(p->birth_date, s->front, 8);
	memcpy(p->expiry_date, s->front + 8, 8);
	memcpy(p->security_code, s->front + 16, 4);
	memcpy(p->my_number, "000000000000", 12);	/* not a valid number */
	p->sex = '1';
	p->name_utf8 = "見本\u3000太郎";
	p->address_utf8 = "東京都千代田区見本町１丁目１番地";
	p->auth_issued = true;
	p->sign_issued = s->sign;
	if (s->pins) {
		p->auth_pin = (struct mncr_card_emul_pin){ "1234", s->auth_tries, 3 };
		p->text_pin = (struct mncr_card_emul_pin){ "1234", 3, 3 };
	}
	if (s->pins && s->sign)
		p->sign_pin = (struct mncr_card_emul_pin){ "ABC123", 5, 5 };
	p->collation_tries = 10;
	p->collation_max = 10;
	p->auth = s->auth;
	return 0;
}
