// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mncr-eligd's accounting of unauthenticated connections by address
 * (userspace/service/sources.c): over the per-address cap the oldest of
 * that address goes, other addresses are untouched, and the oldest of
 * all is known for the total cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "../../userspace/service/sources.h"

static struct sockaddr_in v4(const char *ip, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port) };

	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

static void test_per_address_cap(void **state)
{
	struct eligd_sources *t = eligd_sources_new(2);
	struct eligd_unauth n[4] = { 0 }, other = { 0 };
	struct sockaddr_in a = v4("192.0.2.1", 1000),
			   b = v4("192.0.2.2", 1000);

	(void)state;
	assert_non_null(t);
	assert_int_equal(eligd_sources_add(t, (struct sockaddr *)&b, &other),
			 0);
	for (int i = 0; i < 2; i++) {
		/* Ports differ: the address alone counts. */
		a.sin_port = htons((uint16_t)(2000 + i));
		assert_int_equal(eligd_sources_add(t, (struct sockaddr *)&a,
						   &n[i]), 0);
		assert_null(eligd_sources_over(t, &n[i]));
	}
	assert_int_equal(eligd_sources_add(t, (struct sockaddr *)&a, &n[2]),
			 0);
	/* Over the cap: the oldest of this address, not the other one. */
	assert_ptr_equal(eligd_sources_over(t, &n[2]), &n[0]);
	eligd_sources_remove(t, &n[0]);
	assert_null(eligd_sources_over(t, &n[2]));
	assert_ptr_equal(eligd_sources_oldest(t), &other);
	eligd_sources_remove(t, &other);
	assert_ptr_equal(eligd_sources_oldest(t), &n[1]);
	/* Removing twice is harmless (closed after authenticating). */
	eligd_sources_remove(t, &other);
	eligd_sources_remove(t, &n[1]);
	eligd_sources_remove(t, &n[2]);
	assert_null(eligd_sources_oldest(t));
	eligd_sources_free(t);
}

static void test_v4_and_v6_apart(void **state)
{
	struct eligd_sources *t = eligd_sources_new(1);
	struct eligd_unauth x = { 0 }, y = { 0 }, z = { 0 };
	struct sockaddr_in a = v4("127.0.0.1", 1);
	struct sockaddr_in6 b = { .sin6_family = AF_INET6 };

	(void)state;
	inet_pton(AF_INET6, "::1", &b.sin6_addr);
	assert_int_equal(eligd_sources_add(t, (struct sockaddr *)&a, &x), 0);
	assert_int_equal(eligd_sources_add(t, (struct sockaddr *)&b, &y), 0);
	assert_null(eligd_sources_over(t, &y));
	assert_int_equal(eligd_sources_add(t, (struct sockaddr *)&b, &z), 0);
	assert_ptr_equal(eligd_sources_over(t, &z), &y);
	eligd_sources_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_per_address_cap),
		cmocka_unit_test(test_v4_and_v6_apart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
