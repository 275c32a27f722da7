// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mncr face: the face pipeline on image files, without a reader.
 *   mncr face embed IMAGE [--aligned] [--model resnet|mfn512] [--models DIR] [--json]
 *     the largest face's embedding: 512 numbers (mfn512, the default: the
 *     ArcFace-aligned 112x112 chip, no mirror image: on
 *     LFW it buys nothing for this network; with --aligned the image
 *     resized to 112x112 as it is: the network's raw outputs)
 *   mncr face compare A B [--aligned] [--model M] [--fmr 1e-3|1e-4] [--models DIR] [--json]
 *     the int8 template score and the decision at the stated false-match
 *     rate (face_decision's LFW thresholds of that network)
 * Exit codes: 0 embedded / same person, 1 not the same person, 2 usage,
 * 9 no usable face or an unreadable image or model (EXIT_NO_FACE).
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "face/face_decision.h"
#include "face/face_mfn512.h"
#include "face/face_pipeline.h"
#include "face/face_quantize.h"
#include "face/match.h"

#define USAGE "usage: mncr face embed IMAGE [--aligned] [--model resnet|mfn512] [--models DIR] [--json]\n" \
	      "       mncr face compare A B [--aligned] [--model resnet|mfn512] [--fmr 1e-3|1e-4]\n" \
	      "                         [--models DIR] [--json]\n"

struct face_opts {
	const char *models;
	enum mncr_face_network network;	/* --model */
	bool aligned;
	bool json;
	double fmr;
};

/* One image's outcome. */
struct face_out {
	const char *path;
	struct mncr_face_result res;	/* status OK or QUALITY when usable */
	int dim;			/* of the embedding and template used */
};

/* The 512-d network on the image resized to its 112x112 input, as it is. */
static int embed_mfn512_aligned(const struct mncr_face_mfn512 *m,
				struct mncr_face_mfn512_ws *ws,
				const struct mncr_face_image *img, struct face_out *f)
{
	const int s = MNCR_FACE_MFN512_SIZE;
	struct mncr_face_image chip;
	int ret;

	ret = mncr_face_image_alloc(&chip, s, s);
	if (ret)
		return ret;
	ret = mncr_face_image_resample(img, 0, 0, img->w, img->h, &chip);
	if (!ret)
		ret = mncr_face_mfn512_embed(m, ws, chip.px, (size_t)s, f->res.embedding);
	if (!ret)
		ret = mncr_face_quantize(f->res.embedding, MNCR_FACE_MFN512_DIM,
					 f->res.templ);
	mncr_face_image_free(&chip);
	f->dim = MNCR_FACE_MFN512_DIM;
	return ret;
}

/* Models: --models, $MNCR_MODELS, models/ beside the executable, the install. */
static const char *models_dir(const char *opt, char *buf, size_t len)
{
	char exe[PATH_MAX], probe[PATH_MAX + 64];
	ssize_t n;

	if (opt)
		return opt;
	if (getenv("MNCR_MODELS"))
		return getenv("MNCR_MODELS");
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = 0;
		snprintf(probe, sizeof(probe), "%s/models/%s", dirname(exe),
			 MNCR_FACE_EMBED_BIN);
		if (access(probe, R_OK) == 0) {
			snprintf(buf, len, "%.*s", (int)(strlen(probe) -
				 strlen(MNCR_FACE_EMBED_BIN) - 1), probe);
			return buf;
		}
	}
	return "/usr/local/share/mncr/models";
}

/* The image taken as the network's input: resized to 150x150, as is. */
static int embed_aligned(const struct mncr_face_net *net,
			 const struct mncr_face_image *img,
			 struct mncr_face_result *res)
{
	struct mncr_face_embed_ws *ws = mncr_face_embed_ws_new();
	struct mncr_face_image chip;
	int ret;

	if (!ws)
		return -ENOMEM;
	ret = mncr_face_image_alloc(&chip, MNCR_FACE_CHIP_SIZE, MNCR_FACE_CHIP_SIZE);
	if (!ret)
		ret = mncr_face_image_resample(img, 0, 0, img->w, img->h, &chip);
	if (!ret)
		ret = mncr_face_embed(net, ws, chip.px, 1, (size_t)chip.w,
				      res->embedding);
	if (!ret) {
		memcpy(res->chip, chip.px, sizeof(res->chip));
		ret = mncr_face_quantize(res->embedding, MNCR_FACE_EMBED_DIM,
					 res->templ);
	}
	res->status = MNCR_FACE_OK;
	res->box.x = res->box.y = 0;
	res->box.w = (float)img->w;
	res->box.h = (float)img->h;
	res->box.score = 1;
	mncr_face_image_free(&chip);
	mncr_face_embed_ws_free(ws);
	return ret;
}

