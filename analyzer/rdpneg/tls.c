/*
 * tls.c - the TLS after a negotiation, without keys (tls.h): records,
 * handshake messages in clear, alerts, and the walker that records a
 * session's facts as each direction's stream grows.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "rdpneg/cursor.h"
#include "rdpneg/rdpneg.h"
#include "rdpneg/tls.h"

#define RECORD_HEADER_LEN	5	/* type, version, length (RFC 8446 5.1) */
#define MESSAGE_HEADER_LEN	4	/* type, 24-bit length (RFC 8446 4) */
#define RANDOM_LEN		32	/* RFC 8446 4.1.2 */
#define ALERT_LEN		2	/* level, description (RFC 8446 6) */

#define EXT_SERVER_NAME		0u	/* RFC 6066 3 */
#define EXT_SUPPORTED_VERSIONS	43u	/* RFC 8446 4.2.1 */
#define SNI_HOST_NAME		0u	/* RFC 6066 3 NameType */

#define DIR_CLIENT		0
#define DIR_SERVER		1

/* RFC 8446 4.1.3: the random of a HelloRetryRequest, SHA-256 of
 * "HelloRetryRequest". */
static const uint8_t hrr_random[RANDOM_LEN] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
	0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
	0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c
};

/*
 * A vector (RFC 8446 3.4): a length of lenbytes (1, 2 or 3) bytes, then
 * that many bytes, lent as a cursor of their own whose reads past its end
 * fail with c's status for that.  0 when c failed.
 */
static int
cur_vector(struct cursor *c, unsigned lenbytes, struct cursor *v)
{
	struct rdpneg_span s;
	size_t n;

	if (lenbytes == 1)
		n = cur_u8(c);
	else if (lenbytes == 2)
		n = cur_be16(c);
	else
		n = cur_be24(c);
	if (!cur_span(c, n, &s))
		return 0;
	cur_init_short(v, s.ptr, n, n, c->short_st);
	return 1;
}

/* Close a vector: its failure, or bytes of it left unread, are c's. */
static void
cur_vector_end(struct cursor *c, const struct cursor *v)
{
	if (v->st != RDPNEG_OK)
		cur_fail(c, v->st);
	else if (cur_left(v) != 0)
		cur_fail(c, c->short_st);
}

/* A vector whose content is not read. */
static void
skip_vector(struct cursor *c, unsigned lenbytes)
{
	struct cursor v;

	if (cur_vector(c, lenbytes, &v))
		cur_skip(&v, cur_left(&v));
}

/* ---- Level 1 */

enum rdpneg_status
rdpneg_decode_tls_record(const uint8_t *buf, size_t len,
    struct rdpneg_tls_record *out)
{
	struct cursor c;
	int major;

	memset(out, 0, sizeof(*out));
	if (buf == NULL)
		len = 0;
	cur_init_short(&c, buf, len, RECORD_HEADER_LEN, RDPNEG_ERR_TLS_RECORD);
	out->type = cur_u8(&c);
	if (c.st == RDPNEG_OK && (out->type < RDPNEG_TLS_CHANGE_CIPHER_SPEC ||
	    out->type > RDPNEG_TLS_HEARTBEAT))
		return RDPNEG_ERR_TLS_RECORD;
	/* SSL 3.0 to TLS 1.3 all have major version 3 (RFC 8446 5.1). */
	major = cur_peek(&c);
	if (major >= 0 && major != 3)
		return RDPNEG_ERR_TLS_RECORD;
	out->version = cur_be16(&c);
	out->length = cur_be16(&c);
	if (c.st != RDPNEG_OK)
		return c.st;
	if (out->length > RDPNEG_TLS_RECORD_MAX)
		return RDPNEG_ERR_TLS_RECORD;
	out->size = RECORD_HEADER_LEN + (size_t)out->length;
	c.end = out->size;
	c.avail = len < c.end ? len : c.end;
	cur_span(&c, c.avail - c.off, &out->fragment);
	return len < out->size ? RDPNEG_TRUNCATED : RDPNEG_OK;
}

