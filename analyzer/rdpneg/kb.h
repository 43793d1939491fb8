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

#include "rdpneg/evidence.h"
#include "rdpneg/rdpneg.h"

enum rdpneg_confidence {
	RDPNEG_CONFIDENCE_HIGH = 0,
	RDPNEG_CONFIDENCE_MEDIUM,
	RDPNEG_CONFIDENCE_LOW
};

/*
 * Facts a rule may require to hold (yes) or not (no): each is one entry of
 * rdpneg_facts (kb.c), its name and its test on the evidence together.
 * A new fact is one enum value and one entry; rules and remediation steps
 * name it with RDPNEG_FACT(NAME) in .yes or .no, texts by its name in a
 * condition (rdpneg_expand below).
 */
enum rdpneg_fact {
	RDPNEG_FACT_NEG_REQ = 0,	/* the CR carried RDP_NEG_REQ */
	RDPNEG_FACT_LEGACY_REQUEST,	/* a CR without RDP_NEG_REQ */
	RDPNEG_FACT_NOT_REQUESTED,	/* rdpneg_not_requested() */
	RDPNEG_FACT_SELECTED_RDP,	/* RDP_NEG_RSP selected PROTOCOL_RDP */
	RDPNEG_FACT_MALFORMED,		/* a negotiation PDU was malformed */
	RDPNEG_FACT_SCANNER,		/* a scanner's cookie or probe */
	RDPNEG_FACT_FELL_BACK,		/* its chain fell back (chain.h) */
	RDPNEG_FACT_NON_RDP_ANSWER,	/* the server answered, not with a CC */
	RDPNEG_FACT_CLIENT_SILENT,	/* nothing from the client after its
					   request */
	RDPNEG_FACT_TLS_FAILED,		/* rdpneg_tls_failed() */
	RDPNEG_FACT_OFFERED_SSL,	/* RDP_NEG_REQ requested PROTOCOL_SSL */
	RDPNEG_FACT_OFFERED_CREDSSP,	/* ... PROTOCOL_HYBRID or HYBRID_EX */
	RDPNEG_FACT_SELECTED_CREDSSP,	/* RDP_NEG_RSP selected one of them */
	RDPNEG_FACT_SERVER_CLOSED,	/* the server's FIN or RST came first */
	RDPNEG_FACT_CLIENT_CLOSED,	/* the client's FIN or RST came first */
	RDPNEG_FACT_SERVER_TLS_ALERT,	/* the server's first byte after its
					   CC began a TLS alert */
	/* The TLS handshake after the negotiation (tls.h). */
	RDPNEG_FACT_TLS_CLIENT_HELLO,	/* the client's ClientHello */
	RDPNEG_FACT_TLS_SERVER_HELLO,	/* the server's ServerHello */
	RDPNEG_FACT_TLS_VERSION_REFUSED, /* a protocol_version alert answered
					   the other side's hello */
	RDPNEG_FACT_TLS_CIPHER_REFUSED,	/* the server answered the ClientHello
					   with handshake_failure or
					   insufficient_security, or the
					   client the ServerHello with
					   insufficient_security */
	RDPNEG_FACT_TLS_SERVER_ABORTED,	/* the server closed after the
					   ClientHello, without a ServerHello
					   or an alert */
	RDPNEG_FACT_TLS_CERT_REJECTED,	/* after the server's hello the client
					   sent a certificate alert, or closed
					   without sending data */
	RDPNEG_FACT_TLS_ESTABLISHED,	/* both sides finished the handshake */
	RDPNEG_FACT_TLS_1_3,		/* the ServerHello chose TLS 1.3: the
					   certificate is encrypted */
	RDPNEG_FACT_CLIENT_TLS_ALERT,	/* the client sent an alert in clear */
	RDPNEG_FACT_DIRECT_TLS,		/* no CR: TLS from the first byte
					   (RDPNEG_EV_DIRECT_TLS) */
	RDPNEG_FACT_CERT_PROBLEM,	/* the certificate, read, has a
					   problem (RDPNEG_CERT_*, x509.h) */
	/* CredSSP (NLA) progress, inferred (credssp.h). */
	RDPNEG_FACT_CREDSSP_REFUSED,	/* an error TSRequest, or the server
					   closed when it was its turn */
	RDPNEG_FACT_CREDSSP_ERROR,	/* ... an error TSRequest */
	RDPNEG_FACT_CREDSSP_DENIED,	/* HYBRID_EX's result, then the end */
	RDPNEG_FACT_CREDSSP_GAVE_UP,	/* the client closed when it was its
					   turn */
	/* Standard RDP Security after the negotiation (mcs.h). */
	RDPNEG_FACT_MCS_CONNECT_INITIAL, /* the client's MCS Connect-Initial
					   began */
	RDPNEG_FACT_MCS_REFUSED,	/* ... and the server ended the
					   connection, or answered it without
					   success, before a successful
					   Connect-Response */
	RDPNEG_FACT_RDP_ENCRYPTION_MISMATCH, /* the server chose a method or
					   level the client did not offer, or
					   refused a client offering neither
					   128-bit nor FIPS */
	RDPNEG_FACT_RDP_DROPPED,	/* the server ended the session after
					   a successful Connect-Response,
					   before it became active */
	RDPNEG_FACT_RDP_DROPPED_AFTER_INFO, /* ... right after the client's
					   Client Info, encrypted with RC4
					   and the salted MAC (xrdp's MAC
					   check fails) */
	RDPNEG_FACT_LICENSE_ERROR,	/* a License Error in clear (not
					   STATUS_VALID_CLIENT) */
	RDPNEG_FACT_ERROR_INFO,		/* Set Error Info in clear, not 0 */
	RDPNEG_FACT_RDP_FAILED,		/* the session ended before it went
					   past licensing, or the server
					   disconnected it */
	RDPNEG_FACT_RDP_WEAK,		/* a weakness of the Standard security
					   chosen (rdpneg_rdp_weaknesses) */
	RDPNEG_FACT_COUNT
};

