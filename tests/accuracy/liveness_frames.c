// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Runs the face pipeline and the liveness accumulator over a folder of
 * camera frames (DIR/frame_0000.pgm ..., as mncr-sim scene writes them)
 * and prints each frame's measures and the state, then the decision:
 *   liveness_frames MODEL_DIR DIR [-v]   ($LIVENESS_DUMP=1: the points too)
 * The last line is "DIR: live|spoof|pending at frame N: reason".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "face/face_liveness.h"
#include "face/face_pipeline.h"

int main(int argc, char **argv)
{
	struct mncr_face_pipeline *p = NULL;
	struct mncr_face_pipeline_ws *ws;
	struct mncr_face_pipeline_opts o;
	struct mncr_face_liveness *l;
	struct mncr_face_result *res;
	int verbose = argc > 3 && !strcmp(argv[3], "-v"), state = 0, at = -1;
	int frames = 0;
	char err[256], path[4096];

	if (argc < 3) {
		fprintf(stderr, "usage: liveness_frames MODEL_DIR DIR [-v]\n");
		return 2;
	}
	if (mncr_face_pipeline_load(&p, argv[1], err, sizeof(err))) {
		fprintf(stderr, "liveness_frames: %s\n", err);
		return 1;
	}
	mncr_face_pipeline_opts_default(&o);
	o.embed = 0;	/* liveness needs the landmarks only */
	ws = mncr_face_pipeline_ws_new();
	l = mncr_face_liveness_new(NULL);
	res = malloc(sizeof(*res));
	if (!ws || !l || !res) {
		fprintf(stderr, "liveness_frames: out of memory\n");
		return 1;
	}
	for (int i = 0;; i++) {
		struct mncr_face_image img;
		struct mncr_face_liveness_frame fr;
		int face, s;

		snprintf(path, sizeof(path), "%s/frame_%04d.pgm", argv[2], i);
		if (mncr_face_image_load(path, &img, err, sizeof(err)))
			break;
		frames++;
		if (mncr_face_pipeline_run(p, ws, &img, &o, res)) {
			fprintf(stderr, "liveness_frames: %s: %s\n", path, res->reason);
			return 1;
		}
		face = res->status == MNCR_FACE_OK || res->status == MNCR_FACE_QUALITY;
		s = mncr_face_liveness_feed(l, face ? res->pts : NULL, &img, &fr);
		if (verbose)
			printf("frame %3d face %d open %.4f ear %.3f yaw %6.1f mouth %.3f res %.4f aff %.4f %s\n",
			       i, fr.face, fr.openness, fr.ear, fr.yaw, fr.mouth, fr.residual,
			       fr.affine_residual, mncr_face_liveness_state_name(s));
		if (face && getenv("LIVENESS_DUMP")) {
			for (int k = 0; k < MNCR_FACE_LANDMARKS; k++)
				printf("%s%.3f %.3f", k ? " " : "pts ", res->pts[k].x, res->pts[k].y);
			printf("\n");
		}
		if (s != state && at < 0) {
			state = s;
			at = i;
		}
		mncr_face_image_free(&img);
	}
	printf("%s: %s at frame %d of %d: %s\n", argv[2],
	       mncr_face_liveness_state_name(mncr_face_liveness_state(l)), at,
	       frames, mncr_face_liveness_reason(l));
	free(res);
	mncr_face_liveness_free(l);
	mncr_face_pipeline_ws_free(ws);
	mncr_face_pipeline_free(p);
	return 0;
}
