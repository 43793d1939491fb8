/*
 * check.c - what an attempt read back from a shard may hold (analysis.h).
 *
 * A shard is an input: its bytes may be damaged or forged.  Each check
 * below is a value the analysis always makes and a report relies on to
 * stay in bounds: a count it loops over or an offset it reads through, an
 * enum it indexes an array or shifts a bit with, a text it reads to its
 * NUL.  Values the reports name with a fallback (alert descriptions,
 * encryption levels, failure codes), print as numbers (frames, lengths,
 * times) or only test for truth are left free, and so is any count the
 * decoder keeps counting past its array (the ClientHello's nsuites):
 * requiring more would turn away attempts the analysis made.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "analysis/analysis.h"

/* Give up with the field's name when cond does not hold. */
#define REQUIRE(cond, field) do {					\
	if (!(cond))							\
		return (field);						\
} while (0)

/* A text kept in a char array ends inside it. */
#define ENDED(array)	(memchr((array), '\0', sizeof(array)) != NULL)

/* enum rdpneg_status kept in a byte (the walkers' dir->status). */
#define STATUS(v)	((unsigned)(v) < RDPNEG_STATUS_COUNT)

static int
in_rules(const struct rdpneg_diagnosis *d)
{
	size_t i;

	for (i = 0; i < rdpneg_nrules; i++)
		if (d == &rdpneg_rules[i].diagnosis)
			return 1;
	return 0;
}

static int
in_fingerprints(const struct rdpneg_server_fingerprint *p)
{
	size_t i;

	for (i = 0; i < rdpneg_nserver_fingerprints; i++)
		if (p == &rdpneg_server_fingerprints[i])
			return 1;
	return 0;
}

/*
 * Where and what was sent.  summary_server_cmp() subtracts families; a
 * copy (attempt_item_copy: the findings' samples) sizes its block with
 * token_len even without a token; the user name is read from
 * token_value_off to token_len; the reports print response_pdu_len bytes
 * of response_pdu.  The texts are NUL-terminated by the reader.
 */
static const char *
check_attempt(const struct rdpneg_attempt *a)
{
	REQUIRE(a->family == 4 || a->family == 6, "a.family");
	REQUIRE(a->token_len <= RDPNEG_TOKEN_MAX, "a.token_len");
	/* The prefix is inside the line kept; without a line (the tracker
	 * out of memory) the offset is still set and nothing reads it. */
	REQUIRE(a->token == NULL || a->ev.token_value_off <= a->token_len,
	    "a.ev.token_value_off");
	REQUIRE(a->response_pdu_len <= RDPNEG_PDU_KEEP, "a.response_pdu_len");
	return NULL;
}

/*
 * The connection model's facts.  Outcomes and ends count into arrays
 * (report totals, summary) and are shifted (RDPNEG_BIT in the rules'
 * match); their names are printed with "%s".
 */
static const char *
check_evidence(const struct rdpneg_evidence *ev)
{
	REQUIRE((unsigned)ev->outcome < RDPNEG_OUTCOME_COUNT, "a.ev.outcome");
	REQUIRE((unsigned)ev->end < RDPNEG_END_COUNT, "a.ev.end");
	REQUIRE((unsigned)ev->token_kind <= RDPNEG_TOKEN_MTH,
	    "a.ev.token_kind");
	REQUIRE(ev->chain_length >= 1, "a.ev.chain_length");
	REQUIRE(ev->chain_position >= 1 &&
	    ev->chain_position <= ev->chain_length, "a.ev.chain_position");
	return NULL;
}

/*
 * The TLS session.  tls_text.c and rdpneg_tls_client_max_version() loop
 * over nversions, the record gives sni_len bytes of sni, CredSSP's
 * inference and the rules walk napp records.  nsuites counts every suite
 * offered: its readers stop at the RDPNEG_TLS_SUITES_MAX kept.
 */
