// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "util/json_read.h"
#include "face/face_err.h"
#include "face/face_model.h"

#define MAX_DIM 0x7fffffffull
#define MAX_TENSORS 100000u

void mncr_face_dequantize_u8(const uint8_t *q, size_t n, double scale,
			     double min, float *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (float)((double)q[i] * scale + min);
}

float mncr_face_half_to_float(uint16_t h)
{
	uint32_t sign = (uint32_t)(h >> 15) << 31;
	uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ff, bits;
	float f;

	if (exp == 0x1f) {
		bits = sign | 0x7f800000u | (mant << 13);
	} else if (exp != 0) {
		bits = sign | ((exp + 112) << 23) | (mant << 13);
	} else if (mant == 0) {
		bits = sign;
	} else {
		/* subnormal: normalise the mantissa */
		exp = 113;
		while (!(mant & 0x400)) {
			mant <<= 1;
			exp--;
		}
		bits = sign | (exp << 23) | ((mant & 0x3ff) << 13);
	}
	memcpy(&f, &bits, sizeof(f));
	return f;
}

int mncr_face_sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;

	if (!EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) ||
	    md_len != 32)
		return -EIO;
	for (unsigned int i = 0; i < md_len; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[64] = '\0';
	return 0;
}

int mncr_face_read_file(const char *path, size_t max, uint8_t **data,
			size_t *len)
{
	struct stat st;
	uint8_t *buf;
	size_t size, got = 0;
	int fd, ret;

	*data = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		goto out;
	}
	if (st.st_size < 0 || (unsigned long long)st.st_size > max) {
		ret = -EFBIG;
		goto out;
	}
	size = (size_t)st.st_size;
	buf = malloc(size + 1);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;	/* shrank meanwhile */
			free(buf);
			goto out;
		}
		got += (size_t)n;
	}
	buf[size] = '\0';
	*data = buf;
	*len = size;
	ret = 0;
out:
	close(fd);
	return ret;
}

void mncr_face_weights_free(struct mncr_face_weights *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++) {
		free(w->w[i].name);
		free(w->w[i].data);
	}
	free(w->w);
	w->w = NULL;
	w->n = 0;
}

enum qtype { Q_NONE, Q_U8, Q_U16, Q_F16 };

/* Reads one tensor description (not its data). */
static int parse_tensor(const struct json_object *t, size_t idx,
			struct mncr_face_weight *out, enum qtype *qt,
			double *scale, double *min, int *is_int,
			char *err, size_t err_len)
{
	const struct json_object *shape, *q;
	const char *name = mncr_json_value_str(mncr_json_value_get(t, "name"));
	const char *dtype = mncr_json_value_str(mncr_json_value_get(t, "dtype"));

	if (!name || !*name)
		return mncr_face_seterr(err, err_len, -EINVAL,
			      "tensor %zu: no \"name\" string", idx);
	if (!dtype || (strcmp(dtype, "float32") && strcmp(dtype, "int32")))
		return mncr_face_seterr(err, err_len, -EINVAL,
			      "%s: dtype %s not supported (float32, int32)",
			      name, dtype ? dtype : "missing");
	*is_int = strcmp(dtype, "int32") == 0;
	shape = mncr_json_value_get(t, "shape");
	if (!shape || !json_object_is_type(shape, json_type_array) ||
	    mncr_json_value_len(shape) > MNCR_FACE_MAX_DIMS)
		return mncr_face_seterr(err, err_len, -EINVAL,
			      "%s: \"shape\" must be a list of at most %d sizes",
			      name, MNCR_FACE_MAX_DIMS);
	out->ndim = (int)mncr_json_value_len(shape);
	out->count = 1;
	for (size_t d = 0; d < mncr_json_value_len(shape); d++) {
		unsigned long long v;

		if (mncr_json_value_uint(mncr_json_value_at(shape, d), MAX_DIM, &v) || !v)
			return mncr_face_seterr(err, err_len, -EINVAL,
				      "%s: dimension %zu is not an integer in 1..%llu",
				      name, d, MAX_DIM);
		out->shape[d] = (size_t)v;
		/* each factor < 2^31 and at most 4 of them: check the total */
		if (out->count > (SIZE_MAX / 4) / (size_t)v)
			return mncr_face_seterr(err, err_len, -EINVAL,
				      "%s: too many values", name);
		out->count *= (size_t)v;
	}
	q = mncr_json_value_get(t, "quantization");
	*qt = Q_NONE;
	if (q) {
		const char *qd = mncr_json_value_str(mncr_json_value_get(q, "dtype"));
		const struct json_object *s = mncr_json_value_get(q, "scale");
		const struct json_object *m = mncr_json_value_get(q, "min");

		if (!json_object_is_type(q, json_type_object) || !qd)
			return mncr_face_seterr(err, err_len, -EINVAL,
				      "%s: \"quantization\" needs a dtype", name);
		if (*is_int)
			return mncr_face_seterr(err, err_len, -EINVAL,
				      "%s: quantised int32 not supported", name);
		if (!strcmp(qd, "uint8"))
			*qt = Q_U8;
		else if (!strcmp(qd, "uint16"))
			*qt = Q_U16;
		else if (!strcmp(qd, "float16"))
			*qt = Q_F16;
		else
			return mncr_face_seterr(err, err_len, -EINVAL,
				      "%s: quantisation %s not supported", name, qd);
		if (*qt != Q_F16) {
			if (mncr_json_value_number(s, scale) ||
			    mncr_json_value_number(m, min))
				return mncr_face_seterr(err, err_len, -EINVAL,
					      "%s: quantisation needs numbers \"scale\" and \"min\"",
					      name);
		}
	}
	out->name = strdup(name);
	if (!out->name)
		return mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
	return 0;
}

