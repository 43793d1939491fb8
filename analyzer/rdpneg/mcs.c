/*
 * mcs.c - Standard RDP Security's connect exchange in clear: X.224 Data,
 * T.125 MCS (BER connect PDUs, PER domain PDUs), T.124 GCC and the RDP
 * user data blocks, the basic security header, License Error and Set
 * Error Info (mcs.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "rdpneg/cursor.h"
#include "rdpneg/mcs.h"

#define X224_DATA_HEADER	7	/* TPKT 4 + LI, DT, EOT (2.2.1.3) */

/* BER tags (X.690) of T.125's connect PDUs (T.125 11). */
#define BER_BOOLEAN		0x01u
#define BER_INTEGER		0x02u
#define BER_OCTET_STRING	0x04u
#define BER_ENUMERATED		0x0au
#define BER_SEQUENCE		0x30u
#define BER_APPLICATION		0x7fu	/* high-tag-number application */

/* User data block types (2.2.1.3.1, 2.2.1.4.1). */
#define CS_CORE			0xc001u
#define CS_SECURITY		0xc002u
#define CS_NET			0xc003u
#define CS_CLUSTER		0xc004u
#define SC_CORE			0x0c01u
#define SC_SECURITY		0x0c02u
#define SC_NET			0x0c03u
#define USER_DATA_HEADER	4	/* type, length */

/* Fixed parts of blocks (2.2.1.3.2, 2.2.1.3.4.1, 2.2.1.4.3.1.1.1). */
#define CLIENT_NAME_BYTES	32
#define IME_FILE_NAME_BYTES	64
#define DIG_PRODUCT_ID_BYTES	64
#define CHANNEL_DEF_BYTES	12
#define RSA1_MAGIC		0x31415352u	/* "RSA1" */
#define CERT_TEMPORARY		0x80000000u	/* dwVersion's t bit */

/* colorDepth and postBeta2ColorDepth values (2.2.1.3.2). */
#define RNS_UD_COLOR_4BPP	0xca00u
#define RNS_UD_COLOR_8BPP	0xca01u
#define RNS_UD_COLOR_16BPP_555	0xca02u
#define RNS_UD_COLOR_16BPP_565	0xca03u
#define RNS_UD_COLOR_24BPP	0xca04u

/* The T.124 object identifier that keys ConnectData (2.2.1.3.1). */
static const uint8_t t124_oid[] = { 0x00, 0x14, 0x7c, 0x00, 0x01 };

/* ---- Cursor helpers for the nested encodings. */

/*
 * A cursor over the next n bytes of c, which must lie inside c's declared
 * end (else c fails with its short status); close_sub() then steps c over
 * them and carries a failure of sub up.
 */
static int
open_sub(struct cursor *c, size_t n, struct cursor *sub,
    enum rdpneg_status short_st)
{
	size_t avail;

	if (c->st != RDPNEG_OK)
		return 0;
	if (n > c->end - c->off) {
		c->st = c->short_st;
		return 0;
	}
	avail = c->avail - c->off;
	cur_init_short(sub, c->buf + c->off, avail < n ? avail : n, n,
	    short_st);
	return 1;
}

static void
close_sub(struct cursor *c, const struct cursor *sub)
{
	if (sub->st != RDPNEG_OK)
		cur_fail(c, sub->st);
	else
		(void)cur_skip(c, sub->end);
}

/* A BER length (X.690 8.1.3): short form, or long form of 1 or 2 bytes. */
static size_t
ber_length(struct cursor *c)
{
	uint8_t b = cur_u8(c);

	if (b < 0x80)
		return b;
	if (b == 0x81)
		return cur_u8(c);
	if (b == 0x82)
		return cur_be16(c);
	cur_fail(c, RDPNEG_ERR_MCS_BER);
	return 0;
}

/* Enter the element of this one-byte tag: sub spans its contents. */
static int
ber_enter(struct cursor *c, uint8_t tag, struct cursor *sub)
{
	size_t n;

	if (cur_u8(c) != tag) {
		cur_fail(c, RDPNEG_ERR_MCS_BER);
		return 0;
	}
	n = ber_length(c);
	return open_sub(c, n, sub, RDPNEG_ERR_MCS_BER);
}