enum rdpneg_status
rdpneg_decode_tls_message(const uint8_t *buf, size_t len,
    struct rdpneg_tls_message *out)
{
	struct cursor c;

	memset(out, 0, sizeof(*out));
	if (buf == NULL)
		len = 0;
	/* Any length is well formed: a short read is only "not yet". */
	cur_init_short(&c, buf, len, MESSAGE_HEADER_LEN, RDPNEG_TRUNCATED);
	out->type = cur_u8(&c);
	out->length = cur_be24(&c);
	if (c.st != RDPNEG_OK)
		return c.st;
	out->size = MESSAGE_HEADER_LEN + (size_t)out->length;
	c.end = out->size;
	c.avail = len < c.end ? len : c.end;
	cur_span(&c, c.avail - c.off, &out->body);
	return len < out->size ? RDPNEG_TRUNCATED : RDPNEG_OK;
}

/*
 * server_name (RFC 6066 3): a ServerNameList of (NameType, HostName)
 * entries; the first host_name is kept, cut to RDPNEG_TLS_SNI_MAX.
 */
static void
client_hello_sni(struct cursor *ext, struct rdpneg_tls_client_hello *out)
{
	struct cursor list, name;
	uint8_t type;
	size_t n;

	if (!cur_vector(ext, 2, &list))
		return;
	while (list.st == RDPNEG_OK && cur_left(&list) > 0) {
		type = cur_u8(&list);
		if (!cur_vector(&list, 2, &name))
			break;
		n = cur_left(&name);
		if (type == SNI_HOST_NAME && !(out->flags & RDPNEG_HELLO_SNI)) {
			out->flags |= RDPNEG_HELLO_SNI;
			if (n > RDPNEG_TLS_SNI_MAX) {
				out->flags |= RDPNEG_HELLO_SNI_CUT;
				n = RDPNEG_TLS_SNI_MAX;
			}
			memcpy(out->sni, name.buf, n);
			out->sni_len = (uint8_t)n;
		}
		cur_skip(&name, cur_left(&name));
	}
	cur_vector_end(ext, &list);
}

/* supported_versions, the client's form (RFC 8446 4.2.1): a list of
 * versions with a 1-byte length, GREASE (RFC 8701) kept as sent. */
static void
client_hello_versions(struct cursor *ext, struct rdpneg_tls_client_hello *out)
{
	struct cursor list;
	uint16_t v;

	if (!cur_vector(ext, 1, &list))
		return;
	out->flags |= RDPNEG_HELLO_SUPPORTED_VERSIONS;
	while (list.st == RDPNEG_OK && cur_left(&list) > 0) {
		v = cur_be16(&list);
		if (list.st == RDPNEG_OK &&
		    out->nversions < RDPNEG_TLS_VERSIONS_MAX)
			out->versions[out->nversions++] = v;
	}
	cur_vector_end(ext, &list);
}

/* RFC 8446 4.1.2; RFC 5246 7.4.1.2. */
enum rdpneg_status
rdpneg_decode_client_hello(const uint8_t *body, size_t len,
    struct rdpneg_tls_client_hello *out)
{
	struct cursor c, suites, exts, ext;
	uint16_t suite, type;

	memset(out, 0, sizeof(*out));
	if (body == NULL)
		len = 0;
	cur_init_short(&c, body, len, len, RDPNEG_ERR_TLS_HELLO);
	out->legacy_version = cur_be16(&c);
	cur_skip(&c, RANDOM_LEN);
	skip_vector(&c, 1);			/* legacy_session_id */
	if (!cur_vector(&c, 2, &suites))
		return c.st;
	while (suites.st == RDPNEG_OK && cur_left(&suites) > 0) {
		suite = cur_be16(&suites);
		if (suites.st != RDPNEG_OK)
			break;
		if (out->nsuites < RDPNEG_TLS_SUITES_MAX)
			out->suites[out->nsuites] = suite;
		out->nsuites++;
	}
	cur_vector_end(&c, &suites);
	skip_vector(&c, 1);			/* compression_methods */
	/* Extensions are optional before TLS 1.3 (RFC 5246 7.4.1.2). */
	if (c.st != RDPNEG_OK || cur_left(&c) == 0)
		return c.st;
	if (!cur_vector(&c, 2, &exts))
		return c.st;
	while (exts.st == RDPNEG_OK && cur_left(&exts) > 0) {
		type = cur_be16(&exts);
		if (!cur_vector(&exts, 2, &ext))
			break;
		if (type == EXT_SERVER_NAME)
			client_hello_sni(&ext, out);
		else if (type == EXT_SUPPORTED_VERSIONS)
			client_hello_versions(&ext, out);
		else
			cur_skip(&ext, cur_left(&ext));
		cur_vector_end(&exts, &ext);
	}
	cur_vector_end(&c, &exts);
	if (c.st == RDPNEG_OK && cur_left(&c) != 0)
		cur_fail(&c, RDPNEG_ERR_TLS_HELLO);
	return c.st;
}

