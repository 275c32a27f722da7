/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Every screen with fixed texts, for --render-states: the screens drawn
 * and checked on a machine with no reader (the host's smoke test).
 */
#ifndef MNCR_KIOSK_STATES_H
#define MNCR_KIOSK_STATES_H

#include "screens.h"

/* Fills and shows the step'th sample screen; false past the last. */
bool kiosk_states_show(struct kiosk_screens *s, int step);

#endif
