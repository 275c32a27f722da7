// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mncr/qualify.h: the flow session (flow_session.h) with the card through
 * card_link (libusb, or PC/SC when pcscd holds the slot), the card front
 * and mode through the reader's node, the face attempt, the eligibility
 * client and the 申立書 files; the application's callbacks only answer
 * and render. The transcript lines are the ones mncr qualify prints.
 */
#include "api/api_device.h"
#include "card/card_link.h"
#include "elig/elig_fields.h"
#include "flow/claim_pdf.h"
#include "face/face_liveness.h"
#include "flow/face_attempt.h"
#include "flow/flow_card.h"
#include "flow/flow_elig.h"
#include "flow/flow_reader.h"
#include "flow/flow_session.h"
#include "flow/messages.h"
#include "reader/device.h"

#include <mncr/qualify.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

/* face_model took reserved[0]: the layout is the old one. */
_Static_assert(offsetof(struct mncr_qualify_config, reserved) ==
	       offsetof(struct mncr_qualify_config, face_model) + sizeof(uint64_t),
	       "mncr_qualify_config keeps its layout");

/* kind and frame took reserved[0]: sizes and layouts are the old ones. */
/* The prompt's kind is where reserved[0] was; LP64 keeps the size (64). */
_Static_assert(offsetof(struct mncr_qualify_prompt, kind) ==
	       offsetof(struct mncr_qualify_prompt, options) + sizeof(unsigned int) &&
	       (sizeof(void *) != 8 || sizeof(struct mncr_qualify_prompt) == 64),
	       "mncr_qualify_prompt keeps its layout");
_Static_assert(offsetof(struct mncr_qualify_ui, reserved) ==
	       offsetof(struct mncr_qualify_ui, frame) + sizeof(void *) &&
	       sizeof(void (*)(void)) == sizeof(void *),
	       "mncr_qualify_ui keeps its layout");
_Static_assert((int)MNCR_FACE_LIVENESS_PENDING + 1 == (int)MNCR_QUALIFY_LIVENESS_PENDING &&
	       (int)MNCR_FACE_LIVENESS_SPOOF + 1 == (int)MNCR_QUALIFY_LIVENESS_SPOOF,
	       "liveness states");

_Static_assert((int)MNCR_QUALIFY_KIND_WAITING == (int)MNCR_FLOW_SCREEN_WAITING &&
	       (int)MNCR_QUALIFY_KIND_LAST_TRY == (int)MNCR_FLOW_SCREEN_LAST_TRY &&
	       (int)MNCR_QUALIFY_KIND_RESULT == (int)MNCR_FLOW_SCREEN_RESULT,
	       "prompt kinds");

_Static_assert(MNCR_QUALIFY_OPT_ALL == MNCR_FLOW_OPT_ALL &&
	       MNCR_QUALIFY_OPT_CANCEL == MNCR_FLOW_OPT_CANCEL, "option bits");
_Static_assert((int)MNCR_QUALIFY_CARD_REMOVED == (int)MNCR_FLOW_OUT_CARD_REMOVED &&
	       (int)MNCR_QUALIFY_ELIGIBLE == (int)MNCR_FLOW_OUT_ELIGIBLE,
	       "outcomes");
_Static_assert((int)MNCR_QUALIFY_CONSENT_COUNT == (int)MNCR_FLOW_CONSENT_COUNT &&
	       (int)MNCR_QUALIFY_SITE_PHARMACY == (int)MNCR_ELIG_SITE_PHARMACY,
	       "consents, sites");
_Static_assert(MNCR_FLOW_OPERATOR_MAX + 1 ==
	       sizeof(((struct mncr_qualify_attestation *)0)->operator_id),
	       "operator id");
_Static_assert(MNCR_ELIG_REQUEST_ID_MAX + 1 ==
	       sizeof(((struct mncr_qualify_outcome *)0)->session), "session id");

/* The 申立書's paths: DIR/claim-SESSION.json (.pdf is shorter). */
#define CLAIM_PATH_MAX 512
#define CLAIM_DIR_MAX \
	(CLAIM_PATH_MAX - sizeof("/claim-.json") - MNCR_ELIG_REQUEST_ID_MAX)
_Static_assert(CLAIM_PATH_MAX ==
	       sizeof(((struct mncr_qualify_outcome *)0)->claim_json) &&
	       CLAIM_PATH_MAX ==
	       sizeof(((struct mncr_qualify_outcome *)0)->claim_pdf), "claim paths");

/* A prompt's texts, formatted for the callbacks. */
struct prompt_text {
	struct mncr_qualify_prompt p;
	char text[512], detail[512], guide[512];
};