/* Step over an element of this tag. */
static void
ber_skip(struct cursor *c, uint8_t tag)
{
	struct cursor sub;

	if (ber_enter(c, tag, &sub))
		close_sub(c, &sub);
}

/* A PER length determinant (X.691 10.9): 1 byte, or 2 with 0x80 set;
 * fragmented lengths (0xc0) are not used by RDP. */
static size_t
per_length(struct cursor *c, enum rdpneg_status bad)
{
	uint8_t b = cur_u8(c);

	if ((b & 0x80) == 0)
		return b;
	if ((b & 0xc0) == 0xc0) {
		cur_fail(c, bad);
		return 0;
	}
	return (size_t)(b & 0x3f) << 8 | cur_u8(c);
}

/* ---- Level 1. */

enum rdpneg_status
rdpneg_decode_mcs_pdu(const uint8_t *buf, size_t len,
    struct rdpneg_mcs_pdu *out)
{
	struct rdpneg_pdu pdu;
	enum rdpneg_status st;
	size_t have, end;

	memset(out, 0, sizeof(*out));
	st = rdpneg_decode_pdu(buf, len, &pdu);
	if (rdpneg_status_is_malformed(st))
		return RDPNEG_ERR_MCS_FRAME;
	if (!(pdu.have & RDPNEG_HAVE_X224))
		return st;			/* the TPKT header is cut */
	if (pdu.tpdu != RDPNEG_TPDU_DT)
		return RDPNEG_ERR_MCS_FRAME;
	out->size = pdu.size;
	end = pdu.size;
	have = len < end ? len : end;
	if (have > X224_DATA_HEADER) {
		out->data.ptr = buf + X224_DATA_HEADER;
		out->data.len = have - X224_DATA_HEADER;
		if (buf[X224_DATA_HEADER] == BER_APPLICATION) {
			/* [APPLICATION 101] or [APPLICATION 102] */
			if (have > X224_DATA_HEADER + 1 &&
			    buf[X224_DATA_HEADER + 1] == 0x65)
				out->type = RDPNEG_MCS_CONNECT_INITIAL;
			else if (have > X224_DATA_HEADER + 1 &&
			    buf[X224_DATA_HEADER + 1] == 0x66)
				out->type = RDPNEG_MCS_CONNECT_RESPONSE;
		} else
			out->type = buf[X224_DATA_HEADER] >> 2;
	}
	return st;
}

/* UTF-16LE text of n bytes (ended by a NUL unit or by n) as UTF-8 in
 * out[size], whole characters only; a lone surrogate becomes U+FFFD. */
static void
utf16_to_utf8(const uint8_t *p, size_t n, char *out, size_t size)
{
	size_t i, o = 0;
	uint32_t u, lo;
	char enc[4];
	size_t k;

	for (i = 0; i + 1 < n; i += 2) {
		u = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8;
		if (u == 0)
			break;
		if (u >= 0xd800 && u <= 0xdbff && i + 3 < n &&
		    (lo = (uint32_t)p[i + 2] | (uint32_t)p[i + 3] << 8) >=
		    0xdc00 && lo <= 0xdfff) {
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		} else if (u >= 0xd800 && u <= 0xdfff)
			u = 0xfffd;
		if (u < 0x80) {
			enc[0] = (char)u;
			k = 1;
		} else if (u < 0x800) {
			enc[0] = (char)(0xc0 | u >> 6);
			enc[1] = (char)(0x80 | (u & 0x3f));
			k = 2;
		} else if (u < 0x10000) {
			enc[0] = (char)(0xe0 | u >> 12);
			enc[1] = (char)(0x80 | (u >> 6 & 0x3f));
			enc[2] = (char)(0x80 | (u & 0x3f));
			k = 3;
		} else {
			enc[0] = (char)(0xf0 | u >> 18);
			enc[1] = (char)(0x80 | (u >> 12 & 0x3f));
			enc[2] = (char)(0x80 | (u >> 6 & 0x3f));
			enc[3] = (char)(0x80 | (u & 0x3f));
			k = 4;
		}
		if (o + k >= size)
			break;
		memcpy(out + o, enc, k);
		o += k;
	}
	out[o] = '\0';
}

