// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Scene pictures: loaded once, each run once through the library's face
 * detector and 68-point landmarks (the pipeline's first steps; the
 * embedding is not needed) for its box and its eyes (blinks), mouth and
 * brows (the non-rigid motion).
 */
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "face/face_detect.h"
#include "face/face_landmarks.h"
#include "face_source.h"
#include "scene.h"

int scene_default_models(char *out, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int w;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	w = snprintf(out, len, "%s/models", dirname(exe));
	return w > 0 && (size_t)w < len ? 0 : -1;
}

static struct mncr_face_point centre(const struct mncr_face_point *p, int n)
{
	struct mncr_face_point c = { 0, 0 };

	for (int i = 0; i < n; i++) {
		c.x += p[i].x / n;
		c.y += p[i].y / n;
	}
	return c;
}

static unsigned char band_mean(const struct mncr_face_image *img, double x0,
			       double x1, double y0, double y1)
{
	double sum = 0;
	int n = 0;

	for (int y = (int)y0; y <= (int)y1; y++)
		for (int x = (int)x0; x <= (int)x1; x++)
			if (x >= 0 && y >= 0 && x < img->w && y < img->h) {
				sum += img->px[y * img->w + x];
				n++;
			}
	return n ? (unsigned char)(sum / n + 0.5) : 128;
}

/* Skin just above (between eye and brow) and just below both eyes. */
static void measure_skin(struct scene_face *f)
{
	double above = 0, below = 0;

	for (int e = 0; e < 2; e++) {
		const struct mncr_face_point *p = &f->eye[6 * e];
		double x0 = p[0].x < p[3].x ? p[0].x : p[3].x;
		double x1 = p[0].x < p[3].x ? p[3].x : p[0].x;
		double w = x1 - x0, top = p[1].y < p[2].y ? p[1].y : p[2].y;
		double bot = p[4].y > p[5].y ? p[4].y : p[5].y;

		above += band_mean(&f->img, x0 + 0.2 * w, x1 - 0.2 * w,
				   top - 0.28 * w, top - 0.14 * w);
		below += band_mean(&f->img, x0 + 0.2 * w, x1 - 0.2 * w,
				   bot + 0.12 * w, bot + 0.25 * w);
	}
	f->skin[0] = (unsigned char)(above / 2 + 0.5);
	f->skin[1] = (unsigned char)(below / 2 + 0.5);
}

struct models {
	struct mncr_face_detector *det;
	struct mncr_face_landmarker *lm;
};

/* The largest face, trying the pipeline's input sizes in turn. */
static bool detect(const struct models *m, const struct mncr_face_image *img,
		   struct mncr_face_box *box)
{
	static const int sizes[] = { 192, 320, 416 };
	struct mncr_face_detect_opts o;
	struct mncr_face_box boxes[8];
	int n = 0, best;

	mncr_face_detect_opts_default(&o);
	o.min_score = 0.3f;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		o.input_size = sizes[i];
		if (mncr_face_detect(m->det, NULL, img, &o, boxes, 8, &n) == 0 && n > 0)
			break;
		n = 0;
	}
	if (n <= 0)
		return false;
	best = mncr_face_box_largest(boxes, n < 8 ? n : 8);
	*box = boxes[best < 0 ? 0 : best];
	return true;
}

static int load_face(struct scene_face *f, const char *path,
		     const struct models *m, char *err, size_t errlen)
{
	struct mncr_face_point pts[MNCR_FACE_LANDMARKS];
	struct mncr_face_box box;
	char why[160];

	if (mncr_face_image_load(path, &f->img, why, sizeof(why))) {
		snprintf(err, errlen, "%s: %s", path, why);
		return -1;
	}
	/* Without a face found: the middle of the picture, no blinks. */
	f->cx = f->img.w / 2.0f;
	f->cy = f->img.h / 2.0f;
	f->fw = f->fh = 0.45f * (f->img.w < f->img.h ? f->img.w : f->img.h);
	if (!detect(m, &f->img, &box))
		return 0;
	f->cx = box.x + box.w / 2;
	f->cy = box.y + box.h / 2;
	f->fw = box.w;
	f->fh = box.h;
	if (mncr_face_landmarks(m->lm, NULL, &f->img, &box, pts))
		return 0;
	memcpy(f->eye, &pts[36], sizeof(f->eye));
	f->mouth = centre(&pts[48], 20);
	f->brows = centre(&pts[17], 10);
	f->has_eyes = true;
	measure_skin(f);
	return 0;
}

int scene_assets_init(struct scene_assets *a, const char *models_dir,
		      const char *face_data_dir, char *err, size_t errlen)
{
	struct face_source fs;

	memset(a, 0, sizeof(*a));
	if (face_source_find(&fs, face_data_dir, err, errlen))
		return -1;
	a->origin = fs.origin;
	snprintf(a->path[0], PATH_MAX, "%s", fs.card_photo);
	snprintf(a->path[1], PATH_MAX, "%s", fs.holder_live);
	snprintf(a->path[2], PATH_MAX, "%s", fs.other);
	snprintf(a->models_dir, sizeof(a->models_dir), "%s", models_dir);
	return 0;
}

int scene_assets_prepare(struct scene_assets *a, enum scene_kind k,
			 char *err, size_t errlen)
{
	struct scene_face *f;
	struct models m = { NULL, NULL };
	const char *path;
	char why[256];
	int rc = -1;

	switch (k) {
	case SCENE_PHOTO: f = &a->card; path = a->path[0]; break;
	case SCENE_PERSON: case SCENE_BLINK: f = &a->holder; path = a->path[1]; break;
	case SCENE_OTHER: f = &a->other; path = a->path[2]; break;
	default: return 0;
	}
	if (f->img.px)
		return 0;
	if (!path[0]) {
		snprintf(err, errlen, "no pictures");
		return -1;
	}
	if (mncr_face_detector_load(&m.det, a->models_dir, why, sizeof(why)) ||
	    mncr_face_landmarker_load(&m.lm, a->models_dir, why, sizeof(why))) {
		snprintf(err, errlen, "face models in %s: %s",
			 a->models_dir, why);
		goto out;
	}
	rc = load_face(f, path, &m, err, errlen);
	if (rc)
		mncr_face_image_free(&f->img);
out:
	mncr_face_landmarker_free(m.lm);
	mncr_face_detector_free(m.det);
	return rc;
}

void scene_assets_free(struct scene_assets *a)
{
	mncr_face_image_free(&a->card.img);
	mncr_face_image_free(&a->holder.img);
	mncr_face_image_free(&a->other.img);
}
