// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The qualification flow on the host, no VM (make bench-flow-native):
 * libmncr's session, face attempt and eligibility hook, as mncr qualify
 * runs them, over the simulator's PIN-less card (the card emulator
 * in-process behind a card link), the simulator's "person" scene as the
 * camera, and mncr-eligd on 127.0.0.1 with mutual TLS. Per run and as
 * medians it prints each step and card set -> identity verified without
 * the capture window (the time the camera takes to deliver the frames:
 * 2 s at 15 fps, spent here rendering the scene). Figures only.
 *
 *   taskset -c 0 build/bench/flow_native [RUNS]   (default 10; from the
 *   top of the tree: build/models, build/mncr-eligd, tests/pki/make-pki)
 *
 * The steps are told apart by the hooks (card, frames, eligibility) and
 * by the face attempt's transcript lines (say), as a GUI would show them.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "card/card_link.h"
#include "flow/face_attempt.h"
#include "flow/flow_card.h"
#include "flow/flow_elig.h"
#include "flow/flow_session.h"

#include "../../userspace/sim/card_profiles.h"
#include "../../userspace/sim/ccid_card.h"
#include "../../userspace/sim/scene.h"

#define RUNS_MAX	50
#define FPS		15	/* the simulator's camera (CAMERA_FPS) */
#define FACE_FRAMES	3	/* mncr qualify's defaults */
#define LIVE_FRAMES	30
/*
 * Scene frames between the runs' starts: the patient comes at another
 * moment of the scene's blink schedule (2 to 3 s apart) each run.
 */
#define START_STEP	37
#define SERIAL_VALID	"1001"	/* ccid_card.c's valid card certificate */

/* One run's figures (ms) and what it ended with. */
struct figures {
	double kind, photo_read, photo_template, match, live, elig;
	double match_frame, live_frame;		/* a frame's share */
	double other;		/* identity less the steps: session, audit */
	double capture, identity, to_answer;
	unsigned int grabs, judged, commands, attempts;
	unsigned long bytes_to_identity;
	const char *outcome;
};

/* Everything a run's hooks share; no global state. */
struct bench {
	struct scene_assets scene;
	struct ccid_pki pki;
	const struct card_profile *profile;
	struct mncr_face_pipeline *pipe;
	char dir[64], audit[128], eligd[64], port[8];
	pid_t eligd_pid;

	/* the run */
	unsigned long start_frame;
	struct mncr_card_emul *card;
	struct mncr_card_link *link;
	struct mncr_apdu_io io;		/* timed wrapper around the link */
	struct mncr_face_attempt *face;
	struct mncr_flow_elig elig;
	struct figures f;
	double t_card, t_front, t_apdu_end, t_grab_end;
	double t_mark, capture_mark;	/* at the last transcript line */
	double apdu_bytes;
	bool verified;
	bool verbose;			/* $FLOW_NATIVE_VERBOSE: the transcript */
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- the card: the emulator behind a card link ---- */

/* The link's transmit, counted as mncr qualify does; its end marks the read. */
static int timed_transmit(void *ctx, const uint8_t *cmd, size_t n,
			  uint8_t *resp, size_t *resp_len)
{
	struct bench *b = ctx;
	int ret = b->link->io.transmit(b->link->io.ctx, cmd, n, resp, resp_len);

	b->t_apdu_end = now_ms();
	b->f.commands++;
	b->apdu_bytes += (double)n + (ret == 0 ? (double)*resp_len : 0);
	return ret;
}

static int card_set(struct bench *b)
{
	static const uint8_t atr[] = { 0x3b, 0xe0, 0x00, 0xff, 0x81, 0x31, 0xfe, 0x45, 0x14 };
	const struct mncr_apdu_io emul = {
		.transmit = mncr_card_emul_transmit, .ctx = b->card,
		.max_le = MNCR_APDU_EXT_MAX,	/* the simulated reader's */
	};
	int ret = mncr_card_link_wrap(&emul, atr, sizeof(atr), &b->link);

	b->io = (struct mncr_apdu_io){ .transmit = timed_transmit, .ctx = b,
				       .max_le = b->link ? b->link->io.max_le : 0 };
	return ret;
}

static int hook_card_kind(void *ctx, struct mncr_card_kind_info *info)
{
	struct bench *b = ctx;
	double t0 = now_ms();
	int ret = mncr_flow_card_kind(&b->io, info);

	b->f.kind = now_ms() - t0;
	return ret;
}

static int hook_pin_verify(void *ctx, char *pin, size_t len, bool last_try,
			   int *tries_left)
{
	struct bench *b = ctx;

	return mncr_flow_card_pin_verify(&b->io, pin, len, last_try, tries_left);
}

static int card_front(void *ctx, struct mncr_card_front *front)
{
	struct bench *b = ctx;

	memset(front, 0, sizeof(*front));
	memcpy(front->birth_date, b->profile->front.birth_date, 8);
	memcpy(front->expiry_year, b->profile->front.expiry_year, 4);
	memcpy(front->security_code, b->profile->front.security_code, 4);
	b->t_front = now_ms();
	return 0;
}

static int card_present(void *ctx)
{
	return ((struct bench *)ctx)->link ? 0 : -ENOMEDIUM;
}

static int hook_wait_removal(void *ctx)
{
	struct bench *b = ctx;

	mncr_card_link_close(b->link);
	b->link = NULL;
	return 0;
}

/* ---- the camera: the simulator's scene ---- */

static int grab(void *ctx, unsigned int n, bool fresh,
		struct mncr_face_image *img, char *why, size_t len)
{
	struct bench *b = ctx;
	double t0 = now_ms();