/* A text field of n bytes at the cursor, UTF-16LE. */
static void
cur_utf16(struct cursor *c, size_t n, char *out, size_t size)
{
	struct rdpneg_span s;

	if (cur_span(c, n, &s))
		utf16_to_utf8(s.ptr, s.len, out, size);
}

/* CS_CORE (2.2.1.3.2): every field after imeFileName is optional, and
 * present only when all before it are. */
static void
client_core(struct cursor *c, struct rdpneg_gcc_client *out)
{
	uint16_t depth, post_beta2 = 0, high = 0;

	out->version = cur_le32(c);
	out->desktop_width = cur_le16(c);
	out->desktop_height = cur_le16(c);
	depth = cur_le16(c);
	(void)cur_le16(c);			/* SASSequence */
	out->keyboard_layout = cur_le32(c);
	out->client_build = cur_le32(c);
	cur_utf16(c, CLIENT_NAME_BYTES, out->name, sizeof(out->name));
	out->keyboard_type = cur_le32(c);
	(void)cur_le32(c);			/* keyboardSubType */
	(void)cur_le32(c);			/* keyboardFunctionKey */
	(void)cur_skip(c, IME_FILE_NAME_BYTES);
	if (c->st != RDPNEG_OK)
		return;
	out->have |= RDPNEG_CS_CORE;
	out->color_depth = depth == RNS_UD_COLOR_8BPP ? 8 :
	    depth == RNS_UD_COLOR_4BPP ? 4 : 0;
	if (cur_left(c) < 2)
		return;
	post_beta2 = cur_le16(c);
	out->have |= RDPNEG_CS_POST_BETA2;
	switch (post_beta2) {
	case RNS_UD_COLOR_4BPP:		out->color_depth = 4; break;
	case RNS_UD_COLOR_8BPP:		out->color_depth = 8; break;
	case RNS_UD_COLOR_16BPP_555:	out->color_depth = 15; break;
	case RNS_UD_COLOR_16BPP_565:	out->color_depth = 16; break;
	case RNS_UD_COLOR_24BPP:	out->color_depth = 24; break;
	default:			break;
	}
	if (cur_left(c) < 2)
		return;
	(void)cur_le16(c);			/* clientProductId */
	if (cur_left(c) < 4)
		return;
	(void)cur_le32(c);			/* serialNumber */
	if (cur_left(c) < 2)
		return;
	high = cur_le16(c);
	out->have |= RDPNEG_CS_CORE_HIGH_DEPTH;
	if (high != 0)
		out->color_depth = high;
	if (cur_left(c) < 2)
		return;
	(void)cur_le16(c);			/* supportedColorDepths */
	if (cur_left(c) < 2)
		return;
	out->early_capability_flags = cur_le16(c);
	out->have |= RDPNEG_CS_CORE_EARLY;
	if (out->early_capability_flags & RDPNEG_RNS_UD_CS_WANT_32BPP_SESSION)
		out->color_depth = 32;
	if (cur_left(c) < DIG_PRODUCT_ID_BYTES)
		return;
	cur_utf16(c, DIG_PRODUCT_ID_BYTES, out->dig_product_id,
	    sizeof(out->dig_product_id));
	out->have |= RDPNEG_CS_CORE_PRODUCT_ID;
	if (cur_left(c) < 2)
		return;
	(void)cur_u8(c);			/* connectionType */
	(void)cur_u8(c);			/* pad1octet */
	if (cur_left(c) < 4)
		return;
	out->server_selected_protocol = cur_le32(c);
	out->have |= RDPNEG_CS_CORE_SELECTED;
	/* The physical size, orientation and scale factors are not read. */
}

