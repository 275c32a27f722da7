// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Runs the face pipeline over every image of an LFW tree and writes the
 * embedding cache (lfw.h). Images where nothing is found get the fixed
 * centre box LFW's framing gives (recorded as a fallback, and counted as
 * failures to enrol by lfw_eval), so that every View-2 pair has a score.
 *   lfw_embed MODEL_DIR LFW_DIR CACHE [WORKERS]
 * Re-uses CACHE when its configuration matches. WORKERS processes (default
 * 2) each take every WORKERS-th image.
 * MNCR_LFW_PICK=largest picks the largest face, as the reader does; the
 * default, centre, picks the face nearest the image centre: LFW's subject
 * (its images are framed on the named person; a larger face behind is
 * someone else, and comparing it is a labelling error, not a match error).
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "face/face_pipeline.h"
#include "face/face_quantize.h"
#include "lfw.h"

#define MAX_WORKERS 16

/* LFW's 250x250 framing puts the face about here (the detector's median). */
static const struct mncr_face_box centre_box = { 64, 80, 122, 122, 0 };

/* How far a box's centre lies from the centre of a 250x250 LFW image. */
static float off_centre(const struct mncr_face_box *b)
{
	float dx = b->x + b->w / 2 - 125, dy = b->y + b->h / 2 - 125;

	return sqrtf(dx * dx + dy * dy);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every DIR/Person/file.jpg as "Person/file.jpg", sorted. */
static int list_images(const char *dir, char ***out, int *n)
{
	DIR *top = opendir(dir), *sub;
	struct dirent *p, *f;
	char **names = calloc(LFW_MAX_IMAGES, sizeof(*names)), path[4096];
	int count = 0;

	if (!top || !names) {
		if (top)
			closedir(top);
		free(names);
		return -1;
	}
	while ((p = readdir(top))) {
		if (p->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, p->d_name);
		sub = opendir(path);
		if (!sub)
			continue;
		while ((f = readdir(sub)) && count < LFW_MAX_IMAGES) {
			size_t len = strlen(f->d_name);

			if (len < 5 || strcmp(f->d_name + len - 4, ".jpg"))
				continue;
			if (strlen(p->d_name) + len + 2 > LFW_NAME)
				continue;
			names[count] = malloc(LFW_NAME);
			if (!names[count])
				break;
			snprintf(names[count++], LFW_NAME, "%s/%s", p->d_name, f->d_name);
		}
		closedir(sub);
	}
	closedir(top);
	qsort(names, (size_t)count, sizeof(*names), cmp_str);
	*out = names;
	*n = count;
	return 0;
}

static void config_string(const struct mncr_face_pipeline_opts *o, int centred,
			  char *buf, size_t len)
{
	snprintf(buf, len,
		 "%ssizes %d,%d,%d score %.3f iou %.3f eye %.1f yaw %.1f roll %.1f "
		 "sharp %.1f light %.0f-%.0f contrast %.1f clipped %.2f fallback "
		 "%.0f,%.0f,%.0f det %.8s lm %.8s rec %.8s q %d%s",
		 centred ? "centred40 " : "", o->sizes[0], o->sizes[1], o->sizes[2],
		 o->min_score, o->max_iou,
		 o->limits.min_eye_distance, o->limits.max_yaw, o->limits.max_roll,
		 o->limits.min_sharpness, o->limits.min_brightness,
		 o->limits.max_brightness, o->limits.min_contrast,
		 o->limits.max_clipped, centre_box.x, centre_box.y, centre_box.w,
		 MNCR_FACE_DETECT_BIN_SHA256, MNCR_FACE_LANDMARK_BIN_SHA256,
		 MNCR_FACE_EMBED_BIN_SHA256, MNCR_FACE_Q_SCALE,
		 o->mirror ? " mirror-mean" : "");
}

static void fill(struct lfw_record *r, const struct mncr_face_result *res)
{
	const struct mncr_face_quality *q = &res->quality;
	const float quality[7] = { q->eye_distance, q->yaw, q->roll, q->sharpness,
				   q->brightness, q->contrast, q->clipped };

	r->status = (int32_t)res->status;
	r->fails = res->fails;
	r->input_size = res->input_size;
	r->n_faces = res->n_faces;
	r->box[0] = res->box.x;
	r->box[1] = res->box.y;
	r->box[2] = res->box.w;
	r->box[3] = res->box.h;
	r->box[4] = res->box.score;
	memcpy(r->quality, quality, sizeof(r->quality));
	memcpy(r->embedding, res->embedding, sizeof(r->embedding));
	memcpy(r->templ, res->templ, sizeof(r->templ));
}

/*
 * The pipeline with the centred face instead of the largest: the sizes in
 * turn until one finds a face within 40 pixels of the centre (a smaller
 * input may see only a larger face behind the subject), else the nearest
 * face any size found.
 */
static int run_centred(const struct mncr_face_pipeline *p,
		       struct mncr_face_pipeline_ws *ws,
		       const struct mncr_face_image *img,
		       const struct mncr_face_pipeline_opts *o,
		       struct mncr_face_result *res)
{
	struct mncr_face_box boxes[32], best = { 0 };
	int n, found = 0, size = 0, n_at_size = 0, ret;

	for (int i = 0; i < MNCR_FACE_PIPELINE_SIZES && o->sizes[i]; i++) {
		struct mncr_face_detect_opts d = { o->sizes[i], o->min_score, o->max_iou };

		ret = mncr_face_detect(mncr_face_pipeline_detector(p), NULL, img, &d,
				       boxes, 32, &n);
		if (ret)
			return ret;
		for (int k = 0; k < n; k++) {
			if (!found || off_centre(&boxes[k]) < off_centre(&best)) {
				best = boxes[k];
				size = d.input_size;
				n_at_size = n;
			}
			found = 1;
		}
		if (found && off_centre(&best) <= 40)
			break;
	}
	if (!found) {
		memset(res, 0, sizeof(*res));
		res->status = MNCR_FACE_NO_FACE;
		return 0;
	}
	ret = mncr_face_pipeline_run_box(p, ws, img, &best, o, res);
	res->n_faces = n_at_size;
	res->input_size = size;
	return ret;
}

static int embed_one(const struct mncr_face_pipeline *p,
		     struct mncr_face_pipeline_ws *ws,
		     const struct mncr_face_pipeline_opts *o, int centred,
		     const char *dir, const char *name, struct lfw_record *r,
		     struct mncr_face_result *res)
{
	struct mncr_face_image img;
	char path[4096], err[256];
	int ret;

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (mncr_face_image_load(path, &img, err, sizeof(err))) {
		fprintf(stderr, "lfw_embed: %s: %s\n", path, err);
		r->status = -1;
		return 0;
	}
	if (centred)
		ret = run_centred(p, ws, &img, o, res);
	else
		ret = mncr_face_pipeline_run(p, ws, &img, o, res);
	if (!ret && res->status == MNCR_FACE_NO_FACE) {
		ret = mncr_face_pipeline_run_box(p, ws, &img, &centre_box, o, res);
		r->fallback = 1;
		res->n_faces = 0;
		/* the fallback's outcome is kept, but it never enrols */
	}
	mncr_face_image_free(&img);
	if (ret) {
		fprintf(stderr, "lfw_embed: %s: %s\n", path, res->reason);
		return ret;
	}
	fill(r, res);
	return 0;
}

/* Worker k of w: images k, k + w, ... into part file path. */
static int worker(const struct mncr_face_pipeline *p,
		  const struct mncr_face_pipeline_opts *o, int centred, const char *dir,
		  char **names, int n, int k, int w, const char *path)
{
	struct mncr_face_pipeline_ws *ws = mncr_face_pipeline_ws_new();
	struct mncr_face_result *res = malloc(sizeof(*res));
	FILE *f = fopen(path, "wb");
	struct lfw_record r;
	int ret = 0;

	if (!ws || !res || !f) {
		fprintf(stderr, "lfw_embed: worker %d: cannot start\n", k);
		ret = -1;
	}
	for (int i = k; !ret && i < n; i += w) {
		ret = embed_one(p, ws, o, centred, dir, names[i], &r, res);
		if (!ret && fwrite(&r, sizeof(r), 1, f) != 1)
			ret = -1;
		if (k == 0 && (i / w) % 1000 == 0)
			fprintf(stderr, "lfw_embed: %d / %d\n", i, n);
	}
	if (f && fclose(f))
		ret = -1;
	mncr_face_pipeline_ws_free(ws);
	free(res);
	return ret ? 1 : 0;
}

static int cache_valid(const char *path, const char *config, int n)
{
	struct lfw_header h;
	FILE *f = fopen(path, "rb");
	int ok;

	if (!f)
		return 0;
	ok = fread(&h, sizeof(h), 1, f) == 1 && !strcmp(h.magic, LFW_CACHE_MAGIC) &&
	     !strcmp(h.config, config) && h.count == (uint32_t)n;
	if (ok) {
		fseek(f, 0, SEEK_END);
		ok = ftell(f) == (long)(sizeof(h) + (size_t)n * sizeof(struct lfw_record));
	}
	fclose(f);
	return ok;
}

/* Interleaves the workers' parts back into sorted order. */
static int merge(const char *cache, const char *config, int n, int w)
{
	struct lfw_header h;
	FILE *parts[MAX_WORKERS], *out;
	char path[4096], tmp[4096];
	struct lfw_record r;
	int ret = 0;

	memset(&h, 0, sizeof(h));
	snprintf(h.magic, sizeof(h.magic), "%s", LFW_CACHE_MAGIC);
	snprintf(h.config, sizeof(h.config), "%s", config);
	h.count = (uint32_t)n;
	snprintf(tmp, sizeof(tmp), "%s.tmp", cache);
	out = fopen(tmp, "wb");
	if (!out || fwrite(&h, sizeof(h), 1, out) != 1)
		ret = -1;
	for (int k = 0; k < w; k++) {
		snprintf(path, sizeof(path), "%s.part%d", cache, k);
		parts[k] = fopen(path, "rb");
		if (!parts[k])
			ret = -1;
	}
	for (int i = 0; !ret && i < n; i++) {
		if (fread(&r, sizeof(r), 1, parts[i % w]) != 1 ||
		    fwrite(&r, sizeof(r), 1, out) != 1)
			ret = -1;
	}
	for (int k = 0; k < w; k++) {
		if (parts[k])
			fclose(parts[k]);
		snprintf(path, sizeof(path), "%s.part%d", cache, k);
		unlink(path);
	}
	if (out && fclose(out))
		ret = -1;
	if (!ret && rename(tmp, cache))
		ret = -1;
	return ret;
}

int main(int argc, char **argv)
{
	struct mncr_face_pipeline_opts o;
	struct mncr_face_pipeline *p;
	char **names, config[256], err[256], path[4096];
	const char *pick = getenv("MNCR_LFW_PICK");
	int n, w = argc > 4 ? atoi(argv[4]) : 2, failed = 0, centred;
	pid_t pid[MAX_WORKERS];
	time_t t0 = time(NULL);

	if (argc < 4) {
		fprintf(stderr, "usage: lfw_embed MODEL_DIR LFW_DIR CACHE [WORKERS]\n");
		return 2;
	}
	w = w < 1 ? 1 : w > MAX_WORKERS ? MAX_WORKERS : w;
	if (pick && strcmp(pick, "largest") && strcmp(pick, "centre")) {
		fprintf(stderr, "lfw_embed: MNCR_LFW_PICK=%s: largest or centre\n", pick);
		return 2;
	}
	centred = !pick || !strcmp(pick, "centre");
	mncr_face_pipeline_opts_default(&o);
	if (getenv("MNCR_LFW_MIRROR") && !strcmp(getenv("MNCR_LFW_MIRROR"), "0"))
		o.mirror = 0;	/* the chip alone, to measure what the mirror adds */
	config_string(&o, centred, config, sizeof(config));
	if (list_images(argv[2], &names, &n) || !n) {
		fprintf(stderr, "lfw_embed: %s: no images\n", argv[2]);
		return 1;
	}
	if (cache_valid(argv[3], config, n)) {
		printf("lfw_embed: %s is up to date (%d images)\n", argv[3], n);
		return 0;
	}
	if (mncr_face_pipeline_load_network(&p, argv[1], MNCR_FACE_NET_RESNET, err,
					    sizeof(err))) {
		fprintf(stderr, "lfw_embed: %s\n", err);
		return 1;
	}
	/* the models are loaded once; the workers share them copy-on-write */
	for (int k = 0; k < w; k++) {
		snprintf(path, sizeof(path), "%s.part%d", argv[3], k);
		pid[k] = fork();
		if (pid[k] == 0)
			_exit(worker(p, &o, centred, argv[2], names, n, k, w, path));
		if (pid[k] < 0)
			failed = 1;
	}
	for (int k = 0; k < w; k++) {
		int st;

		if (pid[k] > 0 && (waitpid(pid[k], &st, 0) != pid[k] ||
				   !WIFEXITED(st) || WEXITSTATUS(st)))
			failed = 1;
	}
	mncr_face_pipeline_free(p);
	if (failed || merge(argv[3], config, n, w)) {
		fprintf(stderr, "lfw_embed: failed\n");
		return 1;
	}
	printf("lfw_embed: %d images embedded in %ld s with %d workers\n", n,
	       (long)(time(NULL) - t0), w);
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return 0;
}
