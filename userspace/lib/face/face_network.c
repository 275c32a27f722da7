// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <string.h>

#include "face/face_embed.h"
#include "face/face_mfn512.h"
#include "face/face_network.h"

static const struct {
	const char *name;
	size_t dim;
} nets[MNCR_FACE_NET_COUNT] = {
	[MNCR_FACE_NET_RESNET] = { "resnet", MNCR_FACE_EMBED_DIM },
	[MNCR_FACE_NET_MFN512] = { "mfn512", MNCR_FACE_MFN512_DIM },
};

_Static_assert(MNCR_FACE_MFN512_DIM <= MNCR_FACE_TEMPLATE_MAX &&
	       MNCR_FACE_EMBED_DIM <= MNCR_FACE_TEMPLATE_MAX,
	       "templates fit the MATCH ioctl");

static int valid(enum mncr_face_network n)
{
	return (unsigned)n < MNCR_FACE_NET_COUNT;
}

const char *mncr_face_network_name(enum mncr_face_network n)
{
	return valid(n) ? nets[n].name : "?";
}

int mncr_face_network_parse(const char *name, enum mncr_face_network *n)
{
	for (int i = 0; name && i < MNCR_FACE_NET_COUNT; i++) {
		if (!strcmp(name, nets[i].name)) {
			*n = (enum mncr_face_network)i;
			return 0;
		}
	}
	return -EINVAL;
}

size_t mncr_face_network_dim(enum mncr_face_network n)
{
	return valid(n) ? nets[n].dim : 0;
}
