/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A qualification run (オンライン資格確認 at the reader): one card from
 * "set" to "removed", with identity by face, PIN or staff 目視確認, the
 * consents, the eligibility query over mutual TLS, the 申立書 when the
 * service cannot answer, and the hash-chained audit log. The rules are the
 * library's (Documentation/flow.rst); the application gives only its user
 * interface as callbacks (struct mncr_qualify_ui).
 *
 * Threading (Documentation/libmncr.rst, "Threading"): every callback runs
 * on the thread inside mncr_qualify_run(), one at a time; a callback may
 * block as long as the person takes. mncr_qualify_cancel() may be called
 * from any thread or a signal handler. One run per struct mncr_qualify at
 * a time; several objects may run at once on different readers.
 *
 * Functions return 0 or a negative errno. Callbacks return 0, -ECANCELED
 * (the person pressed cancel; for pin_entry: stopped entering the PIN),
 * or another -errno, which ends the flow with an error outcome.
 */
#ifndef MNCR_PUBLIC_QUALIFY_H
#define MNCR_PUBLIC_QUALIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mncr/export.h>
#include <mncr/reader.h>

MNCR_BEGIN_DECLS

enum mncr_qualify_site {
	MNCR_QUALIFY_SITE_CLINIC,	/* 医療機関 */
	MNCR_QUALIFY_SITE_PHARMACY,	/* 薬局 */
};

/* Choices a prompt offers (bits of mncr_qualify_prompt.options). */
#define MNCR_QUALIFY_OPT_FACE		(1U << 0)
#define MNCR_QUALIFY_OPT_PIN		(1U << 1)
#define MNCR_QUALIFY_OPT_STAFF		(1U << 2)
#define MNCR_QUALIFY_OPT_VISUAL		(1U << 3)
#define MNCR_QUALIFY_OPT_LAST_TRY	(1U << 4)
#define MNCR_QUALIFY_OPT_INSURANCE_CARD	(1U << 5)
#define MNCR_QUALIFY_OPT_CLAIM_FORM	(1U << 6)
#define MNCR_QUALIFY_OPT_PORTAL		(1U << 7)
#define MNCR_QUALIFY_OPT_RETRY		(1U << 8)
#define MNCR_QUALIFY_OPT_DONE		(1U << 9)
#define MNCR_QUALIFY_OPT_CANCEL		(1U << 10)
#define MNCR_QUALIFY_OPT_ALL		((1U << 11) - 1)

enum mncr_qualify_audience {
	MNCR_QUALIFY_PATIENT,
	MNCR_QUALIFY_STAFF,		/* staff only */
};

enum mncr_qualify_consent {
	MNCR_QUALIFY_CONSENT_MEDICATION,	/* 薬剤情報 */
	MNCR_QUALIFY_CONSENT_CHECKUP,		/* 特定健診情報 */
	MNCR_QUALIFY_CONSENT_CLINICAL,		/* 診療情報 */
	MNCR_QUALIFY_CONSENT_SURGERY,		/* 手術情報 */
	MNCR_QUALIFY_CONSENT_COUNT
};

/* How a run ended. */
enum mncr_qualify_result {
	MNCR_QUALIFY_NONE,		/* did not run */
	MNCR_QUALIFY_ELIGIBLE,
	MNCR_QUALIFY_INELIGIBLE,
	MNCR_QUALIFY_VALIDITY_UNKNOWN,
	MNCR_QUALIFY_NOT_FOUND,
	MNCR_QUALIFY_CERT_EXPIRED,
	MNCR_QUALIFY_CERT_REVOKED,
	MNCR_QUALIFY_CERT_UNTRUSTED,
	MNCR_QUALIFY_NO_AUTH_CERT,
	MNCR_QUALIFY_VISUAL_REFUSED,	/* pharmacy, patient absent */
	MNCR_QUALIFY_INSURANCE_CARD,	/* staff check 資格確認書 / 保険証 */
	MNCR_QUALIFY_PORTAL,		/* マイナポータル 資格情報画面 */
	MNCR_QUALIFY_CLAIM_FORM,	/* 申立書 issued */
	MNCR_QUALIFY_CLAIM_FAILED,
	MNCR_QUALIFY_CANCELLED,
	MNCR_QUALIFY_ERROR,
	MNCR_QUALIFY_CARD_REMOVED,	/* removed before the end */
};

