// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mncr qualify's people: prompts in the locale's language (messages.h,
 * Japanese by default), answers one line each from stdin (a terminal or a
 * script: option names or their numbers, yes/no, the PIN without echo),
 * the transcript with times, and the 申立書 files.
 */
#include "qualify.h"
#include "flow/claim_pdf.h"
#include "flow/flow_reader.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

double qualify_ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) * 1e3 +
	       (double)(now.tv_nsec - t->tv_nsec) / 1e6;
}

void qualify_say(struct qualify *q, const char *fmt, ...)
{
	va_list ap;

	fprintf(q->out, "[%7.3f] ", qualify_ms_since(&q->t_card) / 1e3);
	va_start(ap, fmt);
	vfprintf(q->out, fmt, ap);
	va_end(ap);
	fputc('\n', q->out);
	fflush(q->out);
}

static void say_msg(struct qualify *q, const char *who, enum mncr_msg id,
		    const int *params, size_t n)
{
	char text[512];

	if (id == MNCR_MSG_NONE)
		return;
	mncr_msg_format(id, params, n, text, sizeof(text));
	qualify_say(q, "%s %s", who, text);
}

void qualify_hook_show(void *ctx, const struct mncr_flow_prompt *p)
{
	struct qualify *q = ctx;
	const char *who = p->audience == MNCR_FLOW_PATIENT ? "[患者]" : "[職員]";

	say_msg(q, who, p->msg, p->params, p->n_params);
	say_msg(q, who, p->detail, p->detail_params, p->n_detail_params);
	say_msg(q, who, p->guide, NULL, 0);
}

/* One line of input, without the newline; -ECANCELED at end of input. */
static int read_line(struct qualify *q, char *buf, size_t cap)
{
	size_t n;

	if (!fgets(buf, (int)cap, q->in))
		return -ECANCELED;
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return 0;
}

static void ask(struct qualify *q, const char *what)
{
	if (q->tty) {
		fprintf(stderr, "%s> ", what);
		fflush(stderr);
	}
}

/*
 * An answer as an option bit: a number counts among the offered options,
 * a name may be any option (the flow refuses one it did not offer, says
 * so, and asks again). 0: no option at all.
 */
static unsigned int option_by_name(const char *s, unsigned int offered)
{
	unsigned int k = 0;
	char *end;
	long idx = strtol(s, &end, 10);
	bool number = end != s && !*end;

	for (unsigned int bit = 1; bit & MNCR_FLOW_OPT_ALL; bit <<= 1) {
		if (number && (offered & bit) && (long)++k == idx)
			return bit;
		if (!number && strcmp(s, mncr_flow_option_name(bit)) == 0)
			return bit;
	}
	return 0;
}

/* The staff chose 目視確認: switch the reader (a lease the kernel ends). */
static void switch_visual(struct qualify *q)
{
	int ret;

	if (!q->o->switch_visual || q->visual_lease)
		return;
	ret = mncr_flow_reader_switch_visual(q->fd);
	if (ret == 0)
		return;
	if (ret < 0) {
		qualify_say(q, "reader: cannot switch to 目視確認: %s", strerror(-ret));
		return;
	}
	q->visual_lease = true;
	qualify_say(q, "reader: switched to 目視確認 (visual) mode; the kernel switches back when the card is removed");
}

int qualify_hook_choose(void *ctx, const struct mncr_flow_prompt *p,
			unsigned int *choice)
{
	struct qualify *q = ctx;
	char line[64], list[512] = "";
	size_t used = 0;
	unsigned int k = 0;
	int ret;

	for (unsigned int bit = 1; bit & MNCR_FLOW_OPT_ALL; bit <<= 1) {
		if (!(p->options & bit))
			continue;
		used += (size_t)snprintf(list + used, used < sizeof(list) ? sizeof(list) - used : 0,
					 "%s[%u] %s (%s)", k ? "  " : "", k + 1,
					 mncr_msg_text(mncr_flow_option_msg(bit)),
					 mncr_flow_option_name(bit));
		k++;
	}
	qualify_say(q, "%s choices: %s",
		    p->audience == MNCR_FLOW_PATIENT ? "[患者]" : "[職員]", list);
	ask(q, "choice");
	ret = read_line(q, line, sizeof(line));
	if (ret < 0)
		return ret;
	*choice = option_by_name(line, p->options);
	if (!*choice) {
		qualify_say(q, "answer '%s' is no choice here: cancel", line);
		return -ECANCELED;
	}
	qualify_say(q, "chosen: %s%s", mncr_flow_option_name(*choice),
		    p->options & *choice ? "" : " (not offered here)");
	if (*choice == MNCR_FLOW_OPT_VISUAL && (p->options & *choice) &&
	    p->audience == MNCR_FLOW_STAFF_ONLY)
		switch_visual(q);
	return 0;
}