	(void)fresh;
	if (mncr_face_image_alloc(img, SCENE_WIDTH, SCENE_HEIGHT)) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	scene_render(&b->scene, SCENE_PERSON, b->start_frame + n, FPS, img);
	b->t_grab_end = now_ms();
	b->f.capture += b->t_grab_end - t0;
	b->f.grabs++;
	return 0;
}

/*
 * The attempt's transcript marks where its steps end; each step's time is
 * from the previous mark, less the frames grabbed in between, summed over
 * the session's attempts.
 */
static void say(void *ctx, const char *line)
{
	struct bench *b = ctx;
	double t = now_ms();
	unsigned int frames, judged;

	if (b->verbose)
		printf("flow_native:     [%7.1f] %s\n", t - b->t_card, line);
	if (strstr(line, "card photo: face found")) {
		b->f.photo_read = b->t_apdu_end - b->t_front;
		b->f.photo_template = t - b->t_apdu_end;
	} else if (strstr(line, ", best score ")) {
		b->f.match += t - b->t_grab_end;
	} else if (sscanf(line, "liveness: %u frames at %*f fps, %u judged",
			  &frames, &judged) == 2) {
		b->f.live += t - b->t_mark - (b->f.capture - b->capture_mark);
		b->f.judged += judged;
	} else if (strstr(line, "not usable") || strstr(line, "camera:")) {
		fprintf(stderr, "flow_native: %s\n", line);
	}
	b->t_mark = t;
	b->capture_mark = b->f.capture;
}

static int hook_face(void *ctx, unsigned int attempt,
		     enum mncr_flow_face_result *res)
{
	struct bench *b = ctx;
	int ret = mncr_face_attempt_run(b->face, attempt, res);

