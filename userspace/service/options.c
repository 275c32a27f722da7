// SPDX-License-Identifier: GPL-2.0-or-later
#include "options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	OPT_LISTEN = 256, OPT_CERT, OPT_KEY, OPT_CLIENT_CA, OPT_CARD_CA,
	OPT_CRL, OPT_DB, OPT_INIT_DB, OPT_ADD, OPT_FOREGROUND, OPT_DAEMON,
	OPT_PIDFILE, OPT_PORT_FILE, OPT_LOG, OPT_TTL, OPT_HANDSHAKE,
	OPT_TIMEOUT, OPT_MAX_CLIENTS, OPT_REPLAY, OPT_MAX_CONNECTIONS,
	OPT_MAX_PER_SOURCE, OPT_WORKERS, OPT_HELP,
};

static const struct option longopts[] = {
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "cert", required_argument, NULL, OPT_CERT },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "client-ca", required_argument, NULL, OPT_CLIENT_CA },
	{ "card-ca", required_argument, NULL, OPT_CARD_CA },
	{ "crl", required_argument, NULL, OPT_CRL },
	{ "db", required_argument, NULL, OPT_DB },
	{ "init-db", no_argument, NULL, OPT_INIT_DB },
	{ "add-subscriber", required_argument, NULL, OPT_ADD },
	{ "foreground", no_argument, NULL, OPT_FOREGROUND },
	{ "daemon", no_argument, NULL, OPT_DAEMON },
	{ "pidfile", required_argument, NULL, OPT_PIDFILE },
	{ "port-file", required_argument, NULL, OPT_PORT_FILE },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "challenge-ttl", required_argument, NULL, OPT_TTL },
	{ "handshake-timeout", required_argument, NULL, OPT_HANDSHAKE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "max-clients", required_argument, NULL, OPT_MAX_CLIENTS },
	{ "replay-window", required_argument, NULL, OPT_REPLAY },
	{ "max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS },
	{ "max-per-source", required_argument, NULL, OPT_MAX_PER_SOURCE },
	{ "workers", required_argument, NULL, OPT_WORKERS },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fputs(
"usage: mncr-eligd --db FILE [--init-db] [--add-subscriber SPEC]...\n"
"       mncr-eligd --listen HOST:PORT --cert PEM --key PEM --client-ca PEM\n"
"                  --card-ca PEM --crl PEM --db FILE [options]\n"
"\n"
"Reference eligibility service (オンライン資格確認) for mncr readers:\n"
"HTTP/1.1 over TLS 1.3 with client certificates. See eligibility.rst.\n"
"\n"
"  --listen HOST:PORT      address to serve on ([::1]:PORT for IPv6;\n"
"                          port 0 picks a free one, see --port-file)\n"
"  --cert, --key PEM       the service's certificate and key\n"
"  --client-ca PEM         CA that issues reader certificates\n"
"  --card-ca PEM           CA of card user-authentication certificates\n"
"  --crl PEM               its CRL(s); SIGHUP reloads --card-ca and --crl\n"
"  --db FILE               SQLite database of subscribers and requests\n"
"  --init-db               create the database schema if missing\n"
"  --add-subscriber SERIAL:INSURER:SYMBOL:NUMBER:BRANCH:SHARE:LIMIT[:VALIDITY]\n"
"                          add or replace a subscriber by certificate\n"
"                          serial (hex); VALIDITY valid|invalid|unknown\n"
"  --foreground            stay in the foreground (default)\n"
"  --daemon                detach once listening\n"
"  --pidfile FILE          write the process id to FILE\n"
"  --port-file FILE        write the port listened on to FILE\n"
"  --log FILE              log here (default: stderr; /dev/null as daemon)\n"
"  --challenge-ttl SEC     PIN challenge lifetime (default 60)\n"
"  --handshake-timeout SEC TLS handshake limit (default 5)\n"
"  --timeout SEC           limit to read a request, and to write (10)\n"
"  --max-clients N         authenticated readers served at once (256)\n"
"  --max-connections N     open connections (2048); a newcomer closes the\n"
"                          oldest one that has not finished its handshake\n"
"  --max-per-source N      connections per address before their handshake\n"
"                          ends (256); a newcomer closes that address's\n"
"                          oldest\n"
"  --workers N             threads for database and signature work (4)\n"
"  --replay-window SEC     how long a request may be repeated (600; 0 never)\n",
	      f);
}