/* RFC 8446 4.1.3 (and 4.1.4, the same structure); RFC 5246 7.4.1.3. */
enum rdpneg_status
rdpneg_decode_server_hello(const uint8_t *body, size_t len,
    struct rdpneg_tls_server_hello *out)
{
	struct cursor c, exts, ext;
	struct rdpneg_span random;
	uint16_t type;

	memset(out, 0, sizeof(*out));
	if (body == NULL)
		len = 0;
	cur_init_short(&c, body, len, len, RDPNEG_ERR_TLS_HELLO);
	out->legacy_version = cur_be16(&c);
	out->version = out->legacy_version;
	if (!cur_span(&c, RANDOM_LEN, &random))
		return c.st;
	if (memcmp(random.ptr, hrr_random, RANDOM_LEN) == 0)
		out->flags |= RDPNEG_HELLO_RETRY_REQUEST;
	skip_vector(&c, 1);			/* legacy_session_id_echo */
	out->suite = cur_be16(&c);
	(void)cur_u8(&c);			/* compression_method */
	if (c.st != RDPNEG_OK || cur_left(&c) == 0)
		return c.st;
	if (!cur_vector(&c, 2, &exts))
		return c.st;
	while (exts.st == RDPNEG_OK && cur_left(&exts) > 0) {
		type = cur_be16(&exts);
		if (!cur_vector(&exts, 2, &ext))
			break;
		/* The server's form: the selected version alone. */
		if (type == EXT_SUPPORTED_VERSIONS) {
			if (cur_left(&ext) != 2) {
				cur_fail(&exts, RDPNEG_ERR_TLS_HELLO);
				break;
			}
			out->version = cur_be16(&ext);
			out->flags |= RDPNEG_HELLO_SUPPORTED_VERSIONS;
		} else
			cur_skip(&ext, cur_left(&ext));
		cur_vector_end(&exts, &ext);
	}
	cur_vector_end(&c, &exts);
	if (c.st == RDPNEG_OK && cur_left(&c) != 0)
		cur_fail(&c, RDPNEG_ERR_TLS_HELLO);
	if (c.st != RDPNEG_OK)
		out->version = out->legacy_version;
	return c.st;
}

/* RFC 5246 7.4.2: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>. */
enum rdpneg_status
rdpneg_decode_certificates(const uint8_t *body, size_t len,
    struct rdpneg_tls_certificates *out)
{
	struct cursor c, list;
	struct rdpneg_span der;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (body == NULL)
		len = 0;
	cur_init_short(&c, body, len, len, RDPNEG_ERR_TLS_CERTIFICATE);
	if (!cur_vector(&c, 3, &list))
		return c.st;
	while (list.st == RDPNEG_OK && cur_left(&list) > 0) {
		n = cur_be24(&list);
		if (!cur_span(&list, n, &der))
			break;
		if (out->count == 0)
			out->first = der;
		if (out->count < UINT16_MAX)
			out->count++;
	}
	cur_vector_end(&c, &list);
	if (c.st == RDPNEG_OK && cur_left(&c) != 0)
		cur_fail(&c, RDPNEG_ERR_TLS_CERTIFICATE);
	return c.st;
}

