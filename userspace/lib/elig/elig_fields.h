/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The eligibility messages' structs (encoded and parsed by elig_message.h),
 * the formats of their fields, their names on the wire, and request ids.
 * The checks here are the ones the parser applies, so a struct that passes
 * them encodes, and one that is parsed passes them.
 */
#ifndef MNCR_ELIG_FIELDS_H
#define MNCR_ELIG_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MNCR_ELIG_VERSION 1

#define MNCR_ELIG_REQUEST_ID_MAX 64	/* [A-Za-z0-9._:-]{1,64} */
#define MNCR_ELIG_INSTITUTION_LEN 10	/* 医療機関コード, digits */
#define MNCR_ELIG_CERT_MAX 4096		/* card certificate, DER bytes */
#define MNCR_ELIG_SIG_MAX 512		/* RSA-4096 at most */
#define MNCR_ELIG_CHALLENGE_LEN 32
#define MNCR_ELIG_TEXT_MAX 64		/* 記号, 番号: UTF-8 bytes */
#define MNCR_ELIG_LIMIT_MAX 16		/* 限度額区分: UTF-8 bytes */
#define MNCR_ELIG_CODE_MAX 32
#define MNCR_ELIG_MESSAGE_MAX 200
/* Largest body either side sends or accepts. */
#define MNCR_ELIG_BODY_MAX 16384

enum mncr_elig_method {
	MNCR_ELIG_METHOD_FACE,		/* 顔認証 */
	MNCR_ELIG_METHOD_PIN,		/* 暗証番号 */
	MNCR_ELIG_METHOD_VISUAL,	/* 目視確認 */
};

enum mncr_elig_site {
	MNCR_ELIG_SITE_CLINIC,
	MNCR_ELIG_SITE_PHARMACY,
};

/* 資格有効性 (QualificationValidity). */
enum mncr_elig_validity {
	MNCR_ELIG_VALID,
	MNCR_ELIG_INVALID,
	MNCR_ELIG_UNKNOWN,
};

/* The patient's answers on the reader's consent screens. */
struct mncr_elig_consents {
	bool medication;	/* 薬剤情報 */
	bool checkup;		/* 特定健診情報 */
	bool clinical;		/* 診療情報 */
	bool surgery;		/* 手術情報 */
};

struct mncr_elig_request {
	char request_id[MNCR_ELIG_REQUEST_ID_MAX + 1];
	char institution_code[MNCR_ELIG_INSTITUTION_LEN + 1];
	enum mncr_elig_site site;
	enum mncr_elig_method method;
	bool operator_attested;		/* visual only: staff compared faces */
	struct mncr_elig_consents consents;
	uint8_t card_cert[MNCR_ELIG_CERT_MAX];	/* 利用者証明用電子証明書 */
	size_t card_cert_len;
	/* PIN mode only: the service's challenge and the card's signature. */
	uint8_t challenge[MNCR_ELIG_CHALLENGE_LEN];
	uint8_t signature[MNCR_ELIG_SIG_MAX];
	size_t signature_len;
};

struct mncr_elig_qualification {
	char processed_at[15];		/* ProcessExecutionTime, JST */
	char confirmation_date[9];	/* QualificationConfirmationDate */
	char institution_code[MNCR_ELIG_INSTITUTION_LEN + 1];
	uint32_t processing_ms;
	enum mncr_elig_validity validity;	/* 資格有効性 */
	char insurer_number[9];		/* 保険者番号: 6 or 8 digits */
	char symbol[MNCR_ELIG_TEXT_MAX + 1];	/* 記号 */
	char number[MNCR_ELIG_TEXT_MAX + 1];	/* 番号 */
	char branch[3];			/* 枝番: 2 digits */
	char share[4];			/* 負担割合: 3 digits, "030" = 3割 */
	char limit_class[MNCR_ELIG_LIMIT_MAX + 1];	/* 限度額区分, may be "" */
	struct mncr_elig_consents consents;	/* as the service recorded them */
};

struct mncr_elig_refusal {
	char code[MNCR_ELIG_CODE_MAX + 1];	/* e.g. "cert_revoked" */
	char message[MNCR_ELIG_MESSAGE_MAX + 1];
};

struct mncr_elig_response {
	char request_id[MNCR_ELIG_REQUEST_ID_MAX + 1];	/* "" when unknown */
	bool ok;
	struct mncr_elig_qualification q;	/* when ok */
	struct mncr_elig_refusal error;		/* when not ok */
};

struct mncr_elig_challenge {
	uint8_t nonce[MNCR_ELIG_CHALLENGE_LEN];
	uint32_t expires_in;		/* seconds */
};

/* 0 or -EINVAL with a reason naming the field (never its value). */
int mncr_elig_request_check(const struct mncr_elig_request *r, char *why,
			    size_t why_len);
int mncr_elig_qualification_check(const struct mncr_elig_qualification *q,
				  char *why, size_t why_len);

bool mncr_elig_request_id_valid(const char *s);	/* [A-Za-z0-9._:-]{1,64} */
bool mncr_elig_institution_valid(const char *s);	/* 10 digits */
bool mncr_elig_code_valid(const char *s);		/* [a-z_]{1,32} */
/* UTF-8 of min..max bytes without control characters. */
bool mncr_elig_text_valid(const char *s, size_t min, size_t max);

/* A fresh random request id (UUID v4 text): 0 or -EIO. */
int mncr_elig_request_id_new(char out[MNCR_ELIG_REQUEST_ID_MAX + 1]);

/* Wire names; NULL for a value out of range. */
const char *mncr_elig_method_name(enum mncr_elig_method m);
const char *mncr_elig_site_name(enum mncr_elig_site s);
const char *mncr_elig_validity_name(enum mncr_elig_validity v);
/* From wire names: 0 or -EINVAL. */
int mncr_elig_method_parse(const char *s, enum mncr_elig_method *out);
int mncr_elig_site_parse(const char *s, enum mncr_elig_site *out);
int mncr_elig_validity_parse(const char *s, enum mncr_elig_validity *out);

/* Wipes a buffer that held card data (OPENSSL_cleanse: not optimised out). */
void mncr_elig_cleanse(void *p, size_t len);

/* Writes the reason into why (when given) and returns -EINVAL. */
int mncr_elig_why_fail(char *why, size_t why_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
