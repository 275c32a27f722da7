/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "mncr-sim scene ...": camera frames to PGM files on the host, no USB. */
#ifndef MNCR_SIM_SCENE_DUMP_H
#define MNCR_SIM_SCENE_DUMP_H

/* argv[0] is "scene". Returns the exit status. */
int scene_dump_main(int argc, char **argv);

#endif
