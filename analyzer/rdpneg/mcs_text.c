/*
 * mcs_text.c - Standard RDP Security's facts in words (mcs_text.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include "rdpneg/mcs_text.h"
#include "rdpneg/words.h"

size_t
rdpneg_rdp_methods_str(uint32_t methods, char *buf, size_t size)
{
	return rdpneg_bits_str(rdpneg_encryption_method_names, methods,
	    "None", buf, size);
}

size_t
rdpneg_rdp_security_str(const struct rdpneg_mcs *m, char *buf, size_t size)
{
	const struct rdpneg_gcc_server *s = &m->server;
	char item[64];
	struct words w;

	words_init(&w, buf, size);
	if (!(m->have & RDPNEG_MCS_HAVE_SERVER) ||
	    !(s->have & RDPNEG_SC_SECURITY)) {
		words_put(&w, "", "not seen");
		return w.need;
	}
	rdpneg_rdp_methods_str(s->encryption_method, item, sizeof(item));
	words_put(&w, "", item);
	words_name(&w, " at level ", rdpneg_encryption_level_names,
	    s->encryption_level, "0x%x");
	if (!(s->have & RDPNEG_SC_CERTIFICATE))
		return w.need;
	if (s->cert_type == RDPNEG_CERT_CHAIN_PROPRIETARY)
		snprintf(item, sizeof(item), "proprietary certificate "
		    "(%u-bit RSA)", (unsigned)s->key_bits);
	else if (s->cert_type == RDPNEG_CERT_CHAIN_X509)
		snprintf(item, sizeof(item), "X.509 chain of %u certificate%s",
		    (unsigned)s->cert_count, s->cert_count == 1 ? "" : "s");
	else
		snprintf(item, sizeof(item), "certificate type %u",
		    (unsigned)s->cert_type);
	words_put(&w, ", ", item);
	if (!s->cert_permanent)
		words_put(&w, " ", "(temporary)");
	return w.need;
}

size_t
rdpneg_mcs_disconnect_str(const struct rdpneg_mcs *m, char *buf,
    size_t size)
{
	char item[96];
	struct words w;

	words_init(&w, buf, size);
	if (!(m->have & RDPNEG_MCS_HAVE_DISCONNECT)) {
		words_put(&w, "", "none");
		return w.need;
	}
	words_put(&w, "", m->disconnect_from_client ? "the client's" :
	    "the server's");
	words_put(&w, " ", "Disconnect Provider Ultimatum");
	words_name(&w, " (", rdpneg_mcs_reason_names, m->disconnect_reason,
	    "reason %u");
	snprintf(item, sizeof(item), ") at frame %llu",
	    (unsigned long long)m->disconnect_frame);
	words_put(&w, "", item);
	return w.need;
}

size_t
rdpneg_license_error_str(const struct rdpneg_mcs *m, char *buf, size_t size)
{
	char item[32];
	struct words w;

	words_init(&w, buf, size);
	if (!(m->have & RDPNEG_MCS_HAVE_LICENSE_ERROR)) {
		words_put(&w, "", "none");
		return w.need;
	}
	words_name(&w, "", rdpneg_license_error_names, m->license_error,
	    "error 0x%x");
	snprintf(item, sizeof(item), " (0x%x)", (unsigned)m->license_error);
	words_put(&w, "", item);
	words_name(&w, ", ", rdpneg_license_transition_names,
	    m->license_transition, "state transition 0x%x");
	return w.need;
}

size_t
rdpneg_error_info_str(const struct rdpneg_mcs *m, char *buf, size_t size)
{
	const struct rdpneg_errinfo *e;
	char item[32];
	struct words w;

	words_init(&w, buf, size);
	if (!(m->have & RDPNEG_MCS_HAVE_ERROR_INFO)) {
		words_put(&w, "", "none");
		return w.need;
	}
	e = rdpneg_find_errinfo(m->error_info);
	snprintf(item, sizeof(item), "0x%x", (unsigned)m->error_info);
	if (e == NULL) {
		words_put(&w, "", "errorInfo ");
		words_put(&w, "", item);
		return w.need;
	}
	words_put(&w, "", e->name);
	words_put(&w, " (", item);
	words_put(&w, "): ", e->meaning);
	return w.need;
}

/* Each weakness in words, in the order of rdpneg_rdp_weakness_names. */
static const struct rdpneg_tok weakness_words[] = {
	{ RDPNEG_RDP_WEAK_NO_ENCRYPTION, "no encryption at all" },
	{ RDPNEG_RDP_WEAK_SERVER_CLEAR, "the server's data in clear (level "
	    "Low)" },
	{ RDPNEG_RDP_WEAK_KEY, "40- or 56-bit keys" },
	{ RDPNEG_RDP_WEAK_PROPRIETARY_CERT, "a proprietary server "
	    "certificate, which does not authenticate the server" },
	{ 0, NULL }
};

size_t
rdpneg_rdp_weaknesses_str(unsigned weak, char *buf, size_t size)
{
	const struct rdpneg_tok *t;
	const char *sep = "";
	struct words w;

	words_init(&w, buf, size);
	if (weak == 0) {
		words_put(&w, "", "none");
		return w.need;
	}
	for (t = weakness_words; t->name != NULL; t++) {
		if (!(weak & t->value))
			continue;
		words_put(&w, sep, t->name);
		sep = ", ";
	}
	return w.need;
}
