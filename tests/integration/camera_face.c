// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * camera_face MODELS IMAGE: runs the library's face pipeline on one
 * picture (a frame "mncr capture" saved). Prints the status and the face
 * box; exits 0 when a face was found (OK or only quality gates failed),
 * 1 when none, 2 on errors.
 */
#include <stdio.h>

#include "face/face_pipeline.h"

int main(int argc, char **argv)
{
	static struct mncr_face_result res;
	struct mncr_face_pipeline *p = NULL;
	struct mncr_face_pipeline_ws *ws;
	struct mncr_face_image img = { 0, 0, NULL };
	char err[256];
	int rc = 2;

	if (argc != 3) {
		fprintf(stderr, "usage: camera_face MODELS_DIR IMAGE\n");
		return 2;
	}
	if (mncr_face_pipeline_load(&p, argv[1], err, sizeof(err)) ||
	    mncr_face_image_load(argv[2], &img, err, sizeof(err))) {
		fprintf(stderr, "camera_face: %s\n", err);
		goto out;
	}
	ws = mncr_face_pipeline_ws_new();
	if (!ws || mncr_face_pipeline_run(p, ws, &img, NULL, &res)) {
		fprintf(stderr, "camera_face: %s\n", ws ? res.reason : "out of memory");
		mncr_face_pipeline_ws_free(ws);
		goto out;
	}
	mncr_face_pipeline_ws_free(ws);
	if (res.status == MNCR_FACE_NO_FACE) {
		printf("no face\n");
		rc = 1;
	} else {
		printf("face %.0fx%.0f at %.0f,%.0f status %d%s%s\n", res.box.w,
		       res.box.h, res.box.x, res.box.y, res.status,
		       res.reason[0] ? ": " : "", res.reason);
		rc = 0;
	}
out:
	mncr_face_image_free(&img);
	mncr_face_pipeline_free(p);
	return rc;
}
