// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Liveness on synthetic sequences: a face drawn from dlib's mean shape
 * (eyes as dark irises on skin, or a lash line when shut) that blinks, a
 * picture moved rigidly, nobody, a talking face that never blinks, a head
 * turn, a gap; and the measures alone (eye aspect ratio, openness, shape
 * residuals and motion).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "face/face_align.h"
#include "face/face_liveness.h"

#define W 320
#define H 240
#define SKIN 150

struct pose {
	double dx, dy, angle, scale;	/* similarity applied to the face */
	double mouth;			/* extra opening of the lips, chip pixels */
	double nose;			/* nose shifted sideways (a turn), chip pixels */
	int shut;			/* eyes closed */
};

/* The mean face in chip pixels (150), jaw on an arc, then posed in a frame. */
static void shape(const struct pose *p, struct mncr_face_point pts[MNCR_FACE_LANDMARKS])
{
	double c = cos(p->angle * M_PI / 180), s = sin(p->angle * M_PI / 180);

	for (int i = 17; i < MNCR_FACE_LANDMARKS; i++)
		pts[i] = mncr_face_chip_point(i, 150, 0.25);
	for (int i = 0; i <= 16; i++) {
		double a = M_PI * i / 16;

		pts[i].x = (float)(75 - 52 * cos(a));
		pts[i].y = (float)(60 + 60 * sin(a));
	}
	for (int i = 27; i <= 35; i++)
		pts[i].x += (float)(p->nose * (i >= 30 ? 1 : 0.5));
	for (int i = 56; i <= 59; i++)
		pts[i].y += (float)p->mouth;
	for (int i = 65; i <= 67; i++)
		pts[i].y += (float)p->mouth;
	for (int i = 0; i < MNCR_FACE_LANDMARKS; i++) {
		double x = pts[i].x - 75, y = pts[i].y - 75;

		pts[i].x = (float)(W / 2 + p->dx + p->scale * (c * x - s * y));
		pts[i].y = (float)(H / 2 + p->dy + p->scale * (s * x + c * y));
	}
}

/* Skin, and per eye a dark iris (open) or a thin dark line (shut). */
static void draw(const struct pose *p, const struct mncr_face_point *pts,
		 uint8_t *px)
{
	memset(px, SKIN, W * H);
	for (int e = 36; e <= 42; e += 6) {
		double cx = 0, cy = 0, w = hypot(pts[e + 3].x - pts[e].x,
						 pts[e + 3].y - pts[e].y);

		for (int i = 0; i < 6; i++) {
			cx += pts[e + i].x / 6;
			cy += pts[e + i].y / 6;
		}
		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++) {
				double r = hypot(x - cx, y - cy);

				if (!p->shut && r < 0.22 * w)
					px[y * W + x] = 40;
				else if (p->shut && fabs(y - cy) < 0.6 &&
					 fabs(x - cx) < 0.4 * w)
					px[y * W + x] = 90;
			}
	}
}

/* Feeds one posed frame; returns the state. */
static int feed(struct mncr_face_liveness *l, const struct pose *p,
		struct mncr_face_liveness_frame *fr)
{
	static uint8_t px[W * H];
	struct mncr_face_point pts[MNCR_FACE_LANDMARKS];
	struct mncr_face_image img = { W, H, px };

	shape(p, pts);
	draw(p, pts, px);
	return mncr_face_liveness_feed(l, pts, &img, fr);
}

static struct pose still(void)
{
	struct pose p = { 0, 0, 0, 1.2, 0, 0, 0 };

	return p;
}

/*
 * Feeds a still face with its eyes open for open frames, shut for shut
 * frames, then open again for reopen frames; returns the last state.
 */
static int blink_sequence(struct mncr_face_liveness *l, int open, int shut, int reopen)
{
	struct pose p = still();
	int s = MNCR_FACE_LIVENESS_PENDING;

	for (int i = 0; i < open + shut + reopen; i++) {
		p.shut = i >= open && i < open + shut;
		s = feed(l, &p, NULL);
	}
	return s;
}

/* Moves the face for frame i of a sequence. */
typedef void move_fn(struct pose *p, int i);

/*
 * Feeds a face, still or posed by move for each frame, until a verdict or
 * max frames; returns the state, and the frames fed in *frames.
 */
static int feed_until_verdict(struct mncr_face_liveness *l, move_fn *move, int max,
			      int *frames)
{
	struct pose p = still();
	int s = MNCR_FACE_LIVENESS_PENDING, i;

	for (i = 0; i < max && s == MNCR_FACE_LIVENESS_PENDING; i++) {
		if (move)
			move(&p, i);
		s = feed(l, &p, NULL);
	}
	*frames = i;
	return s;
}

