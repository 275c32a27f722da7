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
	FAULT_TRAILING,		/* junk after the frame, up to the largest frame */
	FAULT_OVERLONG,		/* header claims more than any frame may hold */
	FAULT_ZLP,		/* a zero-length transfer instead of the frame */
};

/*
 * Malformed or endless event floods on the interrupt endpoint ("evflood"):
 * the host must drop or absorb them without stalling anyone.
 */
enum evflood_kind {
	EVFLOOD_NONE,
	EVFLOOD_GARBAGE,	/* frame-sized random bytes, never a valid magic */
	EVFLOOD_OVERSIZE,	/* frames longer than the endpoint's packets */
	EVFLOOD_TRUNCATED,	/* frames shorter than a header */
	EVFLOOD_CARD,		/* well-formed card events, a bouncing card */
};

/*
 * Wrong interface 0 descriptors ("--descriptors KIND"): the host driver
 * must refuse the reader. The endpoint files stay ep1 (commands), ep2
 * (responses), ep3 (events) whatever the kind.
 */
enum desc_fault {
	DESC_GOOD,
	DESC_NO_INT,		/* the interrupt endpoint on another interface */
	DESC_NO_ENDPOINTS,	/* interface 0 has none, another has all three */
	DESC_NO_BULK_IN,	/* the response endpoint is an interrupt one */
	DESC_INT_AS_BULK,	/* the event endpoint is a bulk one */
	DESC_INT_OUT,		/* the event endpoint points the wrong way */
	DESC_TINY_MAXP,		/* event packets smaller than a frame header */
};

int desc_fault_parse(const char *name, enum desc_fault *out);
const char *desc_fault_names(void);

#define EVFLOOD_ENDLESS		(~0UL)	/* until "evflood stop" */
#define FAULT_EVENT_FRAME_MAX	256	/* largest frame fault_event_frame() makes */

/* Kinds by name ("none", "garbage", ...). Returns -1 for unknown names. */
int fault_parse(const char *name, enum fault_kind *out);
const char *fault_name(enum fault_kind kind);

/* "none|garbage|..." for usage messages. */
const char *fault_names(void);

/* True for the kinds fault_corrupt rewrites a frame for. */
int fault_corrupts(enum fault_kind kind);

/*
 * Rewrites a response frame of len bytes in place for the corrupting kinds
 * and returns the length to send. The buffer holds the largest frame
 * (header + MNCR_PROTO_MAX_PAYLOAD), which FAULT_TRAILING fills. rng is
 * the caller's xorshift state.
 */
size_t fault_corrupt(enum fault_kind kind, uint8_t *frame, size_t len,
		     uint64_t *rng);

/* Event flood kinds by name ("garbage", ...; not "none"). -1 if unknown. */
int evflood_parse(const char *name, enum evflood_kind *out);
const char *evflood_name(enum evflood_kind kind);
const char *evflood_names(void);

/*
 * A malformed event frame of @kind (not EVFLOOD_CARD, which is a real
 * event) into @frame (FAULT_EVENT_FRAME_MAX bytes). Returns its length.
 */
size_t fault_event_frame(enum evflood_kind kind, uint8_t *frame, uint16_t seq,
			 uint64_t *rng);

/* xorshift64: cheap, per-thread, good enough for garbage. */
uint64_t fault_rand(uint64_t *state);

#endif
