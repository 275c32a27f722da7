/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test driver's record of a screen: DIR/NAME.png as rendered and
 * DIR/NAME.txt with the text of every label and entry on screen, one a
 * line, in tree order (what the tests check: the Japanese, no PIN).
 */
#ifndef MNCR_KIOSK_SNAPSHOT_H
#define MNCR_KIOSK_SNAPSHOT_H

#include <stdbool.h>

#include <gtk/gtk.h>

/*
 * 0; -EAGAIN: not drawable yet, nothing written (try after the next
 * paint); -EIO with the reason on stderr (last_try: the text alone).
 */
int kiosk_snapshot_save(GtkWidget *w, const char *dir, const char *name,
			bool last_try);

#endif