static void test_blink(void **state)
{
	struct mncr_face_liveness *l = mncr_face_liveness_new(NULL);
	struct mncr_face_liveness_frame fr;
	struct pose p = still();
	float open_level = 0;
	int s = 0;

	(void)state;
	assert_non_null(l);
	for (int i = 0; i < 10; i++) {
		p.dx = 2 * sin(i * 0.7);	/* a little sway */
		s = feed(l, &p, &fr);
		assert_int_equal(s, MNCR_FACE_LIVENESS_PENDING);
		assert_true(fr.face);
		assert_true(fr.openness > 0.05);
		open_level = fr.openness;
	}
	assert_string_equal(mncr_face_liveness_reason(l), "waiting for a blink");
	p.shut = 1;
	for (int i = 0; i < 2; i++) {
		s = feed(l, &p, &fr);
		assert_int_equal(s, MNCR_FACE_LIVENESS_PENDING);
		assert_true(fabsf(fr.openness - open_level) > 0.3f * open_level);
	}
	p.shut = 0;
	s = feed(l, &p, &fr);
	assert_int_equal(s, MNCR_FACE_LIVENESS_LIVE);
	assert_string_equal(mncr_face_liveness_reason(l), "blink");
	/* the decision stays */
	p.dx = 30;
	assert_int_equal(feed(l, &p, &fr), MNCR_FACE_LIVENESS_LIVE);
	mncr_face_liveness_reset(l);
	assert_int_equal(mncr_face_liveness_state(l), MNCR_FACE_LIVENESS_PENDING);
	mncr_face_liveness_free(l);
}

/* One frame off the level is noise, not a blink. */
static void test_one_frame(void **state)
{
	struct mncr_face_liveness *l = mncr_face_liveness_new(NULL);

	(void)state;
	assert_int_equal(blink_sequence(l, 8, 1, 5), MNCR_FACE_LIVENESS_PENDING);
	mncr_face_liveness_free(l);
}

/* Eyes shut for longer than a blink (a slow change) are not a blink. */
static void test_long_close(void **state)
{
	struct mncr_face_liveness *l = mncr_face_liveness_new(NULL);

	(void)state;
	assert_int_equal(blink_sequence(l, 8, 12, 5), MNCR_FACE_LIVENESS_PENDING);
	mncr_face_liveness_free(l);
}

static void test_rigid_photo(void **state)
{
	struct mncr_face_liveness_opts o;
	struct mncr_face_liveness *l;
	struct mncr_face_liveness_frame fr;
	struct pose p = still();
	int s = 0, i;

	(void)state;
	mncr_face_liveness_opts_default(&o);
	l = mncr_face_liveness_new(&o);
	for (i = 0; i < 200 && s == MNCR_FACE_LIVENESS_PENDING; i++) {
		p.dx = 25 * sin(i * 0.2);
		p.dy = 10 * cos(i * 0.13);
		p.angle = 5 * sin(i * 0.1);
		p.scale = 1.2 * (1 + 0.05 * sin(i * 0.17));
		s = feed(l, &p, &fr);
		if (i > 0)
			assert_true(fr.residual >= 0 && fr.residual < 0.01);
	}
	assert_int_equal(s, MNCR_FACE_LIVENESS_SPOOF);
	assert_int_equal(i, o.min_frames);
	assert_non_null(strstr(mncr_face_liveness_reason(l), "rigidly"));
	mncr_face_liveness_free(l);
}

static void talk(struct pose *p, int i)
{
	p->dx = 25 * sin(i * 0.2);
	p->mouth = 6 + 6 * sin(i * 0.9);
}

/* Talking (mouth moving) while moving, never blinking: no early verdict. */
static void test_talking_no_blink(void **state)
{
	struct mncr_face_liveness_opts o;
	struct mncr_face_liveness *l;
	int i;

	(void)state;
	mncr_face_liveness_opts_default(&o);
	l = mncr_face_liveness_new(&o);
	assert_int_equal(feed_until_verdict(l, talk, 200, &i), MNCR_FACE_LIVENESS_SPOOF);
	assert_int_equal(i, o.max_frames);
	assert_non_null(strstr(mncr_face_liveness_reason(l), "no blink"));
	mncr_face_liveness_free(l);
}

/* A still face that neither moves nor blinks: spoof at max_frames only. */
static void test_static(void **state)
{
	struct mncr_face_liveness *l = mncr_face_liveness_new(NULL);
	int i;

	(void)state;
	assert_int_equal(feed_until_verdict(l, NULL, 200, &i), MNCR_FACE_LIVENESS_SPOOF);
	assert_int_equal(i, 90);
	mncr_face_liveness_free(l);
}

static void test_nobody(void **state)
{
	struct mncr_face_liveness *l = mncr_face_liveness_new(NULL);

	(void)state;
	for (int i = 0; i < 300; i++)
		assert_int_equal(mncr_face_liveness_feed(l, NULL, NULL, NULL),
				 MNCR_FACE_LIVENESS_PENDING);
	assert_string_equal(mncr_face_liveness_reason(l), "no face");
	mncr_face_liveness_free(l);
}

/* The nose tip towards a cheek. */
static void turn_head(struct pose *p, int i)
{
	p->nose = 14.0 * i / 20;
}

static void test_head_turn(void **state)
{
	struct mncr_face_liveness *l = mncr_face_liveness_new(NULL);
	int i;

	(void)state;
	assert_int_equal(feed_until_verdict(l, turn_head, 40, &i), MNCR_FACE_LIVENESS_LIVE);
	assert_string_equal(mncr_face_liveness_reason(l), "head turn");
	assert_true(i < 30);
	mncr_face_liveness_free(l);
}