/* RFC 8446 6: level, description; nothing else in the fragment. */
enum rdpneg_status
rdpneg_decode_tls_alert(const uint8_t *frag, size_t len,
    struct rdpneg_tls_alert *out)
{
	struct cursor c;

	memset(out, 0, sizeof(*out));
	if (frag == NULL)
		len = 0;
	cur_init_short(&c, frag, len, len, RDPNEG_ERR_TLS_ALERT);
	out->level = cur_u8(&c);
	out->description = cur_u8(&c);
	if (c.st == RDPNEG_OK && cur_left(&c) != 0)
		cur_fail(&c, RDPNEG_ERR_TLS_ALERT);
	return c.st;
}

/* ---- Level 2 */

/* The facts of the side that sent (from_client) or the other. */
static struct rdpneg_tls_dir *
dir_of(struct rdpneg_tls *tls, int from_client)
{
	return &tls->dir[from_client ? DIR_CLIENT : DIR_SERVER];
}

/* Did the server choose TLS 1.3 in a ServerHello (not a
 * HelloRetryRequest, after which its next ServerHello is in clear)? */
static int
tls13_chosen(const struct rdpneg_tls *tls)
{
	return (tls->have & RDPNEG_TLS_HAVE_SERVER_HELLO) &&
	    tls->server_hello.version == RDPNEG_TLS_1_3 &&
	    !(tls->server_hello.flags & RDPNEG_HELLO_RETRY_REQUEST);
}

/*
 * An encrypted record, kept in the order the records completed.  Under
 * TLS 1.3 the handshake goes on in them (RFC 8446 2): the server's until
 * the client's first (its Finished), and that one, are the handshake's.
 */
static void
app_record(struct rdpneg_tls *tls, int from_client,
    const struct rdpneg_tls_record *rec, uint64_t frame)
{
	struct rdpneg_tls_app_record *a;
	int client_sent = 0;
	size_t i;

	tls->napp_total++;
	if (tls->napp >= RDPNEG_TLS_RECORDS_MAX) {
		tls->have |= RDPNEG_TLS_RECORDS_CUT;
		return;
	}
	/* Until app[] is full every record is in it. */
	for (i = 0; i < tls->napp; i++)
		if (tls->app[i].from_client)
			client_sent = 1;
	a = &tls->app[tls->napp++];
	a->length = rec->length;
	a->from_client = from_client != 0;
	a->handshake = tls13_chosen(tls) && !client_sent;
	a->frame = frame;
}

/* One complete handshake message in clear, whose bytes are in hs. */
static enum rdpneg_status
handshake_message(struct rdpneg_tls *tls, int from_client,
    const struct rdpneg_tls_message *msg, const uint8_t *hs, uint64_t frame)
{
	struct rdpneg_tls_dir *d = dir_of(tls, from_client);
	struct rdpneg_tls_client_hello ch;
	struct rdpneg_tls_server_hello sh;
	struct rdpneg_tls_certificates certs;
	enum rdpneg_status st = RDPNEG_OK;

	if (msg->type < 32)
		d->messages |= 1u << msg->type;
	if (msg->type == RDPNEG_HS_CLIENT_HELLO && from_client) {
		/* A second one (after HelloRetryRequest) replaces the first. */
		st = rdpneg_decode_client_hello(msg->body.ptr, msg->body.len,
		    &ch);
		if (st == RDPNEG_OK) {
			tls->client_hello = ch;
			tls->client_hello_frame = frame;
			tls->have |= RDPNEG_TLS_HAVE_CLIENT_HELLO;
		}
	} else if (msg->type == RDPNEG_HS_SERVER_HELLO && !from_client) {
		st = rdpneg_decode_server_hello(msg->body.ptr, msg->body.len,
		    &sh);
		if (st == RDPNEG_OK) {
			tls->server_hello = sh;
			tls->server_hello_frame = frame;
			tls->have |= RDPNEG_TLS_HAVE_SERVER_HELLO;
			/* RFC 8446 2: all after ServerHello is encrypted. */
			if (tls13_chosen(tls))
				d->encrypted = 1;
		}
	} else if (msg->type == RDPNEG_HS_CERTIFICATE && !from_client &&
	    !tls13_chosen(tls)) {
		st = rdpneg_decode_certificates(msg->body.ptr, msg->body.len,
		    &certs);
		if (st == RDPNEG_OK) {
			tls->cert_count = certs.count;
			tls->cert_off = certs.count == 0 ? 0 :
			    (uint32_t)(certs.first.ptr - hs);
			tls->cert_len = (uint32_t)certs.first.len;
			tls->cert_frame = frame;
			tls->have |= RDPNEG_TLS_HAVE_CERTIFICATE;
		}
	}
	return st;
}