#define RDPNEG_FACT(name)	(UINT64_C(1) << RDPNEG_FACT_##name)

struct rdpneg_fact_def {
	enum rdpneg_fact	 fact;		/* its index in rdpneg_facts */
	const char		*name;		/* kebab-case, for tests/docs */
	unsigned		 bit;		/* the RDPNEG_EV_* bit that is the
					   fact; 0: holds() tells */
	int			(*holds)(const struct rdpneg_evidence *);
};

extern const struct rdpneg_fact_def rdpneg_facts[RDPNEG_FACT_COUNT];

/* Does fact f hold for ev? */
int rdpneg_fact_holds(enum rdpneg_fact f, const struct rdpneg_evidence *ev);

/* Tri-state tests of the fingerprints (cc_ref below). */
#define RDPNEG_MATCH_ANY	0	/* don't care */
#define RDPNEG_MATCH_YES	1
#define RDPNEG_MATCH_NO		2
#define RDPNEG_MATCH_UNKNOWN_FAILURE 0xffffffffu /* a failureCode not 1-6 */

/* Bit of an enum value in an outcome or end mask. */
#define RDPNEG_BIT(v)		(1u << (v))

/* What a rule requires of the evidence.  Zero fields require nothing. */
struct rdpneg_match {
	unsigned	outcomes;	/* RDPNEG_BIT(outcome)s; 0: any */
	unsigned	ends;		/* RDPNEG_BIT(end)s; 0: any */
	uint32_t	failure_code;	/* 0: any */
	/* The four request tests below also require an RDP_NEG_REQ. */
	uint32_t	req_all;	/* all of these bits requested */
	uint32_t	req_any;	/* at least one of these; 0: no test */
	uint32_t	req_none;	/* none of these requested */
	uint8_t		req_flags_any;	/* any of these request flags set */
	uint32_t	selected_any;	/* RDP_NEG_RSP selecting one of these
					   bits; 0: no test */
	uint64_t	yes;		/* RDPNEG_FACT()s that must hold */
	uint64_t	no;		/* RDPNEG_FACT()s that must not */
};

/*
 * What an attempt means for its user: the one rule (rdpneg_attempt_class)
 * that the reports, the plugin and the exit status share.
 */
enum rdpneg_class {
	RDPNEG_CLASS_NONE = 0,	/* in a diagnosis: same as .class */
	RDPNEG_CLASS_BLOCKED,	/* could not connect, at the phase where it
				   stopped */
	RDPNEG_CLASS_INSECURE,	/* connected, with a security finding
				   (Standard RDP Security, a downgrade) */
	RDPNEG_CLASS_OK,	/* connected as asked */
	RDPNEG_CLASS_NOISE,	/* a scanner, a connection without request */
	RDPNEG_CLASS_COUNT
};