struct mncr_qualify {
	struct mncr_qualify_config c;
	struct mncr_qualify_ui ui;
	atomic_int stop;		/* mncr_qualify_cancel() */
	char service[300];		/* HOST:PORT, for the transcript */
	struct mncr_flow_elig elig;

	/* one run */
	struct mncr_device *dev;
	struct mncr_card_link *link;	/* the card, libusb or PC/SC */
	struct mncr_apdu_io io;		/* counting wrapper around the link */
	uint64_t apdu_bytes, apdu_count, apdu_bytes_verified;
	struct mncr_face_attempt *face;
	struct mncr_cvca_set *ca;	/* loaded with the face attempt */
	struct timespec t_card, t_verified;	/* CLOCK_MONOTONIC */
	struct mncr_flow_session *session;
	char claim_json[CLAIM_PATH_MAX], claim_pdf[CLAIM_PATH_MAX];
	bool claim_written;
	bool visual_lease;		/* we switched the reader to 目視確認 */
	struct prompt_text pt;
};

void mncr_qualify_config_init(struct mncr_qualify_config *cfg)
{
	if (!cfg)
		return;
	*cfg = (struct mncr_qualify_config){
		.size = sizeof(*cfg),
		.site = MNCR_QUALIFY_SITE_CLINIC,
		.face_max = MNCR_FLOW_FACE_MAX_DEFAULT,
		.query_retries = MNCR_FLOW_RETRIES_DEFAULT,
		.face_frames = 3,
		.liveness_frames = 30,
		.claim_dir = ".",
		.models = "/usr/local/share/mncr/models",
		.institution = "1312345678",
		.card_ca_keys = "/etc/mncr/cv-ca",
	};
}

static double ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) * 1e3 +
	       (double)(now.tv_nsec - t->tv_nsec) / 1e6;
}

static void vsay(struct mncr_qualify *q, const char *fmt, va_list ap)
{
	char line[1024];

	if (!q->ui.transcript)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	q->ui.transcript(q->ui.ctx, ms_since(&q->t_card), line);
}

void mncr_qualify_say(struct mncr_qualify *q, const char *fmt, ...)
{
	va_list ap;

	if (!q || !fmt)
		return;
	va_start(ap, fmt);
	vsay(q, fmt, ap);
	va_end(ap);
}

static bool stopped(struct mncr_qualify *q)
{
	return atomic_load(&q->stop) != 0;
}

/*
 * Takes a cancel this run has acted on. Never cleared otherwise: one
 * that comes when nothing looks at it any more stops the next run.
 */
static bool take_cancel(struct mncr_qualify *q)
{
	return atomic_exchange(&q->stop, 0) != 0;
}

void mncr_qualify_cancel(struct mncr_qualify *q)
{
	if (q)
		atomic_store(&q->stop, 1);
}

bool mncr_qualify_operator_valid(const char *id)
{
	return id && mncr_flow_operator_valid(id);
}

const char *mncr_qualify_option_name(unsigned int opt)
{
	return mncr_flow_option_name(opt);
}

const char *mncr_qualify_option_text(unsigned int opt)
{
	return mncr_msg_text(mncr_flow_option_msg(opt));
}

const char *mncr_qualify_consent_name(enum mncr_qualify_consent c)
{
	return mncr_flow_consent_name((enum mncr_flow_consent)c);
}

int mncr_qualify_bind_locale(const char *localedir)
{
	return mncr_msg_bind(localedir);
}

/* ---- the card ---- */

/* The link's transmit, counting what goes over the wire. */
static int counted_transmit(void *ctx, const uint8_t *cmd, size_t n,
			    uint8_t *resp, size_t *resp_len)
{
	struct mncr_qualify *q = ctx;
	int ret = q->link->io.transmit(q->link->io.ctx, cmd, n, resp, resp_len);

	q->apdu_count++;
	q->apdu_bytes += n + (ret == 0 ? *resp_len : 0);
	return ret;
}

static void card_close(struct mncr_qualify *q)
{
	mncr_card_link_close(q->link);
	q->link = NULL;
}

static int card_present(struct mncr_qualify *q)
{
	return mncr_flow_reader_card_present(q->dev->fd);
}

static int hook_card_kind(void *ctx, struct mncr_card_kind_info *info)
{
	struct mncr_qualify *q = ctx;
	int ret = mncr_flow_card_kind(&q->io, info);

	if (ret == 0)
		mncr_qualify_say(q, "card: %s%s", mncr_card_kind_name(info->kind),
		    info->kind == MNCR_CARD_KIND_PIN ? " (PIN card)" : "");
	return ret;
}

