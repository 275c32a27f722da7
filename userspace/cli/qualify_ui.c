// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mncr qualify's people: the library's prompts (in the locale's language,
 * Japanese by default), answers one line each from stdin (a terminal or a
 * script: option names or their numbers, yes/no, the PIN without echo),
 * and the transcript with times.
 */
#include "qualify.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

static void transcript(void *ctx, double ms, const char *line)
{
	struct qualify *q = ctx;

	fprintf(q->out, "[%7.3f] %s\n", ms / 1e3, line);
	fflush(q->out);
}

static const char *who(const struct mncr_qualify_prompt *p)
{
	return p->audience == MNCR_QUALIFY_PATIENT ? "[患者]" : "[職員]";
}

static void show(void *ctx, const struct mncr_qualify_prompt *p)
{
	struct qualify *q = ctx;
	const char *texts[] = { p->text, p->detail, p->guide };

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (texts[i])
			mncr_qualify_say(q->run, "%s %s", who(p), texts[i]);
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

	for (unsigned int bit = 1; bit & MNCR_QUALIFY_OPT_ALL; bit <<= 1) {
		if (number && (offered & bit) && (long)++k == idx)
			return bit;
		if (!number && strcmp(s, mncr_qualify_option_name(bit)) == 0)
			return bit;
	}
	return 0;
}

static int choose(void *ctx, const struct mncr_qualify_prompt *p,
		  unsigned int *choice)
{
	struct qualify *q = ctx;
	char line[64];
	int ret;

	ask(q, "choice");
	ret = read_line(q, line, sizeof(line));
	if (ret < 0)
		return ret;
	*choice = option_by_name(line, p->options);
	if (!*choice) {
		mncr_qualify_say(q->run, "answer '%s' is no choice here: cancel", line);
		return -ECANCELED;
	}
	return 0;
}

static int pin_entry(void *ctx, const struct mncr_qualify_prompt *p,
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

static int attest(void *ctx, const struct mncr_qualify_prompt *p,
		  struct mncr_qualify_attestation *a)
{
	struct qualify *q = ctx;
	char line[64];
	int ret;

	(void)p;
	if (!a->operator_id[0]) {	/* no --operator */
		ask(q, "operator id");
		ret = read_line(q, line, sizeof(line));
		if (ret < 0)
			return ret;
		line[sizeof(a->operator_id) - 1] = '\0';
		memcpy(a->operator_id, line, strlen(line) + 1);
	}
	mncr_qualify_say(q->run, "[職員] 「目視で本人確認完了」? (operator %s, patient %s)",
			 a->operator_id, a->patient_present ? "present" : "absent");
	return yes_no(q, "目視で本人確認完了 yes/no", &a->confirmed);
}

static int consent(void *ctx, const struct mncr_qualify_prompt *p,
		   enum mncr_qualify_consent c, bool *yes)
{
	(void)p;
	return yes_no(ctx, mncr_qualify_consent_name(c), yes);
}

void qualify_ui_init(struct qualify *q, struct mncr_qualify_ui *ui)
{
	*ui = (struct mncr_qualify_ui){
		.size = sizeof(*ui),
		.ctx = q,
		.transcript = transcript,
		.show = show,
		.choose = choose,
		.pin_entry = pin_entry,
		.attest = attest,
		.consent = consent,
	};
}