static size_t elem_size(enum qtype qt)
{
	return qt == Q_U8 ? 1 : qt == Q_NONE ? 4 : 2;
}

static void decode(const uint8_t *src, struct mncr_face_weight *w,
		   enum qtype qt, double scale, double min, int is_int)
{
	size_t n = w->count;

	switch (qt) {
	case Q_U8:
		mncr_face_dequantize_u8(src, n, scale, min, w->data);
		break;
	case Q_U16:
		for (size_t i = 0; i < n; i++) {
			unsigned int q = src[2 * i] | (unsigned int)src[2 * i + 1] << 8;

			w->data[i] = (float)((double)q * scale + min);
		}
		break;
	case Q_F16:
		for (size_t i = 0; i < n; i++)
			w->data[i] = mncr_face_half_to_float(
				(uint16_t)(src[2 * i] | src[2 * i + 1] << 8));
		break;
	case Q_NONE:
		for (size_t i = 0; i < n; i++) {
			uint32_t bits = (uint32_t)src[4 * i] |
					(uint32_t)src[4 * i + 1] << 8 |
					(uint32_t)src[4 * i + 2] << 16 |
					(uint32_t)src[4 * i + 3] << 24;

			if (is_int) {
				int32_t v;

				memcpy(&v, &bits, sizeof(v));
				w->data[i] = (float)v;
			} else {
				memcpy(&w->data[i], &bits, sizeof(float));
			}
		}
		break;
	}
}

/*
 * Parses the manifest and decodes the tensors from bin. group_sizes, when
 * not NULL, gives each group's shard bytes (n_groups entries) so a size
 * error names the group; otherwise the groups simply follow one another.
 */
