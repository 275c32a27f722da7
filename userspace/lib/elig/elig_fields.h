/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The formats of the eligibility message fields, their names on the wire,
 * and request ids. The checks here are the ones the parser applies, so a
 * struct that passes them encodes, and one that is parsed passes them.
 */
#ifndef MNCR_ELIG_FIELDS_H
#define MNCR_ELIG_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "elig/elig_message.h"

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

#endif
