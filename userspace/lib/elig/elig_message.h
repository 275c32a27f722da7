/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Eligibility confirmation (オンライン資格確認) messages between a reader and
 * an eligibility service: the qualification request, its result or refusal,
 * and the PIN-mode challenge. Documentation/eligibility.rst describes the
 * JSON on the wire; this module turns it into fixed-size structs and back.
 *
 * Parsing is strict (see elig_json.h) and checks every field's format, so a
 * parsed struct can be used without further checks. Encoding checks the
 * struct the same way and refuses what the parser would refuse. Nothing is
 * allocated: card data lives only in the caller's structs and buffers,
 * which mncr_elig_cleanse() (elig_fields.h) wipes.
 */
#ifndef MNCR_ELIG_MESSAGE_H
#define MNCR_ELIG_MESSAGE_H

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

/*
 * Functions that take why/why_len write a one-line reason on failure:
 * member names and offsets, never values.
 */

/* Encoders write a NUL-terminated body: 0, -EINVAL or -ENOSPC. */
int mncr_elig_request_encode(const struct mncr_elig_request *r, char *out,
			     size_t cap, size_t *len, char *why,
			     size_t why_len);
int mncr_elig_response_encode(const struct mncr_elig_response *r, char *out,
			      size_t cap, size_t *len, char *why,
			      size_t why_len);
int mncr_elig_challenge_encode(const struct mncr_elig_challenge *c, char *out,
			       size_t cap, size_t *len);

/* Parsers fill *out from len bytes of text: 0 or -EINVAL. */
int mncr_elig_request_parse(const char *text, size_t len,
			    struct mncr_elig_request *out, char *why,
			    size_t why_len);
int mncr_elig_response_parse(const char *text, size_t len,
			     struct mncr_elig_response *out, char *why,
			     size_t why_len);
/*
 * A challenge body, or a refusal (-EACCES with refusal filled) when the
 * service answered with an error body instead.
 */
int mncr_elig_challenge_parse(const char *text, size_t len,
			      struct mncr_elig_challenge *out,
			      struct mncr_elig_refusal *refusal, char *why,
			      size_t why_len);

#endif