/*
 * Which screen a prompt belongs to (the flow's state when it was made);
 * UNKNOWN from a library older than this header (the field was zero).
 */
enum mncr_qualify_kind {
	MNCR_QUALIFY_KIND_UNKNOWN,
	MNCR_QUALIFY_KIND_WAITING,	/* no card yet */
	MNCR_QUALIFY_KIND_READING,	/* the card's kind, the reader's mode */
	MNCR_QUALIFY_KIND_CHOOSE,	/* the patient: face, PIN or staff */
	MNCR_QUALIFY_KIND_FACE,		/* the face attempt runs */
	MNCR_QUALIFY_KIND_PIN,		/* PIN entry */
	MNCR_QUALIFY_KIND_LAST_TRY,	/* one PIN try left: stopped */
	MNCR_QUALIFY_KIND_STAFF,	/* staff choose what next */
	MNCR_QUALIFY_KIND_VISUAL,	/* 目視確認 */
	MNCR_QUALIFY_KIND_CONSENT,
	MNCR_QUALIFY_KIND_QUERY,	/* the eligibility query runs */
	MNCR_QUALIFY_KIND_CLAIM,	/* the 申立書 */
	MNCR_QUALIFY_KIND_RESULT,	/* the outcome; remove the card */
};

/*
 * What to show now; the texts are in the locale's language. The library
 * fills it and sets size: a field that ends past size is not there (a
 * library older than your header).
 */
struct mncr_qualify_prompt {
	size_t size;			/* sizeof as the library knows it */
	enum mncr_qualify_audience audience;
	const char *text;		/* the message */
	const char *detail;		/* reason or guidance, or NULL */
	const char *guide;		/* fallback guidance, or NULL */
	unsigned int options;		/* MNCR_QUALIFY_OPT_* (choose) */
	uint32_t kind;			/* enum mncr_qualify_kind (was reserved[0]) */
	uint32_t reserved[4];		/* in the old tail padding (LP64) */
};

/* Where a picture comes from (mncr_qualify_frame.source). */
enum mncr_qualify_source {
	MNCR_QUALIFY_SOURCE_CAMERA,	/* a live frame */
	MNCR_QUALIFY_SOURCE_CARD_PHOTO,	/* the chip's photo (目視確認) */
};

/* The face attempt's liveness, as far as it got (frame.liveness). */
enum mncr_qualify_liveness {
	MNCR_QUALIFY_LIVENESS_NONE,	/* not judged in this frame */
	MNCR_QUALIFY_LIVENESS_PENDING,	/* looking for a blink */
	MNCR_QUALIFY_LIVENESS_LIVE,
	MNCR_QUALIFY_LIVENESS_SPOOF,
};

/*
 * One picture for the screen (ui.frame): 8-bit grey, width * height
 * bytes, row after row. pixels is valid only during the callback: copy
 * it, and wipe your copy when the card goes (it is a face). size as in
 * mncr_qualify_prompt.
 */
struct mncr_qualify_frame {
	size_t size;			/* sizeof as the library knows it */
	uint32_t source;		/* enum mncr_qualify_source */
	uint32_t width, height;
	const uint8_t *pixels;
	bool face;			/* a face found: the box below */
	int32_t face_x, face_y, face_w, face_h;	/* in pixels */
	uint32_t liveness;		/* enum mncr_qualify_liveness */
	uint32_t attempt;		/* the face attempt, from 1; 0 photo */
	uint32_t reserved[8];		/* zero */
};

/* The operator's 目視確認, pre-filled by the library; size as above. */
struct mncr_qualify_attestation {
	size_t size;			/* sizeof as the library knows it */
	bool confirmed;			/* pressed 「目視で本人確認完了」 */
	bool patient_present;
	char operator_id[33];		/* [A-Za-z0-9._@-]{1,32} */
	uint64_t reserved[4];		/* zero; leave as it is */
};

/*
 * The user interface. All but transcript, show and frame are required.
 * Each runs on the mncr_qualify_run() thread (frame: see there) and may
 * block until answered.
 */
