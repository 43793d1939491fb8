/*
 * mcsfacts.c - the reports' lines about Standard RDP Security
 * (mcsfacts.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "rdpneg/mcs_text.h"
#include "report/mcsfacts.h"

#define LINE_ITEM	256

int
mcsfacts_has_client(const struct rdpneg_evidence *ev)
{
	return (rdpneg_evidence_mcs(ev)->client.have & RDPNEG_CS_CORE) != 0;
}

void
mcsfacts_client_line(const struct rdpneg_attempt *a,
    const struct tlsfacts_sink *s)
{
	const struct rdpneg_gcc_client *c = &rdpneg_evidence_mcs(&a->ev)->client;
	char text[LINE_ITEM];
	unsigned depth = rdpneg_gcc_color_depth(c);
	size_t i;

	tlsfacts_untrusted(s, c->name);
	snprintf(text, sizeof(text), " build %u, keyboard 0x%04x, %ux%u",
	    (unsigned)c->client_build, (unsigned)c->keyboard_layout,
	    (unsigned)c->desktop_width, (unsigned)c->desktop_height);
	tlsfacts_ours(s, text);
	if (depth != 0) {
		snprintf(text, sizeof(text), " at %u bits", depth);
		tlsfacts_ours(s, text);
	}
	if (!(c->have & RDPNEG_CS_NET))
		return;
	tlsfacts_ours(s, c->nchannels == 0 ? ", no channels" : ", channels ");
	for (i = 0; i < c->nchannels && i < RDPNEG_CHANNELS_MAX; i++) {
		if (i > 0)
			tlsfacts_ours(s, " ");
		s->untrusted(s->arg, (const uint8_t *)c->channels[i],
		    strlen(c->channels[i]));
	}
}

void
mcsfacts_security_line(const struct rdpneg_attempt *a,
    const struct tlsfacts_sink *s)
{
	const struct rdpneg_mcs *m = rdpneg_evidence_mcs(&a->ev);
	unsigned weak = rdpneg_rdp_weaknesses(m);
	char text[LINE_ITEM];

	if (m->client.have & RDPNEG_CS_SECURITY) {
		tlsfacts_ours(s, "offered ");
		rdpneg_rdp_methods_str(rdpneg_rdp_offered(&m->client), text,
		    sizeof(text));
		tlsfacts_ours(s, text);
		tlsfacts_ours(s, "; ");
	}
	if ((m->have & RDPNEG_MCS_HAVE_SERVER) &&
	    (m->server.have & RDPNEG_SC_SECURITY)) {
		tlsfacts_ours(s, "server chose ");
		rdpneg_rdp_security_str(m, text, sizeof(text));
		tlsfacts_ours(s, text);
	} else if (m->have & RDPNEG_MCS_HAVE_SERVER) {
		tlsfacts_ours(s, "Connect-Response ");
		tlsfacts_ours(s, rdpneg_tok_str(rdpneg_mcs_result_names,
		    m->mcs_result) != NULL ? rdpneg_tok_str(
		    rdpneg_mcs_result_names, m->mcs_result) : "with no result");
	} else
		tlsfacts_ours(s, "no Connect-Response");
	tlsfacts_ours(s, "; reached ");
	tlsfacts_ours(s, rdpneg_tok_str(rdpneg_mcs_stage_names, m->stage));
	if (m->have & RDPNEG_MCS_HAVE_LICENSE_ERROR) {
		tlsfacts_ours(s, "; License Error ");
		rdpneg_license_error_str(m, text, sizeof(text));
		tlsfacts_ours(s, text);
	}
	if (m->have & RDPNEG_MCS_HAVE_ERROR_INFO) {
		tlsfacts_ours(s, "; Set Error Info ");
		rdpneg_error_info_str(m, text, sizeof(text));
		tlsfacts_ours(s, text);
	}
	if (m->have & RDPNEG_MCS_HAVE_DISCONNECT) {
		tlsfacts_ours(s, "; ");
		rdpneg_mcs_disconnect_str(m, text, sizeof(text));
		tlsfacts_ours(s, text);
	}
	if (weak != 0) {
		tlsfacts_ours(s, "; weak: ");
		rdpneg_rdp_weaknesses_str(weak, text, sizeof(text));
		tlsfacts_ours(s, text);
	}
}
