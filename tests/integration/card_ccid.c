// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The simulated reader's CCID slot from the host side (lib/ccid.c over
 * libusb), one scenario per run: card_ccid --serial S SCENARIO, where
 * SCENARIO is basic, slow, yank, garbled, absent or removal. Prints
 * PASS/FAIL lines; exits 1 after any FAIL.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "card/apdu.h"
#include "card/card_ids.h"
#include "card/card_jpki.h"
#include "card/card_verify.h"
#include "card/ccid.h"

static const uint8_t sim_atr[] = { 0x3b, 0xe0, 0x00, 0xff, 0x81, 0x31, 0xfe, 0x45, 0x14 };

struct run {
	int failed;
	struct mncr_ccid *c;
	struct mncr_apdu_io io;
};

static void check(struct run *r, bool ok, const char *name, int err)
{
	if (ok) {
		printf("PASS: %s\n", name);
		return;
	}
	printf("FAIL: %s (%d %s)\n", name, err, strerror(err < 0 ? -err : err));
	r->failed = 1;
}

static int power_on(struct run *r)
{
	uint8_t atr[MNCR_CCID_ATR_MAX];
	size_t len = 0;
	int e = mncr_ccid_power_on(r->c, atr, sizeof(atr), &len);

	check(r, e == 0, "power on", e);
	check(r, e == 0 && len == sizeof(sim_atr) && !memcmp(atr, sim_atr, len),
	      "ATR is the My Number Card's", e);
	return e;
}

static int read_auth_cert(struct run *r, bool *parsed)
{
	uint8_t *der = NULL;
	size_t len = 0;
	int e = mncr_jpki_select(&r->io);

	if (!e)
		e = mncr_jpki_read_cert(&r->io, MNCR_JPKI_CERT_AUTH, &der, &len);
	if (!e) {
		const unsigned char *p = der;
		X509 *x = d2i_X509(NULL, &p, (long)len);

		*parsed = x && p == der + len;
		X509_free(x);
	}
	free(der);
	return e;
}

static void basic(struct run *r)
{
	struct mncr_card_key_status st;
	bool parsed = false;
	uint8_t resp[64];
	size_t rl = sizeof(resp);
	int icc = -1, e;

	e = mncr_ccid_slot_status(r->c, &icc);
	check(r, e == 0 && icc == CCID_ICC_INACTIVE, "slot status: card present, unpowered", e);
	e = mncr_ccid_transmit(r->c, (const uint8_t[]){ 0, 0xa4, 4, 0x0c }, 4, resp, &rl);
	check(r, e == -ENOTCONN, "XfrBlock before power on is refused", e);
	if (power_on(r))
		return;
	e = mncr_ccid_slot_status(r->c, &icc);
	check(r, e == 0 && icc == CCID_ICC_ACTIVE, "slot status: card active", e);
	check(r, mncr_ccid_extended(r->c), "descriptor: extended APDU level", 0);
	e = read_auth_cert(r, &parsed);
	check(r, e == 0 && parsed, "JPKI auth certificate read and parsed (extended APDUs)", e);
	r->io.max_le = 256;
	e = read_auth_cert(r, &parsed);
	check(r, e == 0 && parsed, "JPKI auth certificate read with short APDUs", e);
	e = mncr_card_key_status(&r->io, &mncr_card_key_jpki_auth, &st);
	check(r, e == 0 && st.tries == 3, "JPKI PIN: 3 tries left", e);
	e = mncr_card_key_status(&r->io, &mncr_card_key_jpki_auth, &st);
	check(r, e == 0 && st.tries == 3, "JPKI PIN: still 3 after asking again", e);
	e = mncr_ccid_power_off(r->c);
	check(r, e == 0, "power off", e);
	e = mncr_ccid_slot_status(r->c, &icc);
	check(r, e == 0 && icc == CCID_ICC_INACTIVE, "slot status after power off", e);
}

static void slow(struct run *r)
{
	bool parsed = false;
	int e;

	if (power_on(r))
		return;
	/* Shorter than the card takes: only the time extensions keep us waiting. */
	mncr_ccid_set_timeout(r->c, 600);
	e = read_auth_cert(r, &parsed);
	check(r, e == 0 && parsed, "slow card: certificate read", e);
	check(r, mncr_ccid_time_extensions(r->c) > 0, "slow card: time extensions seen", 0);
}

static void yank(struct run *r)
{
	bool parsed = false, present = true;
	int icc = -1, e;

	if (power_on(r))
		return;
	e = read_auth_cert(r, &parsed);
	check(r, e == -ENOMEDIUM, "card pulled mid-read: clean no-card error", e);
	e = mncr_ccid_slot_status(r->c, &icc);
	check(r, e == 0 && icc == CCID_ICC_ABSENT, "slot status: absent", e);
	/* Earlier notifications (the insertion) may still be queued. */
	for (int i = 0; i < 5 && present; i++)
		e = mncr_ccid_wait_slot_change(r->c, 2000, &present);
	check(r, e == 0 && !present, "NotifySlotChange: removed", e);
}

static void garbled(struct run *r)
{
	bool parsed = false;
	int e;

	if (power_on(r))
		return;
	e = read_auth_cert(r, &parsed);
	check(r, e == -EPROTO, "garbled reply rejected as a protocol error", e);
}

static void absent(struct run *r)
{
	uint8_t atr[MNCR_CCID_ATR_MAX];
	size_t len;
	int icc = -1, e;

	e = mncr_ccid_slot_status(r->c, &icc);
	check(r, e == 0 && icc == CCID_ICC_ABSENT, "no card: slot status absent", e);
	e = mncr_ccid_power_on(r->c, atr, sizeof(atr), &len);
	check(r, e == -ENOMEDIUM, "no card: power on fails cleanly", e);
}

/* Waits for the insertion then the removal the script makes. */
static void removal(struct run *r)
{
	bool present = true;
	int e = 0;

	for (int i = 0; i < 10 && present; i++)
		e = mncr_ccid_wait_slot_change(r->c, 3000, &present);
	check(r, e == 0 && !present, "NotifySlotChange after ctl remove", e);
	for (int i = 0; i < 10 && !present; i++)
		e = mncr_ccid_wait_slot_change(r->c, 3000, &present);
	check(r, e == 0 && present, "NotifySlotChange after ctl insert", e);
}

int main(int argc, char **argv)
{
	static const struct { const char *name; void (*fn)(struct run *); } cases[] = {
		{ "basic", basic }, { "slow", slow }, { "yank", yank },
		{ "garbled", garbled }, { "absent", absent }, { "removal", removal },
	};
	struct run r = { 0 };
	int e;

	if (argc != 4 || strcmp(argv[1], "--serial")) {
		fprintf(stderr, "usage: card_ccid --serial SERIAL SCENARIO\n");
		return 2;
	}
	e = mncr_ccid_open(argv[2], &r.c);
	check(&r, e == 0, "CCID interface found and claimed", e);
	if (e)
		return 1;
	r.io = (struct mncr_apdu_io) {
		.transmit = mncr_ccid_transmit, .ctx = r.c,
		.max_le = mncr_ccid_extended(r.c) ? MNCR_APDU_EXT_MAX : 256,
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!strcmp(argv[3], cases[i].name))
			cases[i].fn(&r);
	mncr_ccid_close(r.c);
	return r.failed;
}