static void identity_verified(struct mncr_qualify *q)
{
	clock_gettime(CLOCK_MONOTONIC, &q->t_verified);
	q->apdu_bytes_verified = q->apdu_bytes;
}

static int hook_pin_verify(void *ctx, char *pin, size_t len, bool last_try,
			   int *tries_left)
{
	struct mncr_qualify *q = ctx;
	int ret = mncr_flow_card_pin_verify(&q->io, pin, len, last_try,
					    tries_left);

	OPENSSL_cleanse(pin, len);
	if (ret == 0)
		identity_verified(q);
	return ret;
}

static int hook_basic4(void *ctx, struct mncr_text_basic4 *out)
{
	struct mncr_qualify *q = ctx;
	struct mncr_card_front front;
	int ret = mncr_device_card_front(q->dev->fd, &front);

	if (ret == 0) {
		mncr_qualify_say(q, "reading the card's 基本4情報 for the 申立書 (照合番号B from the card front)");
		ret = mncr_flow_card_basic4(&q->io, &front, out);
	}
	OPENSSL_cleanse(&front, sizeof(front));
	if (ret < 0 && card_present(q) < 0)
		return -ENOMEDIUM;
	return ret;
}

static int hook_reader_mode(void *ctx, unsigned int *mode)
{
	struct mncr_qualify *q = ctx;

	return mncr_flow_reader_mode(q->dev->fd, mode);
}

static int hook_wait_removal(void *ctx)
{
	struct mncr_qualify *q = ctx;
	int ret;

	/* The chip's part is over: power it off and let the slot go. */
	card_close(q);
	mncr_qualify_say(q, "waiting for the card to be removed ...");
	ret = mncr_flow_reader_wait_slot(q->dev->fd, false, -1, &q->stop);
	if (ret == -ECANCELED)
		return -EINTR;	/* the result stands; the wait was stopped */
	if (ret < 0)
		return ret;
	mncr_qualify_say(q, "card removed");
	return 0;
}

/* ---- the face ---- */

static void face_say(void *ctx, const char *line)
{
	mncr_qualify_say(ctx, "%s", line);
}

static int face_card_present(void *ctx)
{
	struct mncr_qualify *q = ctx;

	return stopped(q) ? -ECANCELED : card_present(q);
}

/* The CV CA keys; none loaded is an empty set: every card unknown_ca. */
static void load_ca_keys(struct mncr_qualify *q)
{
	char why[256] = "";
	int r = mncr_cvca_load(q->c.card_ca_keys ? q->c.card_ca_keys :
			       "/etc/mncr/cv-ca", &q->ca, why, sizeof(why));

	if (r) {
		mncr_qualify_say(q, "card authenticity: %s: no card can be verified", why);
		q->ca = mncr_cvca_new();
	}
}

/* The audit log's card_verdict after CARD_UNVERIFIED. */
static const char *hook_card_verdict(void *ctx)
{
	struct mncr_qualify *q = ctx;
	const struct mncr_face_attempt_status *st =
		q->face ? mncr_face_attempt_status(q->face) : NULL;

	return st && st->card_verdict >= 0 ?
	       mncr_card_auth_verdict_name(st->card_verdict) : NULL;
}

static enum mncr_face_network face_network(uint64_t m)
{
	switch (m) {
	case MNCR_QUALIFY_FACE_MODEL_RESNET:
		return MNCR_FACE_NET_RESNET;
	case MNCR_QUALIFY_FACE_MODEL_MFN512:
		return MNCR_FACE_NET_MFN512;
	default:
		return MNCR_FACE_NET_DEFAULT;
	}
}

/* A face attempt's picture as the application's frame. */
static void face_frame(void *ctx, const struct mncr_face_view *v)
{
	struct mncr_qualify *q = ctx;
	struct mncr_qualify_frame f = {
		.size = sizeof(f),
		.source = v->photo ? MNCR_QUALIFY_SOURCE_CARD_PHOTO :
				     MNCR_QUALIFY_SOURCE_CAMERA,
		.width = (uint32_t)v->img->w,
		.height = (uint32_t)v->img->h,
		.pixels = v->img->px,
		.face = v->box != NULL,
		.liveness = v->liveness < 0 ? MNCR_QUALIFY_LIVENESS_NONE :
			    (uint32_t)v->liveness + 1,
		.attempt = v->attempt,
	};

	if (v->box) {
		f.face_x = (int32_t)v->box->x;
		f.face_y = (int32_t)v->box->y;
		f.face_w = (int32_t)v->box->w;
		f.face_h = (int32_t)v->box->h;
	}
	q->ui.frame(q->ui.ctx, &f);
}

