/*
 * pdu_build.h - assemble TPKT + X.224 PDUs for the unit tests.
 *
 * A struct pb is a small byte builder.  Variable parts (cookie lines,
 * RDP_NEG_* structures) are appended to one pb, then wrapped into a
 * TPKT-framed TPDU with pb_tpdu() and friends, which compute the TPKT
 * length (big-endian) and the X.224 LI.  Tests patch single bytes through
 * the PB_OFF_* offsets to make malformed variants.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_TESTS_PDU_BUILD_H
#define RDPNEG_TESTS_PDU_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PB_MAX		640

/* Offsets in a TPKT + CR/CC/DR TPDU. */
#define PB_OFF_VERSION	0
#define PB_OFF_RESERVED	1
#define PB_OFF_LENGTH	2	/* BE16 TPKT length */
#define PB_OFF_LI	4
#define PB_OFF_CODE	5
#define PB_OFF_DST	6
#define PB_OFF_SRC	8
#define PB_OFF_CLASS	10
#define PB_OFF_VAR	11	/* first byte of the CR/CC variable part */

#define PB_HDR_CRCC	11	/* TPKT + full CR/CC/DR header */
#define PB_HDR_ER	9	/* TPKT + LI code dst-ref cause */
#define PB_HDR_DT	7	/* TPKT + LI code EOT/NR */

/* Default references, chosen so a byte swap or a dst/src mix-up shows. */
#define PB_DST		0xa1b2u
#define PB_SRC		0xc3d4u

struct pb {
	uint8_t	b[PB_MAX];
	size_t	n;
};

static inline void
pb_reset(struct pb *p)
{
	memset(p->b, 0, sizeof p->b);
	p->n = 0;
}

static inline void
pb_u8(struct pb *p, uint8_t v)
{
	if (p->n < PB_MAX)
		p->b[p->n++] = v;
	else
		abort();
}

static inline void
pb_be16(struct pb *p, uint16_t v)
{
	pb_u8(p, (uint8_t)(v >> 8));
	pb_u8(p, (uint8_t)v);
}

static inline void
pb_le16(struct pb *p, uint16_t v)
{
	pb_u8(p, (uint8_t)v);
	pb_u8(p, (uint8_t)(v >> 8));
}

static inline void
pb_le32(struct pb *p, uint32_t v)
{
	pb_le16(p, (uint16_t)v);
	pb_le16(p, (uint16_t)(v >> 16));
}

static inline void
pb_mem(struct pb *p, const void *m, size_t n)
{
	const uint8_t *s = m;
	size_t i;

	for (i = 0; i < n; i++)
		pb_u8(p, s[i]);
}

static inline void
pb_str(struct pb *p, const char *s)
{
	pb_mem(p, s, strlen(s));
}

static inline void
pb_append(struct pb *p, const struct pb *q)
{
	pb_mem(p, q->b, q->n);
}

/* A cookie / routing-token line: text + CRLF. */
static inline void
pb_line(struct pb *p, const char *text)
{
	pb_str(p, text);
	pb_str(p, "\r\n");
}

/* An 8-byte RDP_NEG_REQ / RSP / FAILURE (any type, any length field). */
static inline void
pb_neg(struct pb *p, uint8_t type, uint8_t flags, uint16_t length,
    uint32_t value)
{
	pb_u8(p, type);
	pb_u8(p, flags);
	pb_le16(p, length);
	pb_le32(p, value);
}

/* A 36-byte RDP_NEG_CORRELATION_INFO; reserved[16] is zero. */
static inline void
pb_corr(struct pb *p, uint8_t type, uint8_t flags, uint16_t length,
    const uint8_t id[16])
{
	int i;

	pb_u8(p, type);
	pb_u8(p, flags);
	pb_le16(p, length);
	pb_mem(p, id, 16);
	for (i = 0; i < 16; i++)
		pb_u8(p, 0);
}

/* Patch the TPKT length field. */
static inline void
pb_set_tpkt_len(struct pb *p, uint16_t len)
{
	p->b[PB_OFF_LENGTH] = (uint8_t)(len >> 8);
	p->b[PB_OFF_LENGTH + 1] = (uint8_t)len;
}

/* TPKT + CR/CC/DR-shaped TPDU: LI code dst-ref src-ref class var. */
static inline void
pb_tpdu(struct pb *out, uint8_t code, uint16_t dst, uint16_t src,
    uint8_t cls, const struct pb *var)
{
	size_t vn = var != NULL ? var->n : 0;
	size_t total = 11 + vn;

	pb_reset(out);
	pb_u8(out, 3);
	pb_u8(out, 0);
	pb_be16(out, (uint16_t)total);
	pb_u8(out, (uint8_t)(6 + vn));
	pb_u8(out, code);
	pb_be16(out, dst);
	pb_be16(out, src);
	pb_u8(out, cls);
	if (var != NULL)
		pb_append(out, var);
}

static inline void
pb_cr(struct pb *out, const struct pb *var)
{
	pb_tpdu(out, 0xe0, PB_DST, PB_SRC, 0, var);
}

static inline void
pb_cc(struct pb *out, const struct pb *var)
{
	pb_tpdu(out, 0xd0, PB_DST, PB_SRC, 0, var);
}

static inline void
pb_dr(struct pb *out, uint16_t dst, uint16_t src, uint8_t reason)
{
	pb_tpdu(out, 0x80, dst, src, reason, NULL);
}

/* TPKT + ER: LI=4 code dst-ref cause. */
static inline void
pb_er(struct pb *out, uint16_t dst, uint8_t cause)
{
	pb_reset(out);
	pb_u8(out, 3);
	pb_u8(out, 0);
	pb_be16(out, 9);
	pb_u8(out, 4);
	pb_u8(out, 0x70);
	pb_be16(out, dst);
	pb_u8(out, cause);
}

/* TPKT + DT: LI=2 code EOT, then user data. */
static inline void
pb_dt(struct pb *out, const void *data, size_t n)
{
	pb_reset(out);
	pb_u8(out, 3);
	pb_u8(out, 0);
	pb_be16(out, (uint16_t)(7 + n));
	pb_u8(out, 2);
	pb_u8(out, 0xf0);
	pb_u8(out, 0x80);
	pb_mem(out, data, n);
}

#endif /* RDPNEG_TESTS_PDU_BUILD_H */
