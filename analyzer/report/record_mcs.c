/*
 * record_mcs.c - the record's Standard RDP Security fields
 * (record_mcs.h): what the client sent in its Connect-Initial, what the
 * server chose, how far the connection sequence got and who ended it.
 * Names are Zeek's rdp.log ones where the meaning is the same.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "rdpneg/mcs_text.h"
#include "report/fmt.h"
#include "report/record_mcs.h"

static const struct rdpneg_mcs *
mcs_of(const struct record_ctx *c)
{
	return rdpneg_evidence_mcs(&c->it->a.ev);
}

static const struct rdpneg_gcc_client *
client_of(const struct record_ctx *c)
{
	return &mcs_of(c)->client;
}

static const struct rdpneg_gcc_server *
server_of(const struct record_ctx *c)
{
	return &mcs_of(c)->server;
}

static int
has_core(const struct record_ctx *c)
{
	return (client_of(c)->have & RDPNEG_CS_CORE) != 0;
}

static int
has_security(const struct record_ctx *c)
{
	return (mcs_of(c)->have & RDPNEG_MCS_HAVE_SERVER) &&
	    (server_of(c)->have & RDPNEG_SC_SECURITY);
}

static int
has_certificate(const struct record_ctx *c)
{
	return has_security(c) &&
	    (server_of(c)->have & RDPNEG_SC_CERTIFICATE);
}

/* A name from table, or null. */
static void
name_or_null(struct record_value *v, const struct rdpneg_tok *t,
    uint32_t value, int present)
{
	v->u.text = present ? rdpneg_tok_str(t, value) : NULL;
	if (v->u.text == NULL)
		v->type = RECORD_NULL;
}

/* ---- client_data: null without the Connect-Initial's core data. */

void
record_client_data(const struct record_ctx *c, struct record_value *v)
{
	if (!has_core(c))
		v->type = RECORD_NULL;
}

void
record_client_name(const struct record_ctx *c, struct record_value *v)
{
	if (has_core(c))
		record_bytes_or_null(v, client_of(c)->name);
	else
		v->type = RECORD_NULL;
}

void
record_client_build(const struct record_ctx *c, struct record_value *v)
{
	record_n_if(v, has_core(c), client_of(c)->client_build);
}

void
record_keyboard_layout(const struct record_ctx *c, struct record_value *v)
{
	record_n_if(v, has_core(c), client_of(c)->keyboard_layout);
}

void
record_desktop_width(const struct record_ctx *c, struct record_value *v)
{
	record_n_if(v, has_core(c), client_of(c)->desktop_width);
}

void
record_desktop_height(const struct record_ctx *c, struct record_value *v)
{
	record_n_if(v, has_core(c), client_of(c)->desktop_height);
}

void
record_color_depth(const struct record_ctx *c, struct record_value *v)
{
	unsigned depth = rdpneg_gcc_color_depth(client_of(c));

	record_n_if(v, depth != 0, depth);
}

/* Channel names are the client's bytes: escaped to printable ASCII
 * (fmt_escape_text) so that they are words of ours.  Without CS_NET (an
 * RDP 4 client) there are none. */
void
record_channels(const struct record_ctx *c, struct record_value *v)
{
	const struct rdpneg_gcc_client *cl = client_of(c);
	char name[4 * RDPNEG_CHANNEL_NAME_MAX + 1];
	size_t i;

	if (!has_core(c)) {
		v->type = RECORD_NULL;
		return;
	}
	record_words_begin(c, v);
	for (i = 0; i < cl->nchannels && i < RDPNEG_CHANNELS_MAX; i++) {
		fmt_escape_text((const uint8_t *)cl->channels[i],
		    strlen(cl->channels[i]), name, sizeof(name));
		record_words_put(c, v, name);
	}
}

void
record_dig_product_id(const struct record_ctx *c, struct record_value *v)
{
	if (client_of(c)->have & RDPNEG_CS_CORE_PRODUCT_ID)
		record_bytes_or_null(v, client_of(c)->dig_product_id);
	else
		v->type = RECORD_NULL;
}

void
record_early_capability_flags(const struct record_ctx *c,
    struct record_value *v)
{
	record_n_if(v, (client_of(c)->have & RDPNEG_CS_CORE_EARLY) != 0,
	    client_of(c)->early_capability_flags);
}

void
record_connect_initial_frame(const struct record_ctx *c,
    struct record_value *v)
{
	v->u.n = mcs_of(c)->stage_frame[RDPNEG_STAGE_CONNECT_INITIAL];
}

/* ---- rdp_security: null unless Standard RDP Security's exchange was
 * followed. */