/* CS_NET (2.2.1.3.4): the channel definitions, the first names kept. */
static void
client_net(struct cursor *c, struct rdpneg_gcc_client *out)
{
	struct rdpneg_span name;
	uint32_t i;
	size_t n;

	out->channel_count = cur_le32(c);
	if (c->st == RDPNEG_OK &&
	    out->channel_count > cur_left(c) / CHANNEL_DEF_BYTES) {
		cur_fail(c, RDPNEG_ERR_USER_DATA);
		return;
	}
	for (i = 0; i < out->channel_count && c->st == RDPNEG_OK; i++) {
		if (!cur_span(c, RDPNEG_CHANNEL_NAME_MAX, &name))
			break;
		(void)cur_le32(c);		/* options */
		if (i >= RDPNEG_CHANNELS_MAX)
			continue;
		for (n = 0; n < name.len && name.ptr[n] != 0; n++)
			;
		memcpy(out->channels[out->nchannels], name.ptr, n);
		out->channels[out->nchannels][n] = '\0';
		out->nchannels++;
	}
	if (c->st == RDPNEG_OK)
		out->have |= RDPNEG_CS_NET;
}

/* Walk the blocks of a user data area, handing each one's body to fn. */
static enum rdpneg_status
walk_blocks(struct cursor *c, void (*fn)(uint16_t, struct cursor *, void *),
    void *arg)
{
	struct cursor sub;
	uint16_t type, length;

	while (c->st == RDPNEG_OK && cur_left(c) > 0) {
		type = cur_le16(c);
		length = cur_le16(c);
		if (c->st != RDPNEG_OK)
			break;
		if (length < USER_DATA_HEADER) {
			cur_fail(c, RDPNEG_ERR_USER_DATA);
			break;
		}
		if (!open_sub(c, length - USER_DATA_HEADER, &sub,
		    RDPNEG_ERR_USER_DATA)) {
			if (c->st == RDPNEG_ERR_MCS_BER ||
			    c->st == RDPNEG_ERR_GCC || c->st == RDPNEG_OK)
				cur_fail(c, RDPNEG_ERR_USER_DATA);
			break;
		}
		fn(type, &sub, arg);
		close_sub(c, &sub);
	}
	return c->st;
}

static void
client_block(uint16_t type, struct cursor *c, void *arg)
{
	struct rdpneg_gcc_client *out = arg;

	switch (type) {
	case CS_CORE:
		client_core(c, out);
		break;
	case CS_SECURITY:
		out->encryption_methods = cur_le32(c);
		out->ext_encryption_methods = cur_le32(c);
		if (c->st == RDPNEG_OK)
			out->have |= RDPNEG_CS_SECURITY;
		break;
	case CS_NET:
		client_net(c, out);
		break;
	case CS_CLUSTER:
		out->cluster_flags = cur_le32(c);
		if (c->st == RDPNEG_OK)
			out->have |= RDPNEG_CS_CLUSTER;
		break;
	default:
		break;
	}
	/* A block longer than its fields is allowed (later versions). */
}

/* The server certificate (2.2.1.4.3.1): proprietary (2.2.1.4.3.1.1), or
 * an X.509 chain whose last certificate is the server's own (5.3.3.1.3). */
static void
server_certificate(struct cursor *c, struct rdpneg_gcc_server *out)
{
	struct rdpneg_span blob;
	uint32_t version, i, count, n;
	uint16_t blob_len;
	struct cursor key;

	version = cur_le32(c);
	if (c->st != RDPNEG_OK)
		return;
	/* Another type than 1 or 2 is kept as sent, if it fits. */
	out->cert_type = (version & ~CERT_TEMPORARY) <= 0xfe ?
	    (uint8_t)(version & ~CERT_TEMPORARY) : 0xff;
	out->cert_permanent = (version & CERT_TEMPORARY) == 0;
	out->have |= RDPNEG_SC_CERTIFICATE;
	switch (version & ~CERT_TEMPORARY) {
	case RDPNEG_CERT_CHAIN_PROPRIETARY:
		out->cert_count = 1;
		(void)cur_le32(c);		/* dwSigAlgId */
		(void)cur_le32(c);		/* dwKeyAlgId */
		(void)cur_le16(c);		/* wPublicKeyBlobType */
		blob_len = cur_le16(c);
		if (!open_sub(c, blob_len, &key, RDPNEG_ERR_USER_DATA))
			return;
		if (cur_le32(&key) != RSA1_MAGIC && key.st == RDPNEG_OK)
			cur_fail(&key, RDPNEG_ERR_USER_DATA);
		(void)cur_le32(&key);		/* keylen */
		out->key_bits = cur_le32(&key);
		close_sub(c, &key);
		break;
	case RDPNEG_CERT_CHAIN_X509:
		count = cur_le32(c);
		if (c->st == RDPNEG_OK && count > cur_left(c) / 4) {
			cur_fail(c, RDPNEG_ERR_USER_DATA);
			return;
		}
		for (i = 0; i < count && c->st == RDPNEG_OK; i++) {
			n = cur_le32(c);
			if (cur_span(c, n, &blob))
				out->cert_leaf = blob;
		}
		if (c->st == RDPNEG_OK)
			out->cert_count = count;
		break;
	default:
		break;
	}
}