static const char *
check_tls(const struct rdpneg_tls *t)
{
	const struct rdpneg_tls_client_hello *ch = &t->client_hello;

	REQUIRE(ch->nversions <= RDPNEG_TLS_VERSIONS_MAX,
	    "tls.client_hello.nversions");
	REQUIRE(ch->sni_len <= RDPNEG_TLS_SNI_MAX, "tls.client_hello.sni_len");
	REQUIRE(STATUS(t->dir[0].status), "tls.dir[0].status");
	REQUIRE(STATUS(t->dir[1].status), "tls.dir[1].status");
	REQUIRE(t->napp <= RDPNEG_TLS_RECORDS_MAX, "tls.napp");
	return NULL;
}

/*
 * The Standard-security exchange.  The stage's name is printed with no
 * fallback; the client's texts are read to their NUL; cert_leaf pointed
 * into the stream and is zeroed before the exchange is kept, so a pointer
 * there came from elsewhere.
 */
static const char *
check_mcs(const struct rdpneg_mcs *m)
{
	const struct rdpneg_gcc_client *c = &m->client;
	size_t i;

	REQUIRE(m->stage < RDPNEG_STAGE_COUNT, "mcs.stage");
	REQUIRE(ENDED(c->name), "mcs.client.name");
	REQUIRE(ENDED(c->dig_product_id), "mcs.client.dig_product_id");
	REQUIRE(c->nchannels <= RDPNEG_CHANNELS_MAX, "mcs.client.nchannels");
	for (i = 0; i < c->nchannels; i++)
		REQUIRE(ENDED(c->channels[i]), "mcs.client.channels");
	REQUIRE(m->server.cert_leaf.ptr == NULL && m->server.cert_leaf.len == 0,
	    "mcs.server.cert_leaf");
	REQUIRE(STATUS(m->dir[0].status), "mcs.dir[0].status");
	REQUIRE(STATUS(m->dir[1].status), "mcs.dir[1].status");
	return NULL;
}

/*
 * The server's certificate: texts read to their NUL.  The serial is
 * x509.c's lowercase hex, which JSON takes as a text of ours (not
 * sanitized).
 */
static const char *
check_cert(const struct rdpneg_cert *c)
{
	REQUIRE(ENDED(c->subject), "cert.subject");
	REQUIRE(ENDED(c->issuer), "cert.issuer");
	REQUIRE(ENDED(c->names), "cert.names");
	REQUIRE(ENDED(c->serial) &&
	    c->serial[strspn(c->serial, "0123456789abcdef")] == '\0',
	    "cert.serial");
	REQUIRE(ENDED(c->key_type), "cert.key_type");
	REQUIRE(ENDED(c->signature), "cert.signature");
	return NULL;
}

/*
 * The chain and the diagnosis.  Diagnoses index counts by rule
 * (rdpneg_diagnosis_index) and are read without a NULL test; classes
 * index counts and are printed by name, which NONE has not.
 */
static const char *
check_item(const struct attempt_item *it)
{
	REQUIRE(it->diag != NULL && in_rules(it->diag), "diag");
	REQUIRE(it->final_diag != NULL && in_rules(it->final_diag),
	    "final_diag");
	REQUIRE(it->server == NULL || in_fingerprints(it->server), "server");
	REQUIRE(it->class > RDPNEG_CLASS_NONE &&
	    (unsigned)it->class < RDPNEG_CLASS_COUNT, "class");
	REQUIRE((unsigned)it->final_outcome < RDPNEG_OUTCOME_COUNT,
	    "final_outcome");
	return NULL;
}

const char *
attempt_item_check(const struct attempt_item *it)
{
	const char *bad;

	if ((bad = check_attempt(&it->a)) != NULL ||
	    (bad = check_evidence(&it->a.ev)) != NULL)
		return bad;
	if (it->a.ev.tls != NULL && (bad = check_tls(it->a.ev.tls)) != NULL)
		return bad;
	if (it->a.ev.mcs != NULL && (bad = check_mcs(it->a.ev.mcs)) != NULL)
		return bad;
	if (it->a.cert != NULL && (bad = check_cert(it->a.cert)) != NULL)
		return bad;
	return check_item(it);
}
