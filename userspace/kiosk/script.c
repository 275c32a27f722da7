// SPDX-License-Identifier: LGPL-2.1-or-later
#include "script.h"

#include <errno.h>
#include <string.h>

#include <glib.h>
#include <openssl/crypto.h>

int kiosk_script_load(struct kiosk_script *s, const char *path)
{
	char *text = NULL, **all;
	gsize len = 0;
	size_t n = 0;

	if (!g_file_get_contents(path, &text, &len, NULL))
		return -ENOENT;
	all = g_strsplit(text, "\n", -1);
	OPENSSL_cleanse(text, len);
	g_free(text);
	for (size_t i = 0; all[i]; i++) {
		char *l = g_strstrip(all[i]);

		if (*l && *l != '#')
			all[n++] = memmove(all[i], l, strlen(l) + 1);
		else
			g_free(all[i]);
	}
	all[n] = NULL;
	s->lines = all;
	s->n = n;
	s->next = 0;
	return 0;
}

const char *kiosk_script_next(struct kiosk_script *s)
{
	if (!s->lines || s->next >= s->n)
		return NULL;
	/* The one before may have been the PIN. */
	if (s->next)
		OPENSSL_cleanse(s->lines[s->next - 1],
				strlen(s->lines[s->next - 1]));
	return s->lines[s->next++];
}

void kiosk_script_free(struct kiosk_script *s)
{
	for (size_t i = 0; i < s->n; i++)
		OPENSSL_cleanse(s->lines[i], strlen(s->lines[i]));
	g_strfreev(s->lines);
	s->lines = NULL;
	s->n = s->next = 0;
}
