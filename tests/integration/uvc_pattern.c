// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uvc_pattern FRAME.pgm...: checks frames of the simulator's "pattern"
 * camera scene, captured through uvcvideo and libv4l2 ("mncr capture
 * --each"), byte for byte: each frame's number from its first four pixels,
 * every pixel as scene_pattern_pixel() draws it, and the numbers rising
 * (none repeated or out of order; uvcvideo drops frames while the reader
 * of the node is slow, so gaps are counted, not faults). Prints one line
 * per fault and a summary; exits 0 when all match.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../userspace/sim/scene.h"

static unsigned char *read_pgm(const char *path)
{
	unsigned w, h, max;
	unsigned char *px = NULL;
	FILE *f = fopen(path, "rb");

	if (!f)
		return NULL;
	if (fscanf(f, "P5 %u %u %u", &w, &h, &max) == 3 && fgetc(f) != EOF &&
	    w == SCENE_WIDTH && h == SCENE_HEIGHT && max == 255) {
		px = malloc((size_t)w * h);
		if (px && fread(px, 1, (size_t)w * h, f) != (size_t)w * h) {
			free(px);
			px = NULL;
		}
	}
	fclose(f);
	return px;
}

int main(int argc, char **argv)
{
	unsigned long prev = 0, bad_frames = 0, gaps = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: uvc_pattern FRAME.pgm...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		unsigned char *px = read_pgm(argv[i]);
		unsigned long n, wrong = 0;

		if (!px) {
			printf("%s: not a 640x480 8-bit PGM\n", argv[i]);
			bad_frames++;
			continue;
		}
		n = px[0] | (unsigned long)px[1] << 8 | (unsigned long)px[2] << 16 |
		    (unsigned long)px[3] << 24;
		for (unsigned y = 0; y < SCENE_HEIGHT; y++)
			for (unsigned x = 0; x < SCENE_WIDTH; x++)
				wrong += px[y * SCENE_WIDTH + x] != scene_pattern_pixel(x, y, n);
		if (wrong)
			printf("%s: frame %lu: %lu pixels differ\n", argv[i], n, wrong);
		if (i > 1 && n <= prev)
			printf("%s: frame %lu follows frame %lu\n", argv[i], n, prev);
		gaps += i > 1 && n > prev + 1;
		bad_frames += wrong || (i > 1 && n <= prev);
		prev = n;
		free(px);
	}
	printf("%d frames, %lu with faults, %lu gaps\n", argc - 1, bad_frames, gaps);
	return bad_frames ? 1 : 0;
}
