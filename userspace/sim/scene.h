/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the simulated reader's camera sees: greyscale frames composed over a
 * drawn room, from the pictures face_source finds. A scene is a pure
 * function of (scenario, frame number, frame rate): the same arguments
 * always give the same frame, so dumps are reproducible.
 *
 *   person  the card holder, live: small head motion, the mouth and brows
 *           moving a little (non-rigid), a blink every 2 to 3 s
 *   blink   the card holder blinking often (every 0.7 to 1.1 s)
 *   other   somebody else, live, blinking every 2 to 3 s
 *   nobody  the empty room
 *   photo   the card's picture printed on paper and held to the camera:
 *           flat, moved rigidly (shift, rotation, scale), paper border,
 *           never a blink nor any non-rigid change
 */
#ifndef MNCR_SIM_SCENE_H
#define MNCR_SIM_SCENE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "face/face_image.h"
#include "face/face_landmarks.h"

#define SCENE_WIDTH	640
#define SCENE_HEIGHT	480

enum scene_kind {
	SCENE_PERSON,
	SCENE_BLINK,
	SCENE_OTHER,
	SCENE_NOBODY,
	SCENE_PHOTO,
	SCENE_PATTERN,		/* test pattern, SCENE_PATTERN_PIXEL, for exactness */
	SCENE_COUNT
};

/* One source picture and where its face is. */
struct scene_face {
	struct mncr_face_image img;
	float cx, cy, fw, fh;		/* face box centre and size */
	bool has_eyes;			/* landmarks found: blinks can be drawn */
	struct mncr_face_point eye[12];	/* landmarks 36..47 */
	struct mncr_face_point mouth;	/* centre of 48..67 */
	struct mncr_face_point brows;	/* centre of 17..26 */
	unsigned char skin[2];		/* above / below the eyes */
};

/* Several threads may render from one set, once prepared. */
struct scene_assets {
	struct scene_face card;		/* the card photo (photo scenario) */
	struct scene_face holder;	/* the holder, live */
	struct scene_face other;
	const char *origin;		/* "lfw" or "debian" */
	char path[3][PATH_MAX];		/* card, holder, other */
	char models_dir[PATH_MAX];
};

/* "person" ... into *k; -1 when unknown. */
/*
 * The pattern scene's pixel (x, y) in frame n: the first four pixels of
 * row 0 hold n (little endian), every other one a function of x, y and n,
 * so a capture can be checked byte for byte and its frames counted.
 */
static inline unsigned char scene_pattern_pixel(unsigned x, unsigned y,
						unsigned long n)
{
	if (y == 0 && x < 4)
		return (unsigned char)(n >> (8 * x));
	return (unsigned char)(x + 2 * y + 3 * n);
}

int scene_parse(const char *name, enum scene_kind *k);
const char *scene_name(enum scene_kind k);
/* "person|blink|other|nobody|photo" */
const char *scene_names(void);

/*
 * Finds the pictures (face_source: face_data_dir may be NULL); cheap.
 * 0, or -1 with a reason in err.
 */
int scene_assets_init(struct scene_assets *a, const char *models_dir,
		      const char *face_data_dir, char *err, size_t errlen);

/*
 * Loads the picture scenario k shows, once, and runs the face detector
 * and 68 landmarks on it (models from models_dir) to place the face and
 * its eyes. Under the test bed's emulated CPU that takes seconds, hence
 * only on demand. 0, or -1 with a reason in err (the scenario then shows
 * the empty room).
 */
int scene_assets_prepare(struct scene_assets *a, enum scene_kind k,
			 char *err, size_t errlen);
void scene_assets_free(struct scene_assets *a);

/*
 * Draws frame number n of scenario k at fps frames a second into out
 * (SCENE_WIDTH x SCENE_HEIGHT, allocated by the caller).
 */
void scene_render(const struct scene_assets *a, enum scene_kind k,
		  unsigned long n, unsigned fps, struct mncr_face_image *out);

/*
 * How closed the eyes are in frame n (0 open .. 1 shut): the ground truth
 * for blink detection; always 0 for nobody and photo.
 */
double scene_eye_closure(enum scene_kind k, unsigned long n, unsigned fps);

/* build/models beside the running executable, into out. 0 or -1. */
int scene_default_models(char *out, size_t len);

#endif