int qualify_hook_pin_entry(void *ctx, const struct mncr_flow_prompt *p,
			   char *buf, size_t cap, size_t *len)
{
	struct qualify *q = ctx;
	struct termios old, quiet;
	bool echo_off = false;
	char line[64];
	int ret;

	(void)p;
	if (q->tty && tcgetattr(fileno(q->in), &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		echo_off = tcsetattr(fileno(q->in), TCSAFLUSH, &quiet) == 0;
	}
	ask(q, "PIN");
	ret = read_line(q, line, sizeof(line));
	if (echo_off) {
		tcsetattr(fileno(q->in), TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (ret == 0) {
		*len = strlen(line);
		if (*len > cap)
			ret = -EOVERFLOW;
		else
			memcpy(buf, line, *len);
	}
	OPENSSL_cleanse(line, sizeof(line));
	/* An empty line: the patient stopped entering. */
	if (ret == 0 && *len == 0)
		ret = -ECANCELED;
	if (ret == 0)
		qualify_say(q, "PIN entered (%zu digits, not shown)", *len);
	return ret;
}

static int yes_no(struct qualify *q, const char *what, bool *yes)
{
	char line[64];
	int ret;

	ask(q, what);
	ret = read_line(q, line, sizeof(line));
	if (ret < 0)
		return ret;
	*yes = !strcmp(line, "yes") || !strcmp(line, "y") ||
	       !strcmp(line, "はい") || !strcmp(line, "1");
	return 0;
}

int qualify_hook_attest(void *ctx, const struct mncr_flow_prompt *p,
			struct mncr_flow_attestation *a)
{
	struct qualify *q = ctx;
	char line[64];
	int ret;

	(void)p;
	memset(a, 0, sizeof(*a));
	a->patient_present = !q->o->patient_absent;
	if (q->o->operator_id) {
		snprintf(a->operator_id, sizeof(a->operator_id), "%s", q->o->operator_id);
	} else {
		ask(q, "operator id");
		ret = read_line(q, line, sizeof(line));
		if (ret < 0)
			return ret;
		line[MNCR_FLOW_OPERATOR_MAX] = '\0';
		memcpy(a->operator_id, line, strlen(line) + 1);
	}
	qualify_say(q, "[職員] 「目視で本人確認完了」? (operator %s, patient %s)",
		    a->operator_id, a->patient_present ? "present" : "absent");
	ret = yes_no(q, "目視で本人確認完了 yes/no", &a->confirmed);
	if (ret < 0)
		return ret;
	qualify_say(q, "attestation: %s", a->confirmed ? "目視で本人確認完了" : "not given");
	return 0;
}

int qualify_hook_consent(void *ctx, const struct mncr_flow_prompt *p,
			 enum mncr_flow_consent c, bool *yes)
{
	struct qualify *q = ctx;
	int ret;

	(void)p;
	ret = yes_no(q, mncr_flow_consent_name(c), yes);
	if (ret < 0)
		return ret;
	qualify_say(q, "consent %s: %s", mncr_flow_consent_name(c),
		    mncr_msg_text(*yes ? MNCR_MSG_YES : MNCR_MSG_NO));
	return 0;
}

int qualify_hook_claim_form(void *ctx, const struct mncr_claim_form *form)
{
	struct qualify *q = ctx;
	const char *dir = q->o->claim_dir;
	int ret;

	snprintf(q->claim_json, sizeof(q->claim_json), "%s/claim-%s.json", dir,
		 q->session_id);
	snprintf(q->claim_pdf, sizeof(q->claim_pdf), "%s/claim-%s.pdf", dir,
		 q->session_id);
	qualify_say(q, "writing the 被保険者資格申立書 (%s, %s) ...",
		    mncr_claim_reason_name(form->reason),
		    form->prefilled ? "pre-filled from the card" : "blank");
	ret = mncr_claim_form_write_json(form, q->claim_json);
	if (ret < 0) {
		qualify_say(q, "申立書 JSON %s: %s", q->claim_json, strerror(-ret));
		return ret;
	}
	if (q->o->no_pdf || !mncr_claim_form_pdf_supported()) {
		q->claim_pdf[0] = '\0';
	} else {
		ret = mncr_claim_form_write_pdf(form, q->claim_pdf);
		if (ret < 0) {
			qualify_say(q, "申立書 PDF %s: %s", q->claim_pdf, strerror(-ret));
			return ret;
		}
	}
	q->claim_written = true;
	qualify_say(q, "申立書 written: %s%s%s", q->claim_json,
		    q->claim_pdf[0] ? ", " : "", q->claim_pdf);
	return 0;
}
