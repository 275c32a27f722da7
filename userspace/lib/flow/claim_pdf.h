/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The 被保険者資格申立書 as a printable A4 PDF in Japanese: cairo + pango,
 * a Japanese font through fontconfig (IPAex or Noto CJK). Blank patient
 * fields get a grey hint; the document's metadata names the form, never
 * the patient.
 */
#ifndef MNCR_CLAIM_PDF_H
#define MNCR_CLAIM_PDF_H

#include <stdbool.h>

#include "flow/claim_form.h"

/*
 * Writes the A4 PDF to path (as mncr_claim_file_open(): 0600, nothing
 * left on failure): 0 or -errno; -EINVAL for a form that fails
 * mncr_claim_form_check(); -ENOTSUP when libmncr was built without
 * cairo/pango (mncr_claim_form_pdf_supported()).
 */
int mncr_claim_form_write_pdf(const struct mncr_claim_form *f,
			      const char *path);
bool mncr_claim_form_pdf_supported(void);

#endif
