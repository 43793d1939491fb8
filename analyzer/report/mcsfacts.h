/*
 * mcsfacts.h - what the text and Markdown reports say of Standard RDP
 * Security's exchange (rdpneg/mcs.h): the client's line ("DESKTOP-42
 * build 19041, ...", what a support engineer asks for first) and the
 * security line, written to a tlsfacts_sink (the client's texts handed
 * to the format's escaping).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_MCSFACTS_H
#define RDPNEG_MCSFACTS_H

#include "report/tlsfacts.h"

/* Did the attempt show the client's GCC core data (its "client_data")? */
int mcsfacts_has_client(const struct rdpneg_evidence *ev);

/*
 * "DESKTOP-42 build 19041, keyboard 0x0409, 1920x1080 at 32 bits,
 * channels rdpdr, rdpsnd, cliprdr"
 */
void mcsfacts_client_line(const struct rdpneg_attempt *a,
    const struct tlsfacts_sink *s);

/*
 * "offered 40bit|128bit|56bit|FIPS; server chose 128bit at level High,
 * proprietary certificate (512-bit RSA); reached client-info; the
 * server's Disconnect Provider Ultimatum (rn-user-requested) at frame
 * 12", then the License Error, Set Error Info and the weaknesses when
 * there are, for an attempt with Standard RDP Security's exchange.
 */
void mcsfacts_security_line(const struct rdpneg_attempt *a,
    const struct tlsfacts_sink *s);

#endif /* RDPNEG_MCSFACTS_H */
