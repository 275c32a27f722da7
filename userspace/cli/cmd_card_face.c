// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mncr card info, photo and verify: what the card gives without a PIN. The card
 * front that the reader's scanner reads (MNCR_IOC_CARD_FRONT) makes
 * 照合番号B, which opens the 券面AP and the 券面事項入力補助AP. A misread
 * front is refused before anything is sent, so it never costs a try.
 */
#include "cmd_card.h"
#include "card/card_authenticity.h"
#include "card/card_collation.h"
#include "card/card_jpki.h"
#include "card/card_kind.h"
#include "card/card_photo.h"
#include "card/card_text_ap.h"
#include "card/card_visual_ap.h"
#include "reader/device.h"
#include "face/face_image.h"
#include "util/json_write.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/crypto.h>

/* The scanner's card front; checked to make a 照合番号B. */
static int read_front(struct card_cmd *c, struct mncr_card_front *front)
{
	char b[MNCR_CARD_COLLATION_B_LEN + 1];
	int fd, r;

	if (!c->have_node) {
		fprintf(stderr, "mncr: card: the mncr driver has no such reader: "
			"the card front (照合番号B) cannot be read\n");
		return EXIT_NO_READER;
	}
	fd = cli_open_reader(&c->reader, true);
	if (fd < 0)
		return -fd;
	r = mncr_device_card_front(fd, front);
	close(fd);
	/* The driver refuses a scanner result that is not digits: -EPROTO. */
	if (r && r != -EPROTO)
		return card_fail(c, "reading the card front", r);
	if (!r) {
		r = mncr_card_collation_b(front, b);
		OPENSSL_cleanse(b, sizeof(b));
	}
	if (r) {
		OPENSSL_cleanse(front, sizeof(*front));
		fprintf(stderr, "mncr: card: the card front was misread (its fields are "
			"not a date, year and code): nothing was sent to the card; "
			"re-insert the card\n");
		return EXIT_FRONT_UNREADABLE;
	}
	return EXIT_OK;
}

/* What a refused 照合番号B means to the technician. */
static int front_refused(struct card_cmd *c, int r, int tries, const char *what)
{
	if (r == -ECANCELED) {
		fprintf(stderr, "mncr: card: %s: one 照合番号B try left (or the count "
			"is unknown): not used, so that the card is not locked\n", what);
		return EXIT_FAILED;
	}
	if (r == -EPERM) {
		fprintf(stderr, "mncr: card: %s: 照合番号B is blocked on this card: "
			"the holder's municipal office can reset it\n", what);
		return EXIT_FAILED;
	}
	if (r == -EKEYREJECTED) {
		fprintf(stderr, "mncr: card: %s: 照合番号B rejected (%d tries left): "
			"the card front does not match the chip\n", what, tries);
		return EXIT_FAILED;
	}
	return r ? card_fail(c, what, r) : EXIT_OK;
}

/* Opens an AP with 照合番号B through the last-try guard. */
static int open_with_front(struct card_cmd *c, const struct mncr_card_key *key,
			   const struct mncr_card_front *front, const char *what)
{
	int tries = -1, r = mncr_card_verify_front(&c->link->io, key, front, 0, &tries);

	return front_refused(c, r, tries, what);
}

/* The 券面AP's record (photo and front fields), in card_photo's sequence. */
static int read_visual(struct card_cmd *c, const struct mncr_card_front *front,
		       struct mncr_visual_front *vf)
{
	bool opened = false;
	int tries = -1, r = mncr_card_photo_read(&c->link->io, front, vf, &opened,
						 &tries);

	if (!opened)
		return front_refused(c, r, tries, "券面AP");
	return r ? card_fail(c, "reading the card face", r) : EXIT_OK;
}

struct face_data {
	struct mncr_card_kind_info kind;
	char token[MNCR_JPKI_LABEL_LEN + 1];
	struct mncr_text_basic4 b4;
	struct mncr_visual_front vf;
};