/* The session's face attempt object, made on first use (models lazily). */
static int face_object(struct mncr_qualify *q)
{
	struct mncr_face_attempt_opts o = {
		.models = q->c.models,
		.network = face_network(q->c.face_model),
		.face_frames = q->c.face_frames,
		.liveness_frames = q->c.liveness_frames,
		.fd = q->dev->fd,
		.reader_node = q->dev->r.node,
		.pictures = q->c.frames,
		.n_pictures = q->c.n_frames,
		.io = &q->io,
		.allow_unavailable = q->c.card_allow_unavailable,
		.card_present = face_card_present,
		.say = face_say,
		.frame = q->ui.frame ? face_frame : NULL,
		.frame_ms = MNCR_QUALIFY_FRAME_MS,
		.ctx = q,
	};

	if (q->face)
		return 0;
	if (!q->ca)
		load_ca_keys(q);
	o.ca = q->ca;
	return mncr_face_attempt_new(&o, &q->face);
}

static int hook_face(void *ctx, unsigned int attempt,
		     enum mncr_flow_face_result *res)
{
	struct mncr_qualify *q = ctx;
	int ret;

	if (q->c.patient_absent) {
		mncr_qualify_say(q, "face attempt %u: the patient is absent, nobody at the camera", attempt);
		*res = MNCR_FLOW_FACE_NO_FACE;
		return card_present(q);
	}
	ret = face_object(q);
	if (ret < 0)
		return ret;
	/* Verified at the match, even if the card goes right after it. */
	*res = MNCR_FLOW_FACE_NO_FACE;
	ret = mncr_face_attempt_run(q->face, attempt, res);
	if (*res == MNCR_FLOW_FACE_MATCH)
		identity_verified(q);
	return ret;
}

/* ---- the people, through the application's callbacks ---- */

static const char *msg_or_null(enum mncr_msg id, const int *params, size_t n,
			       char *buf, size_t cap)
{
	if (id == MNCR_MSG_NONE)
		return NULL;
	mncr_msg_format(id, params, n, buf, cap);
	return buf;
}

static const struct mncr_qualify_prompt *prompt(struct mncr_qualify *q,
						const struct mncr_flow_prompt *p)
{
	struct prompt_text *t = &q->pt;

	memset(&t->p, 0, sizeof(t->p));
	t->p.size = sizeof(t->p);
	t->p.audience = p->audience == MNCR_FLOW_PATIENT ?
			MNCR_QUALIFY_PATIENT : MNCR_QUALIFY_STAFF;
	t->p.text = msg_or_null(p->msg, p->params, p->n_params, t->text,
				sizeof(t->text));
	t->p.detail = msg_or_null(p->detail, p->detail_params,
				  p->n_detail_params, t->detail,
				  sizeof(t->detail));
	t->p.guide = msg_or_null(p->guide, NULL, 0, t->guide, sizeof(t->guide));
	t->p.options = p->options;
	t->p.kind = (uint32_t)p->screen;
	return &t->p;
}

static void hook_show(void *ctx, const struct mncr_flow_prompt *p)
{
	struct mncr_qualify *q = ctx;

	if (q->ui.show)
		q->ui.show(q->ui.ctx, prompt(q, p));
}

static const char *who(const struct mncr_flow_prompt *p)
{
	return p->audience == MNCR_FLOW_PATIENT ? "[患者]" : "[職員]";
}

/* The staff chose 目視確認: switch the reader (a lease the kernel ends). */
static void switch_visual(struct mncr_qualify *q)
{
	int ret;

	if (q->c.no_visual_switch || q->visual_lease)
		return;
	ret = mncr_flow_reader_switch_visual(q->dev->fd);
	if (ret == 0)
		return;
	if (ret < 0) {
		mncr_qualify_say(q, "reader: cannot switch to 目視確認: %s", strerror(-ret));
		return;
	}
	q->visual_lease = true;
	mncr_qualify_say(q, "reader: switched to 目視確認 (visual) mode; the kernel switches back when the card is removed");
}