/* Blink evidence does not survive the face leaving for longer than max_gap. */
static void test_gap(void **state)
{
	struct mncr_face_liveness *l = mncr_face_liveness_new(NULL);
	struct pose p = still();

	(void)state;
	blink_sequence(l, 10, 2, 0);
	for (int i = 0; i < 9; i++)
		mncr_face_liveness_feed(l, NULL, NULL, NULL);
	assert_string_equal(mncr_face_liveness_reason(l), "no face");
	for (int i = 0; i < 6; i++)
		assert_int_equal(feed(l, &p, NULL), MNCR_FACE_LIVENESS_PENDING);
	mncr_face_liveness_free(l);
}

static void test_measures(void **state)
{
	struct mncr_face_point a[MNCR_FACE_LANDMARKS], b[MNCR_FACE_LANDMARKS];
	struct pose p = still(), q = still();
	float motion[3];

	(void)state;
	shape(&p, a);
	/* a similarity: residual 0, motion read back */
	q.dx = 12;
	q.angle = 4;
	q.scale = 1.2 * 1.1;
	shape(&q, b);
	assert_true(mncr_face_shape_residual(a, b, 0, motion) < 1e-4);
	assert_true(fabsf(motion[1] - 4) < 1e-3);
	assert_true(fabsf(motion[2] - 0.1f) < 1e-4);
	assert_true(motion[0] > 0.1f);
	/* an affine stretch: only the affine fit explains it */
	for (int i = 0; i < MNCR_FACE_LANDMARKS; i++) {
		b[i].x = a[i].x * 0.8f + 5;
		b[i].y = a[i].y;
	}
	assert_true(mncr_face_shape_residual(a, b, 0, NULL) > 0.02f);
	assert_true(mncr_face_shape_residual(a, b, 1, NULL) < 1e-4);
	/* eye aspect ratio: a 6-point eye 10 wide, 3 high */
	for (int i = 0; i < 6; i++)
		a[36 + i].x = a[36 + i].y = 0;
	a[36].x = 0;
	a[39].x = 10;
	a[37].x = a[41].x = 3;
	a[38].x = a[40].x = 7;
	a[37].y = a[38].y = -1.5f;
	a[41].y = a[40].y = 1.5f;
	assert_float_equal(mncr_face_eye_aspect_ratio(a, 36), 0.3, 1e-6);
	/* errors */
	a[5].x = NAN;
	assert_true(mncr_face_shape_residual(a, b, 0, NULL) < 0);
}

static void test_openness_edges(void **state)
{
	static uint8_t px[W * H];
	struct mncr_face_point pts[MNCR_FACE_LANDMARKS];
	struct mncr_face_image img = { W, H, px };
	struct pose p = still();

	(void)state;
	shape(&p, pts);
	memset(px, SKIN, sizeof(px));
	/* no darker pixel than the skin: 0 */
	assert_float_equal(mncr_face_eye_openness(&img, pts, 36), 0, 1e-6);
	draw(&p, pts, px);
	assert_true(mncr_face_eye_openness(&img, pts, 42) > 0.05f);
	assert_float_equal(mncr_face_eye_openness(&img, pts, 40), -1, 0);
	/* outside the frame */
	p.dx = -W / 2 - 20;
	shape(&p, pts);
	assert_float_equal(mncr_face_eye_openness(&img, pts, 36), -1, 0);
}

static void test_errors(void **state)
{
	struct mncr_face_liveness_opts o;
	struct mncr_face_liveness *l = mncr_face_liveness_new(NULL);
	struct mncr_face_point pts[MNCR_FACE_LANDMARKS];
	struct pose p = still();
	static uint8_t px[W * H];
	struct mncr_face_image img = { W, H, px };

	(void)state;
	shape(&p, pts);
	assert_int_equal(mncr_face_liveness_feed(NULL, pts, &img, NULL), -EINVAL);
	assert_int_equal(mncr_face_liveness_feed(l, pts, NULL, NULL), -EINVAL);
	pts[40].y = INFINITY;
	assert_int_equal(mncr_face_liveness_feed(l, pts, &img, NULL), -EINVAL);
	mncr_face_liveness_opts_default(&o);
	o.max_frames = o.min_frames - 1;
	assert_null(mncr_face_liveness_new(&o));
	mncr_face_liveness_opts_default(&o);
	o.blink_settle = o.blink_change;
	assert_null(mncr_face_liveness_new(&o));
	assert_string_equal(mncr_face_liveness_state_name(MNCR_FACE_LIVENESS_SPOOF), "spoof");
	mncr_face_liveness_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blink),
		cmocka_unit_test(test_one_frame),
		cmocka_unit_test(test_long_close),
		cmocka_unit_test(test_rigid_photo),
		cmocka_unit_test(test_talking_no_blink),
		cmocka_unit_test(test_static),
		cmocka_unit_test(test_nobody),
		cmocka_unit_test(test_head_turn),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_measures),
		cmocka_unit_test(test_openness_edges),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
