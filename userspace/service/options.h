/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mncr-eligd command line. */
#ifndef ELIGD_OPTIONS_H
#define ELIGD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

struct eligd_options {
	const char *listen;		/* HOST:PORT, [V6]:PORT; port 0: any */
	const char *cert, *key;		/* the service's TLS identity */
	const char *client_ca;		/* CA of reader (client) certificates */
	const char *card_ca, *crl;	/* JPKI user-authentication CA, CRL */
	const char *db;
	bool init_db;
	const char **subscribers;	/* --add-subscriber values */
	size_t n_subscribers;
	bool daemon;
	const char *pidfile, *port_file, *log_file;
	unsigned int challenge_ttl;	/* seconds */
	unsigned int handshake_timeout;	/* seconds */
	unsigned int timeout;		/* seconds to read, and to write */
	unsigned int max_clients;	/* authenticated readers at once */
	unsigned int max_connections;	/* open connections, all states */
	unsigned int max_per_source;	/* unauthenticated per address */
	unsigned int workers;		/* threads for the requests' work */
	unsigned int replay_window;	/* seconds a request id may repeat */
};

/* 0 to run, 1 after --help, -1 after a usage error (message printed). */
int eligd_options_parse(int argc, char **argv, struct eligd_options *o);
void eligd_options_free(struct eligd_options *o);

#endif