static int hook_choose(void *ctx, const struct mncr_flow_prompt *p,
		       unsigned int *choice)
{
	struct mncr_qualify *q = ctx;
	char list[512] = "";
	size_t used = 0;
	unsigned int k = 0;
	int n, ret;

	for (unsigned int bit = 1; bit & MNCR_FLOW_OPT_ALL; bit <<= 1) {
		if (!(p->options & bit))
			continue;
		n = snprintf(list + used, sizeof(list) - used, "%s[%u] %s (%s)",
			     k ? "  " : "", k + 1,
			     mncr_msg_text(mncr_flow_option_msg(bit)),
			     mncr_flow_option_name(bit));
		/* A cut list stays a string; list + used stays inside it. */
		if (n < 0 || (size_t)n >= sizeof(list) - used)
			break;
		used += (size_t)n;
		k++;
	}
	mncr_qualify_say(q, "%s choices: %s", who(p), list);
	if (stopped(q))
		return -ECANCELED;
	ret = q->ui.choose(q->ui.ctx, prompt(q, p), choice);
	if (ret < 0)
		return ret;
	mncr_qualify_say(q, "chosen: %s%s", mncr_flow_option_name(*choice),
	    p->options & *choice ? "" : " (not offered here)");
	if (*choice == MNCR_FLOW_OPT_VISUAL && (p->options & *choice) &&
	    p->audience == MNCR_FLOW_STAFF_ONLY)
		switch_visual(q);
	return 0;
}

static int hook_pin_entry(void *ctx, const struct mncr_flow_prompt *p,
			  char *buf, size_t cap, size_t *len)
{
	struct mncr_qualify *q = ctx;
	int ret;

	if (stopped(q))
		return -ECANCELED;
	*len = 0;
	ret = q->ui.pin_entry(q->ui.ctx, prompt(q, p), buf, cap, len);
	if (ret == 0 && *len > cap)
		ret = -EOVERFLOW;
	/* Nothing entered: the patient stopped entering. */
	if (ret == 0 && *len == 0)
		ret = -ECANCELED;
	if (ret == 0)
		mncr_qualify_say(q, "PIN entered (%zu digits, not shown)", *len);
	return ret;
}

static int hook_attest(void *ctx, const struct mncr_flow_prompt *p,
		       struct mncr_flow_attestation *a)
{
	struct mncr_qualify *q = ctx;
	struct mncr_qualify_attestation pa = {
		.size = sizeof(pa),
		.patient_present = !q->c.patient_absent,
	};
	int ret;

	memset(a, 0, sizeof(*a));
	if (stopped(q))
		return -ECANCELED;
	/*
	 * The pictures the staff compare: the chip's photo and the patient,
	 * live while they look. Nobody to compare with when the patient is
	 * absent: none.
	 */
	if (q->ui.frame && !q->c.patient_absent && face_object(q) == 0) {
		if (mncr_face_attempt_show_photo(q->face, true) == -ENOMEDIUM)
			return -ENOMEDIUM;
		mncr_face_attempt_live_start(q->face);
	}
	if (q->c.operator_id)
		snprintf(pa.operator_id, sizeof(pa.operator_id), "%s",
			 q->c.operator_id);
	/* This thread only waits here; the live view's has the camera. */
	ret = q->ui.attest(q->ui.ctx, prompt(q, p), &pa);
	mncr_face_attempt_live_stop(q->face);
	if (ret < 0)
		return ret;
	pa.operator_id[sizeof(pa.operator_id) - 1] = '\0';
	a->confirmed = pa.confirmed;
	a->patient_present = pa.patient_present;
	memcpy(a->operator_id, pa.operator_id, sizeof(a->operator_id));
	mncr_qualify_say(q, "attestation: %s", a->confirmed ? "目視で本人確認完了" : "not given");
	return 0;
}

static int hook_consent(void *ctx, const struct mncr_flow_prompt *p,
			enum mncr_flow_consent c, bool *yes)
{
	struct mncr_qualify *q = ctx;
	int ret;

	if (stopped(q))
		return -ECANCELED;
	ret = q->ui.consent(q->ui.ctx, prompt(q, p),
			    (enum mncr_qualify_consent)c, yes);
	if (ret < 0)
		return ret;
	mncr_qualify_say(q, "consent %s: %s", mncr_flow_consent_name(c),
	    mncr_msg_text(*yes ? MNCR_MSG_YES : MNCR_MSG_NO));
	return 0;
}

/* ---- the service and the 申立書 ---- */

static int hook_eligibility(void *ctx, const struct mncr_flow_query *fq,
			    struct mncr_flow_answer *a)
{
	struct mncr_qualify *q = ctx;
	const struct mncr_elig_error *e = &q->elig.last_error;
	struct timespec t0;
	int ret;

