/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One face attempt against the card photo, the flow's face_attempt hook
 * (flow_session.h) without its user interface. The card photo (券面AP,
 * opened with 照合番号B from the card front) is the reference; live frames
 * come from the reader's camera (camera.h), from picture files, or from
 * the caller's frame source.
 *
 * An attempt takes a run of consecutive frames (liveness_frames, 2 s at
 * 15 fps), so that a blink in it is seen. A few of them (face_frames),
 * spread over the run, go through the whole pipeline; their templates are
 * scored by the reader's match ioctl (the library's reference scorer when
 * the device has no engine) and the best decides at the FMR 1e-3
 * threshold of the pipeline's network (face_decision.h). Only a match needs the liveness check: the
 * run's frames, in order, feed the liveness accumulator (face_liveness.h;
 * the landmarks only, no embedding) until it says live or spoof, with up
 * to two more runs when it cannot tell yet. Anything but "live" fails the
 * attempt: a printed photo of the holder matches the card photo.
 *
 * The photo and the frames stay in memory only and are wiped; nothing
 * about them goes anywhere but the attempt's result, the transcript lines
 * (say) and the caller's watcher (frame), which sees them only during its
 * call. One attempt object per session, used by one thread at a time (the
 * live view's, between live_start and live_stop); no global state.
 */
#ifndef MNCR_FACE_ATTEMPT_H
#define MNCR_FACE_ATTEMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/mncr.h>

#include "card/apdu.h"
#include "card/card_authenticity.h"
#include "face/face_image.h"
#include "face/face_pipeline.h"
#include "flow/flow_state.h"

/* Live frames from elsewhere than the reader's camera. */
struct mncr_face_frames {
	/*
	 * Frame n (counting over the session) into img, which the attempt
	 * wipes and frees. fresh: the first frame of an attempt; a source
	 * with a queue drops what waited in it (someone else's face).
	 * 0, or -errno with why: -ENODEV, -ETIMEDOUT and -EAGAIN end the
	 * run with the frames it has, any other ends the attempt.
	 */
	int (*grab)(void *ctx, unsigned int n, bool fresh,
		    struct mncr_face_image *img, char *why, size_t len);
	void *ctx;
};

/* One picture for a watcher (opts.frame); valid during the call only. */
struct mncr_face_view {
	const struct mncr_face_image *img;
	bool photo;			/* the card photo, else a live frame */
	const struct mncr_face_box *box;	/* the face, or NULL */
	int liveness;			/* -1 not judged, else the state */
	unsigned int attempt;		/* 0 for the photo */
};

struct mncr_face_attempt_opts {
	const char *models;		/* the face models' folder */
	/* The embedding network to load (MNCR_FACE_NET_DEFAULT is mfn512). */
	enum mncr_face_network network;
	/* Loaded models to use instead (kept, not freed): NULL loads them. */
	const struct mncr_face_pipeline *pipe;
	unsigned int face_frames;	/* matched per attempt, 1..16 (0: 3) */
	unsigned int liveness_frames;	/* a run, at least face_frames */
	int fd;				/* the reader's node, or -1 */
	const char *reader_node;	/* its path: finds its camera */
	const char *const *pictures;	/* picture files instead of a camera */
	size_t n_pictures;
	const struct mncr_face_frames *frames;	/* or NULL */
	/* The card for the photo (read once, on the first attempt). */
	const struct mncr_apdu_io *io;
	/*
	 * CV CA keys: the photo is used only when the card proves genuine
	 * (card_authenticity.h); any other verdict is CARD_UNVERIFIED and
	 * no face is matched. NULL: no check (a caller's own photo source,
	 * tests). allow_unavailable: a card that gives nothing to check
	 * (verdict unavailable) is used all the same; default refuse.
	 */
	const struct mncr_cvca_set *ca;
	bool allow_unavailable;
	/*
	 * Optional: the card front for 照合番号B, from elsewhere than the
	 * node fd (a card emulator's, in a test or benchmark). 0 or -errno.
	 */
	int (*card_front)(void *ctx, struct mncr_card_front *front);
	/*
	 * Optional: -ENOMEDIUM once the card is out, -ECANCELED to stop
	 * (checked around steps; the attempt returns it).
	 */
	int (*card_present)(void *ctx);
	/* Optional: one transcript line, no newline. */
	void (*say)(void *ctx, const char *line);
	/*
	 * Optional: the frames as they are taken and judged, at most one
	 * each frame_ms (0: 100) apart, for a screen's preview.
	 */
	void (*frame)(void *ctx, const struct mncr_face_view *v);
	unsigned int frame_ms;
	void *ctx;			/* for the hooks above */
};

struct mncr_face_attempt_status {
	bool photo_tried;		/* the card photo was read or tried */
	bool photo_usable;		/* it gave a template */
	char photo_why[160];		/* why not, when tried and not usable */
	int32_t threshold;		/* the decision's, once the models are in */
	int32_t last_score;		/* best score of the last scored attempt */
	char liveness_why[96];		/* the last liveness decision's reason */
	int card_verdict;		/* enum mncr_card_auth_verdict, -1 unchecked */
	char card_why[192];		/* its reason */
};

struct mncr_face_attempt;

/* o is copied (its strings and pointers are kept). 0 or -ENOMEM. */
int mncr_face_attempt_new(const struct mncr_face_attempt_opts *o,
			  struct mncr_face_attempt **out);
/* Closes the camera, frees the models it loaded, wipes the template. */
void mncr_face_attempt_free(struct mncr_face_attempt *a);

/*
 * The reference from a picture instead of the card (any decoded photo):
 * loads the models if needed. 0 with the photo usable or not (status), or
 * -errno when the models cannot be loaded.
 */
int mncr_face_attempt_set_reference(struct mncr_face_attempt *a,
				    const struct mncr_face_image *photo);

/*
 * One attempt (counting from 1): models, the card photo's template once
 * per session, the frames, the decision. 0 with *res, or -errno:
 * -ENOMEDIUM the card was removed, another when the camera or pipeline
 * failed. PHOTO_UNUSABLE and CARD_UNVERIFIED take no frame.
 */
int mncr_face_attempt_run(struct mncr_face_attempt *a, unsigned int attempt,
			  enum mncr_flow_face_result *res);

const struct mncr_face_attempt_status *
mncr_face_attempt_status(const struct mncr_face_attempt *a);

/*
 * For 目視確認: the card photo to opts.frame (read from the card if no
 * attempt read it; shown only from a card proven genuine, as the match
 * uses it), then one fresh live frame when live is true. 0, or -errno
 * when neither could be shown; -ENOMEDIUM the card was removed.
 */
int mncr_face_attempt_show_photo(struct mncr_face_attempt *a, bool live);

/*
 * 目視確認's live view: while the staff look (the flow thread blocked in
 * its attest hook), a thread of the attempt's sends live frames to
 * opts.frame, one each frame_ms, with no box and attempt 0. That thread
 * owns the attempt (its camera, its frame source) until live_stop: call
 * nothing else on the attempt in between. A camera that fails or goes
 * away ends it early, quietly; the reason is said at live_stop. A
 * caller's source (opts.frames) then runs on that thread too and must
 * return within its own timeout. 0, -ENODATA without opts.frame,
 * -EALREADY when running, or pthread_create's -errno.
 */
int mncr_face_attempt_live_start(struct mncr_face_attempt *a);
/*
 * Stops and joins the live view (a camera read lasts up to 250 ms); no
 * frame comes after it returns. Does nothing when none runs or a is NULL.
 */
void mncr_face_attempt_live_stop(struct mncr_face_attempt *a);

#endif
