// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mncr capture: one frame from the reader's camera into a PGM or PNG file
 * (greyscale, as the face pipeline sees it).
 */
#include "camera/camera.h"
#include "cli.h"
#include "util/json_write.h"

#include <errno.h>
#include <getopt.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define USAGE "usage: mncr capture -o FILE.pgm|FILE.png [--reader R | --device /dev/mncrN]\n" \
	      "                    [--video NODE] [--frames N [--each]] [--timeout MS] [--json]\n"

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static int write_pgm(FILE *f, const struct mncr_face_image *img)
{
	return fprintf(f, "P5\n%d %d\n255\n", img->w, img->h) < 0 ||
	       fwrite(img->px, 1, (size_t)img->w * img->h, f) !=
	       (size_t)img->w * img->h ? -1 : 0;
}

static int write_png(FILE *f, const struct mncr_face_image *img)
{
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL,
						  NULL, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;

	if (!info) {
		png_destroy_write_struct(&png, NULL);
		return -1;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		return -1;
	}
	png_init_io(png, f);
	png_set_IHDR(png, info, (png_uint_32)img->w, (png_uint_32)img->h, 8,
		     PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < img->h; y++)
		png_write_row(png, img->px + (size_t)y * img->w);
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	return 0;
}

static int save(const char *path, const struct mncr_face_image *img)
{
	FILE *f = fopen(path, "wb");
	int bad;

	if (!f) {
		fprintf(stderr, "mncr: capture: %s: %s\n", path, strerror(errno));
		return -1;
	}
	bad = ends_with(path, ".png") ? write_png(f, img) : write_pgm(f, img);
	if (fclose(f) || bad) {
		fprintf(stderr, "mncr: capture: cannot write %s\n", path);
		return -1;
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int exit_for_camera(int err)
{
	switch (err) {
	case -ENODEV: return EXIT_NO_READER;
	case -EACCES: case -EPERM: return EXIT_DENIED;
	default: return EXIT_FAILED;
	}
}

/* The camera's node: --video, else found from --device or the reader. */
static int camera_node(struct cli *cli, const char *device, char *video,
		       size_t len, char *mncr_node, size_t nlen)
{
	struct mncr_reader r;
	char err[256];
	int code, ret;

	if (!device) {
		code = cli_find_reader(cli, &r);
		if (code)
			return code;
		device = r.node;
	}
	snprintf(mncr_node, nlen, "%s", device);
	ret = mncr_camera_find(device, video, len, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "mncr: capture: %s\n", err);
		return ret == -ENODEV ? EXIT_NO_READER : EXIT_FAILED;
	}
	return EXIT_OK;
}

/* --each: FILE.pgm gets FILE_0000.pgm, FILE_0001.pgm... beside it. */
static int save_numbered(const char *output, long i,
			 const struct mncr_face_image *img)
{
	size_t stem = strlen(output) - 4;
	char path[4096];

	if (snprintf(path, sizeof(path), "%.*s_%04ld%s", (int)stem, output, i,
		     output + stem) >= (int)sizeof(path)) {
		fprintf(stderr, "mncr: capture: %s: name too long\n", output);
		return -1;
	}
	return save(path, img);
}

int cmd_capture(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "reader", required_argument, NULL, 'r' },
		{ "device", required_argument, NULL, 'd' },
		{ "video", required_argument, NULL, 'v' },
		{ "frames", required_argument, NULL, 'n' },
		{ "each", no_argument, NULL, 'e' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL, *device = NULL, *video = NULL;
	char found[64] = "", mncr_node[64] = "", err[256];
	long frames = 1, timeout = 5000;
	struct mncr_face_image img = { 0, 0, NULL };
	struct mncr_camera *cam = NULL;
	double t0 = 0, t1 = 0;
	bool each = false;
	char *end;
	unsigned int damaged;
	int o, ret, code = EXIT_OK;

	while ((o = getopt_long(argc, argv, "o:jh", opts, NULL)) != -1) {
		switch (o) {
		case 'o': output = optarg; break;
		case 'r': cli->reader = optarg; break;
		case 'd': device = optarg; break;
		case 'v': video = optarg; break;
		case 'j': cli->json = true; break;
		case 'e': each = true; break;
		case 'n':
			frames = strtol(optarg, &end, 10);
			if (*end || frames < 1 || frames > 100000)
				goto usage;
			break;
		case 't':
			timeout = strtol(optarg, &end, 10);
			if (*end || timeout < 1 || timeout > 600000)
				goto usage;
			break;
		case 'h': fputs(USAGE, stdout); return EXIT_OK;
		default: goto usage;
		}
	}
	if (optind != argc || !output ||
	    !(ends_with(output, ".pgm") || ends_with(output, ".png")))
		goto usage;
	if (!video) {
		code = camera_node(cli, device, found, sizeof(found), mncr_node,
				   sizeof(mncr_node));
		if (code)
			return code;
		video = found;
	}
	ret = mncr_camera_open(video, 0, 0, &cam, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "mncr: capture: %s\n", err);
		return exit_for_camera(ret);
	}
	for (long i = 0; i < frames; i++) {
		mncr_face_image_free(&img);
		ret = mncr_camera_grab(cam, &img, (int)timeout, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "mncr: capture: frame %ld: %s\n", i + 1, err);
			break;
		}
		if (i == 0)
			t0 = now_s();
		t1 = now_s();
		if (each && save_numbered(output, i, &img)) {
			code = EXIT_FAILED;
			break;
		}
	}
	damaged = mncr_camera_damaged(cam);
	mncr_camera_close(cam);
	if (ret) {
		mncr_face_image_free(&img);
		return exit_for_camera(ret);
	}
	if (!code)
		code = save(output, &img) ? EXIT_FAILED : EXIT_OK;
	if (!code && cli->json) {
		struct mncr_json j;

		mncr_json_init(&j, stdout);
		mncr_json_object_begin(&j, NULL);
		if (mncr_node[0])
			mncr_json_string(&j, "reader", mncr_node);
		mncr_json_string(&j, "camera", video);
		mncr_json_string(&j, "file", output);
		mncr_json_uint(&j, "width", (unsigned)img.w);
		mncr_json_uint(&j, "height", (unsigned)img.h);
		mncr_json_uint(&j, "frames", (unsigned)frames);
		mncr_json_uint(&j, "damaged", damaged);
		if (frames > 1 && t1 > t0)
			mncr_json_uint(&j, "interval_ms",
				       (uint64_t)(1000 * (t1 - t0) / (frames - 1) + 0.5));
		mncr_json_object_end(&j);
		mncr_json_finish(&j);
	} else if (!code) {
		printf("%s: %dx%d from %s", output, img.w, img.h, video);
		if (frames > 1 && t1 > t0)
			printf(", %ld frames at %.1f fps", frames, (frames - 1) / (t1 - t0));
		if (damaged)
			printf(", %u damaged skipped", damaged);
		printf("\n");
	}
	mncr_face_image_free(&img);
	return code;
usage:
	fputs(USAGE, stderr);
	return EXIT_USAGE;
}