struct mncr_qualify_ui {
	size_t size;			/* sizeof(struct mncr_qualify_ui) */
	void *ctx;			/* passed to every callback */
	/* One transcript line (no newline), ms since the card was set. */
	void (*transcript)(void *ctx, double ms, const char *line);
	/* A new prompt to render; returns at once. */
	void (*show)(void *ctx, const struct mncr_qualify_prompt *p);
	/* One of p->options, as its bit, in *choice. */
	int (*choose)(void *ctx, const struct mncr_qualify_prompt *p,
		      unsigned int *choice);
	/* The PIN: ASCII digits into buf (*len, no NUL); wipe your copies. */
	int (*pin_entry)(void *ctx, const struct mncr_qualify_prompt *p,
			 char *buf, size_t cap, size_t *len);
	/* The operator's 目視確認: fill operator_id when empty, confirmed. */
	int (*attest)(void *ctx, const struct mncr_qualify_prompt *p,
		      struct mncr_qualify_attestation *a);
	/* One consent, yes or no. */
	int (*consent)(void *ctx, const struct mncr_qualify_prompt *p,
		       enum mncr_qualify_consent c, bool *yes);
	/*
	 * Optional (where reserved[0] was): a picture to show, returns at
	 * once. The face attempt's frames as they are taken and judged (at
	 * most one each MNCR_QUALIFY_FRAME_MS), the box when a face was
	 * found; before attest, unless patient_absent, the card photo (only
	 * from a card proven genuine) and a camera frame of the patient,
	 * then, while attest is pending, live camera frames (one each
	 * MNCR_QUALIFY_FRAME_MS, attempt 0, no box) for 目視確認.
	 * Threads: those live frames come from a thread of the library's,
	 * not the mncr_qualify_run() one, and only while attest is pending
	 * (none after attest returns to the library); every other call
	 * comes on the run's thread. Copy the pixels and hand them to
	 * your UI thread (a GTK or Qt main loop); never draw from here.
	 */
	void (*frame)(void *ctx, const struct mncr_qualify_frame *f);
	void *reserved[7];		/* NULL */
};

/* The shortest time between two camera frames given to ui.frame. */
#define MNCR_QUALIFY_FRAME_MS	100

/* The face embedding network (templates are 128-d or 512-d int8). */
enum mncr_qualify_face_model {
	MNCR_QUALIFY_FACE_MODEL_DEFAULT,	/* the library's (face.rst) */
	MNCR_QUALIFY_FACE_MODEL_RESNET,		/* dlib ResNet, 128-d */
	MNCR_QUALIFY_FACE_MODEL_MFN512,		/* MobileFaceNet, 512-d */
};

/* Set size and defaults with mncr_qualify_config_init(), then fill. */
struct mncr_qualify_config {
	size_t size;			/* sizeof(struct mncr_qualify_config) */
	enum mncr_qualify_site site;	/* [clinic] */
	bool patient_absent;		/* nobody at the camera */
	bool allow_last_pin_try;	/* [no] */
	bool no_visual_switch;		/* 目視確認 does not switch the reader */
	bool no_pdf;			/* the 申立書 as JSON only */
	unsigned int face_max;		/* failed face attempts [3], 1-10 */
	unsigned int query_retries;	/* [2], 0-10 */
	unsigned int face_frames;	/* matched per attempt [3], 1-16 */
	unsigned int liveness_frames;	/* per attempt [30], 10-90 */
	const char *operator_id;	/* NULL: the attest callback asks */
	const char *audit_log;		/* required: the audit log's path */
	const char *claim_dir;		/* the 申立書 folder ["."], <= 435 bytes */
	const char *models;		/* face models' folder */
	const char *const *frames;	/* picture files instead of the camera */
	size_t n_frames;
	/* The eligibility service, over mutual TLS. */
	const char *service_host;	/* required */
	const char *service_port;	/* required, numeric */
	const char *service_name;	/* in its certificate [host] */
	const char *service_ca;		/* PEM, required */
	const char *cert;		/* the reader's certificate, PEM */
	const char *key;		/* its key, PEM */
	const char *institution;	/* 医療機関コード, 10 digits */
	const char *proxy;		/* http://HOST:PORT for CONNECT; NULL: none */
	/*
	 * The card must prove genuine before its photo is used (券面AP
	 * signatures and a chip challenge, Documentation/card.rst): the CV CA
	 * keys' folder [/etc/mncr/cv-ca], and whether a card that gives
	 * nothing to check ("unavailable") may still be face-matched [no].
	 */
	const char *card_ca_keys;
	bool card_allow_unavailable;
	/*
	 * enum mncr_qualify_face_model [DEFAULT]; 64 bits, where reserved[0]
	 * was, so that the layout and the size stay.
	 */
	uint64_t face_model;
	uint64_t reserved[5];		/* zero */
};