static int number(const char *name, const char *arg, unsigned int min,
		  unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long v;

	v = strtoul(arg, &end, 10);
	if (!*arg || *end || arg[0] == '-' || v < min || v > max) {
		fprintf(stderr, "mncr-eligd: --%s: must be %u-%u\n", name,
			min, max);
		return -1;
	}
	*out = (unsigned int)v;
	return 0;
}

static int check(const struct eligd_options *o)
{
	if (!o->db) {
		fputs("mncr-eligd: --db is required\n", stderr);
		return -1;
	}
	if (!o->listen) {
		if (!o->init_db && !o->n_subscribers) {
			fputs("mncr-eligd: nothing to do (no --listen)\n",
			      stderr);
			return -1;
		}
		return 0;
	}
	if (!o->cert || !o->key || !o->client_ca || !o->card_ca || !o->crl) {
		fputs("mncr-eligd: --listen needs --cert, --key, --client-ca, "
		      "--card-ca and --crl\n", stderr);
		return -1;
	}
	return 0;
}

int eligd_options_parse(int argc, char **argv, struct eligd_options *o)
{
	int c, r = 0;

	memset(o, 0, sizeof(*o));
	o->challenge_ttl = 60;
	o->handshake_timeout = 5;
	o->timeout = 10;
	o->max_clients = 256;
	o->max_connections = 2048;
	o->max_per_source = 256;
	o->workers = 4;
	o->replay_window = 600;
	o->subscribers = calloc((size_t)argc, sizeof(*o->subscribers));
	if (!o->subscribers)
		return -1;
	opterr = 1;
	while (!r && (c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_LISTEN: o->listen = optarg; break;
		case OPT_CERT: o->cert = optarg; break;
		case OPT_KEY: o->key = optarg; break;
		case OPT_CLIENT_CA: o->client_ca = optarg; break;
		case OPT_CARD_CA: o->card_ca = optarg; break;
		case OPT_CRL: o->crl = optarg; break;
		case OPT_DB: o->db = optarg; break;
		case OPT_INIT_DB: o->init_db = true; break;
		case OPT_ADD: o->subscribers[o->n_subscribers++] = optarg; break;
		case OPT_FOREGROUND: o->daemon = false; break;
		case OPT_DAEMON: o->daemon = true; break;
		case OPT_PIDFILE: o->pidfile = optarg; break;
		case OPT_PORT_FILE: o->port_file = optarg; break;
		case OPT_LOG: o->log_file = optarg; break;
		case OPT_TTL:
			r = number("challenge-ttl", optarg, 1, 3600,
				   &o->challenge_ttl);
			break;
		case OPT_HANDSHAKE:
			r = number("handshake-timeout", optarg, 1, 600,
				   &o->handshake_timeout);
			break;
		case OPT_TIMEOUT:
			r = number("timeout", optarg, 1, 600, &o->timeout);
			break;
		case OPT_MAX_CLIENTS:
			r = number("max-clients", optarg, 1, 1000000,
				   &o->max_clients);
			break;
		case OPT_MAX_CONNECTIONS:
			r = number("max-connections", optarg, 1, 1000000,
				   &o->max_connections);
			break;
		case OPT_MAX_PER_SOURCE:
			r = number("max-per-source", optarg, 1, 1000000,
				   &o->max_per_source);
			break;
		case OPT_WORKERS:
			r = number("workers", optarg, 1, 64, &o->workers);
			break;
		case OPT_REPLAY:
			r = number("replay-window", optarg, 0, 86400,
				   &o->replay_window);
			break;
		case OPT_HELP:
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (r)
		return -1;
	if (optind < argc) {
		fprintf(stderr, "mncr-eligd: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	return check(o);
}

void eligd_options_free(struct eligd_options *o)
{
	free(o->subscribers);
	o->subscribers = NULL;
}