static int parse_all(struct mncr_face_weights *out, const char *manifest,
		     size_t manifest_len, const uint8_t *bin, size_t bin_len,
		     const size_t *group_sizes, const char *what,
		     char *err, size_t err_len)
{
	struct json_object *root;
	char jerr[160];
	size_t total = 0, pos = 0;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	root = mncr_json_value_parse(manifest, manifest_len, jerr, sizeof(jerr));
	if (!root)
		return mncr_face_seterr(err, err_len, errno == ENOMEM ? -ENOMEM : -EINVAL,
			      "manifest: %s", jerr);
	if (!json_object_is_type(root, json_type_array) || mncr_json_value_len(root) == 0) {
		ret = mncr_face_seterr(err, err_len, -EINVAL,
			     "manifest: not a non-empty list of weight groups");
		goto out;
	}
	for (size_t g = 0; g < mncr_json_value_len(root); g++) {
		const struct json_object *ws = mncr_json_value_get(mncr_json_value_at(root, g),
								     "weights");

		if (!ws || !json_object_is_type(ws, json_type_array)) {
			ret = mncr_face_seterr(err, err_len, -EINVAL,
				     "manifest: group %zu has no \"weights\" list", g);
			goto out;
		}
		total += mncr_json_value_len(ws);
	}
	if (total == 0 || total > MAX_TENSORS) {
		ret = mncr_face_seterr(err, err_len, -EINVAL,
			     "manifest: %zu tensors (1..%u expected)", total,
			     MAX_TENSORS);
		goto out;
	}
	out->w = calloc(total, sizeof(*out->w));
	if (!out->w) {
		ret = mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
		goto out;
	}
	for (size_t g = 0; g < mncr_json_value_len(root); g++) {
		const struct json_object *ws = mncr_json_value_get(mncr_json_value_at(root, g),
								     "weights");
		size_t group_start = pos;
		/* with known shard sizes a group may not spill into the next */
		size_t limit = group_sizes ? pos + group_sizes[g] : bin_len;

		for (size_t i = 0; i < mncr_json_value_len(ws); i++) {
			struct mncr_face_weight *w = &out->w[out->n];
			double scale = 0, min = 0;
			enum qtype qt = Q_NONE;
			int is_int = 0;
			size_t bytes;

			ret = parse_tensor(mncr_json_value_at(ws, i), out->n, w, &qt, &scale,
					   &min, &is_int, err, err_len);
			if (ret) {
				free(w->name);
				w->name = NULL;
				goto out;
			}
			out->n++;
			for (size_t j = 0; j + 1 < out->n; j++) {
				if (!strcmp(out->w[j].name, w->name)) {
					ret = mncr_face_seterr(err, err_len, -EINVAL,
						     "manifest: tensor %s twice",
						     w->name);
					goto out;
				}
			}
			bytes = w->count * elem_size(qt);
			if (limit > bin_len || bytes > limit - pos) {
				ret = mncr_face_seterr(err, err_len, -EINVAL,
					     "%s: %zu bytes, too short for tensor %s (needs %zu more bytes at offset %zu, %zu left): truncated?",
					     what, limit - group_start, w->name,
					     bytes, pos, limit - pos);
				goto out;
			}
			w->data = malloc(w->count * sizeof(float));
			if (!w->data) {
				ret = mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
				goto out;
			}
			decode(bin + pos, w, qt, scale, min, is_int);
			pos += bytes;
		}
		if (group_sizes && pos - group_start != group_sizes[g]) {
			ret = mncr_face_seterr(err, err_len, -EINVAL,
				     "%s: group %zu holds %zu bytes, its tensors need %zu",
				     what, g, group_sizes[g], pos - group_start);
			goto out;
		}
	}
	if (pos != bin_len)
		ret = mncr_face_seterr(err, err_len, -EINVAL,
			     "%s: %zu bytes, the tensors need %zu (%zu bytes left over)",
			     what, bin_len, pos, bin_len - pos);
out:
	json_object_put(root);
	if (ret)
		mncr_face_weights_free(out);
	return ret;
}