	if (stopped(q))
		return -ECANCELED;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	mncr_qualify_say(q, "eligibility query %u to %s (mutual TLS, method %s) ...",
	    fq->attempt, q->service, mncr_elig_method_name(fq->method));
	ret = mncr_flow_elig_query(&q->elig, fq, a);
	if (ret == 0 && a->outcome != MNCR_FLOW_ELIG_OK &&
	    e->status != MNCR_ELIG_OK)
		mncr_qualify_say(q, "eligibility: %s%s%s (%.0f ms)",
		    mncr_elig_status_name(e->status), e->code[0] ? " " : "",
		    e->code, ms_since(&t0));
	else if (ret == 0)
		mncr_qualify_say(q, "eligibility: answered, validity %s (%.0f ms)",
		    mncr_elig_validity_name(a->validity), ms_since(&t0));
	return ret;
}

static int hook_claim_form(void *ctx, const struct mncr_claim_form *form)
{
	struct mncr_qualify *q = ctx;
	const char *dir = q->c.claim_dir;
	int nj, np, ret;

	/* config_ok bounds dir; a cut path would still be a wrong file. */
	nj = snprintf(q->claim_json, sizeof(q->claim_json), "%s/claim-%s.json",
		      dir, q->session->id);
	np = snprintf(q->claim_pdf, sizeof(q->claim_pdf), "%s/claim-%s.pdf",
		      dir, q->session->id);
	if (nj < 0 || (size_t)nj >= sizeof(q->claim_json) || np < 0 ||
	    (size_t)np >= sizeof(q->claim_pdf)) {
		q->claim_json[0] = q->claim_pdf[0] = '\0';
		mncr_qualify_say(q, "申立書: the claim folder's path is too long");
		return -ENAMETOOLONG;
	}
	mncr_qualify_say(q, "writing the 被保険者資格申立書 (%s, %s) ...",
	    mncr_claim_reason_name(form->reason),
	    form->prefilled ? "pre-filled from the card" : "blank");
	ret = mncr_claim_form_write_json(form, q->claim_json);
	if (ret < 0) {
		mncr_qualify_say(q, "申立書 JSON %s: %s", q->claim_json, strerror(-ret));
		return ret;
	}
	if (q->c.no_pdf || !mncr_claim_form_pdf_supported()) {
		q->claim_pdf[0] = '\0';
	} else {
		ret = mncr_claim_form_write_pdf(form, q->claim_pdf);
		if (ret < 0) {
			mncr_qualify_say(q, "申立書 PDF %s: %s", q->claim_pdf, strerror(-ret));
			return ret;
		}
	}
	q->claim_written = true;
	mncr_qualify_say(q, "申立書 written: %s%s%s", q->claim_json,
	    q->claim_pdf[0] ? ", " : "", q->claim_pdf);
	return 0;
}

/* ---- the object ---- */

static bool config_ok(const struct mncr_qualify_config *c, char *why,
		      size_t len)
{
	const char *bad = NULL;

	if (!c->audit_log || !c->audit_log[0])
		bad = "no audit log";
	else if (!c->service_host || !c->service_host[0] ||
		 !c->service_port || !c->service_port[0] || !c->service_ca)
		bad = "the eligibility service needs a host, a port and a CA";
	else if (c->operator_id && !mncr_flow_operator_valid(c->operator_id))
		bad = "operator id: 1-32 of A-Z a-z 0-9 . _ @ -";
	else if (c->site != MNCR_QUALIFY_SITE_CLINIC &&
		 c->site != MNCR_QUALIFY_SITE_PHARMACY)
		bad = "site: clinic or pharmacy";
	else if (c->face_max < 1 || c->face_max > 10)
		bad = "face_max: 1-10";
	else if (c->query_retries > 10)
		bad = "query_retries: 0-10";
	else if (c->face_frames < 1 || c->face_frames > 16 ||
		 c->liveness_frames < 10 || c->liveness_frames > 90)
		bad = "face frames out of range";
	else if (!c->models)
		bad = "no face models folder";
	else if (c->face_model > MNCR_QUALIFY_FACE_MODEL_MFN512)
		bad = "face model: default, resnet or mfn512";
	else if (c->n_frames && !c->frames)
		bad = "n_frames without frames";
	else if (!c->institution || !mncr_elig_institution_valid(c->institution))
		bad = "institution code: 10 digits";
	else if (!c->claim_dir || !c->claim_dir[0])
		bad = "no claim folder";
	else if (strnlen(c->claim_dir, CLAIM_DIR_MAX + 1) > CLAIM_DIR_MAX)
		bad = "claim folder: path too long";
	if (bad && why && len)
		snprintf(why, len, "%s", bad);
	return !bad;
}

int mncr_qualify_new(const struct mncr_qualify_config *cfg,
		     const struct mncr_qualify_ui *ui,
		     struct mncr_qualify **out, char *why, size_t why_len)
{
	struct mncr_elig_client_config ec = { 0 };
	struct mncr_elig_error err;
	struct mncr_qualify *q;

