// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mncr qualify's face attempt: the library's (flow/face_attempt.h) with
 * the CLI's transcript. Live frames come from the reader's camera or, for
 * tests without one, from picture files (--frame).
 */
#include "qualify.h"

#include <errno.h>

static void say_line(void *ctx, const char *line)
{
	qualify_say(ctx, "%s", line);
}

static int card_present(void *ctx)
{
	return qualify_card_present(ctx);
}

/* The attempt's state, made on the first attempt (models load lazily). */
static int attempt_new(struct qualify *q)
{
	const struct mncr_face_attempt_opts o = {
		.models = q->o->models,
		.face_frames = q->o->face_frames,
		.liveness_frames = q->o->liveness_frames,
		.fd = q->fd,
		.reader_node = q->reader.node,
		.pictures = q->o->frames,
		.n_pictures = q->o->n_frames,
		.io = &q->io,
		.card_present = card_present,
		.say = say_line,
		.ctx = q,
	};

	return q->face ? 0 : mncr_face_attempt_new(&o, &q->face);
}

int qualify_hook_face(void *ctx, unsigned int attempt,
		      enum mncr_flow_face_result *res)
{
	struct qualify *q = ctx;
	int ret;

	if (q->o->patient_absent) {
		qualify_say(q, "face attempt %u: the patient is absent, nobody at the camera", attempt);
		*res = MNCR_FLOW_FACE_NO_FACE;
		return qualify_card_present(q);
	}
	ret = attempt_new(q);
	if (ret < 0)
		return ret;
	/* Verified at the match, even if the card goes right after it. */
	*res = MNCR_FLOW_FACE_NO_FACE;
	ret = mncr_face_attempt_run(q->face, attempt, res);
	if (*res == MNCR_FLOW_FACE_MATCH) {
		clock_gettime(CLOCK_MONOTONIC, &q->t_verified);
		q->apdu_bytes_verified = q->apdu_bytes;
	}
	return ret;
}

const struct mncr_face_attempt_status *qualify_face_status(const struct qualify *q)
{
	return q->face ? mncr_face_attempt_status(q->face) : NULL;
}

void qualify_face_free(struct qualify *q)
{
	mncr_face_attempt_free(q->face);
	q->face = NULL;
}