int mncr_face_weights_parse(struct mncr_face_weights *out,
			    const char *manifest, size_t manifest_len,
			    const uint8_t *bin, size_t bin_len,
			    char *err, size_t err_len)
{
	if (!out || !manifest || (!bin && bin_len))
		return mncr_face_seterr(err, err_len, -EINVAL, "invalid argument");
	if (!bin)
		bin = (const uint8_t *)"";
	return parse_all(out, manifest, manifest_len, bin, bin_len, NULL,
			 "weights", err, err_len);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Checks data against sums (by file's base name). */
static int verify(const char *path, const uint8_t *data, size_t len,
		  const struct mncr_face_checksum *sums, size_t n_sums,
		  char *err, size_t err_len)
{
	const char *name = base_name(path);
	char hex[65];

	if (!sums)
		return 0;
	for (size_t i = 0; i < n_sums; i++) {
		if (strcmp(sums[i].file, name))
			continue;
		if (mncr_face_sha256_hex(data, len, hex))
			return mncr_face_seterr(err, err_len, -EIO, "%s: SHA-256 failed", path);
		if (strcasecmp(hex, sums[i].sha256))
			return mncr_face_seterr(err, err_len, -EBADMSG,
				      "%s: sha256 %s, expected %s (corrupt or other version: run scripts/fetch-models)",
				      path, hex, sums[i].sha256);
		return 0;
	}
	return mncr_face_seterr(err, err_len, -EBADMSG, "%s: no checksum known for it",
		      path);
}

static int read_checked(const char *path, const struct mncr_face_checksum *sums,
			size_t n_sums, uint8_t **data, size_t *len,
			char *err, size_t err_len)
{
	int ret = mncr_face_read_file(path, MNCR_FACE_MAX_FILE, data, len);

	if (ret)
		return mncr_face_seterr(err, err_len, ret, "%s: %s%s", path, strerror(-ret),
			      ret == -ENOENT ? " (run scripts/fetch-models)" : "");
	ret = verify(path, *data, *len, sums, n_sums, err, err_len);
	if (ret) {
		free(*data);
		*data = NULL;
	}
	return ret;
}

int mncr_face_weights_load(struct mncr_face_weights *out,
			   const char *manifest_path,
			   const struct mncr_face_checksum *sums, size_t n_sums,
			   char *err, size_t err_len)
{
	struct json_object *root = NULL;
	const struct json_object *shards;
	uint8_t *manifest = NULL, *bin = NULL;
	size_t manifest_len, bin_len = 0, *group_sizes = NULL, dir_len;
	const char *slash;
	char path[4096], jerr[160];
	int ret;

	if (!out || !manifest_path)
		return mncr_face_seterr(err, err_len, -EINVAL, "invalid argument");
	memset(out, 0, sizeof(*out));
	ret = read_checked(manifest_path, sums, n_sums, &manifest,
			   &manifest_len, err, err_len);
	if (ret)
		return ret;
	/* A first pass for the shard names; parse_all checks the rest. */
	root = mncr_json_value_parse((char *)manifest, manifest_len, jerr,
				    sizeof(jerr));
	if (!root) {
		ret = mncr_face_seterr(err, err_len, errno == ENOMEM ? -ENOMEM : -EINVAL,
			     "%s: %s", manifest_path, jerr);
		goto out;
	}
	if (!json_object_is_type(root, json_type_array) || mncr_json_value_len(root) == 0) {
		ret = mncr_face_seterr(err, err_len, -EINVAL,
			     "%s: not a non-empty list of weight groups",
			     manifest_path);
		goto out;
	}
	group_sizes = calloc(mncr_json_value_len(root), sizeof(*group_sizes));
	if (!group_sizes) {
		ret = mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
		goto out;
	}
	slash = strrchr(manifest_path, '/');
	dir_len = slash ? (size_t)(slash - manifest_path + 1) : 0;
	for (size_t g = 0; g < mncr_json_value_len(root); g++) {
		const struct json_object *paths =
			mncr_json_value_get(mncr_json_value_at(root, g), "paths");

		if (!paths || !json_object_is_type(paths, json_type_array) || !mncr_json_value_len(paths)) {
			ret = mncr_face_seterr(err, err_len, -EINVAL,
				     "%s: group %zu has no \"paths\" list",
				     manifest_path, g);
			goto out;
		}
		for (size_t i = 0; i < mncr_json_value_len(paths); i++) {
			const char *name = mncr_json_value_str(mncr_json_value_at(paths, i));
			uint8_t *shard, *nbin;
			size_t shard_len;

			if (!name || !*name || strchr(name, '/') ||
			    !strcmp(name, ".") || !strcmp(name, "..")) {
				ret = mncr_face_seterr(err, err_len, -EINVAL,
					     "%s: group %zu: shard path must be a plain file name",
					     manifest_path, g);
				goto out;
			}
			if (dir_len + strlen(name) >= sizeof(path)) {
				ret = mncr_face_seterr(err, err_len, -ENAMETOOLONG,
					     "%s: path too long", manifest_path);
				goto out;
			}
			memcpy(path, manifest_path, dir_len);
			strcpy(path + dir_len, name);
			ret = read_checked(path, sums, n_sums, &shard, &shard_len,
					   err, err_len);
			if (ret)
				goto out;
			if (shard_len > MNCR_FACE_MAX_FILE * 4ull - bin_len) {
				free(shard);
				ret = mncr_face_seterr(err, err_len, -EFBIG,
					     "%s: shards too large", manifest_path);
				goto out;
			}
			nbin = realloc(bin, bin_len + shard_len + 1);
			if (!nbin) {
				free(shard);
				ret = mncr_face_seterr(err, err_len, -ENOMEM, "out of memory");
				goto out;
			}
			bin = nbin;
			memcpy(bin + bin_len, shard, shard_len);
			bin_len += shard_len;
			group_sizes[g] += shard_len;
			free(shard);
		}
	}
	/* Error messages name the only shard when there is one. */
	shards = mncr_json_value_get(mncr_json_value_at(root, 0), "paths");
	if (mncr_json_value_len(root) == 1 && mncr_json_value_len(shards) == 1)
		snprintf(path, sizeof(path), "%.*s%s", (int)dir_len, manifest_path,
			 mncr_json_value_str(mncr_json_value_at(shards, 0)));
	else
		snprintf(path, sizeof(path), "%s (shards)", manifest_path);
	ret = parse_all(out, (char *)manifest, manifest_len,
			bin ? bin : (const uint8_t *)"", bin_len, group_sizes,
			path, err, err_len);
out:
	json_object_put(root);
	free(group_sizes);
	free(manifest);
	free(bin);
	return ret;
}

int mncr_face_weights_load_in(struct mncr_face_weights *out, const char *dir,
			      const char *manifest,
			      const struct mncr_face_checksum *sums,
			      size_t n_sums, char *err, size_t err_len)
{
	char path[4096];

	if (!out || !manifest)
		return mncr_face_seterr(err, err_len, -EINVAL, "no manifest");
	memset(out, 0, sizeof(*out));
	if (!dir)
		return mncr_face_seterr(err, err_len, -EINVAL, "no model directory");
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, manifest) >= sizeof(path))
		return mncr_face_seterr(err, err_len, -ENAMETOOLONG,
					"model directory name too long (%zu bytes)",
					strlen(dir));
	return mncr_face_weights_load(out, path, sums, n_sums, err, err_len);
}

const float *mncr_face_weights_get(const struct mncr_face_weights *w,
				   const char *name, int ndim,
				   const size_t *dims, char *err,
				   size_t err_len)
{
	for (size_t i = 0; w && i < w->n; i++) {
		const struct mncr_face_weight *t = &w->w[i];
		int same = t->ndim == ndim;

		if (strcmp(t->name, name))
			continue;
		for (int d = 0; same && d < ndim; d++)
			same = t->shape[d] == dims[d];
		if (!same) {
			char got[64] = "", want[64] = "";
			size_t n = 0, m = 0;

			for (int d = 0; d < t->ndim && n < sizeof(got); d++)
				n += (size_t)snprintf(got + n, sizeof(got) - n,
						      d ? ",%zu" : "%zu", t->shape[d]);
			for (int d = 0; d < ndim && m < sizeof(want); d++)
				m += (size_t)snprintf(want + m, sizeof(want) - m,
						      d ? ",%zu" : "%zu", dims[d]);
			mncr_face_seterr(err, err_len, 0, "tensor %s: shape [%s], expected [%s]",
			       name, got, want);
			return NULL;
		}
		return t->data;
	}
	mncr_face_seterr(err, err_len, 0, "tensor %s missing from the model", name);
	return NULL;
}