	b->f.attempts = attempt;
	if (ret == 0 && *res == MNCR_FLOW_FACE_MATCH) {
		b->verified = true;
		/* What the camera's delivery took is not the stack's time. */
		b->f.identity = now_ms() - b->t_card - b->f.capture;
		b->f.match_frame = b->f.match / (FACE_FRAMES * attempt);
		b->f.live_frame = b->f.judged ? b->f.live / b->f.judged : 0;
		b->f.other = b->f.identity - b->f.kind - b->f.photo_read -
			     b->f.photo_template - b->f.match - b->f.live;
		b->f.bytes_to_identity = (unsigned long)b->apdu_bytes;
	}
	return ret;
}

/* ---- the people and the reader: scripted as flow_bench.sh answers ---- */

static int hook_reader_mode(void *ctx, unsigned int *mode)
{
	(void)ctx;
	*mode = MNCR_MODE_AUTO;
	return 0;
}

static int hook_pin_entry(void *ctx, const struct mncr_flow_prompt *p,
			  char *buf, size_t cap, size_t *len)
{
	(void)ctx, (void)p, (void)buf, (void)cap, (void)len;
	return -ECANCELED;	/* a PIN-less card: never asked */
}

/* After the result only "done" is expected; anything else ends the run. */
static int hook_choose(void *ctx, const struct mncr_flow_prompt *p,
		       unsigned int *choice)
{
	(void)ctx;
	if (!(p->options & MNCR_FLOW_OPT_DONE))
		return -ECANCELED;
	*choice = MNCR_FLOW_OPT_DONE;
	return 0;
}

static int hook_attest(void *ctx, const struct mncr_flow_prompt *p,
		       struct mncr_flow_attestation *a)
{
	(void)ctx, (void)p, (void)a;
	return -ECANCELED;
}

static int hook_consent(void *ctx, const struct mncr_flow_prompt *p,
			enum mncr_flow_consent c, bool *yes)
{
	(void)ctx, (void)p, (void)c;
	*yes = true;
	return 0;
}

static int hook_eligibility(void *ctx, const struct mncr_flow_query *q,
			    struct mncr_flow_answer *a)
{
	struct bench *b = ctx;
	double t0 = now_ms();
	int ret = mncr_flow_elig_query(&b->elig, q, a);

