// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The host side of a simulated reader, without the mncr driver: talks to
 * interface 0 through libusb (detaching any kernel driver) and drives the
 * simulator through its control socket, checking the device protocol of
 * Documentation/device-protocol.rst case by case.
 *
 *   sim_proto --serial S [--socket PATH] [--firmware F] [CASE...]
 *
 * Cases: info status set_mode card_front match zlp framing events faults
 * plug reset; none given runs them all. Prints "PASS: name" or
 * "FAIL: name (why)" per check; exits 1 after any failure.
 */
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <libusb-1.0/libusb.h>
#include <linux/mncr.h>
#include <linux/mncr_proto.h>

#include "face/match.h"

#define HDR		((int)sizeof(struct mncr_frame_hdr))
#define MAX_FRAME	(HDR + MNCR_PROTO_MAX_PAYLOAD)
#define RESP_BUF	(MAX_FRAME + 512)
#define T_CMD		1000	/* ms, MNCR_PROTO_TIMEOUT_MS */
#define T_QUIET		300	/* ms of nothing that means "no response" */

struct dev {
	libusb_context *ctx;
	libusb_device_handle *h;
	uint8_t ep_out, ep_in, ep_int;
	unsigned mp;		/* bulk wMaxPacketSize */
};

struct resp {
	int len;		/* bytes received, or a LIBUSB_ERROR_* */
	uint16_t magic, seq, status;
	uint8_t version, type;
	uint32_t plen;
	uint8_t buf[RESP_BUF];
};

static const char *serial = "SIM0001";
static const char *firmware = "1.0.0";
static char sock_path[108];
static struct dev dev;
static uint16_t next_seq = 0x100;
static int failed;

