/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TF.js weights: a manifest (JSON list of groups, each with "paths", the
 * shard files concatenated in order, and "weights", the tensors stored back
 * to back in them) and its binary shards. Tensors are float32 (raw, little
 * endian) or quantised: uint8 / uint16 value = q * scale + min, or float16.
 * Everything is dequantised to float at load. Files are checked against
 * SHA-256 sums given by the caller (OpenSSL EVP) before they are parsed.
 */
#ifndef MNCR_FACE_MODEL_H
#define MNCR_FACE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#define MNCR_FACE_MAX_DIMS 4
#define MNCR_FACE_MAX_FILE (256u << 20)	/* largest manifest or shard */

struct mncr_face_weight {
	char *name;
	int ndim;
	size_t shape[MNCR_FACE_MAX_DIMS];
	size_t count;		/* product of shape, 1 for a scalar */
	float *data;		/* count floats */
};

struct mncr_face_weights {
	size_t n;
	struct mncr_face_weight *w;
};

/* An expected file: base name as in the manifest, 64 hex digits. */
struct mncr_face_checksum {
	const char *file;
	const char *sha256;
};

/*
 * Loads a manifest and its shards (paths relative to the manifest's
 * directory, plain file names only). With sums, every file read must be
 * listed and match (-EBADMSG otherwise); sums NULL checks nothing.
 * Returns 0 or -errno (-ENOENT, -EIO, -EBADMSG for a checksum mismatch,
 * -EINVAL for a malformed manifest or a shard of the wrong size, -ENOMEM),
 * with a message in err when err is not NULL. *out is left empty on error.
 */
int mncr_face_weights_load(struct mncr_face_weights *out,
			   const char *manifest_path,
			   const struct mncr_face_checksum *sums, size_t n_sums,
			   char *err, size_t err_len);

/* The same for the manifest file name in a model directory (NULL: -EINVAL). */
int mncr_face_weights_load_in(struct mncr_face_weights *out, const char *dir,
			      const char *manifest,
			      const struct mncr_face_checksum *sums,
			      size_t n_sums, char *err, size_t err_len);

/*
 * The same from memory: manifest text and the concatenated shards (no
 * checksums, no files).
 */
int mncr_face_weights_parse(struct mncr_face_weights *out,
			    const char *manifest, size_t manifest_len,
			    const uint8_t *bin, size_t bin_len,
			    char *err, size_t err_len);

void mncr_face_weights_free(struct mncr_face_weights *w);

/*
 * The tensor called name whose shape is exactly dims[0..ndim-1]: pointer to
 * its data, or NULL with a message in err (missing, or other shape).
 */
const float *mncr_face_weights_get(const struct mncr_face_weights *w,
				   const char *name, int ndim,
				   const size_t *dims, char *err,
				   size_t err_len);

/* value[i] = q[i] * scale + min, computed in double as TF.js does. */
void mncr_face_dequantize_u8(const uint8_t *q, size_t n, double scale,
			     double min, float *out);
/* IEEE 754 half (binary16) to float, subnormals, infinities and NaN too. */
float mncr_face_half_to_float(uint16_t h);

/* SHA-256 of len bytes as 64 lower-case hex digits and a NUL. */
int mncr_face_sha256_hex(const void *data, size_t len, char hex[65]);

/*
 * Reads a whole file (at most max bytes) into a malloc'ed buffer with a NUL
 * after its end. Returns 0 or -errno (-EFBIG when larger than max).
 */
int mncr_face_read_file(const char *path, size_t max, uint8_t **data,
			size_t *len);

#endif
