/*
 * record.h - the record of one attempt: one table of its fields that the
 * JSONL report (its keys, nesting and order) and the CSV report (its header
 * and columns) both iterate, as tcpdump's struct tok or Wireshark's hf
 * arrays describe fields once.  The meanings are in README.
 *
 * A field's getter says what the attempt holds; how each value type is
 * written (quoting, escaping, nulls, arrays) belongs to the format.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_RECORD_H
#define RDPNEG_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/analysis.h"
#include "rdpneg/credssp.h"
#include "report/fmt.h"

/*
 * Where a field goes in JSON: each group is one object of the record (or
 * one object of each element of a list), and the record is a tree of
 * them.  A field of type RECORD_OBJECT or RECORD_LIST names its child
 * group and stands where the child's object (or array of objects) goes in
 * its own group: "chain", "tls", "client_data", "rdp_security" and
 * "diagnosis" in the record, "alerts", "records", "certificate" and
 * "credssp" in "tls", "certificate" (the same group: an attempt has a
 * TLS certificate or a Standard-security one, never both), "disconnect",
 * "license_error" and "error_info" in "rdp_security".  The table lists the
 * fields of a group together, groups in this order, so that a child's
 * fields come after the field that places it.  The diagnosis comes last
 * and depends only on it->diag, the server implementation and the
 * knowledge-base texts filled from the evidence: the JSONL report dumps it
 * once per distinct set of those and appends the bytes.
 */
enum record_group {
	RECORD_TOP,		/* a key of the record itself */
	RECORD_CHAIN,		/* a key of its "chain" object */
	RECORD_TLS,		/* of "tls": the TLS after the negotiation */
	RECORD_TLS_ALERT,	/* of each element of tls.alerts */
	RECORD_TLS_RECORD,	/* of each element of tls.records */
	RECORD_CERTIFICATE,	/* of tls.certificate */
	RECORD_CREDSSP,		/* of tls.credssp */
	RECORD_CLIENT_DATA,	/* of "client_data": the client's GCC user
				   data (Standard RDP Security) */
	RECORD_RDP_SECURITY,	/* of "rdp_security" */
	RECORD_DISCONNECT,	/* of rdp_security.disconnect */
	RECORD_LICENSE_ERROR,	/* of rdp_security.license_error */
	RECORD_ERROR_INFO,	/* of rdp_security.error_info */
	RECORD_DIAGNOSIS,	/* a key of its "diagnosis" object */
	RECORD_GROUPS
};

enum record_type {
	RECORD_NULL,		/* absent: null, an empty cell */
	RECORD_INT,		/* n */
	RECORD_FRAME,		/* n, a frame number; 0 is none (null) */
	RECORD_BOOL,		/* n, 0 or 1 */
	RECORD_TEXT,		/* text: ours, valid UTF-8; NULL when a
				   table has no name for the value */
	RECORD_BYTES,		/* bytes: untrusted, any bytes */
	RECORD_WORDS,		/* words: our names, a list (JSON) or joined
				   with '|' (CSV) */
	RECORD_PROTOCOLS,	/* n, a requestedProtocols mask: its names */
	RECORD_SERVER,		/* server: the recognised implementation */
	RECORD_KB,		/* text: knowledge-base text whose placeholders
				   rdpneg_expand() fills from it->a.ev */
	RECORD_KB_LIST,		/* list: such texts, NULL-ended */
	RECORD_STEPS,		/* steps: remediation steps, NULL-ended, each
				   written by rdpneg_format_step() from
				   it->a.ev (a list, as RECORD_KB_LIST) */
	RECORD_OBJECT,		/* the field's child group as an object; the
				   getter makes it RECORD_NULL when absent */
	RECORD_LIST		/* n: the field's child group as an array of
				   n objects, the getters of its fields
				   reading element ctx->index */
};

/* What a getter reads. */
struct record_ctx {
	const char			*capture;	/* its path */
	const struct attempt_item	*it;
	char				*buf;	/* RECORD_TEXT_MAX bytes */
	size_t				 index;	/* in a RECORD_LIST's group */
	struct rdpneg_credssp		 credssp;	/* inferred once */
};

/* The longest text a getter formats into ctx->buf, with its NUL: the
 * offered suites' names (RECORD_WORDS) are the longest. */
#define RECORD_TEXT_MAX		(RDPNEG_TLS_SUITES_MAX * 64)

/* The context of one attempt's record, ctx->buf pointing to buf. */
void record_ctx_init(struct record_ctx *ctx, const char *capture,
    const struct attempt_item *it, char *buf);

/* A field's value: its type (RECORD_NULL when absent), then one member. */
struct record_value {
	enum record_type	 type;
	union {
		uint64_t	 n;
		const char	*text;
		struct {
			const uint8_t	*p;
			size_t		 len;
		}		 bytes;
		struct {	/* n NUL-terminated names, one after the
				   other, in ctx->buf */
			const char	*p;
			size_t		 n;
		}		 words;
		const struct rdpneg_server_fingerprint *server;
		const char *const *list;
		const struct rdpneg_step *const *steps;
	} u;
	/* The remediation steps that apply to the attempt, in the order
	 * that suits the server: chosen for each attempt, so steps points
	 * here. */
	const struct rdpneg_step *selected[RDPNEG_STEPS_MAX];
};

struct record_field {
	const char		*key;		/* JSON key in its group, or
						   NULL: a CSV column only */
	enum record_group	 group;
	const char		*column;	/* CSV column, or NULL */
	unsigned		 position;	/* of the column, from 0 */
	enum record_type	 type;
	void			(*get)(const struct record_ctx *,
				    struct record_value *);
	enum record_group	 child;		/* RECORD_OBJECT, RECORD_LIST:
						   the group it holds */
};

/* The fields in JSON order. */
#define RECORD_FIELDS	135
extern const struct record_field record_fields[RECORD_FIELDS];

/* Whether the field is a key of the JSON record. */
static inline int
record_in_json(const struct record_field *f)
{
	return f->key != NULL;
}

/* ---- What getters share (record.c). */

/* bytes: p[0..len) */
void record_bytes(struct record_value *v, const void *p, size_t len);

/* A text of the attempt's, or null. */
void record_bytes_or_null(struct record_value *v, const char *s);

/* n, or null when !present. */
void record_n_if(struct record_value *v, int present, uint64_t n);

/* Words into ctx->buf: start them, then add each: a value's name by str
 * (a name that does not fit is left out), or a text. */
void record_words_begin(const struct record_ctx *c, struct record_value *v);
void record_words_add(const struct record_ctx *c, struct record_value *v,
    size_t (*str)(uint16_t, char *, size_t), uint16_t value);
void record_words_put(const struct record_ctx *c, struct record_value *v,
    const char *text);

static inline void
record_get(const struct record_field *f, const struct record_ctx *ctx,
    struct record_value *v)
{
	v->type = f->type;
	f->get(ctx, v);
}

#endif /* RDPNEG_RECORD_H */