static void
server_security(struct cursor *c, struct rdpneg_gcc_server *out)
{
	uint32_t cert_len;
	struct cursor cert;

	out->encryption_method = cur_le32(c);
	out->encryption_level = cur_le32(c);
	if (c->st != RDPNEG_OK)
		return;
	out->have |= RDPNEG_SC_SECURITY;
	/* Without encryption the random and certificate are absent. */
	if (cur_left(c) < 8)
		return;
	out->random_len = cur_le32(c);
	cert_len = cur_le32(c);
	if (!cur_skip(c, out->random_len))
		return;
	out->have |= RDPNEG_SC_RANDOM;
	if (cert_len == 0)
		return;
	if (open_sub(c, cert_len, &cert, RDPNEG_ERR_USER_DATA)) {
		server_certificate(&cert, out);
		close_sub(c, &cert);
	}
}

static void
server_block(uint16_t type, struct cursor *c, void *arg)
{
	struct rdpneg_gcc_server *out = arg;

	switch (type) {
	case SC_CORE:
		out->version = cur_le32(c);
		if (c->st != RDPNEG_OK)
			break;
		out->have |= RDPNEG_SC_CORE;
		if (cur_left(c) >= 4) {
			out->client_requested_protocols = cur_le32(c);
			out->have |= RDPNEG_SC_CORE_REQUESTED;
		}
		break;
	case SC_SECURITY:
		server_security(c, out);
		break;
	case SC_NET:
		out->io_channel = cur_le16(c);
		out->channel_count = cur_le16(c);
		if (c->st == RDPNEG_OK)
			out->have |= RDPNEG_SC_NET;
		break;
	default:
		break;
	}
}

enum rdpneg_status
rdpneg_decode_client_data(const uint8_t *buf, size_t len,
    struct rdpneg_gcc_client *out)
{
	struct cursor c;

	cur_init_short(&c, buf, len, len, RDPNEG_ERR_USER_DATA);
	return walk_blocks(&c, client_block, out);
}

enum rdpneg_status
rdpneg_decode_server_data(const uint8_t *buf, size_t len,
    struct rdpneg_gcc_server *out)
{
	struct cursor c;

	cur_init_short(&c, buf, len, len, RDPNEG_ERR_USER_DATA);
	return walk_blocks(&c, server_block, out);
}

/*
 * The T.124 key of ConnectData and its connectPDU's length: sub spans the
 * ConnectGCCPDU (2.2.1.3.1), to the end of the userData OCTET STRING.
 * The length is not trusted: Windows and FreeRDP write a constant 0x2a in
 * the Conference Create Response (2.2.1.4: "length ... 0x2a"), whatever
 * follows; the OCTET STRING's BER length bounds it instead.
 */
static int
gcc_enter(struct cursor *c, struct cursor *sub)
{
	struct rdpneg_span oid;

	if (cur_u8(c) != 0x00 || cur_u8(c) != sizeof(t124_oid)) {
		cur_fail(c, RDPNEG_ERR_GCC);	/* key: object, length 5 */
		return 0;
	}
	if (cur_span(c, sizeof(t124_oid), &oid) &&
	    memcmp(oid.ptr, t124_oid, sizeof(t124_oid)) != 0)
		cur_fail(c, RDPNEG_ERR_GCC);
	(void)per_length(c, RDPNEG_ERR_GCC);
	return open_sub(c, cur_left(c), sub, RDPNEG_ERR_GCC);
}

