/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "mncr-sim ctl": sends one command to a running simulator and prints the
 * reply. Exit 0 on ok, 1 on error, 2 on usage or connection errors.
 */
#ifndef MNCR_SIM_CTL_CLIENT_H
#define MNCR_SIM_CTL_CLIENT_H

/* argv[0] is "ctl". */
int ctl_main(int argc, char **argv);

#endif
