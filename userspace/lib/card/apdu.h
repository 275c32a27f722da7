/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ISO/IEC 7816-4 command and response APDUs, independent of the transport:
 * building and parsing CASE 1-4 in short and extended form, status words,
 * and the exchange rules every transport needs (61xx GET RESPONSE chaining,
 * 6Cxx re-send with the right Le) over a transmit callback, plus SELECT and
 * READ BINARY. The CCID transport and the card emulator both plug in as
 * the callback.
 */
#ifndef MNCR_APDU_H
#define MNCR_APDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MNCR_APDU_SHORT_MAX	256	/* Lc 255, Le 256 (encoded 00) */
#define MNCR_APDU_EXT_MAX	65536	/* Lc 65535, Le 65536 (0000) */
#define MNCR_APDU_CMD_MAX	(4 + 3 + 65535 + 2)
#define MNCR_APDU_RESP_MAX	(MNCR_APDU_EXT_MAX + 2)

/* Status words used by name. */
#define MNCR_SW_OK		0x9000
#define MNCR_SW_EOF		0x6282	/* end of file before Le bytes */
#define MNCR_SW_WRONG_LENGTH	0x6700
#define MNCR_SW_SECURITY	0x6982	/* security status not satisfied */
#define MNCR_SW_BLOCKED		0x6983	/* authentication method blocked */
#define MNCR_SW_REF_UNUSABLE	0x6984	/* reference data not usable */
#define MNCR_SW_CONDITIONS	0x6985
#define MNCR_SW_NO_EF		0x6986	/* command not allowed, no current EF */
#define MNCR_SW_WRONG_DATA	0x6A80
#define MNCR_SW_NOT_FOUND	0x6A82
#define MNCR_SW_WRONG_P1P2	0x6A86
#define MNCR_SW_REF_NOT_FOUND	0x6A88
#define MNCR_SW_WRONG_OFFSET	0x6B00
#define MNCR_SW_INS		0x6D00
#define MNCR_SW_CLA		0x6E00
#define MNCR_SW_NO_DIAG		0x6F00

/*
 * A command. lc is the data length (0 = no data); le the expected response
 * length: 0 = no Le field, 1..256 short, up to 65536 extended. The extended
 * form is used when lc > 255, le > 256 or extended is set.
 */
struct mncr_apdu {
	uint8_t cla, ins, p1, p2;
	const uint8_t *data;
	size_t lc;
	size_t le;
	bool extended;
};

/* Encoded size of cmd, or 0 if it cannot be encoded. */
size_t mncr_apdu_size(const struct mncr_apdu *cmd);
/* Encodes cmd; -EINVAL if it cannot be encoded, -ENOSPC if cap is short. */
int mncr_apdu_build(const struct mncr_apdu *cmd, uint8_t *out, size_t cap,
		    size_t *n);
/*
 * Decodes a command (ISO/IEC 7816-3 12.1.3 rules); cmd->data points into
 * buf. -EBADMSG when the bytes are no valid case.
 */
int mncr_apdu_parse_command(const uint8_t *buf, size_t n,
			    struct mncr_apdu *cmd);
/* Splits a response into data and SW1SW2; -EBADMSG if n < 2. */
int mncr_apdu_parse_response(const uint8_t *buf, size_t n,
			     const uint8_t **data, size_t *len, uint16_t *sw);

/*
 * Commands that carry a PIN or 照合番号 (VERIFY, CHANGE REFERENCE DATA,
 * RESET RETRY COUNTER, JICSAP CHANGE KEY): a transport trace must not show
 * their data.
 */
bool mncr_apdu_is_secret(const uint8_t *cmd, size_t n);

