// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mncr-eligd: the reference eligibility service (オンライン資格確認) that
 * mncr readers query. See Documentation/eligibility.rst.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "listen.h"
#include "log.h"
#include "options.h"
#include "server.h"
#include "service.h"
#include "subscriber.h"
#include "tls.h"

#define CHALLENGES 4096

/* Paths to remove at exit stay valid after chdir("/"). */
static int absolute(const char *p, char out[PATH_MAX])
{
	char cwd[PATH_MAX];
	int n;

	if (p[0] == '/')
		n = snprintf(out, PATH_MAX, "%s", p);
	else if (getcwd(cwd, sizeof(cwd)))
		n = snprintf(out, PATH_MAX, "%s/%s", cwd, p);
	else
		return -errno;
	return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

/* Writes "value\n" to path atomically, so readers never see half. */
static int write_file(const char *path, long value)
{
	char tmp[PATH_MAX + 8];
	FILE *f;
	int ok;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fchmod(fileno(f), 0644);
	ok = fprintf(f, "%ld\n", value) > 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path)) {
		unlink(tmp);
		return -EIO;
	}
	return 0;
}

/*
 * Forks; the parent exits once the child reports it is serving (0) or
 * dies (1). Returns the child's end of the readiness pipe.
 */
static int daemonize(void)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		ssize_t n;

		close(p[1]);
		while ((n = read(p[0], &c, 1)) < 0 && errno == EINTR)
			;
		_exit(n == 1 ? 0 : 1);
	}
	close(p[0]);
	setsid();
	return p[1];
}

static void detach(int ready_fd, bool keep_stderr)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (chdir("/"))
		eligd_warn("chdir /: %s", strerror(errno));
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		if (!keep_stderr)
			dup2(null, STDERR_FILENO);
		close(null);
	}
	if (write(ready_fd, "1", 1) != 1)
		eligd_warn("cannot tell the parent we are ready");
	close(ready_fd);
}

static int open_log(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);

	if (fd < 0 || dup2(fd, STDERR_FILENO) < 0) {
		fprintf(stderr, "mncr-eligd: --log %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	close(fd);
	setvbuf(stderr, NULL, _IOLBF, 0);
	return 0;
}

static int setup_db(struct eligd_service *s, const struct eligd_options *o)
{
	char why[256];

	if (eligd_db_open(o->db, o->init_db, &s->db, why, sizeof(why))) {
		eligd_err("%s", why);
		return -1;
	}
	for (size_t i = 0; i < o->n_subscribers; i++) {
		if (eligd_subscriber_add(s->db, o->subscribers[i], why,
					 sizeof(why))) {
			eligd_err("--add-subscriber: %s", why);
			return -1;
		}
	}
	if (o->n_subscribers)
		eligd_info("subscribers added: %zu", o->n_subscribers);
	return 0;
}

static int setup_tls(struct eligd_service *s, const struct eligd_options *o)
{
	struct mncr_cert_trust t = { .ca_file = o->card_ca, .crl_file = o->crl };
	char why[256];

	s->tls = eligd_tls_new(o->cert, o->key, o->client_ca, why,
			       sizeof(why));
	if (!s->tls) {
		eligd_err("%s", why);
		return -1;
	}
	if (mncr_cert_store_new(&t, &s->cards, why, sizeof(why))) {
		eligd_err("%s", why);
		return -1;
	}
	s->challenges = eligd_challenges_new(CHALLENGES, o->challenge_ttl);
	if (!s->challenges) {
		eligd_err("no memory for challenges");
		return -1;
	}
	return 0;
}

/* Stop and reload signals arrive on a descriptor, not in a handler. */
static int signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	/* Before any thread exists, so that all of them inherit the mask. */
	if (pthread_sigmask(SIG_BLOCK, &set, NULL))
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC);
}

static int serve(struct eligd_service *s, const struct eligd_options *o,
		 int ready_fd)
{
	char why[256], pidfile[PATH_MAX], portfile[PATH_MAX];
	int fd, sig, port, ret;

	if ((o->pidfile && absolute(o->pidfile, pidfile)) ||
	    (o->port_file && absolute(o->port_file, portfile))) {
		eligd_err("path too long");
		return -1;
	}
	fd = eligd_listen(o->listen, why, sizeof(why));
	if (fd < 0) {
		eligd_err("%s", why);
		return -1;
	}
	port = eligd_local_port(fd);
	sig = signals();
	if (sig < 0 ||
	    (o->pidfile && write_file(pidfile, (long)getpid())) ||
	    (o->port_file && write_file(portfile, port))) {
		eligd_err("startup: %s", strerror(errno));
		close(fd);
		return -1;
	}
	eligd_info("listening on %s (port %d)", o->listen, port);
	if (ready_fd >= 0)
		detach(ready_fd, o->log_file != NULL);
	ret = eligd_serve(s, fd, sig);
	close(sig);
	if (o->pidfile)
		unlink(pidfile);
	if (o->port_file)
		unlink(portfile);
	eligd_info("stopped");
	return ret;
}

int main(int argc, char **argv)
{
	struct eligd_service s = { 0 };
	struct eligd_options o;
	int ready_fd = -1, ret = 1, r;

	r = eligd_options_parse(argc, argv, &o);
	if (r) {
		eligd_options_free(&o);
		return r > 0 ? 0 : 2;
	}
	/* The database and logs hold insurance data: owner only. */
	umask(077);
	signal(SIGPIPE, SIG_IGN);
	if (o.log_file && open_log(o.log_file))
		goto out;
	if (o.daemon && o.listen) {
		ready_fd = daemonize();
		if (ready_fd < 0) {
			eligd_err("daemon: %s", strerror(-ready_fd));
			goto out;
		}
	}
	s.opt = &o;
	if (setup_db(&s, &o))
		goto out;
	if (!o.listen) {
		ret = 0;
		goto out;
	}
	if (setup_tls(&s, &o))
		goto out;
	if (serve(&s, &o, ready_fd)) {
		/* Handlers may still use the shared state: leave it to exit. */
		_exit(1);
	}
	ret = 0;
out:
	eligd_challenges_free(s.challenges);
	mncr_cert_store_free(s.cards);
	SSL_CTX_free(s.tls);
	eligd_db_close(s.db);
	eligd_options_free(&o);
	return ret;
}