/* The userData SET OF with one h221NonStandard value keyed by key ("Duca"
 * or "McDn"): sub spans the blocks. */
static int
gcc_user_data(struct cursor *c, const char *key, struct cursor *sub)
{
	struct rdpneg_span k;
	size_t n;

	if (cur_u8(c) != 1 || cur_u8(c) != 0xc0 || cur_u8(c) != 0) {
		cur_fail(c, RDPNEG_ERR_GCC);	/* 1 set, h221, 4 bytes */
		return 0;
	}
	if (cur_span(c, 4, &k) && memcmp(k.ptr, key, 4) != 0)
		cur_fail(c, RDPNEG_ERR_GCC);
	n = per_length(c, RDPNEG_ERR_GCC);
	return open_sub(c, n, sub, RDPNEG_ERR_USER_DATA);
}

enum rdpneg_status
rdpneg_decode_connect_initial(const uint8_t *data, size_t len,
    struct rdpneg_gcc_client *out)
{
	struct cursor c, ci, ud, gcc, blocks;
	size_t n;

	memset(out, 0, sizeof(*out));
	/* Its end is its BER length: data may be cut (TRUNCATED). */
	cur_init_short(&c, data, len, SIZE_MAX, RDPNEG_ERR_MCS_BER);
	/* Connect-Initial ::= [APPLICATION 101] (T.125 11.1). */
	if (cur_u8(&c) != BER_APPLICATION || cur_u8(&c) != 0x65) {
		cur_fail(&c, RDPNEG_ERR_MCS_BER);
		return c.st;
	}
	n = ber_length(&c);
	if (!open_sub(&c, n, &ci, RDPNEG_ERR_MCS_BER))
		return c.st;
	ber_skip(&ci, BER_OCTET_STRING);	/* callingDomainSelector */
	ber_skip(&ci, BER_OCTET_STRING);	/* calledDomainSelector */
	ber_skip(&ci, BER_BOOLEAN);		/* upwardFlag */
	ber_skip(&ci, BER_SEQUENCE);		/* targetParameters */
	ber_skip(&ci, BER_SEQUENCE);		/* minimumParameters */
	ber_skip(&ci, BER_SEQUENCE);		/* maximumParameters */
	if (ber_enter(&ci, BER_OCTET_STRING, &ud) && gcc_enter(&ud, &gcc)) {
		/* ConferenceCreateRequest, userData present, name "1". */
		if (cur_u8(&gcc) != 0x00)
			cur_fail(&gcc, RDPNEG_ERR_GCC);
		(void)cur_u8(&gcc);		/* optional fields present */
		n = cur_u8(&gcc) + 1u;		/* conferenceName digits */
		(void)cur_skip(&gcc, (n + 1) / 2);
		(void)cur_u8(&gcc);		/* booleans, termination */
		if (gcc_user_data(&gcc, "Duca", &blocks)) {
			(void)walk_blocks(&blocks, client_block, out);
			close_sub(&gcc, &blocks);
		}
		close_sub(&ud, &gcc);
	}
	if (ud.st != RDPNEG_OK && ci.st == RDPNEG_OK)
		cur_fail(&ci, ud.st);
	close_sub(&c, &ci);
	return c.st;
}

enum rdpneg_status
rdpneg_decode_connect_response(const uint8_t *data, size_t len,
    struct rdpneg_connect_response *out)
{
	struct cursor c, cr, e, ud, gcc, blocks;
	size_t n;

