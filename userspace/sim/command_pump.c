// SPDX-License-Identifier: GPL-2.0-or-later
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/usb/ch9.h>

#include "command_pump.h"
#include "endpoint_info.h"
#include "log.h"
#include "protocol.h"

/*
 * First read of a command transfer. A multiple of both packet sizes (64,
 * 512), so it ends on a short packet or after whole packets, never
 * overflows, and holds any header.
 */
#define FIRST_CHUNK	512

enum rx {
	RX_NOTHING,	/* a zero-length packet: ignored */
	RX_COMMAND,	/* a whole, well-formed frame */
	RX_REJECT,	/* a bad frame: the response is ready in out */
	RX_LINK_DOWN,	/* endpoints gone until the next ENABLE */
};

struct pump {
	struct command_pump *p;
	uint8_t *in;		/* the command: FIRST_CHUNK + PROTO_MAX_FRAME */
	uint8_t *out;		/* the response: PROTO_MAX_FRAME */
	size_t out_len;
	struct proto_hdr hdr;
	uint64_t rng;
};

static ssize_t ep_read(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n;
}

/* Discards the rest of a bad transfer: up to its short packet. */
static void drain(struct pump *pp)
{
	ssize_t n;

	do
		n = ep_read(pp->p->ep_out, pp->in, FIRST_CHUNK);
	while (n == FIRST_CHUNK);
}

static enum rx reject(struct pump *pp, size_t got, uint16_t status, bool more)
{
	const uint8_t *b = pp->in;
	uint8_t type = got >= 4 ? b[3] : 0;
	uint16_t seq = got >= 6 ? (uint16_t)(b[4] | b[5] << 8) : 0;

	/* Echo what we can so the host can match it to its command. */
	pp->out_len = proto_status_frame(pp->out, type & ~MNCR_RESPONSE, seq, status);
	if (more)
		drain(pp);
	return RX_REJECT;
}

static enum rx receive(struct pump *pp)
{
	int fd = pp->p->ep_out;
	ssize_t n, r;
	size_t total;

	n = ep_read(fd, pp->in, FIRST_CHUNK);
	if (n < 0)
		return errno == EOVERFLOW ? reject(pp, 0, MNCR_ST_BAD_FRAME, true)
					  : RX_LINK_DOWN;
	if (n == 0)
		return RX_NOTHING;

	device_lock(pp->p->dev);
	pp->p->dev->commands++;
	device_unlock(pp->p->dev);

	/* A read shorter than asked for ended on a short packet: transfer over. */
	if ((size_t)n < PROTO_HDR_LEN)
		return reject(pp, (size_t)n, MNCR_ST_BAD_FRAME, false);
	proto_hdr_decode(pp->in, &pp->hdr);
	if (pp->hdr.magic != MNCR_PROTO_MAGIC ||
	    pp->hdr.len > MNCR_PROTO_MAX_PAYLOAD)
		return reject(pp, (size_t)n, MNCR_ST_BAD_FRAME, n == FIRST_CHUNK);
	total = PROTO_HDR_LEN + pp->hdr.len;
	if ((size_t)n > total)
		return reject(pp, (size_t)n, MNCR_ST_BAD_FRAME, n == FIRST_CHUNK);
	if ((size_t)n < total) {
		if (n < FIRST_CHUNK)
			return reject(pp, (size_t)n, MNCR_ST_BAD_FRAME, false);
		/* Exactly the rest: completes with or without a trailing ZLP. */
		r = ep_read(fd, pp->in + n, total - (size_t)n);
		if (r < 0 && errno != EOVERFLOW)
			return RX_LINK_DOWN;
		if (r < 0)
			return reject(pp, (size_t)n, MNCR_ST_BAD_FRAME, true);
		if ((size_t)r < total - (size_t)n)
			return reject(pp, (size_t)n, MNCR_ST_BAD_FRAME, false);
	}
	/* The header layout is the same in every version; the rest is not. */
	if (pp->hdr.version != MNCR_PROTO_VERSION)
		return reject(pp, (size_t)n, MNCR_ST_BAD_VERSION, false);
	return RX_COMMAND;
}

static void send_response(struct pump *pp, size_t len)
{
	int fd = pp->p->ep_in;
	unsigned mp = endpoint_max_packet(fd, pp->p->dev);
	ssize_t n;

	/* One write, one transfer: FunctionFS queues it as one request. */
	n = write(fd, pp->out, len);
	if (n != (ssize_t)len)
		return;	/* the host went away: nothing to resend to */
	/*
	 * FunctionFS never sets the request's zero flag, so a frame of whole
	 * packets would leave the host's read waiting: end it with a ZLP.
	 */
	if (mp && len % mp == 0 && write(fd, pp->out, 0) < 0 && errno != ESHUTDOWN)
		sim_log("zero-length packet: %s", strerror(errno));
}

/* A read on an IN endpoint makes FunctionFS halt it. */
static void halt_in(struct pump *pp)
{
	char b;

	if (read(pp->p->ep_in, &b, 1) >= 0 || errno != EBADMSG)
		sim_log("stall fault: bulk IN not halted (%s)", strerror(errno));
}

static void respond(struct pump *pp, enum rx rx)
{
	struct sim_device *dev = pp->p->dev;
	enum fault_kind fault;
	unsigned delay, work = 0;

	device_lock(dev);
	fault = device_take_fault(dev, &delay);
	device_unlock(dev);

	if (fault == FAULT_DISCONNECT) {
		/* Power lost after the command arrived: never executed. */
		pp->p->disconnect(pp->p->ctx);
		return;
	}
	if (fault == FAULT_STALL) {
		halt_in(pp);
		return;
	}
	if (rx == RX_COMMAND)
		pp->out_len = proto_execute(dev, &pp->hdr, pp->in + PROTO_HDR_LEN,
					    pp->out, &work);
	if (!device_sleep(dev, delay + work) || fault == FAULT_SILENCE)
		return;
	if (fault_corrupts(fault))
		pp->out_len = fault_corrupt(fault, pp->out, pp->out_len, &pp->rng);
	send_response(pp, pp->out_len);
}

static void *command_thread(void *arg)
{
	struct pump pp = { .p = arg };
	struct timespec now;
	long gen;

	clock_gettime(CLOCK_MONOTONIC, &now);
	pp.rng = (uint64_t)now.tv_nsec * 0x9E3779B97F4A7C15ULL ^ (uint64_t)getpid();
	pp.in = malloc(FIRST_CHUNK + PROTO_MAX_FRAME);
	pp.out = malloc(PROTO_MAX_FRAME);
	if (!pp.in || !pp.out) {
		sim_log("command thread: out of memory");
		goto out;
	}
	gen = device_wait_enabled(pp.p->dev, DEVICE_ANY_GEN);
	while (gen >= 0) {
		enum rx rx = receive(&pp);

		if (rx == RX_LINK_DOWN)
			gen = device_wait_enabled(pp.p->dev, (unsigned)gen);
		else if (rx != RX_NOTHING)
			respond(&pp, rx);
	}
out:
	free(pp.in);
	free(pp.out);
	return NULL;
}

int command_pump_start(struct command_pump *p)
{
	int err = pthread_create(&p->thread, NULL, command_thread, p);

	if (err) {
		sim_log("cannot start the command thread: %s", strerror(err));
		return -1;
	}
	p->running = true;
	return 0;
}

void command_pump_join(struct command_pump *p)
{
	if (p->running)
		pthread_join(p->thread, NULL);
	p->running = false;
}
