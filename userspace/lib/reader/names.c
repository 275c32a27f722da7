// SPDX-License-Identifier: LGPL-2.1-or-later
#include "reader/names.h"

#include <errno.h>
#include <string.h>
#include <linux/mncr.h>

#define NAME(table, i) \
	((i) < sizeof(table) / sizeof((table)[0]) && (table)[i] ? (table)[i] : "unknown")

static const char *const mode_names[] = {
	[MNCR_MODE_AUTO] = "auto",
	[MNCR_MODE_VISUAL] = "visual",
};

static const char *const event_names[] = {
	[MNCR_EV_CARD_INSERTED] = "card_inserted",
	[MNCR_EV_CARD_REMOVED] = "card_removed",
	[MNCR_EV_MODE_CHANGED] = "mode_changed",
	[MNCR_EV_DEVICE_ERROR] = "device_error",
	[MNCR_EV_OVERFLOW] = "overflow",
};

static const char *const reason_names[] = {
	[MNCR_REASON_REQUEST] = "request",
	[MNCR_REASON_TIMEOUT] = "timeout",
	[MNCR_REASON_CARD_REMOVED] = "card_removed",
	[MNCR_REASON_HOLDER_CLOSED] = "holder_closed",
	[MNCR_REASON_UNPLUG] = "unplug",
	[MNCR_REASON_SUSPEND] = "suspend",
	[MNCR_REASON_DEVICE] = "device",
	[MNCR_REASON_RESYNC] = "resync",
};

static const char *const reason_texts[] = {
	[MNCR_REASON_REQUEST] = "switched by request",
	[MNCR_REASON_TIMEOUT] = "the visual-mode time limit ran out",
	[MNCR_REASON_CARD_REMOVED] = "the card was removed (card session over)",
	[MNCR_REASON_HOLDER_CLOSED] = "the program holding visual mode exited",
	[MNCR_REASON_UNPLUG] = "the reader was unplugged",
	[MNCR_REASON_SUSPEND] = "the reader was suspended",
	[MNCR_REASON_DEVICE] = "changed on the reader itself",
	[MNCR_REASON_RESYNC] = "a mode command's answer was lost; the reader was set back to auto",
};

const char *mncr_mode_name(uint32_t mode)
{
	return NAME(mode_names, mode);
}

int mncr_mode_parse(const char *name, uint32_t *mode)
{
	for (uint32_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
		if (strcmp(name, mode_names[i]) == 0) {
			*mode = i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *mncr_event_name(uint32_t type)
{
	return NAME(event_names, type);
}

const char *mncr_reason_name(uint32_t reason)
{
	return NAME(reason_names, reason);
}

const char *mncr_reason_text(uint32_t reason)
{
	return NAME(reason_texts, reason);
}
