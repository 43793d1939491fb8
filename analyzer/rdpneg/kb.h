/*
 * kb.h - the diagnosis knowledge base: the evidence of one connection
 * attempt in, the probable server-side cause and its fix out.
 *
 * The knowledge is one table of rules (kb_rules.c), tried in order; the
 * first whose match holds gives the diagnosis.  Shared by the CLI and the
 * Wireshark plugin.  Pure C11: no allocation, no I/O.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_KB_H
#define RDPNEG_KB_H

#include <stddef.h>
#include <stdint.h>

#include "rdpneg/rdpneg.h"

/* What rdpneg_diagnose() looks at.  Fill with rdpneg_init_evidence(). */
#define RDPNEG_EV_REQUEST	0x01u	/* a CR was seen */
#define RDPNEG_EV_REQ_NEG	0x02u	/* ... with RDP_NEG_REQ */
#define RDPNEG_EV_RSP_NEG	0x04u	/* a CC with RDP_NEG_RSP / _FAILURE */
#define RDPNEG_EV_MALFORMED	0x08u	/* a negotiation PDU was malformed */
#define RDPNEG_EV_SCANNER	0x10u	/* cookie or probe of a known scanner */
#define RDPNEG_EV_FELL_BACK	0x20u	/* its chain only succeeded with
					   Standard RDP Security after a
					   request for more failed */
#define RDPNEG_EV_NON_RDP_ANSWER 0x40u	/* the server sent data that is not
					   an X.224 Connection Confirm */
#define RDPNEG_EV_CC_REFS	0x80u	/* cc_src_ref holds the Connection
					   Confirm's SRC-REF */
#define RDPNEG_EV_CLIENT_NEXT	0x100u	/* client_next holds the client's
					   first byte after its request */
#define RDPNEG_EV_SERVER_NEXT	0x200u	/* server_next holds the server's
					   first byte after its confirm */

/* First bytes of what follows a negotiation (MS-RDPBCGR 1.3.1.1: the
 * security protocol's handshake, else the MCS Connect Initial). */
#define RDPNEG_NEXT_TLS_HANDSHAKE 0x16u	/* TLS record type handshake */
#define RDPNEG_NEXT_TLS_ALERT	0x15u	/* TLS record type alert */

struct rdpneg_evidence {
	unsigned		have;		/* RDPNEG_EV_* */
	enum rdpneg_outcome	outcome;
	enum rdpneg_end		end;
	uint32_t		requested;	/* with RDPNEG_EV_REQ_NEG */
	uint8_t			request_flags;
	uint8_t			response_type;	/* with RDPNEG_EV_RSP_NEG */
	uint8_t			response_flags;
	uint32_t		response_value;	/* selected or failureCode */
	unsigned		chain_length;	/* attempts in its chain, >= 1 */
	unsigned		chain_position;	/* 1-based */
	uint16_t		cc_src_ref;	/* with RDPNEG_EV_CC_REFS */
	uint8_t			client_next;	/* with RDPNEG_EV_CLIENT_NEXT */
	uint8_t			server_next;	/* with RDPNEG_EV_SERVER_NEXT */
};

enum rdpneg_confidence {
	RDPNEG_CONFIDENCE_HIGH = 0,
	RDPNEG_CONFIDENCE_MEDIUM,
	RDPNEG_CONFIDENCE_LOW
};

/* What a rule requires of the evidence.  Zero fields require nothing. */
#define RDPNEG_MATCH_ANY	0	/* tri-state fields: don't care */
#define RDPNEG_MATCH_YES	1
#define RDPNEG_MATCH_NO		2
#define RDPNEG_MATCH_UNKNOWN_FAILURE 0xffffffffu /* a failureCode not 1-6 */

/* Bit of an enum value in an outcome or end mask. */
#define RDPNEG_BIT(v)		(1u << (v))

struct rdpneg_match {
	unsigned	outcomes;	/* RDPNEG_BIT(outcome)s; 0: any */
	unsigned	ends;		/* RDPNEG_BIT(end)s; 0: any */
	uint32_t	failure_code;	/* 0: any */
	uint8_t		req_neg;	/* RDPNEG_MATCH_*: RDP_NEG_REQ sent;
					   NO needs a decoded request */
	/* The four request tests below also require an RDP_NEG_REQ. */
	uint32_t	req_all;	/* all of these bits requested */
	uint32_t	req_any;	/* at least one of these; 0: no test */
	uint32_t	req_none;	/* none of these requested */
	uint8_t		req_flags_any;	/* any of these request flags set */
	uint8_t		not_requested;	/* RDPNEG_MATCH_*: protocol chosen
					   was not requested */
	uint8_t		selected_rdp;	/* RDPNEG_MATCH_*: selected 0 */
	uint8_t		malformed;	/* RDPNEG_MATCH_* */
	uint8_t		scanner;	/* RDPNEG_MATCH_* */
	uint8_t		fell_back;	/* RDPNEG_MATCH_* */
	uint8_t		non_rdp_answer;	/* RDPNEG_MATCH_* */
	uint32_t	selected_any;	/* RDP_NEG_RSP selecting one of these
					   bits; 0: no test */
	uint8_t		client_silent;	/* RDPNEG_MATCH_*: the client sent
					   nothing after its request */
	uint8_t		tls_failed;	/* RDPNEG_MATCH_*: rdpneg_tls_failed */
};

/*
 * A diagnosis.  Text fields may hold placeholders that rdpneg_expand()
 * fills from the evidence: {requested} (protocol names), {selected},
 * {failure} (name), {code} (failureCode), {end}, {outcome}.
 */
