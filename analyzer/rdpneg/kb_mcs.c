/*
 * kb_mcs.c - what the knowledge base tests and says of Standard RDP
 * Security's connect exchange (kb_mcs.h): how far the connection
 * sequence got (MS-RDPBCGR 1.3.1.1) and who ended it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include "rdpneg/kb_mcs.h"
#include "rdpneg/mcs_text.h"

static const struct rdpneg_mcs *
mcs_of(const struct rdpneg_evidence *ev)
{
	return rdpneg_evidence_mcs(ev);
}

/* The server ended the connection: its Disconnect Provider Ultimatum
 * (T.125 7: sent before it closes), or its FIN or RST came first. */
static int
server_ended(const struct rdpneg_evidence *ev)
{
	const struct rdpneg_mcs *m = mcs_of(ev);

	if (m->have & RDPNEG_MCS_HAVE_DISCONNECT)
		return !m->disconnect_from_client;
	return ev->end == RDPNEG_END_FIN_SERVER ||
	    ev->end == RDPNEG_END_RST_SERVER;
}

int
kb_mcs_connect_initial(const struct rdpneg_evidence *ev)
{
	return (mcs_of(ev)->have & RDPNEG_MCS_INITIAL_BEGAN) != 0;
}

/* T.125 11.2 and MS-RDPBCGR 3.3.5.3.3.1: a server that will not go on
 * answers the Connect-Initial without success, or drops it.  A
 * Connect-Response that began but was cut (the snap length) is neither. */
int
kb_mcs_refused(const struct rdpneg_evidence *ev)
{
	const struct rdpneg_mcs *m = mcs_of(ev);

	if (!kb_mcs_connect_initial(ev) ||
	    m->stage >= RDPNEG_STAGE_CONNECT_RESPONSE)
		return 0;
	if (m->have & RDPNEG_MCS_HAVE_SERVER)
		return 1;		/* answered without success */
	return server_ended(ev) && !(m->have & RDPNEG_MCS_RESPONSE_BEGAN);
}

/* MS-RDPBCGR 5.3.2 (and 5.4.1): the server's method must be one the
 * client offered; level FIPS needs FIPS, level High 128-bit; without
 * encryption (method None) the client must not encrypt. */
int
kb_rdp_encryption_mismatch(const struct rdpneg_evidence *ev)
{
	const struct rdpneg_mcs *m = mcs_of(ev);
	const struct rdpneg_gcc_server *s = &m->server;
	uint32_t offered = rdpneg_rdp_offered(&m->client);

	if (!(m->client.have & RDPNEG_CS_SECURITY))
		return 0;
	if (!(m->have & RDPNEG_MCS_HAVE_SERVER) ||
	    !(s->have & RDPNEG_SC_SECURITY))
		return kb_mcs_refused(ev) &&
		    !(offered & (RDPNEG_ENC_128BIT | RDPNEG_ENC_FIPS));
	if (s->encryption_method == 0)
		return (m->dir[0].sec_flags & RDPNEG_SEC_ENCRYPT) != 0;
	if (!(s->encryption_method & offered))
		return 1;
	if (s->encryption_level == RDPNEG_ENC_LEVEL_FIPS)
		return !(offered & RDPNEG_ENC_FIPS);
	return s->encryption_level == RDPNEG_ENC_LEVEL_HIGH &&
	    !(offered & (RDPNEG_ENC_128BIT | RDPNEG_ENC_FIPS));
}

int
kb_rdp_dropped(const struct rdpneg_evidence *ev)
{
	const struct rdpneg_mcs *m = mcs_of(ev);

	return m->stage >= RDPNEG_STAGE_CONNECT_RESPONSE &&
	    m->stage < RDPNEG_STAGE_ACTIVE && server_ended(ev);
}

/* Right after the client's encrypted Client Info signed with the salted
 * MAC (SEC_SECURE_CHECKSUM, 5.3.6.1.1) at an RC4 method: the server did
 * not accept its checksum, as xrdp 0.9 does not. */
