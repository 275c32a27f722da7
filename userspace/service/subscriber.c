// SPDX-License-Identifier: GPL-2.0-or-later
#include "subscriber.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "elig/elig_fields.h"
#include "elig/elig_message.h"

#define FIELDS 8
#define SPEC_MAX 512

/* Splits s at ':' into at most FIELDS parts: the count. */
static size_t split(char *s, char *part[FIELDS])
{
	size_t n = 0;

	part[n++] = s;
	for (; *s; s++) {
		if (*s != ':')
			continue;
		if (n == FIELDS)
			return FIELDS + 1;
		*s = '\0';
		part[n++] = s + 1;
	}
	return n;
}

static int copy(char *dst, size_t size, const char *src)
{
	if (strlen(src) >= size)
		return -EINVAL;
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

int eligd_subscriber_add(struct eligd_db *db, const char *spec, char *why,
			 size_t why_len)
{
	struct mncr_elig_qualification q;
	char buf[SPEC_MAX], serial[ELIGD_SERIAL_MAX + 1], *f[FIELDS];
	size_t n;

	if (strlen(spec) >= sizeof(buf)) {
		snprintf(why, why_len, "subscriber: too long");
		return -EINVAL;
	}
	memcpy(buf, spec, strlen(spec) + 1);
	n = split(buf, f);
	if (n != 7 && n != 8) {
		snprintf(why, why_len, "subscriber: expected SERIAL:INSURER:"
			 "SYMBOL:NUMBER:BRANCH:SHARE:LIMIT[:VALIDITY]");
		return -EINVAL;
	}
	if (eligd_serial_normalize(f[0], serial)) {
		snprintf(why, why_len, "subscriber: SERIAL must be 1-%d hex "
			 "digits", ELIGD_SERIAL_MAX);
		return -EINVAL;
	}
	/* Header fields are checked too: give them valid placeholders. */
	memset(&q, 0, sizeof(q));
	memcpy(q.processed_at, "20000101000000", 15);
	memcpy(q.confirmation_date, "20000101", 9);
	memcpy(q.institution_code, "0000000000", 11);
	if (copy(q.insurer_number, sizeof(q.insurer_number), f[1]) ||
	    copy(q.symbol, sizeof(q.symbol), f[2]) ||
	    copy(q.number, sizeof(q.number), f[3]) ||
	    copy(q.branch, sizeof(q.branch), f[4]) ||
	    copy(q.share, sizeof(q.share), f[5]) ||
	    copy(q.limit_class, sizeof(q.limit_class), f[6]) ||
	    (n == 8 && mncr_elig_validity_parse(f[7], &q.validity))) {
		snprintf(why, why_len, "subscriber %s: a field is too long or "
			 "VALIDITY is not valid|invalid|unknown", serial);
		return -EINVAL;
	}
	if (mncr_elig_qualification_check(&q, why, why_len))
		return -EINVAL;
	return eligd_db_put_subscriber(db, serial, &q, why, why_len);
}
