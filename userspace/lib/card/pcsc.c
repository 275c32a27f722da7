// SPDX-License-Identifier: LGPL-2.1-or-later
/* The card slot through pcsc-lite: connect, transmit, status. */
#include "card/pcsc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#define ATR_MAX	33

struct mncr_pcsc {
	SCARDCONTEXT ctx;
	SCARDHANDLE card;
	DWORD protocol;
	bool connected;
	bool in_transaction;
	char *reader;		/* PC/SC reader name */
};

int mncr_pcsc_errno(long rv)
{
	switch (rv) {
	case SCARD_S_SUCCESS:
		return 0;
	case SCARD_E_NO_SERVICE:
	case SCARD_E_SERVICE_STOPPED:
		return -ECONNREFUSED;
	case SCARD_E_NO_READERS_AVAILABLE:
	case SCARD_E_UNKNOWN_READER:
	case SCARD_E_READER_UNAVAILABLE:
		return -ENODEV;
	case SCARD_E_NO_SMARTCARD:
	case SCARD_W_REMOVED_CARD:
		return -ENOMEDIUM;
	case SCARD_W_UNPOWERED_CARD:
	case SCARD_W_RESET_CARD:
		return -ENOTCONN;
	case SCARD_W_UNRESPONSIVE_CARD:
	case SCARD_E_TIMEOUT:
		return -ETIMEDOUT;
	case SCARD_E_SHARING_VIOLATION:
		return -EBUSY;
	case SCARD_E_INSUFFICIENT_BUFFER:
		return -ENOBUFS;
	case SCARD_E_NO_MEMORY:
		return -ENOMEM;
	case SCARD_E_PROTO_MISMATCH:
	case SCARD_E_NOT_TRANSACTED:
		return -EPROTO;
	case SCARD_E_CANCELLED:
		return -ECANCELED;
	default:
		return -EIO;
	}
}

/* The first reader in the multi-string list that matches serial. */
static const char *pick_reader(const char *list, DWORD len, const char *serial)
{
	char want[80];

	if (serial && (size_t)snprintf(want, sizeof(want), "(%s)", serial) >= sizeof(want))
		return NULL;
	for (const char *r = list; r < list + len && *r; r += strlen(r) + 1)
		if (!serial || strstr(r, want))
			return r;
	return NULL;
}

static int find_reader(struct mncr_pcsc *p, const char *serial)
{
	DWORD len = 0;
	char *list;
	const char *r;
	LONG rv = SCardListReaders(p->ctx, NULL, NULL, &len);

	if (rv != SCARD_S_SUCCESS)
		return mncr_pcsc_errno(rv);
	list = calloc(1, len + 1);
	if (!list)
		return -ENOMEM;
	rv = SCardListReaders(p->ctx, NULL, list, &len);
	if (rv != SCARD_S_SUCCESS) {
		free(list);
		return mncr_pcsc_errno(rv);
	}
	r = pick_reader(list, len, serial);
	if (r)
		p->reader = strdup(r);
	free(list);
	if (!r)
		return -ENODEV;
	return p->reader ? 0 : -ENOMEM;
}

int mncr_pcsc_open(const char *serial, struct mncr_pcsc **out)
{
	struct mncr_pcsc *p = calloc(1, sizeof(*p));
	LONG rv;
	int r;

	if (!p)
		return -ENOMEM;
	rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &p->ctx);
	if (rv != SCARD_S_SUCCESS) {
		free(p);
		return mncr_pcsc_errno(rv);
	}
	r = find_reader(p, serial);
	if (!r) {
		rv = SCardConnect(p->ctx, p->reader, SCARD_SHARE_SHARED,
				  SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
				  &p->card, &p->protocol);
		r = mncr_pcsc_errno(rv);
		p->connected = !r;
	}
	/*
	 * Hold the card for as long as we have it: no other client may slip
	 * a command between the tries check and VERIFY, or select another file.
	 */
	if (!r) {
		r = mncr_pcsc_errno(SCardBeginTransaction(p->card));
		p->in_transaction = !r;
	}
	if (r) {
		mncr_pcsc_close(p);
		return r;
	}
	*out = p;
	return 0;
}

void mncr_pcsc_close(struct mncr_pcsc *p)
{
	if (!p)
		return;
	/* Reset: a VERIFY done here must not stay in effect for others. */
	if (p->in_transaction)
		SCardEndTransaction(p->card, SCARD_LEAVE_CARD);
	if (p->connected)
		SCardDisconnect(p->card, SCARD_RESET_CARD);
	SCardReleaseContext(p->ctx);
	free(p->reader);
	free(p);
}

const char *mncr_pcsc_reader_name(const struct mncr_pcsc *p)
{
	return p->reader;
}

int mncr_pcsc_atr(struct mncr_pcsc *p, uint8_t *atr, size_t cap,
		  size_t *atr_len)
{
	BYTE buf[ATR_MAX];
	DWORD len = sizeof(buf), state, proto, name_len = 0;
	LONG rv = SCardStatus(p->card, NULL, &name_len, &state, &proto, buf, &len);

	if (rv != SCARD_S_SUCCESS)
		return mncr_pcsc_errno(rv);
	if (len > cap)
		return -ENOBUFS;
	memcpy(atr, buf, len);
	*atr_len = len;
	return 0;
}

int mncr_pcsc_wait_change(struct mncr_pcsc *p, unsigned ms, bool *present)
{
	SCARD_READERSTATE rs;
	LONG rv;

	memset(&rs, 0, sizeof(rs));
	rs.szReader = p->reader;
	rs.dwCurrentState = SCARD_STATE_UNAWARE;
	rv = SCardGetStatusChange(p->ctx, 0, &rs, 1);
	if (rv != SCARD_S_SUCCESS)
		return mncr_pcsc_errno(rv);
	rs.dwCurrentState = rs.dwEventState & ~SCARD_STATE_CHANGED;
	rv = SCardGetStatusChange(p->ctx, ms, &rs, 1);
	if (rv != SCARD_S_SUCCESS)
		return mncr_pcsc_errno(rv);
	*present = rs.dwEventState & SCARD_STATE_PRESENT;
	return 0;
}

int mncr_pcsc_transmit(void *ctx, const uint8_t *cmd, size_t n,
		       uint8_t *resp, size_t *resp_len)
{
	struct mncr_pcsc *p = ctx;
	const SCARD_IO_REQUEST *pci = p->protocol == SCARD_PROTOCOL_T0 ?
				      SCARD_PCI_T0 : SCARD_PCI_T1;
	DWORD len = (DWORD)*resp_len;
	LONG rv;

	if (n < 4)
		return -EINVAL;
	rv = SCardTransmit(p->card, pci, cmd, (DWORD)n, NULL, resp, &len);
	if (rv != SCARD_S_SUCCESS) {
		DWORD state = 0, proto, name_len = 0, atr_len = 0;
		LONG st = SCardStatus(p->card, NULL, &name_len, &state, &proto,
				      NULL, &atr_len);

		/* A failed exchange because the card left says so. */
		if (st == SCARD_W_REMOVED_CARD || st == SCARD_E_NO_SMARTCARD ||
		    (st == SCARD_S_SUCCESS && !(state & SCARD_PRESENT)))
			return -ENOMEDIUM;
		return mncr_pcsc_errno(rv);
	}
	if (len < 2)
		return -EPROTO;
	*resp_len = len;
	return 0;
}