void
record_rdp_security(const struct record_ctx *c, struct record_value *v)
{
	if (c->it->a.ev.mcs == NULL)
		v->type = RECORD_NULL;
}

void
record_encryption_methods(const struct record_ctx *c,
    struct record_value *v)
{
	const struct rdpneg_gcc_client *cl = client_of(c);
	uint32_t offered = rdpneg_rdp_offered(cl);
	const struct rdpneg_tok *t;
	char hex[16];

	if (!(cl->have & RDPNEG_CS_SECURITY)) {
		v->type = RECORD_NULL;
		return;
	}
	record_words_begin(c, v);
	for (t = rdpneg_encryption_method_names; t->name != NULL; t++)
		if (offered & t->value)
			record_words_put(c, v, t->name);
	offered &= ~(uint32_t)(RDPNEG_ENC_40BIT | RDPNEG_ENC_128BIT |
	    RDPNEG_ENC_56BIT | RDPNEG_ENC_FIPS);
	if (offered != 0) {
		snprintf(hex, sizeof(hex), "0x%x", (unsigned)offered);
		record_words_put(c, v, hex);
	}
}

void
record_encryption_method(const struct record_ctx *c, struct record_value *v)
{
	uint32_t m = server_of(c)->encryption_method;

	if (has_security(c) && m == 0)
		v->u.text = "None";
	else
		name_or_null(v, rdpneg_encryption_method_names, m,
		    has_security(c));
}

void
record_encryption_level(const struct record_ctx *c, struct record_value *v)
{
	name_or_null(v, rdpneg_encryption_level_names,
	    server_of(c)->encryption_level, has_security(c));
}

void
record_cert_type(const struct record_ctx *c, struct record_value *v)
{
	name_or_null(v, rdpneg_cert_chain_names, server_of(c)->cert_type,
	    has_certificate(c));
}

void
record_cert_count(const struct record_ctx *c, struct record_value *v)
{
	record_n_if(v, has_certificate(c), server_of(c)->cert_count);
}

void
record_cert_permanent(const struct record_ctx *c, struct record_value *v)
{
	record_n_if(v, has_certificate(c), server_of(c)->cert_permanent != 0);
}

void
record_rdp_key_bits(const struct record_ctx *c, struct record_value *v)
{
	record_n_if(v, has_certificate(c) && server_of(c)->cert_type ==
	    RDPNEG_CERT_CHAIN_PROPRIETARY, server_of(c)->key_bits);
}

/* The X.509 chain's server certificate, read by GnuTLS (x509.h). */
void
record_rdp_certificate(const struct record_ctx *c, struct record_value *v)
{
	if (c->it->a.cert == NULL || c->it->a.ev.mcs == NULL)
		v->type = RECORD_NULL;
}

void
record_weaknesses(const struct record_ctx *c, struct record_value *v)
{
	unsigned weak = rdpneg_rdp_weaknesses(mcs_of(c));
	const struct rdpneg_tok *t;

	if (!has_security(c)) {
		v->type = RECORD_NULL;
		return;
	}
	record_words_begin(c, v);
	for (t = rdpneg_rdp_weakness_names; t->name != NULL; t++)
		if (weak & t->value)
			record_words_put(c, v, t->name);
}

/* The basic security headers' flags one side sent, by name. */
static void
sec_flags(const struct record_ctx *c, struct record_value *v, int dir)
{
	const struct rdpneg_tok *t;
	uint16_t flags = mcs_of(c)->dir[dir].sec_flags;

	record_words_begin(c, v);
	for (t = rdpneg_sec_flag_names; t->name != NULL; t++)
		if (flags & t->value)
			record_words_put(c, v, t->name);
}

void
record_client_sec_flags(const struct record_ctx *c, struct record_value *v)
{
	sec_flags(c, v, 0);
}

void
record_server_sec_flags(const struct record_ctx *c, struct record_value *v)
{
	sec_flags(c, v, 1);
}

void
record_mcs_result(const struct record_ctx *c, struct record_value *v)
{
	name_or_null(v, rdpneg_mcs_result_names, mcs_of(c)->mcs_result,
	    (mcs_of(c)->have & RDPNEG_MCS_HAVE_SERVER) != 0);
}

void
record_rdp_stage(const struct record_ctx *c, struct record_value *v)
{
	name_or_null(v, rdpneg_mcs_stage_names, mcs_of(c)->stage,
	    c->it->a.ev.mcs != NULL);
}

void
record_connect_response_frame(const struct record_ctx *c,
    struct record_value *v)
{
	v->u.n = mcs_of(c)->response_frame;
}

