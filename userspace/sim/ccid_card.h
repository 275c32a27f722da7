/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The card behind the CCID slot: a card_emul built from a sim card
 * profile (and the face fields the scanner reads), with an RSA-2048 card
 * key and X.509 certificates from a test CA made once per simulator run,
 * so hosts read real DER and can check it: "expired" is past its
 * notAfter, "revoked" is on the CA's CRL. The CA certificate and CRL are
 * written to $MNCR_SIM_PKI_DIR (default /run/mncr-sim/pki) as ca.pem and
 * crl.pem for hosts to trust. The 券面AP is signed under a CV test CA made
 * the same way (RSA-2048), whose public key goes to cv-ca/ there in the
 * format of mncr card verify --ca-keys (card_cvca.h). The DF27 photo is a greyscale JPEG 2000
 * made from the face source's card photo. No real card data, no real CA.
 */
#ifndef MNCR_SIM_CCID_CARD_H
#define MNCR_SIM_CCID_CARD_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>

#include "emul/card_emul.h"
#include "card_profiles.h"

#define CCID_PKI_DIR_ENV	"MNCR_SIM_PKI_DIR"
#define CCID_PKI_DIR		"/run/mncr-sim/pki"
/* Card photo size (passport-like, 5:6) and JPEG 2000 compression. */
#define CCID_PHOTO_W		150
#define CCID_PHOTO_H		180
#define CCID_PHOTO_RATIO	8

struct ccid_der {
	uint8_t *der;
	size_t len;
};

/* Keys, certificates and photo shared by every card of a run. */
struct ccid_pki {
	EVP_PKEY *ca_key, *key;
	struct mncr_card_emul_cv cv;	/* the 券面AP's CV CA and AP keys */
	struct ccid_der ca, valid, expired, revoked;
	uint8_t *photo;			/* JP2, NULL: the emulator's placeholder */
	size_t photo_len;
};

/* Makes keys, certificates, CRL and photo (seconds under emulation). 0 or -1. */
int ccid_pki_make(struct ccid_pki *pki);
void ccid_pki_free(struct ccid_pki *pki);

/* A greyscale JP2 card photo from a picture file. 0 or -1 (logged). */
int ccid_photo_make(const char *path, uint8_t **jp2, size_t *len);

/*
 * A new card for profile with front's fields: PINs, tries, certificates
 * and holder fields from the profile. NULL on failure (logged).
 */
struct mncr_card_emul *ccid_card_new(const struct ccid_pki *pki,
				     const struct card_profile *profile,
				     const struct card_front *front);

#endif
