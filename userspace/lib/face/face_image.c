// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <openjpeg.h>
#include <png.h>

#include "face/face_err.h"
#include "face/face_image.h"
#include "face/face_j2k_siz.h"
#include "face/face_model.h"

#define MAX_FILE (256u << 20)
/* JPEG 2000 samples decoded at most (4 bytes each in OpenJPEG). */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
/* The same check, sooner: a fuzzer's time should go to the parsing. */
#define JP2_MAX_SAMPLES (1ll << 20)
#else
#define JP2_MAX_SAMPLES (32ll << 20)
#endif
/* A face photo is one tile; encoders that tile use a few dozen. */
#define JP2_MAX_TILES 1024

static int size_ok(long long w, long long h)
{
	return w > 0 && h > 0 && w <= MNCR_FACE_IMAGE_MAX_SIDE &&
	       h <= MNCR_FACE_IMAGE_MAX_SIDE &&
	       w * h <= (long long)MNCR_FACE_IMAGE_MAX_PIXELS;
}

int mncr_face_image_alloc(struct mncr_face_image *img, int w, int h)
{
	memset(img, 0, sizeof(*img));
	if (!size_ok(w, h))
		return -EINVAL;
	img->px = calloc((size_t)w * (size_t)h, 1);
	if (!img->px)
		return -ENOMEM;
	img->w = w;
	img->h = h;
	return 0;
}

void mncr_face_image_free(struct mncr_face_image *img)
{
	if (!img)
		return;
	free(img->px);
	memset(img, 0, sizeof(*img));
}

static uint8_t luma(unsigned int r, unsigned int g, unsigned int b)
{
	return (uint8_t)((299 * r + 587 * g + 114 * b + 500) / 1000);
}

/* Filter taps of one axis: for output i, n taps from first[i]. */
struct taps {
	int n;
	int *index;	/* [out][n], clamped into the source */
	float *weight;	/* [out][n], summing to 1 */
};

static int make_taps(struct taps *t, int src_n, double start, double len,
		     int out_n)
{
	double scale = len / out_n, support = scale > 1 ? scale : 1;

	t->n = 2 * (int)ceil(support) + 1;
	t->index = malloc((size_t)out_n * (size_t)t->n * sizeof(int));
	t->weight = malloc((size_t)out_n * (size_t)t->n * sizeof(float));
	if (!t->index || !t->weight)
		return -ENOMEM;
	for (int i = 0; i < out_n; i++) {
		/* source coordinate of output pixel i's centre, in pixel units */
		double c = start + (i + 0.5) * scale - 0.5, sum = 0;
		int j0 = (int)floor(c - support) + 1;
		int *idx = t->index + (size_t)i * (size_t)t->n;
		float *wt = t->weight + (size_t)i * (size_t)t->n;

		for (int k = 0; k < t->n; k++) {
			int j = j0 + k;
			double w = 1 - fabs(j - c) / support;

			w = w > 0 ? w : 0;
			idx[k] = j < 0 ? 0 : j >= src_n ? src_n - 1 : j;
			wt[k] = (float)w;
			sum += w;
		}
		for (int k = 0; k < t->n; k++)
			wt[k] = sum > 0 ? (float)(wt[k] / sum) : (k == 0);
	}
	return 0;
}

int mncr_face_image_resample(const struct mncr_face_image *src, double x,
			     double y, double w, double h,
			     struct mncr_face_image *dst)
{
	struct taps tx = { 0 }, ty = { 0 };
	float *rows = NULL;
	int ret;