	b->f.elig = now_ms() - t0;
	b->f.to_answer = now_ms() - b->t_card - b->f.capture;
	return ret;
}

static int hook_claim_form(void *ctx, const struct mncr_claim_form *form)
{
	(void)ctx, (void)form;
	return 0;
}

/* ---- the eligibility service ---- */

/* Runs argv, output to log; its exit status or -1. */
static int run_cmd(char *const argv[], const char *log)
{
	pid_t pid = (fflush(NULL), fork());
	int st;

	if (pid == 0) {
		FILE *f = freopen(log, "a", stdout);

		if (f && dup2(fileno(stdout), 2) >= 0)
			execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void at(char *out, size_t len, const char *dir, const char *name)
{
	snprintf(out, len, "%s/%s", dir, name);
}

/*
 * The site PKI (tests/pki/make-pki, kept in build/ between runs), the
 * simulator's card CA and CRL, one subscriber for the valid card, and
 * mncr-eligd on 127.0.0.1, as tests/integration/flow_lib.sh starts it.
 */
static int eligd_start(struct bench *b, const char *pki)
{
	char log[128], db[128], portfile[128], cert[160], key[160], ca[160],
	     card_ca[128], crl[128], spec[64];
	char *mk[] = { "tests/pki/make-pki", (char *)pki, NULL };
	char *init[] = { b->eligd, "--db", db, "--init-db", "--add-subscriber",
			 spec, NULL };
	char *argv[] = {
		b->eligd, "--listen", "127.0.0.1:0", "--port-file", portfile,
		"--log", log, "--cert", cert, "--key", key, "--client-ca", ca,
		"--card-ca", card_ca, "--crl", crl, "--db", db, "--timeout", "5",
		"--foreground", NULL,
	};

	at(log, sizeof(log), b->dir, "eligd.log");
	at(db, sizeof(db), b->dir, "db.sqlite");
	at(portfile, sizeof(portfile), b->dir, "port");
	at(cert, sizeof(cert), pki, "service.pem");
	at(key, sizeof(key), pki, "service.key");
	at(ca, sizeof(ca), pki, "site-ca.pem");
	at(card_ca, sizeof(card_ca), b->dir, "simpki/ca.pem");
	at(crl, sizeof(crl), b->dir, "simpki/crl.pem");
	snprintf(spec, sizeof(spec), "%s:06139998:記号:71825364:01:030:ア",
		 SERIAL_VALID);
	if (run_cmd(mk, log) || run_cmd(init, log)) {
		fprintf(stderr, "flow_native: make-pki or mncr-eligd --init-db failed (%s)\n", log);
		return -1;
	}
	fflush(NULL);		/* the child must not print our buffer again */
	b->eligd_pid = fork();
	if (b->eligd_pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	for (int i = 0; b->eligd_pid > 0 && i < 1000; i++) {
		FILE *f = fopen(portfile, "r");

		if (f) {
			int ok = fscanf(f, "%7s", b->port) == 1;

			fclose(f);
			return ok ? 0 : -1;
		}
		usleep(10000);
	}
	fprintf(stderr, "flow_native: %s did not start (%s)\n", b->eligd, log);
	return -1;
}

static void eligd_stop(struct bench *b)
{
	if (b->eligd_pid > 0) {
		kill(b->eligd_pid, SIGTERM);
		waitpid(b->eligd_pid, NULL, 0);
		b->eligd_pid = 0;
	}
}

static struct mncr_elig_client *elig_client(const struct bench *b,
					    const char *pki)
{
	char ca[160], cert[160], key[160];
	/* mncr qualify's settings (cmd_qualify.c). */
	struct mncr_elig_client_config cfg = {
		.host = "127.0.0.1", .port = b->port, .server_name = "localhost",
		.ca_file = ca, .cert_file = cert, .key_file = key,
		.connect_timeout_ms = 2000, .attempts = 2,
	};
	struct mncr_elig_error err;
	struct mncr_elig_client *c;

	at(ca, sizeof(ca), pki, "site-ca.pem");
	at(cert, sizeof(cert), pki, "reader.pem");
	at(key, sizeof(key), pki, "reader.key");
	c = mncr_elig_client_new(&cfg, &err);
	if (!c)
		fprintf(stderr, "flow_native: eligibility client: %s\n", err.message);
	return c;
}

/* ---- one run ---- */

/* 0 verified and answered, 1 identity not verified, or -errno. */
static int run_once(struct bench *b, const char *pki, unsigned int i)
{
	const struct mncr_flow_hooks hooks = {
		.card_kind = hook_card_kind,
		.reader_mode = hook_reader_mode,
		.face_attempt = hook_face,
		.pin_entry = hook_pin_entry,
		.pin_verify = hook_pin_verify,
		.choose = hook_choose,
		.attest = hook_attest,
		.consent = hook_consent,
		.eligibility = hook_eligibility,
		.claim_form = hook_claim_form,
		.wait_removal = hook_wait_removal,
	};
	const struct mncr_face_frames frames = { .grab = grab, .ctx = b };
	const struct mncr_face_attempt_opts o = {
		.pipe = b->pipe, .face_frames = FACE_FRAMES,
		.liveness_frames = LIVE_FRAMES, .fd = -1, .frames = &frames,
		.io = &b->io, .card_front = card_front,
		.card_present = card_present, .say = say, .ctx = b,
	};
	struct mncr_flow_config cfg;
	struct mncr_flow_session s;
	int ret;

	memset(&b->f, 0, sizeof(b->f));
	b->verified = false;
	b->apdu_bytes = 0;
	b->start_frame = (unsigned long)i * START_STEP;
	/* Before the card is set, as mncr qualify: the card and the client. */
	b->card = ccid_card_new(&b->pki, b->profile, &b->profile->front);
	b->elig = (struct mncr_flow_elig){ .client = elig_client(b, pki),
					   .io = &b->io,
					   .institution_code = "1312345678" };
	if (!b->card || !b->elig.client) {
		ret = -EIO;
		goto out;
	}
	b->t_card = now_ms();
	ret = card_set(b);
	if (ret == 0)
		ret = mncr_face_attempt_new(&o, &b->face);
	mncr_flow_config_default(&cfg, MNCR_ELIG_SITE_CLINIC);
	if (ret == 0)
		ret = mncr_flow_session_init(&s, &cfg, &hooks, b, b->audit);
	if (ret == 0) {
		ret = mncr_flow_session_run(&s);
		b->f.outcome = mncr_flow_outcome_name(s.flow.outcome);
		/* Not verified is a figure (the face failed); not answered is not. */
		if (ret == 0 && !b->verified)
			ret = 1;
		else if (ret == 0 && s.flow.outcome != MNCR_FLOW_OUT_ELIGIBLE)
			ret = -EPROTO;
		mncr_flow_session_clear(&s);
	}
out:
	mncr_card_link_close(b->link);
	b->link = NULL;
	mncr_face_attempt_free(b->face);
	b->face = NULL;
	mncr_flow_elig_clear(&b->elig);
	mncr_elig_client_free(b->elig.client);
	mncr_card_emul_free(b->card);
	b->card = NULL;
	return ret;
}

/* ---- figures ---- */

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, c = *(const double *)y;

	return a < c ? -1 : a > c;
}

/* The median of one field over the runs; min and max if asked. */
static double median(const struct figures *f, unsigned int n, size_t off,
		     double *min, double *max)
{
	double v[RUNS_MAX];

	for (unsigned int i = 0; i < n; i++)
		v[i] = *(const double *)((const char *)&f[i] + off);
	qsort(v, n, sizeof(v[0]), cmp_double);
	if (min)
		*min = v[0];
	if (max)
		*max = v[n - 1];
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void report(const struct figures *f, unsigned int n)
{
	static const struct {
		const char *what;
		size_t off;
	} steps[] = {
		{ "card read: kind (EF 0008, empty VERIFY)", offsetof(struct figures, kind) },
		{ "card read: photo (visual AP, collation B)", offsetof(struct figures, photo_read) },
		{ "photo decode (JPEG 2000) + template", offsetof(struct figures, photo_template) },
		{ "face match, frames through the pipeline", offsetof(struct figures, match) },
		{ "liveness decision, frames judged", offsetof(struct figures, live) },
		{ "the rest (session, audit log, set-up)", offsetof(struct figures, other) },
		{ "card set -> identity verified", offsetof(struct figures, identity) },
		{ "eligibility query (loopback mutual TLS)", offsetof(struct figures, elig) },
		{ "card set -> eligibility answered", offsetof(struct figures, to_answer) },
		{ "capture window (excluded above)", offsetof(struct figures, capture) },
	};
	printf("flow_native: medians of %u runs, ms:\n", n);
	for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		double lo, hi, m = median(f, n, steps[k].off, &lo, &hi);

		printf("flow_native:   %-42s %8.2f", steps[k].what, m);
		if (steps[k].off == offsetof(struct figures, identity) ||
		    steps[k].off == offsetof(struct figures, to_answer))
			printf("  (min %.0f, max %.0f)", lo, hi);
		if (steps[k].off == offsetof(struct figures, match))
			printf("  (%d frames, %.1f a frame)", FACE_FRAMES,
			       median(f, n, offsetof(struct figures, match_frame), NULL, NULL));
		if (steps[k].off == offsetof(struct figures, live))
			printf("  (%.1f a frame)",
			       median(f, n, offsetof(struct figures, live_frame), NULL, NULL));
		printf("\n");
	}
}

static int setup(struct bench *b, const char *models)
{
	char err[512], pki_dir[128];
	double t0;

	snprintf(b->dir, sizeof(b->dir), "/tmp/mncr-flow-native-XXXXXX");
	if (!mkdtemp(b->dir)) {
		b->dir[0] = '\0';
		perror("flow_native: mkdtemp");
		return -1;
	}
	at(b->audit, sizeof(b->audit), b->dir, "audit.log");
	at(pki_dir, sizeof(pki_dir), b->dir, "simpki");
	/* The simulator's card CA and CRL go here, for mncr-eligd. */
	setenv(CCID_PKI_DIR_ENV, pki_dir, 1);
	b->profile = card_profile_find("pinless");
	if (!b->profile || ccid_pki_make(&b->pki)) {
		fprintf(stderr, "flow_native: no simulated card\n");
		return -1;
	}
	t0 = now_ms();
	if (mncr_face_pipeline_load(&b->pipe, models, err, sizeof(err))) {
		fprintf(stderr, "flow_native: models: %s\n", err);
		return -1;
	}
	printf("flow_native: face models loaded in %.0f ms (once here; mncr qualify loads them in every session)\n",
	       now_ms() - t0);
	if (scene_assets_init(&b->scene, models, NULL, err, sizeof(err)) ||
	    scene_assets_prepare(&b->scene, SCENE_PERSON, err, sizeof(err))) {
		fprintf(stderr, "flow_native: scene: %s\n", err);
		return -1;
	}
	return 0;
}

static void teardown(struct bench *b)
{
	char cmd[96];

	eligd_stop(b);
	scene_assets_free(&b->scene);
	ccid_pki_free(&b->pki);
	mncr_face_pipeline_free(b->pipe);
	if (b->dir[0] && !getenv("MNCR_KEEP_TMP")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", b->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "flow_native: cannot remove %s\n", b->dir);
	}
}

/* A shared machine's load skews every figure: say it. */
static void print_load(void)
{
	FILE *la = fopen("/proc/loadavg", "r");
	char load[64] = "?";

	if (la && fgets(load, sizeof(load), la))
		load[strcspn(load, " ")] = '\0';
	if (la)
		fclose(la);
	printf("flow_native: load average %s at the start\n", load);
}

int main(int argc, char **argv)
{
	const char *env = getenv("MNCR_MODELS");
	const char *models = env && *env ? env : "build/models";
	const char *pki = "build/bench-flow-pki";
	unsigned int runs = argc > 1 ? (unsigned int)atoi(argv[1]) : 10, n = 0;
	static struct figures f[RUNS_MAX];
	struct bench *b = calloc(1, sizeof(*b));
	int rc = 1;
	cpu_set_t cpus;

	if (!b || runs < 1 || runs > RUNS_MAX) {
		fprintf(stderr, "usage: flow_native [RUNS 1-%d]\n", RUNS_MAX);
		free(b);
		return 2;
	}
	/*
	 * The simulator looks for LFW beside the checkout of the program's
	 * parent folder, build/ here: point it at the tree's neighbour.
	 */
	if (!getenv("MNCR_FACE_DATA") && access("../shared/face-data/lfw", R_OK) == 0)
		setenv("MNCR_FACE_DATA", "../shared/face-data", 1);
	b->verbose = getenv("FLOW_NATIVE_VERBOSE") != NULL;
	snprintf(b->eligd, sizeof(b->eligd), "%s",
		 getenv("MNCR_ELIGD") ? getenv("MNCR_ELIGD") : "build/mncr-eligd");
	if (setup(b, models) || eligd_start(b, pki))
		goto out;
	sched_getaffinity(0, sizeof(cpus), &cpus);
	print_load();
	printf("flow_native: %u runs, PIN-less card (emulator in-process), scene 'person' (%s pictures) at %d fps, "
	       "mncr-eligd on 127.0.0.1:%s, %d CPU(s) allowed\n",
	       runs, b->scene.origin, FPS, b->port, CPU_COUNT(&cpus));
	printf("flow_native: %-4s %6s %-9s %11s %11s %9s %8s %7s %9s %13s\n", "run",
	       "frame0", "outcome", "identity_ms", "answer_ms", "capture", "attempts",
	       "judged", "commands", "apdu_to_ident");
	rc = 0;
	for (unsigned int i = 0; i < runs; i++) {
		int ret = run_once(b, pki, i);

		printf("flow_native: %-4u %6lu %-9s %11.0f %11.0f %9.0f %8u %7u %9u %13lu%s%s\n",
		       i + 1, b->start_frame, b->f.outcome ? b->f.outcome : "-",
		       b->f.identity, b->f.to_answer, b->f.capture, b->f.attempts,
		       b->f.judged, b->f.commands, b->f.bytes_to_identity,
		       ret ? "  " : "", ret < 0 ? strerror(-ret) :
		       ret ? "identity not verified" : "");
		if (ret == 0)
			f[n++] = b->f;
		if (ret < 0)
			rc = 1;
	}
	if (n)
		report(f, n);
	if (n < runs)
		printf("flow_native: %u of %u runs did not reach identity verified (not in the medians)\n",
		       runs - n, runs);
	if (!n)
		rc = 1;
out:
	teardown(b);
	free(b);
	return rc;
}
