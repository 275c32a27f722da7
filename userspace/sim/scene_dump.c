// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "mncr-sim scene SCENARIO --frames N -o DIR": the camera's frames as
 * greyscale PGM files, on the host, without USB (for tuning the face and
 * liveness code on exactly what the simulated camera sends).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scene.h"
#include "scene_dump.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: mncr-sim scene SCENARIO [--frames N] [--start N] [--fps F]\n"
"                      -o DIR [--models DIR] [--face-data DIR]\n"
"\n"
"Writes frames START .. START+N-1 (default 0 .. 44) of a camera scenario\n"
"(%s) as greyscale %dx%d PGM files DIR/frame_0000.pgm ...\n"
"(numbered from 0 in the folder) and DIR/truth.txt, one line per frame:\n"
"file name and how closed the eyes are (0 open .. 1 shut).\n"
"\n"
"  --fps F          frame rate the motion is timed for (default 15)\n"
"  --models DIR     face models (default build/models beside mncr-sim)\n"
"  --face-data DIR  LFW folder (default $MNCR_FACE_DATA, ../shared/face-data)\n",
		scene_names(), SCENE_WIDTH, SCENE_HEIGHT);
}

static int write_pgm(const char *path, const struct mncr_face_image *img)
{
	FILE *f = fopen(path, "wb");
	int bad;

	if (!f)
		return -1;
	fprintf(f, "P5\n%d %d\n255\n", img->w, img->h);
	bad = fwrite(img->px, 1, (size_t)img->w * img->h, f) !=
	      (size_t)img->w * img->h;
	return fclose(f) || bad ? -1 : 0;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || end == s || *end || *s == '-' || *out > max ? -1 : 0;
}

static int dump(enum scene_kind k, unsigned long start, unsigned long frames,
		unsigned fps, const char *dir, const char *models,
		const char *face_data)
{
	struct mncr_face_image img = { 0 };
	struct scene_assets a;
	char err[512], path[PATH_MAX];
	FILE *truth;
	int rc = 1;

	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "mncr-sim: mkdir %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (scene_assets_init(&a, models, face_data, err, sizeof(err)) ||
	    scene_assets_prepare(&a, k, err, sizeof(err))) {
		fprintf(stderr, "mncr-sim: %s\n", err);
		scene_assets_free(&a);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/truth.txt", dir);
	truth = fopen(path, "w");
	if (!truth || mncr_face_image_alloc(&img, SCENE_WIDTH, SCENE_HEIGHT)) {
		fprintf(stderr, "mncr-sim: %s: %s\n", path, strerror(errno));
		goto out;
	}
	for (unsigned long i = 0; i < frames; i++) {
		int w = snprintf(path, sizeof(path), "%s/frame_%04lu.pgm", dir, i);

		scene_render(&a, k, start + i, fps, &img);
		if (w < 0 || (size_t)w >= sizeof(path) || write_pgm(path, &img)) {
			fprintf(stderr, "mncr-sim: cannot write %s\n", path);
			goto out;
		}
		fprintf(truth, "frame_%04lu.pgm %.2f\n", i,
			scene_eye_closure(k, start + i, fps));
	}
	if (fclose(truth)) {
		truth = NULL;
		fprintf(stderr, "mncr-sim: cannot write truth.txt\n");
		goto out;
	}
	truth = NULL;
	printf("%lu frames of '%s' (%s pictures, %u fps) in %s\n", frames,
	       scene_name(k), a.origin, fps, dir);
	rc = 0;
out:
	if (truth)
		fclose(truth);
	mncr_face_image_free(&img);
	scene_assets_free(&a);
	return rc;
}

int scene_dump_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "frames", required_argument, NULL, 'n' },
		{ "start", required_argument, NULL, 's' },
		{ "fps", required_argument, NULL, 'f' },
		{ "models", required_argument, NULL, 'm' },
		{ "face-data", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long frames = 45, start = 0, fps = 15;
	const char *dir = NULL, *models = NULL, *face_data = NULL;
	char def_models[PATH_MAX];
	enum scene_kind k;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_uint(optarg, 100000, &frames) || !frames)
				goto bad;
			break;
		case 's':
			if (parse_uint(optarg, 100000000, &start))
				goto bad;
			break;
		case 'f':
			if (parse_uint(optarg, 120, &fps) || !fps)
				goto bad;
			break;
		case 'o': dir = optarg; break;
		case 'm': models = optarg; break;
		case 'F': face_data = optarg; break;
		case 'h': usage(stdout); return 0;
		default:
			goto bad;
		}
	}
	if (optind + 1 != argc || !dir || scene_parse(argv[optind], &k))
		goto bad;
	if (!models) {
		if (scene_default_models(def_models, sizeof(def_models)))
			goto bad;
		models = def_models;
	}
	return dump(k, start, frames, (unsigned)fps, dir, models, face_data);
bad:
	fprintf(stderr, "mncr-sim: bad 'scene' command line\n");
	usage(stderr);
	return 2;
}