/* Everything about one run, for the result screen and the records. */
struct mncr_qualify_outcome {
	size_t size;			/* sizeof(struct mncr_qualify_outcome) */
	bool started;			/* the session ran (else: err says why) */
	bool card_opened;		/* the card was reached */
	enum mncr_qualify_result result;
	const char *result_name;	/* "eligible", ... */
	bool verified;			/* identity verified */
	const char *method_name;	/* "face", "pin", "visual" or "none" */
	const char *site_name;
	const char *card_kind_name;
	bool consents_asked;
	bool consents[MNCR_QUALIFY_CONSENT_COUNT];
	char share[4];			/* 負担割合, "030", or "" */
	unsigned int face_failures;
	unsigned int pin_wrong;
	int pin_tries_left;		/* -1 unknown */
	unsigned int queries;
	bool photo_tried;		/* the card photo was read */
	bool photo_usable;
	char photo_why[160];		/* when tried and not usable */
	/* the card's authenticity ("authentic", "forged", "clone",
	 * "unknown_ca", "unavailable"); NULL when it was not checked */
	const char *card_verdict_name;
	bool claim_written;
	bool claim_prefilled;
	char claim_json[512];
	char claim_pdf[512];		/* "" without a PDF */
	double identity_ms;		/* card set -> identity verified, or -1 */
	uint64_t apdu_commands;
	uint64_t apdu_bytes;
	uint64_t apdu_bytes_to_identity;
	int mode_after;			/* MNCR_READER_MODE_* after removal, or -1 */
	char session[65];		/* the session (and request) id */
	int err;			/* why it did not start, or the audit log's */
	uint64_t reserved[7];
};

struct mncr_qualify;

/* Defaults, and cfg->size. */
MNCR_PUBLIC void mncr_qualify_config_init(struct mncr_qualify_config *cfg);

/*
 * A qualification object for one reader (cfg and ui are copied; their
 * strings must outlive it). -EINVAL (why says what) or -ENOMEM.
 */
MNCR_PUBLIC int mncr_qualify_new(const struct mncr_qualify_config *cfg,
				 const struct mncr_qualify_ui *ui,
				 struct mncr_qualify **out, char *why,
				 size_t why_len);
MNCR_PUBLIC void mncr_qualify_free(struct mncr_qualify *q);

/*
 * Runs one session on the card in dev's slot (wait for it first:
 * mncr_reader_wait_card), until the card is removed. dev must be
 * writable. Fills out (out->size set by the caller). Returns 0, or
 * -errno: before the session (out->started false; out->card_opened
 * false when the card could not be reached: -ENODEV, -EACCES, ...), or
 * the audit log's error after it (the flow then ended in an error).
 */
MNCR_PUBLIC int mncr_qualify_run(struct mncr_qualify *q,
				 struct mncr_device *dev,
				 struct mncr_qualify_outcome *out);

/*
 * Stops the running session (or the next, if none runs) at its next
 * step: outcome CANCELLED, or, when the result is already shown, the wait
 * for removal ends. A cancel after the session ended (the card is out,
 * the run is returning) or before it reached the card is kept for the
 * next run. Async-signal-safe; callable from any thread.
 */
MNCR_PUBLIC void mncr_qualify_cancel(struct mncr_qualify *q);

/* A transcript line of the application's own, with the run's time. */
MNCR_PUBLIC void mncr_qualify_say(struct mncr_qualify *q, const char *fmt, ...)
	MNCR_PRINTF(2, 3);

/* An operator id as the audit log takes it: [A-Za-z0-9._@-]{1,32}. */
MNCR_PUBLIC bool mncr_qualify_operator_valid(const char *id);

/* Stable names: "face", ... for one option bit; "medication", ... */
MNCR_PUBLIC const char *mncr_qualify_option_name(unsigned int opt);
/* The option's text in the locale's language. */
MNCR_PUBLIC const char *mncr_qualify_option_text(unsigned int opt);
MNCR_PUBLIC const char *mncr_qualify_consent_name(enum mncr_qualify_consent c);

/*
 * Where the prompts' translations are (LOCALEDIR/LANG/LC_MESSAGES/mncr.mo);
 * call once after setlocale(). NULL: the system's. Process-wide (gettext).
 */
MNCR_PUBLIC int mncr_qualify_bind_locale(const char *localedir);

MNCR_END_DECLS

#endif