	memset(out, 0, sizeof(*out));
	cur_init_short(&c, data, len, SIZE_MAX, RDPNEG_ERR_MCS_BER);
	/* Connect-Response ::= [APPLICATION 102] (T.125 11.2). */
	if (cur_u8(&c) != BER_APPLICATION || cur_u8(&c) != 0x66) {
		cur_fail(&c, RDPNEG_ERR_MCS_BER);
		return c.st;
	}
	n = ber_length(&c);
	if (!open_sub(&c, n, &cr, RDPNEG_ERR_MCS_BER))
		return c.st;
	if (ber_enter(&cr, BER_ENUMERATED, &e)) {
		out->mcs_result = cur_u8(&e);
		close_sub(&cr, &e);
	}
	ber_skip(&cr, BER_INTEGER);		/* calledConnectId */
	ber_skip(&cr, BER_SEQUENCE);		/* domainParameters */
	if (ber_enter(&cr, BER_OCTET_STRING, &ud) && gcc_enter(&ud, &gcc)) {
		/* ConferenceCreateResponse with userData (2.2.1.4.1). */
		if (cur_u8(&gcc) != 0x14)
			cur_fail(&gcc, RDPNEG_ERR_GCC);
		(void)cur_be16(&gcc);		/* nodeID */
		n = cur_u8(&gcc);		/* tag: INTEGER */
		(void)cur_skip(&gcc, n);
		out->gcc_result = (uint8_t)(cur_u8(&gcc) >> 4 & 0x07);
		if (gcc.st == RDPNEG_OK)
			out->have_gcc = 1;
		if (gcc_user_data(&gcc, "McDn", &blocks)) {
			(void)walk_blocks(&blocks, server_block, &out->server);
			close_sub(&gcc, &blocks);
		}
		close_sub(&ud, &gcc);
	}
	if (ud.st != RDPNEG_OK && cr.st == RDPNEG_OK)
		cur_fail(&cr, ud.st);
	close_sub(&c, &cr);
	return c.st;
}

enum rdpneg_status
rdpneg_decode_domain_pdu(const uint8_t *data, size_t len,
    struct rdpneg_domain_pdu *out)
{
	struct cursor c;
	uint8_t b;
	size_t n;

	memset(out, 0, sizeof(*out));
	/* Its end is what its fields declare: data may be cut (TRUNCATED). */
	cur_init_short(&c, data, len, SIZE_MAX, RDPNEG_ERR_MCS_PER);
	b = cur_u8(&c);
	if (c.st != RDPNEG_OK)
		return c.st;
	out->type = b >> 2;
	switch (out->type) {
	case RDPNEG_MCS_DISCONNECT:
		/* reason: 3 bits across the first two bytes (T.125 7). */
		out->reason = (uint8_t)((b & 0x03) << 1 | cur_u8(&c) >> 7);
		break;
	case RDPNEG_MCS_ERECT_DOMAIN:
		n = per_length(&c, RDPNEG_ERR_MCS_PER);	/* subHeight */
		(void)cur_skip(&c, n);
		n = per_length(&c, RDPNEG_ERR_MCS_PER);	/* subInterval */
		(void)cur_skip(&c, n);
		break;
	case RDPNEG_MCS_ATTACH_USER_CONFIRM:
	case RDPNEG_MCS_CHANNEL_JOIN_CONFIRM:
		out->result = cur_u8(&c) >> 4;
		break;
	case RDPNEG_MCS_CHANNEL_JOIN_REQUEST:
		(void)cur_be16(&c);		/* initiator */
		out->channel = cur_be16(&c);
		break;
	case RDPNEG_MCS_SEND_DATA_REQUEST:
	case RDPNEG_MCS_SEND_DATA_INDICATION:
		(void)cur_be16(&c);		/* initiator */
		out->channel = cur_be16(&c);
		(void)cur_u8(&c);		/* priority, segmentation */
		n = per_length(&c, RDPNEG_ERR_MCS_PER);
		(void)cur_span(&c, n, &out->user_data);
		break;
	default:
		break;
	}
	return c.st;
}

/* The basic security header is there: licensing and Client Info PDUs
 * always carry one (2.2.8.1.1.2.1, 2.2.1.12), others when the server's
 * level and method are not none (header set).  Without one, a Share
 * Control PDU begins with its totalLength. */