	if (!src || !dst || !src->px || !dst->px || !size_ok(src->w, src->h) ||
	    !size_ok(dst->w, dst->h) || !isfinite(x) || !isfinite(y) ||
	    !(w > 0) || !(h > 0) || !isfinite(w) || !isfinite(h) ||
	    fabs(x) > 1e6 || fabs(y) > 1e6 || w > 1e6 || h > 1e6 ||
	    w / dst->w > 4096 || h / dst->h > 4096)
		return -EINVAL;
	ret = make_taps(&tx, src->w, x, w, dst->w);
	if (!ret)
		ret = make_taps(&ty, src->h, y, h, dst->h);
	if (!ret) {
		/* horizontal pass over every source row, then vertical */
		rows = malloc((size_t)src->h * (size_t)dst->w * sizeof(float));
		if (!rows)
			ret = -ENOMEM;
	}
	if (ret)
		goto out;
	for (int r = 0; r < src->h; r++) {
		const uint8_t *s = src->px + (size_t)r * (size_t)src->w;
		float *d = rows + (size_t)r * (size_t)dst->w;

		for (int i = 0; i < dst->w; i++) {
			const int *idx = tx.index + (size_t)i * (size_t)tx.n;
			const float *wt = tx.weight + (size_t)i * (size_t)tx.n;
			float v = 0;

			for (int k = 0; k < tx.n; k++)
				v += wt[k] * s[idx[k]];
			d[i] = v;
		}
	}
	for (int o = 0; o < dst->h; o++) {
		const int *idx = ty.index + (size_t)o * (size_t)ty.n;
		const float *wt = ty.weight + (size_t)o * (size_t)ty.n;
		uint8_t *d = dst->px + (size_t)o * (size_t)dst->w;

		for (int i = 0; i < dst->w; i++) {
			float v = 0;

			for (int k = 0; k < ty.n; k++)
				v += wt[k] * rows[(size_t)idx[k] * (size_t)dst->w + (size_t)i];
			v = v + 0.5f;
			d[i] = v <= 0 ? 0 : v >= 255 ? 255 : (uint8_t)v;
		}
	}
out:
	free(tx.index);
	free(tx.weight);
	free(ty.index);
	free(ty.weight);
	free(rows);
	return ret;
}

/* PGM / PPM, binary: "P5" or "P6", width, height, maxval, one space. */
static int pnm_number(const uint8_t **p, const uint8_t *end, long *out)
{
	long v = 0;
	int digits = 0;

	for (;;) {
		while (*p < end && (**p == ' ' || **p == '\t' || **p == '\n' ||
				    **p == '\r'))
			(*p)++;
		if (*p < end && **p == '#') {
			while (*p < end && **p != '\n')
				(*p)++;
			continue;
		}
		break;
	}
	while (*p < end && **p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		if (v > 1000000)
			return -1;
		(*p)++;
		digits++;
	}
	if (!digits)
		return -1;
	*out = v;
	return 0;
}

static int decode_pnm(const uint8_t *data, size_t len,
		      struct mncr_face_image *out, char *err, size_t err_len)
{
	const uint8_t *p = data + 2, *end = data + len;
	int colour = data[1] == '6', bps, ret;
	long w, h, maxval;
	size_t need;

	if (pnm_number(&p, end, &w) || pnm_number(&p, end, &h) ||
	    pnm_number(&p, end, &maxval) || p >= end ||
	    !(*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		return mncr_face_seterr(err, err_len, -EINVAL, "PNM: malformed header");
	p++;
	if (maxval < 1 || maxval > 65535)
		return mncr_face_seterr(err, err_len, -EINVAL, "PNM: maxval %ld", maxval);
	if (!size_ok(w, h))
		return mncr_face_seterr(err, err_len, -EFBIG, "PNM: size %ldx%ld", w, h);
	bps = maxval > 255 ? 2 : 1;
	need = (size_t)w * (size_t)h * (size_t)bps * (colour ? 3 : 1);
	if ((size_t)(end - p) < need)
		return mncr_face_seterr(err, err_len, -EINVAL,
			      "PNM: truncated (%zu of %zu sample bytes)",
			      (size_t)(end - p), need);
	ret = mncr_face_image_alloc(out, (int)w, (int)h);
	if (ret)
		return mncr_face_seterr(err, err_len, ret, "out of memory");
	for (size_t i = 0; i < (size_t)w * (size_t)h; i++) {
		unsigned int s[3];

		for (int c = 0; c < (colour ? 3 : 1); c++) {
			unsigned int v = bps == 2 ? (unsigned int)(p[0] << 8 | p[1]) : p[0];

			p += bps;
			s[c] = (unsigned int)((v * 255ul + (unsigned long)maxval / 2) /
					      (unsigned long)maxval);
			if (s[c] > 255)
				s[c] = 255;
		}
		out->px[i] = colour ? luma(s[0], s[1], s[2]) : (uint8_t)s[0];
	}
	return 0;
}

static int decode_png(const uint8_t *data, size_t len,
		      struct mncr_face_image *out, char *err, size_t err_len)
{
	png_image png;
	int ret;

	memset(&png, 0, sizeof(png));
	png.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&png, data, len))
		return mncr_face_seterr(err, err_len, -EINVAL, "PNG: %s", png.message);
	if (!size_ok(png.width, png.height)) {
		png_image_free(&png);
		return mncr_face_seterr(err, err_len, -EFBIG, "PNG: size %ux%u", png.width,
			      png.height);
	}
	png.format = PNG_FORMAT_GRAY;
	ret = mncr_face_image_alloc(out, (int)png.width, (int)png.height);
	if (ret) {
		png_image_free(&png);
		return mncr_face_seterr(err, err_len, ret, "out of memory");
	}
	/* transparent parts are composited onto black (the zeroed buffer) */
	if (!png_image_finish_read(&png, NULL, out->px, 0, NULL)) {
		mncr_face_image_free(out);
		png_image_free(&png);
		return mncr_face_seterr(err, err_len, -EINVAL, "PNG: %s", png.message);
	}
	png_image_free(&png);
	return 0;
}

