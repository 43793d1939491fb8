/*
 * chain.h - fallback chains, shared by the CLI and the Wireshark plugin.
 *
 * Clients retry a refused negotiation on a new TCP connection with fewer
 * protocols (FreeRDP: 0x3, 0x1, then none; mstsc 6: 0x1 then 0x0).  The
 * attempts of one client address to one server address and port, each
 * starting within `window` seconds of the previous one, form a chain; a
 * success with a protocol the client asked for ends it.  A chain that
 * succeeded only with Standard RDP Security after asking for TLS or CredSSP
 * is a security finding (the server accepts a downgrade).
 *
 * Consumers keep, per client/server pair, the last attempt's start time
 * and evidence, and walk the pair's attempts in start order:
 *
 *	if (rdpneg_chain_continues(&last, last_sec, last_nsec, sec, nsec,
 *	    window)) { position++; asked_more |= rdpneg_chain_asked_more(&last); }
 *	else { position = 1; asked_more = 0; }
 *	if (asked_more && rdpneg_chain_standard_rdp(&ev)) ev.have |=
 *	    RDPNEG_EV_FELL_BACK;	(only on the chain's last attempt)
 *
 * Pure C11: no allocation, no I/O.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_CHAIN_H
#define RDPNEG_CHAIN_H

#include <stdint.h>

#include "rdpneg/kb.h"

#define RDPNEG_DEFAULT_CHAIN_WINDOW	60	/* seconds */

/*
 * Does an attempt of the same pair starting at (sec, nsec) continue the
 * chain whose latest attempt, prev, started at (prev_sec, prev_nsec)?
 * It must start no earlier than prev and within window seconds of it,
 * and prev must not have succeeded.  Exact to the nanosecond, and safe
 * for any capture times.
 */
int rdpneg_chain_continues(const struct rdpneg_evidence *prev,
    int64_t prev_sec, uint32_t prev_nsec, int64_t sec, uint32_t nsec,
    uint32_t window);

/* Did this attempt ask for more than Standard RDP Security and not get
 * it (a later Standard RDP success in its chain is then a fallback)? */
int rdpneg_chain_asked_more(const struct rdpneg_evidence *ev);

/* Did this attempt end with Standard RDP Security (selected 0, or a
 * Connection Confirm without negotiation data)? */
int rdpneg_chain_standard_rdp(const struct rdpneg_evidence *ev);

#endif /* RDPNEG_CHAIN_H */
