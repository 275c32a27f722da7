// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * JSON parse times (figures only, no pass/fail):
 *
 *   json_bench [MODELS_DIR]      default build/models
 *
 * Each *-weights_manifest.json in MODELS_DIR parsed as at start-up, and
 * one eligibility request (face, the largest certificate) and one result
 * parsed as the service and the client do. Prints the median of 15 runs
 * of a batch, per parse, in microseconds.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "elig/elig_message.h"
#include "util/json_read.h"

#define RUNS 15

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median over RUNS batches of n calls of fn, in microseconds per call. */
static double time_us(void (*fn)(const void *), const void *arg, int n)
{
	double t[RUNS];

	for (int r = 0; r < RUNS; r++) {
		double t0 = now_us();

		for (int i = 0; i < n; i++)
			fn(arg);
		t[r] = (now_us() - t0) / n;
	}
	qsort(t, RUNS, sizeof(t[0]), cmp);
	return t[RUNS / 2];
}

struct text {
	char *s;
	size_t len;
};

static void parse_json(const void *arg)
{
	const struct text *t = arg;
	struct json_object *v = mncr_json_value_parse(t->s, t->len, NULL, 0);

	if (!v)
		abort();
	json_object_put(v);
}

static void parse_request(const void *arg)
{
	const struct text *t = arg;
	struct mncr_elig_request r;

	if (mncr_elig_request_parse(t->s, t->len, &r, NULL, 0))
		abort();
}

static void parse_response(const void *arg)
{
	const struct text *t = arg;
	struct mncr_elig_response r;

	if (mncr_elig_response_parse(t->s, t->len, &r, NULL, 0))
		abort();
}

static int manifests(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	char path[4096];

	if (!d) {
		printf("no %s: no manifest figures\n", dir);
		return 0;
	}
	while ((e = readdir(d))) {
		struct text t = { 0 };
		FILE *f;

		if (!strstr(e->d_name, "-weights_manifest.json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		t.s = malloc(1 << 20);
		if (t.s)
			t.len = fread(t.s, 1, 1 << 20, f);
		fclose(f);
		if (t.s)
			printf("%-48s %6zu bytes %8.1f us\n", e->d_name, t.len,
			       time_us(parse_json, &t, 200));
		free(t.s);
	}
	closedir(d);
	return 0;
}

int main(int argc, char **argv)
{
	static char buf[MNCR_ELIG_BODY_MAX];
	struct mncr_elig_request req = {
		.request_id = "0f8e7d6c-5b4a-4938-8271-605f4e3d2c1b",
		.institution_code = "2712345678",
		.site = MNCR_ELIG_SITE_PHARMACY,
		.method = MNCR_ELIG_METHOD_FACE,
		.consents = { .checkup = true, .surgery = true },
		.card_cert_len = MNCR_ELIG_CERT_MAX,
	};
	struct mncr_elig_response res = {
		.ok = true,
		.request_id = "req.42",
		.q = {
			.processed_at = "20250401093000",
			.confirmation_date = "20250401",
			.institution_code = "2712345678",
			.processing_ms = 12,
			.validity = MNCR_ELIG_VALID,
			.insurer_number = "138057",
			.symbol = "12-34",
			.number = "5678",
			.branch = "00",
			.share = "030",
			.limit_class = "A",
		},
	};
	struct text t = { buf, 0 };

	manifests(argc > 1 ? argv[1] : "build/models");
	for (size_t i = 0; i < req.card_cert_len; i++)
		req.card_cert[i] = (uint8_t)(i * 7);
	if (mncr_elig_request_encode(&req, buf, sizeof(buf), &t.len, NULL, 0))
		return 1;
	printf("%-48s %6zu bytes %8.1f us\n", "eligibility request", t.len,
	       time_us(parse_request, &t, 2000));
	if (mncr_elig_response_encode(&res, buf, sizeof(buf), &t.len, NULL, 0))
		return 1;
	printf("%-48s %6zu bytes %8.1f us\n", "eligibility result", t.len,
	       time_us(parse_response, &t, 2000));
	return 0;
}