struct jpeg_err {
	struct jpeg_error_mgr mgr;
	jmp_buf jmp;
	char msg[JMSG_LENGTH_MAX];
};

static void jpeg_fail(j_common_ptr cinfo)
{
	struct jpeg_err *e = (struct jpeg_err *)cinfo->err;

	e->mgr.format_message(cinfo, e->msg);
	longjmp(e->jmp, 1);
}

/* Warnings (corrupt or truncated data) are kept: decoding then fails. */
static void jpeg_warn(j_common_ptr cinfo, int level)
{
	struct jpeg_err *e = (struct jpeg_err *)cinfo->err;

	if (level >= 0)
		return;
	if (!e->mgr.num_warnings++)
		e->mgr.format_message(cinfo, e->msg);
}

static int decode_jpeg(const uint8_t *data, size_t len,
		       struct mncr_face_image *out, char *err, size_t err_len)
{
	struct jpeg_decompress_struct cinfo;
	struct jpeg_err jerr;
	int ret;

	memset(out, 0, sizeof(*out));
	memset(&cinfo, 0, sizeof(cinfo));
	cinfo.err = jpeg_std_error(&jerr.mgr);
	jerr.mgr.error_exit = jpeg_fail;
	jerr.mgr.emit_message = jpeg_warn;
	if (setjmp(jerr.jmp)) {
		/* out is in memory the callee sees: no clobbered locals */
		mncr_face_image_free(out);
		jpeg_destroy_decompress(&cinfo);
		return mncr_face_seterr(err, err_len, -EINVAL, "JPEG: %s", jerr.msg);
	}
	jpeg_create_decompress(&cinfo);
	jpeg_mem_src(&cinfo, data, (unsigned long)len);
	jpeg_read_header(&cinfo, TRUE);
	if (!size_ok(cinfo.image_width, cinfo.image_height)) {
		ret = mncr_face_seterr(err, err_len, -EFBIG, "JPEG: size %ux%u",
			     cinfo.image_width, cinfo.image_height);
		jpeg_destroy_decompress(&cinfo);
		return ret;
	}
	/* grey from YCbCr is the Y plane; CMYK cannot be converted */
	cinfo.out_color_space = JCS_GRAYSCALE;
	jpeg_start_decompress(&cinfo);
	ret = mncr_face_image_alloc(out, (int)cinfo.output_width,
				    (int)cinfo.output_height);
	if (ret) {
		jpeg_destroy_decompress(&cinfo);
		return mncr_face_seterr(err, err_len, ret, "out of memory");
	}
	/* Corrupt data fails anyway: stop at its first warning. */
	while (cinfo.output_scanline < cinfo.output_height &&
	       !jerr.mgr.num_warnings) {
		JSAMPROW row = out->px + (size_t)cinfo.output_scanline * (size_t)out->w;

		jpeg_read_scanlines(&cinfo, &row, 1);
	}
	if (!jerr.mgr.num_warnings)
		jpeg_finish_decompress(&cinfo);
	jpeg_destroy_decompress(&cinfo);
	if (jerr.mgr.num_warnings) {
		mncr_face_image_free(out);
		return mncr_face_seterr(err, err_len, -EINVAL, "JPEG: corrupt data: %s",
			      jerr.msg);
	}
	return 0;
}

/* openjpeg reads from memory through these. */
struct mem_stream {
	const uint8_t *data;
	size_t len, pos;
};

static OPJ_SIZE_T mem_read(void *buf, OPJ_SIZE_T n, void *user)
{
	struct mem_stream *m = user;
	size_t left = m->len - m->pos;

	if (!left)
		return (OPJ_SIZE_T)-1;
	if (n > left)
		n = left;
	memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	return n;
}