extern const struct rdpneg_tok rdpneg_class_names[];

/* The implementation a server is, or a remediation step is for. */
enum rdpneg_server {
	RDPNEG_SERVER_UNKNOWN = 0,	/* a step: any implementation */
	RDPNEG_SERVER_WINDOWS,
	RDPNEG_SERVER_XRDP,
	RDPNEG_SERVER_FREERDP,	/* freerdp-shadow, FreeRDP-based servers */
	RDPNEG_SERVER_COUNT
};

/*
 * One remediation step, as data: for whom, on what evidence, what to do
 * (prose) and what to type (a command, apart, so that it pastes as is).
 * The step applies to an attempt when its match holds (a zero match:
 * always), so a step that tells the client to offer TLS says .no =
 * RDPNEG_FACT(OFFERED_SSL) and is not shown to a client that offered it.
 */
struct rdpneg_step {
	enum rdpneg_server	 server;	/* the implementation it is for;
						   RDPNEG_SERVER_UNKNOWN: any */
	struct rdpneg_match	 when;		/* the evidence it assumes, as
						   for a rule; zero: always */
	int			 less_secure;	/* a workaround weaker than the
						   secure setting (its text
						   says so first) */
	const char		*text;		/* prose; placeholders and
						   conditions allowed (below);
						   ends with ':' when a command
						   follows, '.' otherwise */
	const char		*command;	/* NULL, or exactly what to type
						   (PowerShell or shell), lines
						   separated by '\n', no prose,
						   no placeholders */
};

/* Steps a remediation list may hold, its end included. */
#define RDPNEG_STEPS_MAX	24

/*
 * The most bytes of a step's labelled prose (rdpneg_format_step without
 * its command) and of one command line, for the evidence of the rules'
 * cases (unit_kb checks it): each fits in one Wireshark tree item, whose
 * label is cut at 240 bytes with its field's name.
 */
#define RDPNEG_STEP_LINE_MAX	200

/*
 * A diagnosis.  Text fields may hold placeholders that rdpneg_expand()
 * fills from the evidence: {requested} (protocol names), {selected},
 * {failure} (name), {code} (failureCode), {end}, {outcome}; and
 * conditions, text shown only when a fact holds or does not
 * (rdpneg_expand below).
 */
struct rdpneg_diagnosis {
	const char		*id;		/* stable, kebab-case */
	enum rdpneg_class	 class;		/* what it means for the user */
	enum rdpneg_class	 class_if_silent; /* ... when the client sent
						   nothing after its request
						   and the connection ended;
						   NONE: the same */
	const char		*summary;	/* one sentence */
	enum rdpneg_confidence	 confidence;
	const char		*confidence_why;
	const char		*explanation;	/* what each side did */
	const char		*server_settings; /* the probable setting */
	const struct rdpneg_step *remediation;	/* ordered, ended by a
						   step whose text is NULL;
						   the secure choice first */
	const char *const	*references;	/* NULL-ended */
};

/*
 * A rule.  Rules are tried in table order and the first match wins, so
 * when two rules can match the same evidence, the one that must win says
 * so: precedes lists the ids of the later rules it overlaps with
 * (NULL-ended; RDPNEG_PRECEDES_ALL: every later rule).  unit_kb checks
 * that the table keeps these orders and that every overlap is declared.
 */
struct rdpneg_rule {
	struct rdpneg_match	 match;
	const char *const	*precedes;
	struct rdpneg_diagnosis	 diagnosis;
};

/* A precedes list that means every rule after this one. */
extern const char *const rdpneg_precedes_all[];
#define RDPNEG_PRECEDES_ALL	rdpneg_precedes_all

/* Does rule i of the table have to come before rule j (i's precedes)? */
int rdpneg_rule_precedes(size_t i, size_t j);

/* The rules, in the order they are tried; the last matches anything. */
extern const struct rdpneg_rule rdpneg_rules[];
extern const size_t rdpneg_nrules;

/* At most this many rules: counts by diagnosis are arrays of this size. */
#define RDPNEG_RULES_MAX	64