/*
 * A handshake record in clear: its fragment appended to hs, then each
 * message it completes decoded.  RDPNEG_TRUNCATED when hs is full.
 */
static enum rdpneg_status
handshake_record(struct rdpneg_tls *tls, int from_client,
    const struct rdpneg_tls_record *rec, uint8_t *hs, size_t hs_size,
    uint64_t frame)
{
	struct rdpneg_tls_dir *d = dir_of(tls, from_client);
	struct rdpneg_tls_message msg;
	enum rdpneg_status st;

	if (d->hs_len > hs_size || rec->fragment.len > hs_size - d->hs_len)
		return RDPNEG_TRUNCATED;
	if (rec->fragment.len > 0) {
		memcpy(hs + d->hs_len, rec->fragment.ptr, rec->fragment.len);
		d->hs_len += (uint32_t)rec->fragment.len;
	}
	while (d->hs_parsed < d->hs_len) {
		if (rdpneg_decode_tls_message(hs + d->hs_parsed,
		    d->hs_len - d->hs_parsed, &msg) != RDPNEG_OK)
			break;		/* the rest comes in a later record */
		d->hs_parsed += (uint32_t)msg.size;
		st = handshake_message(tls, from_client, &msg, hs, frame);
		if (st != RDPNEG_OK)
			return st;
	}
	return RDPNEG_OK;
}

/*
 * One whole record.  A record of an encrypted direction cannot be read:
 * under TLS 1.2 a handshake record there is its Finished (RFC 5246 7.4.9),
 * kept as a marker; every other one (application data, alerts, and under
 * TLS 1.3 handshake records too) is kept as an encrypted record, so that
 * app[] holds all the records sent under encryption in their order.
 */
static enum rdpneg_status
walk_record(struct rdpneg_tls *tls, int from_client,
    const struct rdpneg_tls_record *rec, uint8_t *hs, size_t hs_size,
    uint64_t frame)
{
	struct rdpneg_tls_dir *d = dir_of(tls, from_client);
	struct rdpneg_tls_alert alert;
	enum rdpneg_status st;

	switch (rec->type) {
	case RDPNEG_TLS_CHANGE_CIPHER_SPEC:
		d->ccs = 1;
		/* Under TLS 1.3 it is only for middleboxes (RFC 8446 D.4),
		 * also after a HelloRetryRequest: the handshake stays in
		 * clear (a second ClientHello, the ServerHello). */
		if (rdpneg_tls_version(tls) != RDPNEG_TLS_1_3)
			d->encrypted = 1;
		break;
	case RDPNEG_TLS_ALERT:
		if (d->encrypted) {
			app_record(tls, from_client, rec, frame);
			break;
		}
		st = rdpneg_decode_tls_alert(rec->fragment.ptr,
		    rec->fragment.len, &alert);
		if (st != RDPNEG_OK)
			return st;
		if (d->nalerts == 0) {
			d->alert = alert;
			d->alert_frame = frame;
		}
		if (d->nalerts < UINT8_MAX)
			d->nalerts++;
		break;
	case RDPNEG_TLS_HANDSHAKE:
		if (!d->encrypted)
			return handshake_record(tls, from_client, rec, hs,
			    hs_size, frame);
		if (tls13_chosen(tls))
			app_record(tls, from_client, rec, frame);
		else
			d->messages |= 1u << RDPNEG_HS_FINISHED;
		break;
	case RDPNEG_TLS_APPLICATION_DATA:
		app_record(tls, from_client, rec, frame);
		break;
	default:	/* heartbeat (RFC 6520): nothing rdpneg reads */
		break;
	}
	return RDPNEG_OK;
}