static OPJ_OFF_T mem_skip(OPJ_OFF_T n, void *user)
{
	struct mem_stream *m = user;

	if (n < 0 && (size_t)-n > m->pos)
		n = -(OPJ_OFF_T)m->pos;
	if (n > 0 && (size_t)n > m->len - m->pos)
		n = (OPJ_OFF_T)(m->len - m->pos);
	m->pos = (size_t)((OPJ_OFF_T)m->pos + n);
	return n;
}

static OPJ_BOOL mem_seek(OPJ_OFF_T n, void *user)
{
	struct mem_stream *m = user;

	if (n < 0 || (size_t)n > m->len)
		return OPJ_FALSE;
	m->pos = (size_t)n;
	return OPJ_TRUE;
}

static void opj_msg(const char *msg, void *user)
{
	char *buf = user;
	size_t n;

	if (buf[0])
		return;		/* keep the first error */
	snprintf(buf, 160, "%s", msg);
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
}

static void opj_quiet(const char *msg, void *user)
{
	(void)msg;
	(void)user;
}

/* A component's sample scaled to 0..255. */
static unsigned int opj_sample(const opj_image_comp_t *c, size_t i)
{
	long long v = c->data[i], max;
	unsigned int prec = c->prec ? c->prec : 8;

	if (prec > 31)
		prec = 31;
	max = (1ll << prec) - 1;
	if (c->sgnd)
		v += 1ll << (prec - 1);
	v = v < 0 ? 0 : v > max ? max : v;
	return (unsigned int)((v * 255 + max / 2) / max);
}

static int decode_jp2(const uint8_t *data, size_t len, int jp2,
		      struct mncr_face_image *out, char *err, size_t err_len)
{
	struct mem_stream m = { data, len, 0 };
	opj_dparameters_t params;
	opj_stream_t *stream = NULL;
	opj_codec_t *codec = NULL;
	opj_image_t *image = NULL;
	const opj_image_comp_t *c0;
	struct mncr_j2k_siz siz;
	char msg[160] = "";
	int ret = 0, rgb;