	if (why && why_len)
		why[0] = '\0';
	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!cfg || !ui || cfg->size < sizeof(*cfg) ||
	    ui->size < sizeof(*ui) || !ui->choose || !ui->pin_entry ||
	    !ui->attest || !ui->consent) {
		if (why && why_len)
			snprintf(why, why_len, "bad configuration or callbacks");
		return -EINVAL;
	}
	if (!config_ok(cfg, why, why_len))
		return -EINVAL;
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->c = *cfg;
	q->ui = *ui;
	atomic_init(&q->stop, 0);
	clock_gettime(CLOCK_MONOTONIC, &q->t_card);
	snprintf(q->service, sizeof(q->service), "%s:%s", cfg->service_host,
		 cfg->service_port);
	ec.host = cfg->service_host;
	ec.port = cfg->service_port;
	ec.server_name = cfg->service_name;
	ec.ca_file = cfg->service_ca;
	ec.cert_file = cfg->cert;
	ec.key_file = cfg->key;
	ec.proxy = cfg->proxy;
	ec.connect_timeout_ms = 2000;
	ec.attempts = 2;
	q->elig.client = mncr_elig_client_new(&ec, &err);
	if (!q->elig.client) {
		if (why && why_len)
			snprintf(why, why_len, "eligibility client: %s", err.message);
		free(q);
		return -EINVAL;
	}
	q->elig.io = &q->io;
	snprintf(q->elig.institution_code, sizeof(q->elig.institution_code),
		 "%s", cfg->institution);
	*out = q;
	return 0;
}

void mncr_qualify_free(struct mncr_qualify *q)
{
	if (!q)
		return;
	mncr_flow_elig_clear(&q->elig);
	mncr_elig_client_free(q->elig.client);
	OPENSSL_cleanse(q, sizeof(*q));
	free(q);
}

static const char *mode_name(int mode)
{
	return mode == MNCR_MODE_VISUAL ? "visual" :
	       mode == MNCR_MODE_AUTO ? "auto" : "unknown";
}

/* The mode once the card is out: the kernel ends a visual lease then. */
static int mode_after_removal(struct mncr_qualify *q)
{
	struct mncr_mode m = { .mode = MNCR_MODE_AUTO };

	for (int i = 0; i < 40; i++) {
		if (mncr_device_get_mode(q->dev->fd, &m) < 0)
			return -1;
		if (m.mode == MNCR_MODE_AUTO)
			break;
		usleep(50000);
	}
	mncr_qualify_say(q, "reader mode: %s%s", mode_name((int)m.mode),
	    m.mode == MNCR_MODE_AUTO && q->visual_lease ?
	    " (目視確認 ended by the kernel at card removal)" : "");
	return (int)m.mode;
}

static void fill_outcome(struct mncr_qualify *q, const struct mncr_flow *f,
			 struct mncr_qualify_outcome *o)
{
	const struct mncr_face_attempt_status *fs =
		q->face ? mncr_face_attempt_status(q->face) : NULL;
	bool verified_seen = f->verified &&
			     (q->t_verified.tv_sec || q->t_verified.tv_nsec);

	o->result = (enum mncr_qualify_result)f->outcome;
	o->result_name = mncr_flow_outcome_name(f->outcome);
	o->verified = f->verified;
	o->method_name = f->verified ? mncr_elig_method_name(f->method) : "none";
	o->site_name = mncr_elig_site_name(f->cfg.site);
	o->card_kind_name = mncr_card_kind_name(f->kind);
	o->consents_asked = f->consents_asked;
	o->consents[MNCR_QUALIFY_CONSENT_MEDICATION] = f->consents.medication;
	o->consents[MNCR_QUALIFY_CONSENT_CHECKUP] = f->consents.checkup;
	o->consents[MNCR_QUALIFY_CONSENT_CLINICAL] = f->consents.clinical;
	o->consents[MNCR_QUALIFY_CONSENT_SURGERY] = f->consents.surgery;
	memcpy(o->share, f->share, sizeof(o->share));
	o->share[sizeof(o->share) - 1] = '\0';
	o->face_failures = f->face_failures;
	o->pin_wrong = f->pin_wrong;
	o->pin_tries_left = f->pin_tries;
	o->queries = f->queries;
	if (fs) {
		o->photo_tried = fs->photo_tried;
		o->photo_usable = fs->photo_usable;
		snprintf(o->photo_why, sizeof(o->photo_why), "%s", fs->photo_why);
		if (fs->card_verdict >= 0)
			o->card_verdict_name =
				mncr_card_auth_verdict_name(fs->card_verdict);
	}
	o->claim_written = q->claim_written;
	o->claim_prefilled = f->claim_prefilled;
	snprintf(o->claim_json, sizeof(o->claim_json), "%s", q->claim_json);
	snprintf(o->claim_pdf, sizeof(o->claim_pdf), "%s", q->claim_pdf);
	o->identity_ms = verified_seen ?
		(double)(q->t_verified.tv_sec - q->t_card.tv_sec) * 1e3 +
		(double)(q->t_verified.tv_nsec - q->t_card.tv_nsec) / 1e6 : -1;
	o->apdu_commands = q->apdu_count;
	o->apdu_bytes = q->apdu_bytes;
	o->apdu_bytes_to_identity = q->apdu_bytes_verified;
}