static int
sec_header_present(struct cursor *c, int header)
{
	uint16_t first;

	if (header)
		return 1;
	if (cur_left(c) < 2 || c->avail - c->off < 2)
		return 0;
	first = (uint16_t)(c->buf[c->off] | c->buf[c->off + 1] << 8);
	return first != cur_left(c) &&
	    (first & (RDPNEG_SEC_LICENSE_PKT | RDPNEG_SEC_INFO_PKT |
	    RDPNEG_SEC_EXCHANGE_PKT)) != 0;
}

enum rdpneg_status
rdpneg_decode_sec_pdu(const uint8_t *data, size_t len, int header,
    struct rdpneg_sec_pdu *out)
{
	struct cursor c;
	uint16_t size;

	memset(out, 0, sizeof(*out));
	cur_init_short(&c, data, len, len, RDPNEG_ERR_SEC);
	if (sec_header_present(&c, header)) {
		out->flags = cur_le16(&c);
		(void)cur_le16(&c);		/* flagsHi */
		if (c.st != RDPNEG_OK)
			return c.st;
		out->have |= RDPNEG_SEC_HAVE_HEADER;
		if (out->flags & RDPNEG_SEC_ENCRYPT)
			return RDPNEG_OK;	/* the rest is ciphertext */
		if (out->flags & RDPNEG_SEC_LICENSE_PKT) {
			/* The licensing preamble (MS-RDPELE 2.2.2.1). */
			out->license_type = cur_u8(&c);
			(void)cur_u8(&c);	/* flags */
			size = cur_le16(&c);
			if (c.st != RDPNEG_OK)
				return c.st;
			out->have |= RDPNEG_SEC_HAVE_LICENSE;
			if (size < 4 || size - 4u > cur_left(&c))
				return RDPNEG_ERR_SEC;
			if (out->license_type != RDPNEG_LICENSE_ERROR_ALERT)
				return RDPNEG_OK;
			out->error_code = cur_le32(&c);
			out->state_transition = cur_le32(&c);
			if (c.st == RDPNEG_OK)
				out->have |= RDPNEG_SEC_HAVE_ERROR;
			return c.st;
		}
		if (out->flags & (RDPNEG_SEC_EXCHANGE_PKT | RDPNEG_SEC_INFO_PKT))
			return RDPNEG_OK;
	}
	/* A Share Control header (2.2.8.1.1.1.1), then for a data PDU the
	 * Share Data header (2.2.8.1.1.1.2). */
	if (cur_left(&c) < 6)
		return RDPNEG_OK;
	size = cur_le16(&c);			/* totalLength */
	out->pdu_type = cur_le16(&c) & 0x0f;
	(void)cur_le16(&c);			/* pduSource */
	if (c.st != RDPNEG_OK)
		return c.st;
	if (size != 0x8000 && (size < 6 || size - 6u > cur_left(&c)))
		return RDPNEG_ERR_SEC;		/* 0x8000: a flow PDU */
	out->have |= RDPNEG_SEC_HAVE_SHARE;
	if (out->pdu_type != RDPNEG_PDUTYPE_DATA || size == 0x8000)
		return RDPNEG_OK;
	(void)cur_le32(&c);			/* shareId */
	(void)cur_u8(&c);			/* pad1 */
	(void)cur_u8(&c);			/* streamId */
	(void)cur_le16(&c);			/* uncompressedLength */
	out->pdu_type2 = cur_u8(&c);
	(void)cur_u8(&c);			/* generalCompressedType */
	(void)cur_le16(&c);			/* generalCompressedLength */
	if (c.st == RDPNEG_OK &&
	    out->pdu_type2 == RDPNEG_PDUTYPE2_SET_ERROR_INFO) {
		out->error_info = cur_le32(&c);	/* 2.2.5.1.1 */
		if (c.st == RDPNEG_OK)
			out->have |= RDPNEG_SEC_HAVE_ERRINFO;
	}
	return c.st;
}

unsigned
rdpneg_gcc_color_depth(const struct rdpneg_gcc_client *c)
{
	return (c->have & RDPNEG_CS_CORE) ? c->color_depth : 0;
}