	memset(out, 0, sizeof(*out));
	if (!mncr_j2k_siz_read(data, len, jp2, &siz) &&
	    (!size_ok(siz.width, siz.height) || siz.tiles > JP2_MAX_TILES))
		return mncr_face_seterr(err, err_len, -EFBIG,
					"JPEG 2000: size %ux%u in %llu tiles",
					siz.width, siz.height,
					(unsigned long long)siz.tiles);
	stream = opj_stream_create(65536, OPJ_TRUE);
	codec = opj_create_decompress(jp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K);
	if (!stream || !codec) {
		ret = mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
		goto out;
	}
	opj_stream_set_user_data(stream, &m, NULL);
	opj_stream_set_user_data_length(stream, len);
	opj_stream_set_read_function(stream, mem_read);
	opj_stream_set_skip_function(stream, mem_skip);
	opj_stream_set_seek_function(stream, mem_seek);
	opj_set_error_handler(codec, opj_msg, msg);
	opj_set_warning_handler(codec, opj_quiet, NULL);
	opj_set_info_handler(codec, opj_quiet, NULL);
	opj_set_default_decoder_parameters(&params);
	if (!opj_setup_decoder(codec, &params) ||
	    !opj_read_header(stream, codec, &image) || !image) {
		ret = mncr_face_seterr(err, err_len, -EINVAL, "JPEG 2000: header: %s",
			     msg[0] ? msg : "unreadable");
		goto out;
	}
	if (image->numcomps < 1 || !size_ok(image->comps[0].w, image->comps[0].h) ||
	    !size_ok((long long)image->x1 - image->x0, (long long)image->y1 - image->y0)) {
		ret = mncr_face_seterr(err, err_len, -EFBIG, "JPEG 2000: %u components, size %ux%u",
			     image->numcomps, image->x1 - image->x0,
			     image->y1 - image->y0);
		goto out;
	}
	/*
	 * Decode only the components used (luma from the first three, else
	 * the first), and only within a memory budget: a header of a few
	 * bytes may declare gigabytes of samples.
	 */
	rgb = image->numcomps >= 3 && image->color_space != OPJ_CLRSPC_SYCC &&
	      image->color_space != OPJ_CLRSPC_GRAY;
	{
		static const OPJ_UINT32 comps[3] = { 0, 1, 2 };
		long long samples = 0;

		for (int i = 0; i < (rgb ? 3 : 1); i++)
			samples += (long long)image->comps[i].w * image->comps[i].h;
		if (samples > JP2_MAX_SAMPLES) {
			ret = mncr_face_seterr(err, err_len, -EFBIG,
					       "JPEG 2000: %u components of %ux%u: too large to decode",
					       image->numcomps, image->x1 - image->x0,
					       image->y1 - image->y0);
			goto out;
		}
		if (!opj_set_decoded_components(codec, rgb ? 3 : 1, comps, OPJ_FALSE)) {
			ret = mncr_face_seterr(err, err_len, -EINVAL, "JPEG 2000: %s",
					       msg[0] ? msg : "components");
			goto out;
		}
	}
	if (!opj_decode(codec, stream, image) ||
	    !opj_end_decompress(codec, stream)) {
		ret = mncr_face_seterr(err, err_len, -EINVAL, "JPEG 2000: %s",
			     msg[0] ? msg : "decoding failed");
		goto out;
	}
	c0 = &image->comps[0];
	if (!c0->data || !size_ok(c0->w, c0->h)) {
		ret = mncr_face_seterr(err, err_len, -EINVAL, "JPEG 2000: no image data");
		goto out;
	}
	/* three full-size components in RGB: luma; otherwise component 0 */
	for (int i = 1; rgb && i < 3; i++)
		rgb = image->comps[i].w == c0->w && image->comps[i].h == c0->h &&
		      image->comps[i].data;
	ret = mncr_face_image_alloc(out, (int)c0->w, (int)c0->h);
	if (ret) {
		ret = mncr_face_seterr(err, err_len, ret, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < (size_t)c0->w * c0->h; i++)
		out->px[i] = rgb ? luma(opj_sample(&image->comps[0], i),
					opj_sample(&image->comps[1], i),
					opj_sample(&image->comps[2], i))
				 : (uint8_t)opj_sample(c0, i);
out:
	if (image)
		opj_image_destroy(image);
	if (codec)
		opj_destroy_codec(codec);
	if (stream)
		opj_stream_destroy(stream);
	return ret;
}

int mncr_face_image_decode(const uint8_t *data, size_t len,
			   struct mncr_face_image *out, char *err,
			   size_t err_len)
{
	static const uint8_t png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	static const uint8_t jp2_sig[12] = { 0, 0, 0, 12, 'j', 'P', ' ', ' ',
					     '\r', '\n', 0x87, '\n' };
	static const uint8_t j2k_sig[4] = { 0xff, 0x4f, 0xff, 0x51 };

	if (!out)
		return mncr_face_seterr(err, err_len, -EINVAL, "invalid argument");
	memset(out, 0, sizeof(*out));
	if (!data || len < 4)
		return mncr_face_seterr(err, err_len, -EINVAL, "image too short");
	if (data[0] == 'P' && (data[1] == '5' || data[1] == '6'))
		return decode_pnm(data, len, out, err, err_len);
	if (len >= 8 && !memcmp(data, png_sig, 8))
		return decode_png(data, len, out, err, err_len);
	if (data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
		return decode_jpeg(data, len, out, err, err_len);
	if (len >= 12 && !memcmp(data, jp2_sig, 12))
		return decode_jp2(data, len, 1, out, err, err_len);
	if (!memcmp(data, j2k_sig, 4))
		return decode_jp2(data, len, 0, out, err, err_len);
	return mncr_face_seterr(err, err_len, -ENOTSUP,
		      "unknown image format (PGM, PNG, JPEG, JPEG 2000 expected)");
}

int mncr_face_image_load(const char *path, struct mncr_face_image *out,
			 char *err, size_t err_len)
{
	uint8_t *data;
	size_t len;
	char why[200];
	int ret;

	if (!out)
		return mncr_face_seterr(err, err_len, -EINVAL, "invalid argument");
	memset(out, 0, sizeof(*out));
	if (!path)
		return mncr_face_seterr(err, err_len, -EINVAL, "invalid argument");
	ret = mncr_face_read_file(path, MAX_FILE, &data, &len);
	if (ret)
		return mncr_face_seterr(err, err_len, ret, "%s: %s", path, strerror(-ret));
	ret = mncr_face_image_decode(data, len, out, why, sizeof(why));
	free(data);
	if (ret)
		return mncr_face_seterr(err, err_len, ret, "%s: %s", path, why);
	return 0;
}