int
kb_rdp_dropped_after_info(const struct rdpneg_evidence *ev)
{
	const struct rdpneg_mcs *m = mcs_of(ev);
	unsigned want = RDPNEG_SEC_ENCRYPT | RDPNEG_SEC_SECURE_CHECKSUM;

	return kb_rdp_dropped(ev) && m->stage == RDPNEG_STAGE_CLIENT_INFO &&
	    (m->dir[0].sec_flags & want) == want &&
	    m->server.encryption_method != RDPNEG_ENC_FIPS;
}

int
kb_license_error(const struct rdpneg_evidence *ev)
{
	return (mcs_of(ev)->have & RDPNEG_MCS_HAVE_LICENSE_ERROR) != 0;
}

int
kb_error_info(const struct rdpneg_evidence *ev)
{
	return (mcs_of(ev)->have & RDPNEG_MCS_HAVE_ERROR_INFO) != 0;
}

/* Before the session went past licensing the connection ended, or the
 * server sent a Disconnect Provider Ultimatum at any point walked. */
int
kb_rdp_failed(const struct rdpneg_evidence *ev)
{
	const struct rdpneg_mcs *m = mcs_of(ev);

	if (ev->mcs == NULL)
		return 0;
	if ((m->have & RDPNEG_MCS_HAVE_DISCONNECT) &&
	    !m->disconnect_from_client)
		return 1;
	return m->stage < RDPNEG_STAGE_ACTIVE && ev->end != RDPNEG_END_OPEN;
}

int
kb_rdp_weak(const struct rdpneg_evidence *ev)
{
	return rdpneg_rdp_weaknesses(mcs_of(ev)) != 0;
}

/* ---- Placeholders. */

const char *
kb_ph_rdp_offered(const struct rdpneg_evidence *ev, char *tmp, size_t size)
{
	const struct rdpneg_gcc_client *c = &mcs_of(ev)->client;

	if (!(c->have & RDPNEG_CS_SECURITY))
		return "not seen";
	rdpneg_rdp_methods_str(rdpneg_rdp_offered(c), tmp, size);
	return tmp;
}

const char *
kb_ph_rdp_security(const struct rdpneg_evidence *ev, char *tmp, size_t size)
{
	rdpneg_rdp_security_str(mcs_of(ev), tmp, size);
	return tmp;
}

const char *
kb_ph_rdp_stage(const struct rdpneg_evidence *ev, char *tmp, size_t size)
{
	(void)tmp;
	(void)size;
	return rdpneg_tok_str(rdpneg_mcs_stage_names, mcs_of(ev)->stage);
}

const char *
kb_ph_mcs_disconnect(const struct rdpneg_evidence *ev, char *tmp,
    size_t size)
{
	const struct rdpneg_mcs *m = mcs_of(ev);

	if (!(m->have & RDPNEG_MCS_HAVE_DISCONNECT))
		return "no Disconnect Provider Ultimatum";
	rdpneg_mcs_disconnect_str(m, tmp, size);
	return tmp;
}

const char *
kb_ph_license_error(const struct rdpneg_evidence *ev, char *tmp,
    size_t size)
{
	rdpneg_license_error_str(mcs_of(ev), tmp, size);
	return tmp;
}

const char *
kb_ph_error_info(const struct rdpneg_evidence *ev, char *tmp, size_t size)
{
	rdpneg_error_info_str(mcs_of(ev), tmp, size);
	return tmp;
}

const char *
kb_ph_error_info_name(const struct rdpneg_evidence *ev, char *tmp,
    size_t size)
{
	const struct rdpneg_errinfo *e = rdpneg_find_errinfo(
	    mcs_of(ev)->error_info);

	if (e != NULL)
		return e->name;
	snprintf(tmp, size, "errorInfo 0x%x", (unsigned)mcs_of(ev)->error_info);
	return tmp;
}

const char *
kb_ph_rdp_weaknesses(const struct rdpneg_evidence *ev, char *tmp,
    size_t size)
{
	rdpneg_rdp_weaknesses_str(rdpneg_rdp_weaknesses(mcs_of(ev)), tmp,
	    size);
	return tmp;
}