/* The index in rdpneg_rules of the rule whose diagnosis d is. */
size_t rdpneg_diagnosis_index(const struct rdpneg_diagnosis *d);

extern const struct rdpneg_tok rdpneg_confidence_names[];

/*
 * Did the TLS handshake that follows the negotiation fail?  The client
 * began it (a TLS handshake record) and the server answered with a TLS
 * alert, or sent nothing and closed the connection, or the client sent a
 * fatal alert in clear.
 */
int rdpneg_tls_failed(const struct rdpneg_evidence *ev);

/* Does the rule's match hold for this evidence? */
int rdpneg_match_evidence(const struct rdpneg_match *m,
    const struct rdpneg_evidence *ev);

/* The diagnosis of the first matching rule (never NULL). */
const struct rdpneg_diagnosis *rdpneg_diagnose(
    const struct rdpneg_evidence *ev);

/*
 * The class of an attempt with diagnosis d: d->class, or
 * d->class_if_silent when the client went no further than its request
 * (sent nothing after it, and the connection ended within the capture).
 */
enum rdpneg_class rdpneg_attempt_class(const struct rdpneg_diagnosis *d,
    const struct rdpneg_evidence *ev);

/* Is an attempt of this class a finding: blocked or insecure?  What the
 * reports show by default. */
int rdpneg_class_is_finding(enum rdpneg_class c);

/* The diagnosis with this id, or NULL. */
const struct rdpneg_diagnosis *rdpneg_find_diagnosis(const char *id);

/*
 * Copy a diagnosis text into buf with its placeholders filled and its
 * conditions resolved from ev.  Returns the length the full text needs;
 * buf is always NUL-terminated when size > 0 and holds whole placeholder
 * values only (a value that does not fit ends the text there).
 *
 * Placeholders: {requested} {selected} {failure} {code} {end} {outcome}.
 * Conditions: "{?fact:TEXT}" is TEXT when the fact named (a name of
 * rdpneg_facts, e.g. offered-ssl) holds for ev, nothing otherwise;
 * "{!fact:TEXT}" when it does not.  TEXT runs to the matching '}' (its
 * braces must balance) and may hold placeholders and conditions.  An
 * unknown {name}, a condition naming no fact or left open, and with ev
 * NULL every placeholder and condition, are copied as they are.
 */
size_t rdpneg_expand(const char *text, const struct rdpneg_evidence *ev,
    char *buf, size_t size);

/*
 * The steps of d that apply to ev (ev NULL: all of them), those for
 * server first, each group in table order; writes at most n pointers,
 * returns how many apply.
 */
size_t rdpneg_select_steps(const struct rdpneg_diagnosis *d,
    enum rdpneg_server server, const struct rdpneg_evidence *ev,
    const struct rdpneg_step **out, size_t n);

/*
 * A step on one line: "xrdp: <text> <command lines joined by "; ">" (the
 * implementation's label, rdpneg_server_labels, for a step that has one),
 * the text's placeholders and conditions resolved from ev as by
 * rdpneg_expand.  Returns the length needed; always NUL-terminates when
 * size > 0.
 */
size_t rdpneg_format_step(const struct rdpneg_step *s,
    const struct rdpneg_evidence *ev, char *buf, size_t size);

/* ---- Which implementation the server is, from its answer. */

/* Names of the implementations ("unknown", "windows", "xrdp", "freerdp"). */
extern const struct rdpneg_tok rdpneg_server_names[];

/* How a step for an implementation is labelled ("Windows", "xrdp",
 * "FreeRDP-based server"); none for a step for any. */
extern const struct rdpneg_tok rdpneg_server_labels[];

/*
 * One fingerprint: what an implementation's Connection Confirm looks like
 * (MS-RDPBCGR 2.2.1.2), and how sure it makes us.  Tried in table order;
 * the first whose every test holds names the server.
 */
struct rdpneg_server_fingerprint {
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

extern const struct rdpneg_server_fingerprint rdpneg_server_fingerprints[];
extern const size_t rdpneg_nserver_fingerprints;

/* The first fingerprint matching ev, or NULL: implementation unknown. */
const struct rdpneg_server_fingerprint *rdpneg_identify_server(
    const struct rdpneg_evidence *ev);

#endif /* RDPNEG_KB_H */