struct rdpneg_diagnosis {
	const char		*id;		/* stable, kebab-case */
	int			 failed;	/* a problem (0: a success) */
	const char		*summary;	/* one sentence */
	enum rdpneg_confidence	 confidence;
	const char		*confidence_why;
	const char		*explanation;	/* what each side did */
	const char		*server_settings; /* the probable setting */
	const char *const	*remediation;	/* ordered, NULL-ended;
						   the secure choice first */
	const char *const	*references;	/* NULL-ended */
};

struct rdpneg_rule {
	struct rdpneg_match	 match;
	struct rdpneg_diagnosis	 diagnosis;
};

/* The rules, in the order they are tried; the last matches anything. */
extern const struct rdpneg_rule rdpneg_rules[];
extern const size_t rdpneg_nrules;

extern const struct rdpneg_tok rdpneg_confidence_names[];

/* Zero the evidence, a chain of one. */
void rdpneg_init_evidence(struct rdpneg_evidence *ev);

/*
 * Did the server select a protocol the client did not request?  A request
 * without RDP_NEG_REQ asks for Standard RDP Security only.
 */
int rdpneg_not_requested(const struct rdpneg_evidence *ev);

/*
 * Did the TLS handshake that follows the negotiation fail?  The client
 * began it (a TLS handshake record) and the server answered with a TLS
 * alert, or sent nothing and closed the connection.
 */
int rdpneg_tls_failed(const struct rdpneg_evidence *ev);

/* Does the rule's match hold for this evidence? */
int rdpneg_match_evidence(const struct rdpneg_match *m,
    const struct rdpneg_evidence *ev);

/* The diagnosis of the first matching rule (never NULL). */
const struct rdpneg_diagnosis *rdpneg_diagnose(
    const struct rdpneg_evidence *ev);

/* The diagnosis with this id, or NULL. */
const struct rdpneg_diagnosis *rdpneg_find_diagnosis(const char *id);

/*
 * Copy a diagnosis text into buf with its placeholders filled from ev.
 * Returns the length the full text needs; buf is always NUL-terminated
 * when size > 0 and holds whole placeholder values only (a value that does
 * not fit ends the text there).  An unknown {name} is copied as is.
 */
size_t rdpneg_expand(const char *text, const struct rdpneg_evidence *ev,
    char *buf, size_t size);

/*
 * Whether a request looks like a scanner's rather than a user's: a known
 * tool's cookie (token may be NULL), or requested protocols that only
 * protocol enumerators send alone (has_req: an RDP_NEG_REQ was sent).
 */
int rdpneg_is_scanner(const uint8_t *token, size_t len, int has_req,
    uint32_t requested);

/* ---- Which implementation the server is, from its answer. */

enum rdpneg_server {
	RDPNEG_SERVER_UNKNOWN = 0,
	RDPNEG_SERVER_WINDOWS,
	RDPNEG_SERVER_XRDP,
	RDPNEG_SERVER_FREERDP,	/* freerdp-shadow, FreeRDP-based servers */
	RDPNEG_SERVER_COUNT
};

/*
 * Names of the implementations ("unknown", "windows", "xrdp", "freerdp").
 * A remediation step that applies to one implementation only starts with
 * its name in braces, e.g. "{xrdp}On an xrdp server, ...": the tag is data
 * for rdpneg_step_server() and rdpneg_order_remediation(), and
 * rdpneg_expand() writes it as nothing.  Untagged steps are Windows or
 * generic ones.
 */
extern const struct rdpneg_tok rdpneg_server_names[];

/*
 * One fingerprint: what an implementation's Connection Confirm looks like
 * (MS-RDPBCGR 2.2.1.2), and how sure it makes us.  Tried in table order;
 * the first whose every test holds names the server.
 */
struct rdpneg_server_print {
	enum rdpneg_server	 server;
	enum rdpneg_confidence	 confidence;
	struct rdpneg_match	 match;		/* as for a rule */
	uint8_t			 response_type;	/* RDPNEG_TYPE_RSP or
						   _FAILURE; 0: any */
	uint32_t		 selected_any;	/* RDP_NEG_RSP selecting one of
						   these protocols; 0: any */
	uint8_t			 flags_mask;	/* response flags & mask */
	uint8_t			 flags;		/* ... must equal this */
	uint8_t			 cc_ref;	/* RDPNEG_MATCH_*: SRC-REF known */
	uint16_t		 src_ref;	/* with cc_ref YES: its value */
	const char		*why;		/* the evidence, one sentence */
};

extern const struct rdpneg_server_print rdpneg_server_prints[];
extern const size_t rdpneg_nserver_prints;

/*
 * Add what the server's Connection Confirm bytes (TPKT + X.224 CC, as
 * sent) say beyond the negotiation structure: its SRC-REF.  Bytes that do
 * not decode as a CC leave ev unchanged; cc may be NULL.
 */
void rdpneg_evidence_set_confirm(struct rdpneg_evidence *ev,
    const uint8_t *cc, size_t len);

/* The first fingerprint matching ev, or NULL: implementation unknown. */
const struct rdpneg_server_print *rdpneg_identify_server(
    const struct rdpneg_evidence *ev);

/* The implementation a remediation step is tagged with, or UNKNOWN. */
enum rdpneg_server rdpneg_step_server(const char *step);

/* Steps a remediation list may hold, its NULL included. */
#define RDPNEG_STEPS_MAX	24

/*
 * The steps of a NULL-ended remediation list with those tagged for server
 * first, each group in its own order (RDPNEG_SERVER_UNKNOWN keeps the
 * list's order).  Writes at most n pointers into out; returns the number
 * of steps.
 */
size_t rdpneg_order_remediation(const char *const *steps,
    enum rdpneg_server server, const char **out, size_t n);

#endif /* RDPNEG_KB_H */