/* ---- rdp_security.disconnect: the first Disconnect Provider
 * Ultimatum. */

static int
has_disconnect(const struct record_ctx *c)
{
	return (mcs_of(c)->have & RDPNEG_MCS_HAVE_DISCONNECT) != 0;
}

void
record_disconnect(const struct record_ctx *c, struct record_value *v)
{
	if (!has_disconnect(c))
		v->type = RECORD_NULL;
}

void
record_disconnect_from(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = mcs_of(c)->disconnect_from_client ? "client" : "server";
}

void
record_disconnect_reason(const struct record_ctx *c, struct record_value *v)
{
	name_or_null(v, rdpneg_mcs_reason_names, mcs_of(c)->disconnect_reason,
	    1);
}

void
record_disconnect_frame(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = mcs_of(c)->disconnect_frame;
}

/* "server rn-user-requested" */
void
record_disconnect_column(const struct record_ctx *c, struct record_value *v)
{
	const char *reason = rdpneg_tok_str(rdpneg_mcs_reason_names,
	    mcs_of(c)->disconnect_reason);

	if (!has_disconnect(c)) {
		v->type = RECORD_NULL;
		return;
	}
	if (reason != NULL)
		snprintf(c->buf, RECORD_TEXT_MAX, "%s %s",
		    mcs_of(c)->disconnect_from_client ? "client" : "server",
		    reason);
	else
		snprintf(c->buf, RECORD_TEXT_MAX, "%s reason %u",
		    mcs_of(c)->disconnect_from_client ? "client" : "server",
		    (unsigned)mcs_of(c)->disconnect_reason);
	v->u.text = c->buf;
}

/* ---- rdp_security.license_error */

static int
has_license_error(const struct record_ctx *c)
{
	return (mcs_of(c)->have & RDPNEG_MCS_HAVE_LICENSE_ERROR) != 0;
}

void
record_license_error(const struct record_ctx *c, struct record_value *v)
{
	if (!has_license_error(c))
		v->type = RECORD_NULL;
}

void
record_license_code(const struct record_ctx *c, struct record_value *v)
{
	name_or_null(v, rdpneg_license_error_names, mcs_of(c)->license_error,
	    1);
}

void
record_license_value(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = mcs_of(c)->license_error;
}

void
record_license_transition(const struct record_ctx *c,
    struct record_value *v)
{
	name_or_null(v, rdpneg_license_transition_names,
	    mcs_of(c)->license_transition, 1);
}

void
record_license_frame(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = mcs_of(c)->license_frame;
}

void
record_license_column(const struct record_ctx *c, struct record_value *v)
{
	if (!has_license_error(c)) {
		v->type = RECORD_NULL;
		return;
	}
	rdpneg_license_error_str(mcs_of(c), c->buf, RECORD_TEXT_MAX);
	v->u.text = c->buf;
}

/* ---- rdp_security.error_info */

static int
has_error_info(const struct record_ctx *c)
{
	return (mcs_of(c)->have & RDPNEG_MCS_HAVE_ERROR_INFO) != 0;
}

void
record_error_info(const struct record_ctx *c, struct record_value *v)
{
	if (!has_error_info(c))
		v->type = RECORD_NULL;
}

void
record_error_info_name(const struct record_ctx *c, struct record_value *v)
{
	const struct rdpneg_errinfo *e = rdpneg_find_errinfo(
	    mcs_of(c)->error_info);

	v->u.text = e != NULL ? e->name : NULL;
	if (e == NULL)
		v->type = RECORD_NULL;
}

void
record_error_info_code(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = mcs_of(c)->error_info;
}

void
record_error_info_meaning(const struct record_ctx *c, struct record_value *v)
{
	const struct rdpneg_errinfo *e = rdpneg_find_errinfo(
	    mcs_of(c)->error_info);

	v->u.text = e != NULL ? e->meaning : NULL;
	if (e == NULL)
		v->type = RECORD_NULL;
}

void
record_error_info_frame(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = mcs_of(c)->error_info_frame;
}

void
record_error_info_column(const struct record_ctx *c, struct record_value *v)
{
	const struct rdpneg_errinfo *e = rdpneg_find_errinfo(
	    mcs_of(c)->error_info);

	if (!has_error_info(c)) {
		v->type = RECORD_NULL;
		return;
	}
	if (e != NULL)
		v->u.text = e->name;
	else {
		snprintf(c->buf, RECORD_TEXT_MAX, "0x%08x",
		    (unsigned)mcs_of(c)->error_info);
		v->u.text = c->buf;
	}
}