/*
 * The budget stops a direction as a malformed record does, with
 * RDPNEG_TRUNCATED as its status: what follows was not read.
 */
enum rdpneg_status
rdpneg_tls_feed(struct rdpneg_tls *tls, int from_client,
    const uint8_t *stream, size_t len, uint8_t *hs, size_t hs_size,
    uint64_t frame)
{
	struct rdpneg_tls_dir *d = dir_of(tls, from_client);
	struct rdpneg_tls_record rec;
	enum rdpneg_status st;

	if (d->status != RDPNEG_OK)
		return (enum rdpneg_status)d->status;
	if (stream == NULL)
		len = 0;
	while (d->consumed < len) {
		st = rdpneg_decode_tls_record(stream + d->consumed,
		    len - d->consumed, &rec);
		if (st != RDPNEG_OK && st != RDPNEG_TRUNCATED) {
			d->status = (uint8_t)st;
			return st;
		}
		if (rec.size > RDPNEG_TLS_STREAM_BUDGET - d->consumed) {
			st = RDPNEG_TRUNCATED;
			tls->have |= RDPNEG_TLS_BUDGET_SPENT;
			d->status = (uint8_t)st;
			return st;
		}
		if (st == RDPNEG_TRUNCATED)
			return st;
		if (d->records++ == 0)
			d->first_frame = frame;
		d->last_frame = frame;
		d->consumed += (uint32_t)rec.size;
		st = walk_record(tls, from_client, &rec, hs, hs_size, frame);
		if (st != RDPNEG_OK) {
			if (st == RDPNEG_TRUNCATED)	/* hs is full */
				tls->have |= RDPNEG_TLS_BUDGET_SPENT;
			d->status = (uint8_t)st;
			return st;
		}
	}
	return RDPNEG_OK;
}

int
rdpneg_tls_decided(const struct rdpneg_tls *tls)
{
	int i;

	for (i = 0; i < 2; i++)
		if (tls->dir[i].nalerts > 0 &&
		    tls->dir[i].alert.level == RDPNEG_ALERT_FATAL)
			return 1;
	if (tls->have & RDPNEG_TLS_RECORDS_CUT)
		return 1;
	return tls->dir[DIR_CLIENT].status != RDPNEG_OK &&
	    tls->dir[DIR_SERVER].status != RDPNEG_OK;
}

uint16_t
rdpneg_tls_version(const struct rdpneg_tls *tls)
{
	if (!(tls->have & RDPNEG_TLS_HAVE_SERVER_HELLO))
		return 0;
	return tls->server_hello.version;
}

/*
 * Only SSL 3.0 to TLS 1.x count (major version 3): not GREASE (RFC 8701
 * 2: 0x?A?A) nor the drafts of TLS 1.3 (0x7fxx).
 */
uint16_t
rdpneg_tls_client_max_version(const struct rdpneg_tls *tls)
{
	const struct rdpneg_tls_client_hello *ch = &tls->client_hello;
	uint16_t best = 0, v;
	size_t i;

	if (!(tls->have & RDPNEG_TLS_HAVE_CLIENT_HELLO))
		return 0;
	for (i = 0; i < ch->nversions; i++) {
		v = ch->versions[i];
		if ((v >> 8) == 3 && v > best)
			best = v;
	}
	return best != 0 ? best : ch->legacy_version;
}

int
rdpneg_tls_client_offered_suite(const struct rdpneg_tls *tls,
    uint16_t suite)
{
	const struct rdpneg_tls_client_hello *ch = &tls->client_hello;
	size_t i, n;

	if (!(tls->have & RDPNEG_TLS_HAVE_CLIENT_HELLO))
		return 0;
	n = ch->nsuites < RDPNEG_TLS_SUITES_MAX ? ch->nsuites :
	    RDPNEG_TLS_SUITES_MAX;
	for (i = 0; i < n; i++)
		if (ch->suites[i] == suite)
			return 1;
	return 0;
}
