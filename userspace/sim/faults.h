/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fault injection on command responses: what the reader does instead of
 * answering properly, so host drivers can be tested against broken or
 * vanishing devices.
 */
#ifndef MNCR_SIM_FAULTS_H
#define MNCR_SIM_FAULTS_H

#include <stddef.h>
#include <stdint.h>

enum fault_kind {
	FAULT_NONE,
	FAULT_GARBAGE,		/* random bytes, same length */
	FAULT_SHORT,		/* frame cut to half its length */
	FAULT_STALL,		/* bulk IN halted, command not executed */
	FAULT_SILENCE,		/* command executed, no response */
	FAULT_BADSEQ,		/* response carries another seq */
	FAULT_BADMAGIC,		/* response magic byte-swapped */
	FAULT_DISCONNECT,	/* UDC unbound before the response */
};

/* Kinds by name ("none", "garbage", ...). Returns -1 for unknown names. */
int fault_parse(const char *name, enum fault_kind *out);
const char *fault_name(enum fault_kind kind);

/* "none|garbage|..." for usage messages. */
const char *fault_names(void);

/* True for the kinds fault_corrupt rewrites a frame for. */
int fault_corrupts(enum fault_kind kind);

/*
 * Rewrites a response frame of len bytes in place for the corrupting kinds
 * and returns the length to send. rng is the caller's xorshift state.
 */
size_t fault_corrupt(enum fault_kind kind, uint8_t *frame, size_t len,
		     uint64_t *rng);

/* xorshift64: cheap, per-thread, good enough for garbage. */
uint64_t fault_rand(uint64_t *state);

#endif
