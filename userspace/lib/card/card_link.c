// SPDX-License-Identifier: LGPL-2.1-or-later
/* Run-time choice between the libusb CCID host and PC/SC. */
#include "card/card_link.h"
#include "card/pcsc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int mncr_card_backend_parse(const char *name, enum mncr_card_backend *out)
{
	static const char *const names[] = { "auto", "usb", "pcsc" };

	for (size_t i = 0; name && i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i]) == 0) {
			*out = (enum mncr_card_backend)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *mncr_card_backend_name(enum mncr_card_backend b)
{
	switch (b) {
	case MNCR_CARD_BACKEND_USB:
		return "usb";
	case MNCR_CARD_BACKEND_PCSC:
		return "pcsc";
	case MNCR_CARD_BACKEND_CALLER:
		return "caller";
	default:
		return "auto";
	}
}

static int open_usb(const char *serial, struct mncr_card_link *l)
{
	struct mncr_ccid *c;
	int r = mncr_ccid_open(serial, &c);

	if (r)
		return r;
	r = mncr_ccid_power_on(c, l->atr, sizeof(l->atr), &l->atr_len);
	if (r) {
		mncr_ccid_close(c);
		return r;
	}
	l->impl = c;
	l->io.transmit = mncr_ccid_transmit;
	l->io.ctx = c;
	l->io.max_le = mncr_ccid_extended(c) ? MNCR_APDU_EXT_MAX : 0;
	return 0;
}

static int open_pcsc(const char *serial, struct mncr_card_link *l)
{
	struct mncr_pcsc *p;
	int r = mncr_pcsc_open(serial, &p);

	if (r)
		return r;
	r = mncr_pcsc_atr(p, l->atr, sizeof(l->atr), &l->atr_len);
	if (r) {
		mncr_pcsc_close(p);
		return r;
	}
	l->impl = p;
	l->io.transmit = mncr_pcsc_transmit;
	l->io.ctx = p;
	l->io.max_le = 0;	/* short APDUs: whatever driver pcscd runs */
	return 0;
}

int mncr_card_link_open(enum mncr_card_backend backend, const char *serial,
			struct mncr_card_link **link)
{
	struct mncr_card_link *l;
	int r;

	if (backend == MNCR_CARD_BACKEND_CALLER)
		return -EINVAL;		/* that link is made by _wrap() */
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->backend = backend == MNCR_CARD_BACKEND_PCSC ? MNCR_CARD_BACKEND_PCSC :
			MNCR_CARD_BACKEND_USB;
	r = l->backend == MNCR_CARD_BACKEND_USB ? open_usb(serial, l) :
						   open_pcsc(serial, l);
	/* Someone holds the interface: under auto that is pcscd. */
	if (r == -EBUSY && backend == MNCR_CARD_BACKEND_AUTO) {
		l->backend = MNCR_CARD_BACKEND_PCSC;
		r = open_pcsc(serial, l);
	}
	if (r) {
		free(l);
		return r;
	}
	*link = l;
	return 0;
}

int mncr_card_link_wrap(const struct mncr_apdu_io *io, const uint8_t *atr,
			size_t atr_len, struct mncr_card_link **link)
{
	struct mncr_card_link *l;

	if (!io || !io->transmit || atr_len > sizeof(l->atr) || (atr_len && !atr))
		return -EINVAL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->backend = MNCR_CARD_BACKEND_CALLER;
	l->io = *io;
	if (atr_len)
		memcpy(l->atr, atr, atr_len);
	l->atr_len = atr_len;
	*link = l;
	return 0;
}

void mncr_card_link_close(struct mncr_card_link *l)
{
	if (!l)
		return;
	if (l->backend == MNCR_CARD_BACKEND_USB) {
		mncr_ccid_power_off(l->impl);
		mncr_ccid_close(l->impl);
	} else if (l->backend == MNCR_CARD_BACKEND_PCSC) {
		mncr_pcsc_close(l->impl);
	}
	free(l);
}
