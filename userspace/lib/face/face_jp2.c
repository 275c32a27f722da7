// SPDX-License-Identifier: LGPL-2.1-or-later
/* Greyscale JPEG 2000 encoding to memory (libopenjp2). */
#include "face/face_jp2.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openjpeg.h>

struct membuf {
	uint8_t *p;
	size_t len, cap, pos;
};

static OPJ_SIZE_T mem_write(void *buf, OPJ_SIZE_T n, void *user)
{
	struct membuf *m = user;

	if (m->pos + n > m->cap) {
		size_t cap = (m->pos + n) * 2;
		uint8_t *p = realloc(m->p, cap);

		if (!p)
			return (OPJ_SIZE_T)-1;
		m->p = p;
		m->cap = cap;
	}
	memcpy(m->p + m->pos, buf, n);
	m->pos += n;
	if (m->pos > m->len)
		m->len = m->pos;
	return n;
}

static OPJ_OFF_T mem_skip(OPJ_OFF_T n, void *user)
{
	struct membuf *m = user;

	if (n < 0 && (size_t)-n > m->pos)
		return -1;
	m->pos = (size_t)((OPJ_OFF_T)m->pos + n);
	return n;
}

static OPJ_BOOL mem_seek(OPJ_OFF_T off, void *user)
{
	struct membuf *m = user;

	if (off < 0)
		return OPJ_FALSE;
	m->pos = (size_t)off;
	return OPJ_TRUE;
}

static void quiet(const char *msg, void *user)
{
	(void)msg;
	(void)user;
}

static opj_image_t *to_opj(const struct mncr_face_image *img)
{
	opj_image_cmptparm_t c;
	opj_image_t *im;

	memset(&c, 0, sizeof(c));
	c.dx = c.dy = 1;
	c.w = (OPJ_UINT32)img->w;
	c.h = (OPJ_UINT32)img->h;
	c.prec = 8;
	im = opj_image_create(1, &c, OPJ_CLRSPC_GRAY);
	if (!im)
		return NULL;
	im->x1 = c.w;
	im->y1 = c.h;
	for (size_t i = 0; i < (size_t)img->w * (size_t)img->h; i++)
		im->comps[0].data[i] = img->px[i];
	return im;
}

int mncr_face_jp2_encode(const struct mncr_face_image *img, unsigned ratio,
			 uint8_t **out, size_t *len)
{
	struct membuf m = { 0 };
	opj_cparameters_t par;
	opj_codec_t *codec = NULL;
	opj_stream_t *st = NULL;
	opj_image_t *im;
	int r = -EIO, side;

	if (!img || !img->px || img->w < 8 || img->h < 8)
		return -EINVAL;
	im = to_opj(img);
	if (!im)
		return -ENOMEM;
	opj_set_default_encoder_parameters(&par);
	par.tcp_numlayers = 1;
	par.cp_disto_alloc = 1;
	par.tcp_rates[0] = ratio > 1 ? (float)ratio : 0;
	par.irreversible = ratio > 1;
	/* Each resolution halves the image: keep the smallest above 4 pixels. */
	side = img->w < img->h ? img->w : img->h;
	par.numresolution = 1;
	while (par.numresolution < 6 && (side >> par.numresolution) >= 4)
		par.numresolution++;
	codec = opj_create_compress(OPJ_CODEC_JP2);
	st = opj_stream_create(65536, OPJ_FALSE);
	if (!codec || !st) {
		r = -ENOMEM;
		goto out;
	}
	opj_set_info_handler(codec, quiet, NULL);
	opj_set_warning_handler(codec, quiet, NULL);
	opj_set_error_handler(codec, quiet, NULL);
	opj_stream_set_user_data(st, &m, NULL);
	opj_stream_set_write_function(st, mem_write);
	opj_stream_set_skip_function(st, mem_skip);
	opj_stream_set_seek_function(st, mem_seek);
	if (opj_setup_encoder(codec, &par, im) && opj_start_compress(codec, im, st) &&
	    opj_encode(codec, st) && opj_end_compress(codec, st) && m.len) {
		*out = m.p;
		*len = m.len;
		m.p = NULL;
		r = 0;
	}
out:
	if (st)
		opj_stream_destroy(st);
	if (codec)
		opj_destroy_codec(codec);
	opj_image_destroy(im);
	free(m.p);
	return r;
}

int mncr_face_passport_crop(const struct mncr_face_image *src, int w, int h,
			    struct mncr_face_image *dst)
{
	double side, cw, ch, x, y;
	int r;

	if (!src || !src->px || w < 8 || h < 8)
		return -EINVAL;
	/* Head and shoulders: 56 % of the short side wide, 6:5 high. */
	side = src->w < src->h ? src->w : src->h;
	cw = side * 0.56;
	ch = cw * h / w;
	if (ch > src->h) {
		ch = src->h;
		cw = ch * w / h;
	}
	x = (src->w - cw) / 2;
	y = src->h / 2.0 - ch * 0.48;
	if (y < 0)
		y = 0;
	if (y + ch > src->h)
		y = src->h - ch;
	r = mncr_face_image_alloc(dst, w, h);
	if (r)
		return r;
	r = mncr_face_image_resample(src, x, y, cw, ch, dst);
	if (r)
		mncr_face_image_free(dst);
	return r;
}