/*
 * Status words. errno: 0 for 9000 and 6282; -EKEYREJECTED wrong PIN with
 * tries left (63Cx, x > 0); -EPERM blocked or not set (63C0, 6983, 6984);
 * -EACCES security status or conditions not satisfied (6982, 6985);
 * -ENOENT file or reference not found (6A82, 6A83, 6A88); -EINVAL the card
 * rejected parameters or length (67xx, 6A80, 6A86, 6B00, 6986 ...);
 * -EOPNOTSUPP INS or CLA not supported (6D00, 6E00, 6881, 6882); -EIO memory
 * or integrity errors (62xx, 64xx, 65xx); -EPROTO anything else.
 */
int mncr_apdu_sw_errno(uint16_t sw);
/* An English phrase for logs and technicians; never NULL. */
const char *mncr_apdu_sw_text(uint16_t sw);
/* Tries left from 63Cx, or -1 for any other status word. */
int mncr_apdu_sw_tries(uint16_t sw);

/*
 * The transport. transmit sends one command and stores the response
 * (data and SW1SW2) in resp; *resp_len holds the room on entry and the
 * response length on return. It returns 0 or -errno (no card, I/O error).
 * Transports must not keep copies of commands: they may hold a PIN.
 */
typedef int (*mncr_apdu_transmit_fn)(void *ctx, const uint8_t *cmd, size_t n,
				     uint8_t *resp, size_t *resp_len);

struct mncr_apdu_io {
	mncr_apdu_transmit_fn transmit;
	void *ctx;
	/* Largest Le to ask for: 0 or <= 256 short APDUs only, else extended. */
	size_t max_le;
};

/*
 * Sends cmd and collects the whole response: on 61xx it fetches the rest
 * with GET RESPONSE, on 6Cxx it sends cmd again with Le = xx (once per
 * command, and never for a command carrying a secret: -EPROTO instead, as
 * the card may have counted the first try). *sw is the last status word. Returns 0 whatever the status
 * word; -EMSGSIZE if the data exceed cap, -EPROTO if the card breaks the
 * exchange rules, or the transport's -errno. The encoded command is wiped.
 */
int mncr_apdu_transceive(const struct mncr_apdu_io *io,
			 const struct mncr_apdu *cmd, uint8_t *resp,
			 size_t cap, size_t *resp_len, uint16_t *sw);

/* Transceive and map the status word with mncr_apdu_sw_errno(). */
int mncr_apdu_run(const struct mncr_apdu_io *io, const struct mncr_apdu *cmd,
		  uint8_t *resp, size_t cap, size_t *resp_len, uint16_t *sw);

/* SELECT by DF name (00 A4 04 0C) and by file identifier (00 A4 02 0C). */
int mncr_apdu_select_aid(const struct mncr_apdu_io *io, const uint8_t *aid,
			 size_t len);
int mncr_apdu_select_fid(const struct mncr_apdu_io *io, uint16_t fid);

/*
 * READ BINARY of n bytes from offset of the current EF, in chunks of the
 * largest Le the io allows. Stops early at the end of the file (short
 * chunk, 6282, 6B00 after some data); *got says how much was read.
 * Offsets stay below 32768 (P1 bit 8 means SFI): -EFBIG beyond.
 */
int mncr_apdu_read_binary(const struct mncr_apdu_io *io, size_t offset,
			  uint8_t *buf, size_t n, size_t *got);

/*
 * Reads the current EF as one BER-TLV object with this outer tag: reads
 * its first bytes, finds the tag (allowing MNCR_TLV_MAX_LEAD junk bytes
 * before it), then reads exactly the object. *obj is malloc'd and holds
 * the object from its tag on, *len bytes. -EFBIG if it exceeds max,
 * -EBADMSG if the file is not such an object or ends early. Free with
 * mncr_apdu_free_secret() when it holds personal data.
 */
int mncr_apdu_read_tlv_ef(const struct mncr_apdu_io *io, uint32_t tag,
			  size_t max, uint8_t **obj, size_t *len);

/* Wipes then frees a buffer (personal data read from a card). */
void mncr_apdu_free_secret(void *buf, size_t len);

#endif