/* The run's part once the card is reached: the session to the removal. */
static int run_session(struct mncr_qualify *q, struct mncr_qualify_outcome *o)
{
	const struct mncr_flow_hooks hooks = {
		.card_kind = hook_card_kind,
		.reader_mode = hook_reader_mode,
		.face_attempt = hook_face,
		.card_verdict = hook_card_verdict,
		.pin_entry = hook_pin_entry,
		.pin_verify = hook_pin_verify,
		.choose = hook_choose,
		.attest = hook_attest,
		.consent = hook_consent,
		.eligibility = hook_eligibility,
		.basic4 = hook_basic4,
		.claim_form = hook_claim_form,
		.wait_removal = hook_wait_removal,
		.show = hook_show,
	};
	struct mncr_flow_config cfg;
	struct mncr_flow_session s;
	int ret;

	mncr_flow_config_default(&cfg, (enum mncr_elig_site)q->c.site);
	cfg.face_max = q->c.face_max;
	cfg.query_retries = q->c.query_retries;
	cfg.allow_last_pin_try = q->c.allow_last_pin_try;
	ret = mncr_flow_session_init(&s, &cfg, &hooks, q, q->c.audit_log);
	if (ret < 0)
		return ret;
	s.stop = &q->stop;
	q->session = &s;
	o->started = true;
	snprintf(o->session, sizeof(o->session), "%s", s.id);
	mncr_qualify_say(q, "session %s: %s, %s; audit log %s", s.id,
	    mncr_elig_site_name(cfg.site),
	    q->c.patient_absent ? "patient absent" : "patient present",
	    q->c.audit_log);
	ret = mncr_flow_session_run(&s);
	/* It looked at every step and in the removal wait: spent. */
	take_cancel(q);
	o->mode_after = mode_after_removal(q);
	fill_outcome(q, &s.flow, o);
	mncr_flow_session_clear(&s);
	q->session = NULL;
	return ret;
}

int mncr_qualify_run(struct mncr_qualify *q, struct mncr_device *dev,
		     struct mncr_qualify_outcome *out)
{
	struct mncr_qualify_outcome o = { .size = sizeof(o), .mode_after = -1,
					  .identity_ms = -1 };
	int ret;

	if (!q || !dev || !out || out->size < sizeof(*out) || q->dev)
		return -EINVAL;
	o.result_name = mncr_flow_outcome_name(MNCR_FLOW_OUT_NONE);
	o.method_name = "none";
	q->dev = dev;
	if (take_cancel(q)) {
		ret = -ECANCELED;
	} else if (!dev->writable) {
		ret = -EBADF;
	} else {
		clock_gettime(CLOCK_MONOTONIC, &q->t_card);
		ret = mncr_card_link_open(MNCR_CARD_BACKEND_AUTO, dev->r.serial,
					  &q->link);
	}
	if (ret == 0) {
		o.card_opened = true;
		q->io = (struct mncr_apdu_io){
			.transmit = counted_transmit,
			.ctx = q,
			.max_le = q->link->io.max_le,
		};
		mncr_qualify_say(q, "card set on %s (serial %s)", dev->r.node, dev->r.serial);
		ret = run_session(q, &o);
	}
	o.err = ret;
	card_close(q);
	mncr_face_attempt_free(q->face);
	mncr_cvca_free(q->ca);
	q->ca = NULL;
	mncr_flow_elig_clear(&q->elig);
	/* The next run starts afresh, but for a cancel not taken yet. */
	q->face = NULL;
	q->dev = NULL;
	q->apdu_bytes = q->apdu_count = q->apdu_bytes_verified = 0;
	q->t_verified = (struct timespec){ 0 };
	q->claim_written = q->visual_lease = false;
	q->claim_json[0] = q->claim_pdf[0] = '\0';
	memcpy(out, &o, sizeof(o));
	return ret;
}
