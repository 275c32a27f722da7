/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kiosk's own words (titles, buttons), Japanese as the msgids like
 * the library's catalogue; the library's prompts come translated already.
 */
#ifndef MNCR_KIOSK_TEXT_H
#define MNCR_KIOSK_TEXT_H

#include <libintl.h>

#include <glib.h>

#define KIOSK_DOMAIN "mncr-kiosk"
#define K_(s) g_dgettext(KIOSK_DOMAIN, s)
/* Marked for po/kiosk/mncr-kiosk.pot, translated later with K_(). */
#define KN_(s) (s)

#endif
