// SPDX-License-Identifier: LGPL-2.1-or-later
#include "card/card_kind.h"
#include "card/card_ids.h"
#include "card/card_jpki.h"
#include "card/card_verify.h"

#include <errno.h>

/* Card answers that only mean "this fact is not available". */
static bool card_said_no(int ret)
{
	return ret == -ENOENT || ret == -EACCES || ret == -EINVAL ||
	       ret == -EOPNOTSUPP || ret == -EBADMSG || ret == -EPERM;
}

static enum mncr_card_kind decide(const struct mncr_card_kind_info *i,
				  const struct mncr_card_key_status *st,
				  bool status_known)
{
	if (i->state_known && !i->auth_cert)
		return MNCR_CARD_KIND_NO_AUTH_CERT;
	if (!status_known)
		return MNCR_CARD_KIND_UNKNOWN;
	if (st->verified || st->tries >= 1 || st->unlimited)
		return MNCR_CARD_KIND_PIN;
	if (!st->blocked || !i->state_known)
		return MNCR_CARD_KIND_UNKNOWN;
	return i->sign_cert ? MNCR_CARD_KIND_PIN_BLOCKED : MNCR_CARD_KIND_PINLESS;
}

int mncr_card_kind_detect(const struct mncr_apdu_io *io,
			  struct mncr_card_kind_info *info)
{
	struct mncr_jpki_cert_state cs;
	struct mncr_card_key_status st = { .tries = -1 };
	int ret;

	if (!io || !info)
		return -EINVAL;
	*info = (struct mncr_card_kind_info){ .auth_tries = -1 };
	ret = mncr_jpki_select(io);
	if (ret)
		return ret;
	ret = mncr_jpki_cert_state(io, &cs);
	if (!ret) {
		info->state_known = true;
		info->auth_cert = cs.auth;
		info->sign_cert = cs.sign;
	} else if (!card_said_no(ret)) {
		return ret;
	}
	ret = mncr_card_key_status(io, &mncr_card_key_jpki_auth, &st);
	if (ret && !card_said_no(ret))
		return ret;
	info->auth_tries = st.tries;
	info->kind = decide(info, &st, ret == 0);
	return 0;
}

const char *mncr_card_kind_name(enum mncr_card_kind kind)
{
	switch (kind) {
	case MNCR_CARD_KIND_PIN:
		return "pin";
	case MNCR_CARD_KIND_PIN_BLOCKED:
		return "pin_blocked";
	case MNCR_CARD_KIND_PINLESS:
		return "pinless";
	case MNCR_CARD_KIND_NO_AUTH_CERT:
		return "no_auth_cert";
	default:
		return "unknown";
	}
}

bool mncr_card_kind_pin_entry(enum mncr_card_kind kind)
{
	return kind == MNCR_CARD_KIND_PIN;
}
