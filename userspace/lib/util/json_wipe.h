/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Freeing a json-c tree that held card data (eligibility messages, claim
 * forms, CLI output): every string and key is wiped first, since json-c
 * frees without clearing.
 */
#ifndef MNCR_JSON_WIPE_H
#define MNCR_JSON_WIPE_H

struct json_object;

/* Wipes v's strings and keys, then drops the reference; NULL is fine. */
void mncr_json_wipe_free(struct json_object *v);

#endif
