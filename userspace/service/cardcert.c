// SPDX-License-Identifier: GPL-2.0-or-later
#include "cardcert.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

struct eligd_cards {
	pthread_mutex_t lock;
	X509_STORE *store;
};

static void reason(char *why, size_t why_len, const char *what,
		   const char *file)
{
	unsigned long e = ERR_peek_last_error();

	snprintf(why, why_len, "%s %s: %s", what, file,
		 e && ERR_reason_error_string(e) ? ERR_reason_error_string(e) :
		 "cannot load");
	ERR_clear_error();
}

static X509_STORE *load(const char *ca_file, const char *crl_file, char *why,
			size_t why_len)
{
	X509_STORE *s = X509_STORE_new();
	X509_LOOKUP *lookup;

	if (!s) {
		snprintf(why, why_len, "no memory");
		return NULL;
	}
	if (X509_STORE_load_file(s, ca_file) != 1) {
		reason(why, why_len, "card CA", ca_file);
		goto err;
	}
	lookup = X509_STORE_add_lookup(s, X509_LOOKUP_file());
	/* Every CRL in the file: the count of loaded objects must be > 0. */
	if (!lookup || X509_load_crl_file(lookup, crl_file,
					  X509_FILETYPE_PEM) < 1) {
		reason(why, why_len, "CRL", crl_file);
		goto err;
	}
	/* The leaf's revocation is checked; the CA is the trust anchor. */
	X509_STORE_set_flags(s, X509_V_FLAG_CRL_CHECK);
	return s;
err:
	X509_STORE_free(s);
	return NULL;
}

int eligd_cards_new(const char *ca_file, const char *crl_file,
		    struct eligd_cards **out, char *why, size_t why_len)
{
	struct eligd_cards *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->store = load(ca_file, crl_file, why, why_len);
	if (!c->store) {
		free(c);
		return -EINVAL;
	}
	pthread_mutex_init(&c->lock, NULL);
	*out = c;
	return 0;
}

int eligd_cards_reload(struct eligd_cards *c, const char *ca_file,
		       const char *crl_file, char *why, size_t why_len)
{
	X509_STORE *s = load(ca_file, crl_file, why, why_len), *old;

	if (!s)
		return -EINVAL;
	pthread_mutex_lock(&c->lock);
	old = c->store;
	c->store = s;
	pthread_mutex_unlock(&c->lock);
	X509_STORE_free(old);	/* handlers still using it hold a reference */
	return 0;
}

void eligd_cards_free(struct eligd_cards *c)
{
	if (!c)
		return;
	X509_STORE_free(c->store);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static X509_STORE *store_get(struct eligd_cards *c)
{
	X509_STORE *s;

	pthread_mutex_lock(&c->lock);
	s = c->store;
	if (!X509_STORE_up_ref(s))
		s = NULL;
	pthread_mutex_unlock(&c->lock);
	return s;
}

static enum eligd_card_verdict verdict(int err)
{
	switch (err) {
	case X509_V_OK:
		return ELIGD_CARD_OK;
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return ELIGD_CARD_EXPIRED;
	case X509_V_ERR_CERT_REVOKED:
		return ELIGD_CARD_REVOKED;
	case X509_V_ERR_UNABLE_TO_GET_CRL:
	case X509_V_ERR_CRL_HAS_EXPIRED:
	case X509_V_ERR_CRL_NOT_YET_VALID:
		return ELIGD_CARD_STATUS_UNKNOWN;
	case X509_V_ERR_OUT_OF_MEM:
		return ELIGD_CARD_INTERNAL;
	default:
		return ELIGD_CARD_UNTRUSTED;
	}
}

static int serial_hex(X509 *x, char out[ELIGD_SERIAL_MAX + 1])
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *hex = NULL;
	int ret = -EINVAL;

	if (bn && !BN_is_negative(bn))
		hex = BN_bn2hex(bn);
	if (hex)
		ret = eligd_serial_normalize(hex, out);
	OPENSSL_free(hex);
	BN_free(bn);
	return ret;
}

/* The certificate's own properties, after its chain verified. */
static enum eligd_card_verdict usable(X509 *x, struct eligd_card *out,
				      char *why, size_t why_len)
{
	uint32_t ku = X509_get_key_usage(x);

	if (X509_check_ca(x) != 0 || !(ku & KU_DIGITAL_SIGNATURE)) {
		snprintf(why, why_len, "not a user authentication certificate");
		return ELIGD_CARD_UNTRUSTED;
	}
	if (!out->serial[0]) {
		snprintf(why, why_len, "unusable serial number");
		return ELIGD_CARD_MALFORMED;
	}
	out->key = X509_get_pubkey(x);
	if (!out->key) {
		snprintf(why, why_len, "unusable public key");
		return ELIGD_CARD_MALFORMED;
	}
	return ELIGD_CARD_OK;
}

enum eligd_card_verdict eligd_cards_verify(struct eligd_cards *c,
					   const uint8_t *der, size_t len,
					   struct eligd_card *out, char *why,
					   size_t why_len)
{
	const unsigned char *p = der;
	X509_STORE_CTX *ctx = NULL;
	X509_STORE *store = NULL;
	enum eligd_card_verdict v = ELIGD_CARD_INTERNAL;
	X509 *x;

	memset(out, 0, sizeof(*out));
	snprintf(why, why_len, "internal error");
	x = d2i_X509(NULL, &p, (long)len);
	if (!x || p != der + len) {
		snprintf(why, why_len, "not one DER X.509 certificate");
		v = ELIGD_CARD_MALFORMED;
		goto out;
	}
	/* Known even when the chain fails, so refusals can be logged. */
	if (serial_hex(x, out->serial))
		out->serial[0] = '\0';
	store = store_get(c);
	ctx = X509_STORE_CTX_new();
	if (!store || !ctx || !X509_STORE_CTX_init(ctx, store, x, NULL))
		goto out;
	if (X509_verify_cert(ctx) == 1) {
		v = usable(x, out, why, why_len);
	} else {
		int e = X509_STORE_CTX_get_error(ctx);

		v = verdict(e);
		if (v == ELIGD_CARD_OK)
			v = ELIGD_CARD_UNTRUSTED;
		snprintf(why, why_len, "%s", X509_verify_cert_error_string(e));
	}
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	X509_free(x);
	ERR_clear_error();
	return v;
}