static const char *photo_format(const struct mncr_visual_front *vf)
{
	switch (mncr_photo_format(vf->photo, vf->photo_len)) {
	case MNCR_PHOTO_JP2: return "jp2";
	case MNCR_PHOTO_J2K: return "j2k";
	default: return "unknown";
	}
}

static void print_info(const struct card_cmd *c, const struct face_data *d)
{
	const char *kind = mncr_card_kind_name(d->kind.kind);

	if (c->cli->json) {
		struct mncr_json j;

		mncr_json_init(&j, stdout);
		mncr_json_object_begin(&j, NULL);
		mncr_json_string(&j, "backend", mncr_card_backend_name(c->link->backend));
		mncr_json_string(&j, "kind", kind);
		mncr_json_bool(&j, "pin_entry", mncr_card_kind_pin_entry(d->kind.kind));
		mncr_json_string(&j, "token", d->token);
		mncr_json_bool(&j, "auth_cert", d->kind.auth_cert);
		mncr_json_bool(&j, "sign_cert", d->kind.sign_cert);
		mncr_json_object_begin(&j, "basic4");
		mncr_json_string(&j, "name", d->b4.name);
		mncr_json_string(&j, "address", d->b4.address);
		mncr_json_string(&j, "birth_date", d->b4.birth);
		mncr_json_string(&j, "sex", (char[2]){ d->b4.sex, 0 });
		mncr_json_object_end(&j);
		mncr_json_object_begin(&j, "front");
		mncr_json_string(&j, "birth_date", d->vf.birth);
		mncr_json_string(&j, "sex", (char[2]){ d->vf.sex, 0 });
		mncr_json_string(&j, "expiry", d->vf.expiry);
		mncr_json_string(&j, "photo_format", photo_format(&d->vf));
		mncr_json_uint(&j, "photo_bytes", d->vf.photo_len);
		mncr_json_object_end(&j);
		mncr_json_object_end(&j);
		mncr_json_finish(&j);
		return;
	}
	printf("kind:         %s\n", kind);
	printf("token:        %s\n", d->token);
	printf("certificates: 利用者証明用 %s, 署名用 %s\n",
	       d->kind.auth_cert ? "yes" : "no", d->kind.sign_cert ? "yes" : "no");
	printf("氏名:         %s\n", d->b4.name);
	printf("住所:         %s\n", d->b4.address);
	printf("生年月日:     %s  性別: %c\n", d->b4.birth, d->b4.sex);
	printf("有効期限:     %s\n", d->vf.expiry[0] ? d->vf.expiry : "(not on the chip)");
	printf("顔写真:       %s, %zu bytes\n", photo_format(&d->vf), d->vf.photo_len);
}

int card_info(struct card_cmd *c)
{
	struct mncr_card_front front;
	struct face_data d;
	enum mncr_jpki_token type;
	int code, r;

	memset(&d, 0, sizeof(d));
	/* The front first: a misread one stops us before any card traffic. */
	code = read_front(c, &front);
	if (code)
		return code;
	r = mncr_card_kind_detect(&c->link->io, &d.kind);
	if (!r)
		r = mncr_jpki_select(&c->link->io);
	if (!r)
		r = mncr_jpki_token(&c->link->io, &type, d.token);
	if (r) {
		OPENSSL_cleanse(&front, sizeof(front));
		return card_fail(c, "card kind", r);
	}
	code = open_with_front(c, &mncr_card_key_text_b, &front, "券面事項入力補助AP");
	if (!code) {
		r = mncr_text_ap_read_basic4(&c->link->io, &d.b4);
		code = r ? card_fail(c, "reading 基本4情報", r) : EXIT_OK;
	}
	if (!code)
		code = read_visual(c, &front, &d.vf);
	OPENSSL_cleanse(&front, sizeof(front));
	if (!code)
		print_info(c, &d);
	mncr_text_basic4_clear(&d.b4);
	mncr_visual_front_clear(&d.vf);
	return code;
}

