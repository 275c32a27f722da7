/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A FunctionFS function's ep0: its event loop and the stall of a request. */
#ifndef MNCR_SIM_FFS_EP0_H
#define MNCR_SIM_FFS_EP0_H

#include <linux/usb/ch9.h>
#include <linux/usb/functionfs.h>

typedef void (*ffs_ep0_handler)(void *ctx, const struct usb_functionfs_event *ev);

/*
 * Reads ep0's events and hands each to fn until stop_fd becomes readable.
 * ep0 must be blocking. When ep0 fails for good (the function is no longer
 * active), nothing more will come: the loop then only waits for stop_fd.
 * who names the function in the log.
 */
void ffs_ep0_loop(int ep0, int stop_fd, ffs_ep0_handler fn, void *ctx,
		  const char *who);

/*
 * Stalls a control request nobody answers. FunctionFS stalls when we go
 * the wrong way: read for an IN request, write for an OUT one.
 */
void ffs_ep0_stall(int ep0, const struct usb_ctrlrequest *setup,
		   const char *who);

#endif