static void pass(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void pass(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("PASS: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
}

/* check(cond, name, why-format, ...): one result line. */
static bool check(bool ok, const char *name, const char *why, ...)
	__attribute__((format(printf, 3, 4)));
static bool check(bool ok, const char *name, const char *why, ...)
{
	va_list ap;

	if (ok) {
		pass("%s", name);
		return true;
	}
	va_start(ap, why);
	printf("FAIL: %s (", name);
	vprintf(why, ap);
	printf(")\n");
	va_end(ap);
	fflush(stdout);
	failed = 1;
	return false;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* ---- the control socket ------------------------------------------------ */

/* Sends one command; the reply (without newline) into reply. 0 on "ok". */
static int ctl(char *reply, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int ctl(char *reply, size_t len, const char *fmt, ...)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char line[300], local[1200];
	size_t got = 0;
	va_list ap;
	int fd, n;

	if (!reply) {
		reply = local;
		len = sizeof(local);
	}
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	line[n] = '\n';
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    send(fd, line, (size_t)n + 1, MSG_NOSIGNAL) != n + 1) {
		snprintf(reply, len, "error cannot reach %s: %s", sock_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (got < len - 1) {
		ssize_t r = recv(fd, reply + got, len - 1 - got, 0);

		if (r <= 0)
			break;
		got += (size_t)r;
		if (memchr(reply, '\n', got))
			break;
	}
	close(fd);
	reply[got] = '\0';
	reply[strcspn(reply, "\n")] = '\0';
	return strncmp(reply, "ok", 2) == 0 ? 0 : -1;
}

/* The value of key in "ctl status", "" when absent. */
static const char *status_of(const char *key)
{
	static char reply[1200], vals[8][128];
	static unsigned next;
	char pat[64], *val = vals[next++ % 8];
	const char *p;
	size_t n;

	val[0] = '\0';
	if (ctl(reply, sizeof(reply), "status"))
		return val;
	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(reply, pat);
	if (!p)
		return val;
	p += strlen(pat);
	n = strcspn(p, " ");
	snprintf(val, sizeof(vals[0]), "%.*s", (int)(n < sizeof(vals[0]) ? n : sizeof(vals[0]) - 1), p);
	return val;
}

static long status_num(const char *key)
{
	return strtol(status_of(key), NULL, 10);
}

/*
 * The simulator counts an event once its write() returns, which can be
 * after the host has the frame: give the count a moment to catch up.
 */
static long status_num_reaching(const char *key, long want)
{
	long v = status_num(key);

	for (int i = 0; i < 50 && v < want; i++) {
		usleep(20 * 1000);
		v = status_num(key);
	}
	return v;
}

/* ---- USB --------------------------------------------------------------- */

static bool find_endpoints(libusb_device *d)
{
	struct libusb_config_descriptor *cfg;
	const struct libusb_interface_descriptor *id;

	if (libusb_get_active_config_descriptor(d, &cfg))
		return false;
	id = &cfg->interface[0].altsetting[0];
	dev.ep_out = dev.ep_in = dev.ep_int = 0;
	/* By type and direction: the UDC picks the numbers. */
	for (int i = 0; i < id->bNumEndpoints; i++) {
		const struct libusb_endpoint_descriptor *ep = &id->endpoint[i];
		int type = ep->bmAttributes & LIBUSB_TRANSFER_TYPE_MASK;
		bool in = ep->bEndpointAddress & LIBUSB_ENDPOINT_IN;

		if (type == LIBUSB_TRANSFER_TYPE_BULK && !in) {
			dev.ep_out = ep->bEndpointAddress;
			dev.mp = ep->wMaxPacketSize;
		} else if (type == LIBUSB_TRANSFER_TYPE_BULK) {
			dev.ep_in = ep->bEndpointAddress;
		} else if (type == LIBUSB_TRANSFER_TYPE_INTERRUPT && in) {
			dev.ep_int = ep->bEndpointAddress;
		}
	}
	libusb_free_config_descriptor(cfg);
	return dev.ep_out && dev.ep_in && dev.ep_int;
}

static libusb_device_handle *open_by_serial(void)
{
	libusb_device **list;
	libusb_device_handle *found = NULL;
	ssize_t n = libusb_get_device_list(dev.ctx, &list);

	for (ssize_t i = 0; i < n && !found; i++) {
		struct libusb_device_descriptor dd;
		libusb_device_handle *h;
		unsigned char s[64];

		if (libusb_get_device_descriptor(list[i], &dd) ||
		    dd.idVendor != MNCR_USB_VID || dd.idProduct != MNCR_USB_PID ||
		    libusb_open(list[i], &h))
			continue;
		if (libusb_get_string_descriptor_ascii(h, dd.iSerialNumber, s, sizeof(s)) > 0 &&
		    strcmp((char *)s, serial) == 0 && find_endpoints(list[i]))
			found = h;
		else
			libusb_close(h);
	}
	if (n >= 0)
		libusb_free_device_list(list, 1);
	return found;
}

static void usb_close(void)
{
	if (dev.h) {
		libusb_release_interface(dev.h, 0);
		libusb_close(dev.h);
	}
	dev.h = NULL;
}

static bool drain_in(void);

/* Opens our device (waiting up to ms for it), claims interface 0. */
static bool usb_open(long ms)
{
	long end = now_ms() + ms;

	usb_close();
	while (!(dev.h = open_by_serial()) && now_ms() < end)
		sleep_ms(50);
	if (!dev.h)
		return false;
	/* The mncr driver, when loaded, has it: take it over. */
	libusb_set_auto_detach_kernel_driver(dev.h, 1);
	if (libusb_claim_interface(dev.h, 0)) {
		usb_close();
		return false;
	}
	/* A response the driver asked for may still sit in the device. */
	drain_in();
	return true;
}

struct xfer_done {
	int done;
};

static void LIBUSB_CALL on_done(struct libusb_transfer *t)
{
	((struct xfer_done *)t->user_data)->done = 1;
}

/*
 * One bulk OUT transfer of len bytes; zlp adds a zero-length packet when
 * len is a multiple of wMaxPacketSize (as hosts must). Returns 0 or a
 * LIBUSB_ERROR_*.
 */
static int send_raw(const void *buf, int len, bool zlp)
{
	struct libusb_transfer *t = libusb_alloc_transfer(0);
	struct xfer_done d = { 0 };
	uint8_t *copy = malloc((size_t)len + 1);
	int rc;

	if (!t || !copy) {
		free(copy);
		libusb_free_transfer(t);
		return LIBUSB_ERROR_NO_MEM;
	}
	memcpy(copy, buf, (size_t)len);
	libusb_fill_bulk_transfer(t, dev.h, dev.ep_out, copy, len, on_done, &d, T_CMD);
	if (zlp)
		t->flags |= LIBUSB_TRANSFER_ADD_ZERO_PACKET;
	rc = libusb_submit_transfer(t);
	while (!rc && !d.done)
		if (libusb_handle_events_completed(dev.ctx, &d.done) < 0)
			break;
	if (!rc) {
		rc = t->status == LIBUSB_TRANSFER_COMPLETED && t->actual_length == len ? 0 :
		     t->status == LIBUSB_TRANSFER_NO_DEVICE ? LIBUSB_ERROR_NO_DEVICE :
		     t->status == LIBUSB_TRANSFER_STALL ? LIBUSB_ERROR_PIPE :
		     t->status == LIBUSB_TRANSFER_TIMED_OUT ? LIBUSB_ERROR_TIMEOUT : LIBUSB_ERROR_IO;
	}
	libusb_free_transfer(t);
	free(copy);
	return rc;
}

static size_t frame(uint8_t *buf, uint8_t type, uint16_t seq, const void *pl,
		    uint32_t len)
{
	struct mncr_frame_hdr h = {
		.magic = htole16(MNCR_PROTO_MAGIC), .version = MNCR_PROTO_VERSION,
		.type = type, .seq = htole16(seq), .len = htole32(len),
	};

	memcpy(buf, &h, sizeof(h));
	if (len && pl)
		memcpy(buf + HDR, pl, len);
	return (size_t)HDR + len;
}

/* Reads one response transfer (raw: no checks beyond decoding). */
static void recv_resp(struct resp *r, int timeout)
{
	int got = 0, rc;

	memset(r, 0, offsetof(struct resp, buf));
	rc = libusb_bulk_transfer(dev.h, dev.ep_in, r->buf, RESP_BUF, &got, (unsigned)timeout);
	r->len = rc ? rc : got;
	if (r->len >= HDR) {
		struct mncr_frame_hdr h;

		memcpy(&h, r->buf, sizeof(h));
		r->magic = le16toh(h.magic);
		r->version = h.version;
		r->type = h.type;
		r->seq = le16toh(h.seq);
		r->status = le16toh(h.status);
		r->plen = le32toh(h.len);
	}
}

/* Reads and drops whatever responses are waiting. */
static bool drain_in(void)
{
	static struct resp r;

	do
		recv_resp(&r, 100);
	while (r.len >= 0);
	return true;
}

static bool resp_ok(const struct resp *r, uint8_t type, uint16_t seq)
{
	return r->len >= HDR && r->magic == MNCR_PROTO_MAGIC &&
	       r->version == MNCR_PROTO_VERSION && r->type == (type | MNCR_RESPONSE) &&
	       r->seq == seq && r->len == HDR + (int)r->plen;
}

/* Sends a command with a fresh seq and reads its response. */
static uint16_t transact(struct resp *r, uint8_t type, const void *pl, uint32_t len)
{
	static uint8_t buf[MAX_FRAME];
	uint16_t seq = next_seq++;
	size_t n = frame(buf, type, seq, pl, len);
	int rc = send_raw(buf, (int)n, true);

	if (rc) {
		memset(r, 0, offsetof(struct resp, buf));
		r->len = rc;
		return seq;
	}
	recv_resp(r, type == MNCR_CMD_MATCH ? MNCR_PROTO_MATCH_TIMEOUT_MS : 2 * T_CMD);
	return seq;
}

static const char *why_resp(const struct resp *r)
{
	static char why[160];

	if (r->len < 0)
		snprintf(why, sizeof(why), "transfer: %s", libusb_error_name(r->len));
	else
		snprintf(why, sizeof(why), "len %d magic %04x ver %u type %02x seq %u status %u plen %u",
			 r->len, r->magic, r->version, r->type, r->seq, r->status, r->plen);
	return why;
}

/* GET_STATUS: mode and card, or -1s. */
static bool get_status(int *mode, int *card)
{
	static struct resp r;
	uint16_t seq = transact(&r, MNCR_CMD_GET_STATUS, NULL, 0);

	*mode = *card = -1;
	if (!resp_ok(&r, MNCR_CMD_GET_STATUS, seq) || r.status || r.plen != 4)
		return false;
	*mode = r.buf[HDR];
	*card = r.buf[HDR + 1];
	return true;
}

static bool status_is_ok(const char *name)
{
	int mode = -1, card = -1;

	return check(get_status(&mode, &card), name, "GET_STATUS failed");
}

/* One event frame from interrupt IN, or false after timeout ms. */
static bool read_event(uint8_t *type, uint8_t payload[4], uint16_t *seq, int timeout)
{
	uint8_t buf[64];
	struct mncr_frame_hdr h;
	int got = 0;

	if (libusb_interrupt_transfer(dev.h, dev.ep_int, buf, sizeof(buf), &got,
				      (unsigned)timeout) || got != HDR + 4)
		return false;
	memcpy(&h, buf, sizeof(h));
	if (le16toh(h.magic) != MNCR_PROTO_MAGIC || le32toh(h.len) != 4 || h.status)
		return false;
	*type = h.type;
	*seq = le16toh(h.seq);
	memcpy(payload, buf + HDR, 4);
	return true;
}

static void drain_events(void)
{
	uint8_t t, p[4];
	uint16_t s;

	while (read_event(&t, p, &s, 100))
		;
}

/* ---- cases ------------------------------------------------------------- */

static void case_info(void)
{
	static struct resp r;
	struct mncr_wire_info info;
	uint16_t seq = transact(&r, MNCR_CMD_GET_INFO, NULL, 0);

	if (!check(resp_ok(&r, MNCR_CMD_GET_INFO, seq) && r.status == MNCR_ST_OK &&
		   r.plen == sizeof(info), "info: GET_INFO answers OK with struct mncr_wire_info",
		   "%s", why_resp(&r)))
		return;
	memcpy(&info, r.buf + HDR, sizeof(info));
	check(le32toh(info.caps) == (MNCR_CAP_CARD_FRONT | MNCR_CAP_MATCH_ENGINE),
	      "info: caps are CARD_FRONT|MATCH_ENGINE", "caps %#x", le32toh(info.caps));
	check(le16toh(info.match_max_dim) == 512 && le16toh(info.match_max_vectors) == 128,
	      "info: match limits 512 dims, 128 vectors", "dim %u vectors %u",
	      le16toh(info.match_max_dim), le16toh(info.match_max_vectors));
	check(strncmp(info.serial, serial, 32) == 0 && info.serial[31] == '\0',
	      "info: serial NUL-padded", "serial %.32s", info.serial);
	check(strncmp(info.firmware, firmware, 32) == 0, "info: firmware", "firmware %.32s",
	      info.firmware);
	check(info.mode == MNCR_MODE_AUTO && !info.reserved[0] && !info.reserved[1],
	      "info: mode auto, reserved zero", "mode %u", info.mode);
	check(info.card_present == (strcmp(status_of("card"), "1") == 0),
	      "info: card_present matches the simulator", "card_present %u", info.card_present);

	ctl(NULL, 0, "engine off");
	seq = transact(&r, MNCR_CMD_GET_INFO, NULL, 0);
	memcpy(&info, r.buf + HDR, sizeof(info));
	check(resp_ok(&r, MNCR_CMD_GET_INFO, seq) && le32toh(info.caps) == MNCR_CAP_CARD_FRONT &&
	      !info.match_max_dim && !info.match_max_vectors,
	      "info: engine off drops MATCH_ENGINE and the limits", "caps %#x", le32toh(info.caps));
	ctl(NULL, 0, "engine on");
	seq = transact(&r, MNCR_CMD_GET_INFO, "x", 1);
	check(resp_ok(&r, MNCR_CMD_GET_INFO, seq) && r.status == MNCR_ST_BAD_ARG && !r.plen,
	      "info: GET_INFO with a payload is BAD_ARG", "%s", why_resp(&r));
}

static void case_status(void)
{
	int mode = -1, card = -1;
	bool ok;
	long before = status_num("commands");

	ctl(NULL, 0, "remove");
	ok = get_status(&mode, &card);
	check(ok && mode == MNCR_MODE_AUTO && card == 0,
	      "status: auto, no card", "mode %d card %d", mode, card);
	ctl(NULL, 0, "insert pinless");
	ok = get_status(&mode, &card);
	check(ok && card == 1, "status: card after insert", "card %d", card);
	ctl(NULL, 0, "remove");
	ok = get_status(&mode, &card);
	check(ok && card == 0, "status: no card after remove", "card %d", card);
	check(status_num("commands") == before + 3, "status: the simulator counts commands",
	      "commands %ld, was %ld", status_num("commands"), before);
}

static uint16_t set_mode(struct resp *r, uint8_t mode, uint8_t reason, uint8_t res, uint32_t len)
{
	uint8_t pl[5] = { mode, reason, res, 0, 0 };

	return transact(r, MNCR_CMD_SET_MODE, pl, len);
}

static void case_set_mode(void)
{
	static struct resp r;
	uint16_t seq;
	int mode = -1, card = -1;
	bool ok;

	seq = set_mode(&r, MNCR_MODE_VISUAL, MNCR_REASON_REQUEST, 0, 4);
	check(resp_ok(&r, MNCR_CMD_SET_MODE, seq) && r.status == MNCR_ST_OK && !r.plen,
	      "set_mode: visual OK, empty payload", "%s", why_resp(&r));
	ok = get_status(&mode, &card);
	check(ok && mode == MNCR_MODE_VISUAL, "set_mode: GET_STATUS says visual",
	      "mode %d", mode);
	check(strcmp(status_of("mode"), "visual") == 0 && status_num("last_reason") == 1,
	      "set_mode: simulator records visual, reason 1", "mode %s last_reason %ld",
	      status_of("mode"), status_num("last_reason"));
	seq = set_mode(&r, MNCR_MODE_AUTO, MNCR_REASON_HOLDER_CLOSED, 0, 4);
	check(resp_ok(&r, MNCR_CMD_SET_MODE, seq) && r.status == MNCR_ST_OK &&
	      status_num("last_reason") == MNCR_REASON_HOLDER_CLOSED &&
	      strcmp(status_of("mode"), "auto") == 0,
	      "set_mode: auto with reason 4 recorded", "last_reason %ld", status_num("last_reason"));
	seq = set_mode(&r, 7, 1, 0, 4);
	check(resp_ok(&r, MNCR_CMD_SET_MODE, seq) && r.status == MNCR_ST_BAD_ARG,
	      "set_mode: unknown mode is BAD_ARG", "%s", why_resp(&r));
	seq = set_mode(&r, 1, 1, 0, 3);
	check(resp_ok(&r, MNCR_CMD_SET_MODE, seq) && r.status == MNCR_ST_BAD_ARG,
	      "set_mode: 3-byte payload is BAD_ARG", "%s", why_resp(&r));
	seq = set_mode(&r, 1, 1, 0, 5);
	check(resp_ok(&r, MNCR_CMD_SET_MODE, seq) && r.status == MNCR_ST_BAD_ARG,
	      "set_mode: 5-byte payload is BAD_ARG", "%s", why_resp(&r));
	seq = set_mode(&r, 1, 1, 9, 4);
	check(resp_ok(&r, MNCR_CMD_SET_MODE, seq) && r.status == MNCR_ST_BAD_ARG,
	      "set_mode: non-zero reserved is BAD_ARG", "%s", why_resp(&r));
	ok = get_status(&mode, &card);
	check(ok && mode == MNCR_MODE_AUTO,
	      "set_mode: refused commands change nothing", "mode %d", mode);
}

/* GET_CARD_FRONT: the 16 field bytes, or the status. */
static int card_front(char out[17], long *ms)
{
	static struct resp r;
	long t0 = now_ms();
	uint16_t seq = transact(&r, MNCR_CMD_GET_CARD_FRONT, NULL, 0);

	*ms = now_ms() - t0;
	out[0] = '\0';
	if (!resp_ok(&r, MNCR_CMD_GET_CARD_FRONT, seq))
		return -1;
	if (r.status == MNCR_ST_OK && r.plen == 16) {
		memcpy(out, r.buf + HDR, 16);
		out[16] = '\0';
	}
	return r.status;
}

static bool all_digits(const char *s)
{
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static void case_card_front(void)
{
	static const char *const profiles[] = {
		"pin", "pinless", "blocked", "expired", "revoked", "nosign",
	};
	uint8_t t = 0, p[4] = { 0 };
	uint16_t s;
	char f[17], name[64];
	long ms;
	int st;

	ctl(NULL, 0, "remove");
	check(card_front(f, &ms) == MNCR_ST_NO_CARD, "card_front: NO_CARD without a card", "got %s", f);
	ctl(NULL, 0, "insert pin");
	st = card_front(f, &ms);
	check(st == MNCR_ST_OK && strcmp(f, "1980021720352285") == 0,
	      "card_front: pin card reads 19800217 2035 2285", "status %d", st);
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++) {
		ctl(NULL, 0, "insert %s", profiles[i]);
		st = card_front(f, &ms);
		snprintf(name, sizeof(name), "card_front: %s card reads 16 digits", profiles[i]);
		check(st == MNCR_ST_OK && strlen(f) == 16 && all_digits(f), name, "status %d", st);
	}
	ctl(NULL, 0, "insert expired");
	card_front(f, &ms);
	check(strncmp(f + 8, "2021", 4) == 0, "card_front: expired card's year is past", "year %.4s", f + 8);
	ctl(NULL, 0, "insert pinless --front 20000229,2031,0042");
	st = card_front(f, &ms);
	check(st == MNCR_ST_OK && strcmp(f, "2000022920310042") == 0,
	      "card_front: --front overrides the profile", "status %d", st);
	ctl(NULL, 0, "insert garbled");
	st = card_front(f, &ms);
	check(st == MNCR_ST_OK && strlen(f) == 16 && !all_digits(f),
	      "card_front: garbled card has non-digits", "status %d", st);
	ctl(NULL, 0, "insert slow");
	st = card_front(f, &ms);
	check(st == MNCR_ST_OK && ms >= 700 && ms < MNCR_PROTO_TIMEOUT_MS,
	      "card_front: slow card takes 0.7..1 s", "status %d after %ld ms", st, ms);
	ctl(NULL, 0, "insert yank");
	drain_events();
	st = card_front(f, &ms);
	check(st == MNCR_ST_NO_CARD, "card_front: yanked card is NO_CARD", "status %d", st);
	check(read_event(&t, p, &s, 1000) && t == MNCR_EVT_CARD && p[0] == 0,
	      "card_front: yank sends EVT_CARD removed", "no removal event");
	check(strcmp(status_of("card"), "0") == 0, "card_front: simulator shows no card after yank",
	      "card=%s", status_of("card"));
	ctl(NULL, 0, "remove");
}

/* Runs one MATCH of random vectors; true when the scores are the reference's. */
static bool match_once(size_t dim, size_t np, size_t nr, bool zlp, int *status, int *rlen)
{
	static uint8_t pl[MNCR_PROTO_MAX_PAYLOAD], buf[MAX_FRAME];
	static int32_t want[4096];
	static struct resp r;
	struct mncr_wire_match m = { htole16(dim), htole16(np), htole16(nr), 0 };
	size_t len = sizeof(m) + (np + nr) * dim, n;
	uint16_t seq = next_seq++;
	bool same = true;

	memcpy(pl, &m, sizeof(m));
	for (size_t i = sizeof(m); i < len; i++)
		pl[i] = (uint8_t)rand();
	n = frame(buf, MNCR_CMD_MATCH, seq, pl, (uint32_t)len);
	*status = -1;
	*rlen = send_raw(buf, (int)n, zlp);
	if (*rlen)
		return false;
	recv_resp(&r, MNCR_PROTO_MATCH_TIMEOUT_MS);
	*rlen = r.len;
	if (!resp_ok(&r, MNCR_CMD_MATCH, seq))
		return false;
	*status = r.status;
	if (r.status || r.plen != 4 * np * nr)
		return false;
	mncr_match_score_ref((int8_t *)pl + sizeof(m), np,
			     (int8_t *)pl + sizeof(m) + np * dim, nr, dim, want);
	for (size_t i = 0; i < np * nr; i++) {
		uint32_t le;

		memcpy(&le, r.buf + HDR + 4 * i, 4);
		same &= (int32_t)le32toh(le) == want[i];
	}
	return same;
}

static int match_status(uint16_t dim, uint16_t np, uint16_t nr, uint16_t res, long extra)
{
	static uint8_t pl[MNCR_PROTO_MAX_PAYLOAD + 16];
	static struct resp r;
	struct mncr_wire_match m = { htole16(dim), htole16(np), htole16(nr), htole16(res) };
	long len = (long)sizeof(m) + (long)(np + nr) * dim + extra;
	uint16_t seq;

	if (len > MNCR_PROTO_MAX_PAYLOAD)
		len = MNCR_PROTO_MAX_PAYLOAD;
	memset(pl, 1, sizeof(pl));
	memcpy(pl, &m, sizeof(m));
	seq = transact(&r, MNCR_CMD_MATCH, pl, (uint32_t)len);
	return resp_ok(&r, MNCR_CMD_MATCH, seq) ? r.status : -1;
}

static void case_match(void)
{
	static const size_t shapes[][3] = {
		{ 1, 1, 1 }, { 128, 1, 10 }, { 512, 1, 30 }, { 512, 15, 16 },
		{ 2, 64, 64 }, { 100, 3, 5 }, { 127, 1, 127 },
	};
	char name[96];
	int st = -1, len = 0;

	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		snprintf(name, sizeof(name), "match: dim %zu, %zu x %zu scores equal the reference",
			 shapes[i][0], shapes[i][1], shapes[i][2]);
		bool ok = match_once(shapes[i][0], shapes[i][1], shapes[i][2], true, &st, &len);

		check(ok, name, "status %d, response length %d", st, len);
	}
	check(match_status(0, 1, 1, 0, 0) == MNCR_ST_BAD_ARG, "match: dim 0 is BAD_ARG", "no");
	check(match_status(513, 1, 1, 0, 0) == MNCR_ST_BAD_ARG, "match: dim 513 is BAD_ARG", "no");
	check(match_status(4, 0, 1, 0, 0) == MNCR_ST_BAD_ARG, "match: n_probe 0 is BAD_ARG", "no");
	check(match_status(4, 1, 0, 0, 0) == MNCR_ST_BAD_ARG, "match: n_ref 0 is BAD_ARG", "no");
	check(match_status(4, 64, 65, 0, 0) == MNCR_ST_BAD_ARG,
	      "match: 129 vectors is BAD_ARG", "no");
	check(match_status(4, 64, 64, 0, 0) == MNCR_ST_OK, "match: 128 vectors is OK", "no");
	check(match_status(16, 2, 2, 0, 1) == MNCR_ST_BAD_ARG, "match: one byte too many is BAD_ARG", "no");
	check(match_status(16, 2, 2, 0, -1) == MNCR_ST_BAD_ARG, "match: one byte short is BAD_ARG", "no");
	check(match_status(16, 2, 2, 0, -(long)sizeof(struct mncr_wire_match) - 64) == MNCR_ST_BAD_ARG,
	      "match: no header is BAD_ARG", "no");
	check(match_status(16, 2, 2, 1, 0) == MNCR_ST_BAD_ARG, "match: reserved set is BAD_ARG", "no");
	ctl(NULL, 0, "engine off");
	check(match_status(16, 2, 2, 0, 0) == MNCR_ST_UNSUPPORTED,
	      "match: engine off is UNSUPPORTED", "no");
	ctl(NULL, 0, "engine on");
	check(match_status(16, 2, 2, 0, 0) == MNCR_ST_OK, "match: engine on again is OK", "no");
}

static void case_zlp(void)
{
	/* 12 + 4 * scores = a multiple of 512 (and of 64). */
	static const size_t resp_shapes[][3] = { { 3, 5, 25 }, { 3, 11, 23 }, { 2, 1, 13 } };
	/* 20 + vectors * dim = 512, 1024: commands of whole packets. */
	static const size_t cmd_shapes[][3] = { { 123, 1, 3 }, { 251, 2, 2 } };
	char name[120];
	int st = -1, len = 0;
	bool ok;

	for (size_t i = 0; i < 3; i++) {
		size_t n = 12 + 4 * resp_shapes[i][1] * resp_shapes[i][2];

		snprintf(name, sizeof(name),
			 "zlp: a %zu-byte response (whole packets) arrives, ended by a ZLP", n);
		ok = match_once(resp_shapes[i][0], resp_shapes[i][1], resp_shapes[i][2], true,
				&st, &len);
		check(ok && len == (int)n, name, "status %d length %d", st, len);
		status_is_ok("zlp: the next command after it is answered");
	}
	for (size_t i = 0; i < 2; i++) {
		size_t n = 20 + cmd_shapes[i][0] * (cmd_shapes[i][1] + cmd_shapes[i][2]);

		snprintf(name, sizeof(name), "zlp: a %zu-byte command with its ZLP", n);
		ok = match_once(cmd_shapes[i][0], cmd_shapes[i][1], cmd_shapes[i][2], true, &st, &len);
		check(ok, name, "status %d length %d", st, len);
		snprintf(name, sizeof(name), "zlp: a %zu-byte command without a ZLP", n);
		ok = match_once(cmd_shapes[i][0], cmd_shapes[i][1], cmd_shapes[i][2], false, &st, &len);
		check(ok, name, "status %d length %d", st, len);
		status_is_ok("zlp: the next command is answered");
	}
	{
		uint8_t none = 0;
		static struct resp r;

		send_raw(&none, 0, false);
		recv_resp(&r, T_QUIET);
		check(r.len == LIBUSB_ERROR_TIMEOUT, "zlp: a lone ZLP gets no response", "%s", why_resp(&r));
		status_is_ok("zlp: commands work after a lone ZLP");
	}
}

/* Sends raw bytes, expects exactly one response with status and seq. */
static void expect_reject(const char *name, const uint8_t *buf, int len, uint16_t status,
			  int seq)
{
	static struct resp r, extra;

	send_raw(buf, len, true);
	recv_resp(&r, 2 * T_CMD);
	check(r.len == HDR && r.magic == MNCR_PROTO_MAGIC && r.status == status &&
	      (seq < 0 || r.seq == seq) && r.plen == 0 && (r.type & MNCR_RESPONSE),
	      name, "%s", why_resp(&r));
	recv_resp(&extra, T_QUIET);
	if (extra.len != LIBUSB_ERROR_TIMEOUT)
		check(false, name, "a second response followed: %s", why_resp(&extra));
}

static void case_framing(void)
{
	static uint8_t b[2048];
	char name[100];

	frame(b, MNCR_CMD_GET_STATUS, 0x4242, NULL, 0);
	b[0] ^= 0xff;
	expect_reject("framing: bad magic is BAD_FRAME with the seq echoed", b, HDR,
		      MNCR_ST_BAD_FRAME, 0x4242);
	memset(b, 0xa5, sizeof(b));
	b[4] = 0x11;
	b[5] = 0x22;
	expect_reject("framing: 1500 bytes of junk get one BAD_FRAME", b, 1500, MNCR_ST_BAD_FRAME,
		      0x2211);
	status_is_ok("framing: in step again after junk");
	frame(b, MNCR_CMD_GET_STATUS, 0x4343, NULL, 0);
	b[2] = 2;
	expect_reject("framing: version 2 is BAD_VERSION with the seq echoed", b, HDR,
		      MNCR_ST_BAD_VERSION, 0x4343);
	frame(b, MNCR_CMD_MATCH, 0x4444, NULL, 0);
	b[8] = 0x01;
	b[9] = 0x40;	/* len 16385 */
	expect_reject("framing: length over MNCR_PROTO_MAX_PAYLOAD is BAD_FRAME", b, 200,
		      MNCR_ST_BAD_FRAME, 0x4444);
	frame(b, MNCR_CMD_SET_MODE, 0x4545, NULL, 100);
	expect_reject("framing: frame shorter than its length is BAD_FRAME", b, HDR + 50,
		      MNCR_ST_BAD_FRAME, 0x4545);
	frame(b, MNCR_CMD_SET_MODE, 0x4646, NULL, 1000);
	expect_reject("framing: long frame cut short is BAD_FRAME", b, HDR + 700,
		      MNCR_ST_BAD_FRAME, 0x4646);
	frame(b, MNCR_CMD_GET_STATUS, 0x4747, NULL, 0);
	expect_reject("framing: bytes past the frame are BAD_FRAME", b, HDR + 20,
		      MNCR_ST_BAD_FRAME, 0x4747);
	frame(b, MNCR_CMD_GET_STATUS, 0x4848, NULL, 0);
	expect_reject("framing: 5 bytes is BAD_FRAME", b, 5, MNCR_ST_BAD_FRAME, 0);
	frame(b, 0x7e, 0x4949, NULL, 0);
	expect_reject("framing: unknown command is UNKNOWN_CMD", b, HDR, MNCR_ST_UNKNOWN_CMD, 0x4949);
	frame(b, MNCR_CMD_GET_STATUS | MNCR_RESPONSE, 0x4a4a, NULL, 0);
	expect_reject("framing: a response type as command is UNKNOWN_CMD", b, HDR,
		      MNCR_ST_UNKNOWN_CMD, 0x4a4a);
	for (int v = 0; v < 3; v++) {
		frame(b, MNCR_CMD_GET_INFO, 0x5000, NULL, 0);
		b[2] = (uint8_t)(v == 0 ? 0 : v == 1 ? 0xff : 1);
		snprintf(name, sizeof(name), "framing: version %u %s", b[2],
			 b[2] == 1 ? "is served" : "is BAD_VERSION");
		if (b[2] == 1) {
			status_is_ok(name);
			continue;
		}
		expect_reject(name, b, HDR, MNCR_ST_BAD_VERSION, 0x5000);
	}
	status_is_ok("framing: commands work after every bad frame");
}

static void case_events(void)
{
	uint8_t t = 0, p[4] = { 0 };
	uint16_t s0 = 0, s = 0;
	long sent = status_num("events");
	int n, bounced = 1;

	ctl(NULL, 0, "remove");
	ctl(NULL, 0, "mode auto");
	drain_events();
	ctl(NULL, 0, "insert pin");
	check(read_event(&t, p, &s0, 1000) && t == MNCR_EVT_CARD && p[0] == 1 && !p[1] && !p[2] && !p[3],
	      "events: insert sends EVT_CARD present", "type %02x present %u", t, p[0]);
	ctl(NULL, 0, "remove");
	check(read_event(&t, p, &s, 1000) && t == MNCR_EVT_CARD && p[0] == 0 &&
	      s == (uint16_t)(s0 + 1), "events: remove sends EVT_CARD absent, next seq",
	      "type %02x present %u seq %u after %u", t, p[0], s, s0);
	ctl(NULL, 0, "mode visual");
	check(read_event(&t, p, &s, 1000) && t == MNCR_EVT_MODE && p[0] == MNCR_MODE_VISUAL &&
	      p[1] == MNCR_REASON_DEVICE, "events: mode visual on the reader sends EVT_MODE, reason DEVICE",
	      "type %02x mode %u reason %u", t, p[0], p[1]);
	ctl(NULL, 0, "mode visual");
	check(!read_event(&t, p, &s, T_QUIET), "events: no EVT_MODE when the mode stays", "type %02x", t);
	ctl(NULL, 0, "mode auto");
	check(read_event(&t, p, &s, 1000) && t == MNCR_EVT_MODE && p[0] == MNCR_MODE_AUTO,
	      "events: mode auto sends EVT_MODE", "type %02x", t);
	ctl(NULL, 0, "error 71");
	check(read_event(&t, p, &s, 1000) && t == MNCR_EVT_ERROR && p[0] == 71 && !p[1],
	      "events: error 71 sends EVT_ERROR code 71", "type %02x code %u", t, p[0]);
	n = (int)(status_num_reaching("events", sent + 5) - sent);
	check(n >= 5, "events: the simulator counts sent events", "%d more, 5 sent", n);

	ctl(NULL, 0, "insert pin");
	read_event(&t, p, &s, 1000);
	ctl(NULL, 0, "flood 500");
	for (n = 0; n < 500 && read_event(&t, p, &s, 1000); n++)
		if (t != MNCR_EVT_CARD || p[0] != ((499 - n) % 2 == 0))
			bounced = 0;
	check(n == 500, "events: flood 500 delivers 500 events", "got %d", n);
	check(bounced && p[0] == 1, "events: flood bounces, last event is the card's state",
	      "last present %u", p[0]);
	check(!read_event(&t, p, &s, T_QUIET), "events: nothing after the flood", "type %02x", t);
	ctl(NULL, 0, "remove");
	drain_events();
}

/* One GET_STATUS under a fault: the raw response. */
static uint16_t faulted(struct resp *r)
{
	return transact(r, MNCR_CMD_GET_STATUS, NULL, 0);
}

static void case_faults(void)
{
	static struct resp r;
	uint16_t seq;
	int mode = -1, card = -1;
	bool ok;
	long t0;

	ctl(NULL, 0, "fault garbage 1");
	seq = faulted(&r);
	check(r.len == HDR + 4 && r.magic != MNCR_PROTO_MAGIC, "faults: garbage is noise of the same length",
	      "%s", why_resp(&r));
	status_is_ok("faults: garbage 1 ends after one response");
	ctl(NULL, 0, "fault short 2");
	seq = faulted(&r);
	check(r.len >= 0 && r.len < HDR + 4, "faults: short truncates the frame", "%s", why_resp(&r));
	faulted(&r);
	check(r.len >= 0 && r.len < HDR + 4, "faults: short 2 truncates twice", "%s", why_resp(&r));
	status_is_ok("faults: short 2 ends after two responses");
	ctl(NULL, 0, "fault badseq 1");
	seq = faulted(&r);
	check(r.magic == MNCR_PROTO_MAGIC && r.seq != seq && r.status == 0,
	      "faults: badseq answers with another seq", "%s", why_resp(&r));
	ctl(NULL, 0, "fault badmagic 1");
	seq = faulted(&r);
	check(r.len == HDR + 4 && r.magic == 0x4d4e && r.seq == seq, "faults: badmagic swaps the magic",
	      "%s", why_resp(&r));
	ctl(NULL, 0, "fault garbage");
	for (int i = 0; i < 3; i++)
		faulted(&r);
	check(r.magic != MNCR_PROTO_MAGIC && strcmp(status_of("fault_left"), "inf") == 0,
	      "faults: without COUNT it lasts", "fault_left %s", status_of("fault_left"));
	ctl(NULL, 0, "fault none");
	check(strcmp(status_of("fault"), "none") == 0, "faults: fault none shows in status", "fault=%s",
	      status_of("fault"));
	status_is_ok("faults: fault none restores responses");

	ctl(NULL, 0, "fault silence 1");
	seq = set_mode(&r, MNCR_MODE_VISUAL, 1, 0, 4);
	check(r.len == LIBUSB_ERROR_TIMEOUT, "faults: silence sends nothing", "%s", why_resp(&r));
	ok = get_status(&mode, &card);
	check(ok && mode == MNCR_MODE_VISUAL,
	      "faults: silence still runs the command", "mode %d", mode);

	ctl(NULL, 0, "fault stall 1");
	seq = set_mode(&r, MNCR_MODE_AUTO, 1, 0, 4);
	check(r.len == LIBUSB_ERROR_PIPE, "faults: stall halts bulk IN", "%s", why_resp(&r));
	check(libusb_clear_halt(dev.h, dev.ep_in) == 0, "faults: the host clears the halt", "failed");
	ok = get_status(&mode, &card);
	check(ok && mode == MNCR_MODE_VISUAL,
	      "faults: stalled command did not run; next command answered", "mode %d", mode);

	ctl(NULL, 0, "delay 300");
	t0 = now_ms();
	status_is_ok("faults: delay 300 still answers");
	check(now_ms() - t0 >= 290, "faults: delay 300 delays the response", "took %ld ms", now_ms() - t0);
	ctl(NULL, 0, "delay 0");
	t0 = now_ms();
	status_is_ok("faults: delay 0 answers");
	check(now_ms() - t0 < 250, "faults: delay 0 is prompt", "took %ld ms", now_ms() - t0);

	ctl(NULL, 0, "insert nosign");
	ctl(NULL, 0, "fault disconnect 1");
	seq = faulted(&r);
	check(r.len < 0, "faults: disconnect drops the device mid-command", "%s", why_resp(&r));
	check(strcmp(status_of("plugged"), "0") == 0 && strcmp(status_of("mode"), "auto") == 0,
	      "faults: after disconnect unplugged, mode auto", "plugged=%s mode=%s",
	      status_of("plugged"), status_of("mode"));
	check(ctl(NULL, 0, "plug") == 0 && usb_open(10000), "faults: plug brings it back", "not found");
	ok = get_status(&mode, &card);
	check(ok && mode == MNCR_MODE_AUTO && card == 1,
	      "faults: after replug auto mode, card still in", "mode %d card %d", mode, card);
	check(strcmp(status_of("fault"), "none") == 0, "faults: disconnect 1 is used up", "fault=%s",
	      status_of("fault"));
	ctl(NULL, 0, "remove");
}

static void case_plug(void)
{
	char reply[300];
	int mode = -1, card = -1;
	bool ok;

	ctl(NULL, 0, "insert revoked");
	set_mode(&(struct resp){ 0 }, MNCR_MODE_VISUAL, 1, 0, 4);
	check(ctl(reply, sizeof(reply), "unplug") == 0, "plug: unplug is ok", "%s", reply);
	usb_close();
	check(!open_by_serial(), "plug: the host no longer sees the device", "still there");
	check(strcmp(status_of("plugged"), "0") == 0 && strcmp(status_of("enabled"), "0") == 0 &&
	      strcmp(status_of("mode"), "auto") == 0 && strcmp(status_of("card"), "1") == 0 &&
	      status_of("usbdev")[0] == '\0',
	      "plug: status after unplug: plugged=0 enabled=0 mode=auto card=1 usbdev=",
	      "plugged=%s enabled=%s mode=%s", status_of("plugged"), status_of("enabled"),
	      status_of("mode"));
	check(ctl(reply, sizeof(reply), "unplug") == 0 && strstr(reply, "already"),
	      "plug: a second unplug is a no-op", "%s", reply);
	check(ctl(reply, sizeof(reply), "plug") == 0, "plug: plug is ok", "%s", reply);
	check(strcmp(status_of("plugged"), "1") == 0 && strcmp(status_of("enabled"), "1") == 0 &&
	      status_of("usbdev")[0] != '\0', "plug: status after plug: plugged=1 enabled=1 usbdev set",
	      "plugged=%s enabled=%s", status_of("plugged"), status_of("enabled"));
	check(usb_open(5000), "plug: the host sees the device again", "not found");
	ok = get_status(&mode, &card);
	check(ok && mode == MNCR_MODE_AUTO && card == 1,
	      "plug: card kept, mode auto", "mode %d card %d", mode, card);
	check(ctl(reply, sizeof(reply), "plug") == 0 && strstr(reply, "already"),
	      "plug: a second plug is a no-op", "%s", reply);
	ctl(NULL, 0, "remove");
}

static void case_reset(void)
{
	int mode = -1, card = -1;
	bool ok;

	set_mode(&(struct resp){ 0 }, MNCR_MODE_VISUAL, 1, 0, 4);
	ok = get_status(&mode, &card);
	check(ok && mode == MNCR_MODE_VISUAL, "reset: visual before", "mode %d", mode);
	/* A bus reset deconfigures and reconfigures the device. */
	libusb_reset_device(dev.h);
	check(usb_open(5000), "reset: device back after a bus reset", "not found");
	ok = get_status(&mode, &card);
	check(ok && mode == MNCR_MODE_AUTO, "reset: the reset put it in auto mode",
	      "mode %d", mode);
}

static const struct {
	const char *name;
	void (*run)(void);
} cases[] = {
	{ "info", case_info },
	{ "status", case_status },
	{ "set_mode", case_set_mode },
	{ "card_front", case_card_front },
	{ "match", case_match },
	{ "zlp", case_zlp },
	{ "framing", case_framing },
	{ "events", case_events },
	{ "faults", case_faults },
	{ "plug", case_plug },
	{ "reset", case_reset },
};

int main(int argc, char **argv)
{
	int first = 1;
	bool any = false;

	for (; first + 1 < argc && argv[first][0] == '-'; first += 2) {
		if (strcmp(argv[first], "--serial") == 0)
			serial = argv[first + 1];
		else if (strcmp(argv[first], "--socket") == 0)
			snprintf(sock_path, sizeof(sock_path), "%s", argv[first + 1]);
		else if (strcmp(argv[first], "--firmware") == 0)
			firmware = argv[first + 1];
		else
			break;
	}
	if (first < argc && argv[first][0] == '-') {
		fprintf(stderr, "usage: sim_proto [--serial S] [--socket PATH] [--firmware F] [CASE...]\n");
		return 2;
	}
	if (!sock_path[0])
		snprintf(sock_path, sizeof(sock_path), "/run/mncr-sim/%s.sock", serial);
	srand(1);
	if (libusb_init(&dev.ctx)) {
		printf("FAIL: libusb_init\n");
		return 1;
	}
	if (!check(usb_open(5000), "open the reader by serial with libusb", "no %04x:%04x serial %s",
		   MNCR_USB_VID, MNCR_USB_PID, serial)) {
		libusb_exit(dev.ctx);
		return 1;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool want = first == argc;

		for (int a = first; a < argc; a++)
			want |= strcmp(argv[a], cases[i].name) == 0;
		if (!want)
			continue;
		any = true;
		if (!dev.h && !usb_open(5000)) {
			check(false, cases[i].name, "device gone");
			continue;
		}
		ctl(NULL, 0, "fault none");
		ctl(NULL, 0, "delay 0");
		cases[i].run();
	}
	if (!any)
		check(false, "cases", "no such case");
	usb_close();
	libusb_exit(dev.ctx);
	return failed;
}