static int write_file(const char *path, const void *p, size_t n, const char *head)
{
	FILE *f = fopen(path, "wb");
	int ok = f && (!head || fputs(head, f) >= 0) && fwrite(p, 1, n, f) == n;

	if (f && fclose(f))
		ok = 0;
	if (!ok)
		fprintf(stderr, "mncr: card: cannot write %s\n", path);
	return ok ? EXIT_OK : EXIT_FAILED;
}

/* The DF27 photo as stored (JPEG 2000), or decoded to greyscale PGM. */
int card_photo(struct card_cmd *c)
{
	struct mncr_visual_front vf = { 0 };
	struct mncr_face_image img = { 0 };
	struct mncr_card_front front;
	char err[160], head[64];
	int code = read_front(c, &front), r;

	if (code)
		return code;
	code = read_visual(c, &front, &vf);
	OPENSSL_cleanse(&front, sizeof(front));
	if (code)
		return code;
	if (!c->pgm) {
		code = write_file(c->output, vf.photo, vf.photo_len, NULL);
	} else if ((r = mncr_face_image_decode(vf.photo, vf.photo_len, &img, err,
					       sizeof(err)))) {
		fprintf(stderr, "mncr: card: the photo does not decode: %s\n", err);
		code = EXIT_FAILED;
	} else {
		snprintf(head, sizeof(head), "P5\n%d %d\n255\n", img.w, img.h);
		code = write_file(c->output, img.px, (size_t)img.w * (size_t)img.h, head);
	}
	if (!code && c->cli->json)
		printf("{\"file\":\"%s\",\"format\":\"%s\",\"bytes\":%zu,\"width\":%d,\"height\":%d}\n",
		       c->output, c->pgm ? "pgm" : photo_format(&vf), vf.photo_len,
		       img.w, img.h);
	else if (!code)
		printf("%s: %s photo, %zu bytes on the card\n", c->output,
		       photo_format(&vf), vf.photo_len);
	mncr_face_image_free(&img);
	mncr_visual_front_clear(&vf);
	return code;
}

/*
 * Is the card genuine (card_authenticity.h): 0 authentic, 11 any other
 * verdict, with the reason; the photo is read but never written.
 */
int card_verify(struct card_cmd *c)
{
	const char *dir = c->ca_keys ? c->ca_keys : CARD_CA_KEYS_DEFAULT;
	enum mncr_card_auth_verdict v = MNCR_CARD_UNAVAILABLE;
	struct mncr_visual_front vf = { 0 };
	struct mncr_cvca_set *ca = NULL;
	struct mncr_card_front front;
	char why[256] = "";
	bool opened = false;
	int tries = -1, code, r;

	r = mncr_cvca_load(dir, &ca, why, sizeof(why));
	if (r) {
		fprintf(stderr, "mncr: card: %s\n", why);
		return EXIT_FAILED;
	}
	code = read_front(c, &front);
	if (code) {
		mncr_cvca_free(ca);
		return code;
	}
	r = mncr_card_photo_read_checked(&c->link->io, &front, ca, &vf, &opened,
					 &tries, &v, why, sizeof(why));
	OPENSSL_cleanse(&front, sizeof(front));
	mncr_visual_front_clear(&vf);
	mncr_cvca_free(ca);
	if (!opened)
		return front_refused(c, r, tries, "券面AP");
	if (r)
		return card_fail(c, "verifying the card", r);
	if (c->cli->json) {
		struct mncr_json j;

		mncr_json_init(&j, stdout);
		mncr_json_object_begin(&j, NULL);
		mncr_json_string(&j, "backend", mncr_card_backend_name(c->link->backend));
		mncr_json_string(&j, "verdict", mncr_card_auth_verdict_name(v));
		mncr_json_string(&j, "reason", why);
		mncr_json_object_end(&j);
		mncr_json_finish(&j);
	} else {
		printf("verdict: %s\nreason:  %s\n", mncr_card_auth_verdict_name(v), why);
	}
	return v == MNCR_CARD_AUTHENTIC ? EXIT_OK : EXIT_CARD_UNVERIFIED;
}