/* Embeds each image; prints why not and returns an exit code. */
static int embed_all(const struct face_opts *o, struct face_out *out, int n)
{
	struct mncr_face_pipeline *p = NULL;
	struct mncr_face_pipeline_ws *ws = NULL;
	struct mncr_face_net *net = NULL;
	struct mncr_face_mfn512 *m512 = NULL;
	struct mncr_face_mfn512_ws *ws512 = NULL;
	struct mncr_face_pipeline_opts po;
	char err[256], buf[PATH_MAX];
	const char *dir = models_dir(o->models, buf, sizeof(buf));
	int code = EXIT_OK, ret;
	bool mfn512 = o->network == MNCR_FACE_NET_MFN512;

	mncr_face_pipeline_opts_default(&po);
	if (o->aligned && mfn512)
		ret = 0;
	else
		ret = o->aligned ? mncr_face_net_load(&net, dir, err, sizeof(err)) :
				   mncr_face_pipeline_load_network(&p, dir, o->network,
								   err, sizeof(err));
	if (!ret && mfn512 && o->aligned) {
		ret = mncr_face_mfn512_load(&m512, dir, err, sizeof(err));
		ws512 = ret ? NULL : mncr_face_mfn512_ws_new(m512);
		if (!ret && !ws512)
			snprintf(err, sizeof(err), "out of memory");
		ret = ret ? ret : ws512 ? 0 : -ENOMEM;
	}
	if (ret) {
		fprintf(stderr, "mncr: face: models in %s: %s\n", dir, err);
		mncr_face_pipeline_free(p);
		mncr_face_net_free(net);
		mncr_face_mfn512_free(m512);
		return EXIT_NO_FACE;
	}
	if (!o->aligned)
		ws = mncr_face_pipeline_ws_new();
	if (!o->aligned && !ws) {
		mncr_face_pipeline_free(p);
		fprintf(stderr, "mncr: face: out of memory\n");
		return EXIT_FAILED;
	}
	for (int i = 0; i < n && code == EXIT_OK; i++) {
		struct mncr_face_result *res = &out[i].res;
		struct mncr_face_image img;

		if (mncr_face_image_load(out[i].path, &img, err, sizeof(err))) {
			fprintf(stderr, "mncr: face: %s\n", err);
			code = EXIT_NO_FACE;
			break;
		}
		out[i].dim = MNCR_FACE_EMBED_DIM;
		if (o->aligned && mfn512) {
			memset(res, 0, sizeof(*res));
			res->status = MNCR_FACE_OK;
			res->box.w = (float)img.w;
			res->box.h = (float)img.h;
			res->box.score = 1;
			ret = embed_mfn512_aligned(m512, ws512, &img, &out[i]);
		} else if (o->aligned) {
			ret = embed_aligned(net, &img, res);
		} else {
			ret = mncr_face_pipeline_run(p, ws, &img, &po, res);
			out[i].dim = res->dim;
		}
		mncr_face_image_free(&img);
		if (ret) {
			fprintf(stderr, "mncr: face: %s: %s\n", out[i].path,
				o->aligned ? strerror(-ret) : res->reason);
			code = EXIT_FAILED;
		} else if (res->status == MNCR_FACE_QUALITY) {
			fprintf(stderr, "mncr: face: %s: warning: quality gates failed (%s); "
				"the reader would not use this face\n", out[i].path,
				res->reason);
		} else if (res->status != MNCR_FACE_OK) {
			fprintf(stderr, "mncr: face: %s: %s\n", out[i].path, res->reason);
			code = EXIT_NO_FACE;
		}
	}
	mncr_face_pipeline_ws_free(ws);
	mncr_face_pipeline_free(p);
	mncr_face_net_free(net);
	mncr_face_mfn512_ws_free(ws512);
	mncr_face_mfn512_free(m512);
	return code;
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void json_face(const struct face_out *f, bool embedding)
{
	const struct mncr_face_result *r = &f->res;

	printf("{\"image\":");
	json_string(f->path);
	printf(",\"quality_ok\":%s", r->status == MNCR_FACE_OK ? "true" : "false");
	if (r->status != MNCR_FACE_OK) {
		printf(",\"reason\":");
		json_string(r->reason);
	}
	printf(",\"box\":{\"x\":%.1f,\"y\":%.1f,\"w\":%.1f,\"h\":%.1f,\"score\":%.3f}",
	       r->box.x, r->box.y, r->box.w, r->box.h, r->box.score);
	printf(",\"model\":\"%s\"", f->dim == MNCR_FACE_MFN512_DIM ?
	       mncr_face_network_name(MNCR_FACE_NET_MFN512) :
	       mncr_face_network_name(MNCR_FACE_NET_RESNET));
	if (embedding) {
		printf(",\"embedding\":[");
		for (int i = 0; i < f->dim; i++)
			printf("%s%.9g", i ? "," : "", f->res.embedding[i]);
		printf("]");
	}
	printf("}");
}

static int face_embed(const struct face_opts *o, const char *path)
{
	struct face_out *f = calloc(1, sizeof(*f));
	int code;

	if (!f)
		return EXIT_FAILED;
	f->path = path;
	code = embed_all(o, f, 1);
	if (code == EXIT_OK) {
		if (o->json) {
			json_face(f, true);
			printf("\n");
		} else {
			for (int i = 0; i < f->dim; i++)
				printf("%.9g%c", f->res.embedding[i],
				       i % 8 == 7 ? '\n' : ' ');
		}
	}
	free(f);
	return code;
}

static int face_compare(const struct face_opts *o, const char *a, const char *b)
{
	struct face_out *f = calloc(2, sizeof(*f));
	struct mncr_face_decision d;
	int32_t score, threshold = mncr_face_threshold(o->network, o->fmr);
	const char *rate = o->fmr < 5e-4 ? "1e-4" : "1e-3";
	float distance;
	int code;

	if (!f)
		return EXIT_FAILED;
	f[0].path = a;
	f[1].path = b;
	code = embed_all(o, f, 2);
	if (code != EXIT_OK) {
		free(f);
		return code;
	}
	mncr_match_score_ref(f[0].res.templ, 1, f[1].res.templ, 1,
			     (size_t)f[0].dim, &score);
	mncr_face_decide_scores(&score, 1, threshold, &d);
	distance = mncr_face_distance(f[0].res.embedding, f[1].res.embedding,
				      (size_t)f[0].dim);
	if (o->json) {
		printf("{\"score\":%d,\"cosine\":%.4f,\"threshold\":%d,\"fmr\":%s,"
		       "\"distance\":%.4f,\"match\":%s,\"faces\":[", score,
		       mncr_face_score_cosine(score), threshold,
		       rate, distance, d.accept ? "true" : "false");
		json_face(&f[0], false);
		printf(",");
		json_face(&f[1], false);
		printf("]}\n");
	} else {
		printf("score %d (cosine %.4f), threshold %d (FMR %s): %s\n",
		       score, mncr_face_score_cosine(score), threshold, rate,
		       d.accept ? "same person" : "not the same person");
		if (o->network == MNCR_FACE_NET_MFN512)
			printf("cosine %.4f (float embeddings)\n",
			       mncr_face_cosine(f[0].res.embedding, f[1].res.embedding,
						MNCR_FACE_MFN512_DIM));
		else
			printf("distance %.4f (float embeddings; dlib's threshold 0.6)\n",
			       distance);
	}
	free(f);
	return d.accept ? EXIT_OK : EXIT_FAILED;
}

int cmd_face(struct cli *cli, int argc, char **argv)
{
	enum { O_MODELS = 256, O_FMR, O_MODEL };
	static const struct option opts[] = {
		{ "aligned", no_argument, NULL, 'a' },
		{ "model", required_argument, NULL, O_MODEL },
		{ "models", required_argument, NULL, O_MODELS },
		{ "fmr", required_argument, NULL, O_FMR },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct face_opts o = {
		.json = cli->json, .fmr = 1e-3, .network = MNCR_FACE_NET_DEFAULT
	};
	const char *sub;
	char *end;
	int opt;

	if (argc < 2) {
		fputs(USAGE, stderr);
		return EXIT_USAGE;
	}
	sub = argv[1];
	if (!strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		fputs(USAGE, stdout);
		return EXIT_OK;
	}
	argv++;
	argc--;
	while ((opt = getopt_long(argc, argv, "ajh", opts, NULL)) != -1) {
		switch (opt) {
		case 'a': o.aligned = true; break;
		case 'j': o.json = true; break;
		case O_MODELS: o.models = optarg; break;
		case O_MODEL:
			if (mncr_face_network_parse(optarg, &o.network)) {
				fprintf(stderr, "mncr: face: --model: resnet or mfn512\n");
				return EXIT_USAGE;
			}
			break;
		case O_FMR:
			o.fmr = strtod(optarg, &end);
			if (*end || (o.fmr != 1e-3 && o.fmr != 1e-4)) {
				fprintf(stderr, "mncr: face: --fmr: 1e-3 or 1e-4 (the calibrated rates)\n");
				return EXIT_USAGE;
			}
			break;
		case 'h': fputs(USAGE, stdout); return EXIT_OK;
		default: fputs(USAGE, stderr); return EXIT_USAGE;
		}
	}
	if (!strcmp(sub, "embed") && argc - optind == 1)
		return face_embed(&o, argv[optind]);
	if (!strcmp(sub, "compare") && argc - optind == 2)
		return face_compare(&o, argv[optind], argv[optind + 1]);
	fputs(USAGE, stderr);
	return EXIT_USAGE;
}
