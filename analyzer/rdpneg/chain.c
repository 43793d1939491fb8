/*
 * chain.c - the predicates of fallback chains (chain.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "rdpneg/chain.h"

/* A success: the server selected a protocol the client asked for. */
static int
succeeded(const struct rdpneg_evidence *ev)
{
	return ev->outcome == RDPNEG_OUTCOME_SELECTED &&
	    !rdpneg_not_requested(ev);
}

int
rdpneg_chain_continues(const struct rdpneg_evidence *prev,
    int64_t prev_sec, uint32_t prev_nsec, int64_t sec, uint32_t nsec,
    uint32_t window)
{
	uint64_t dsec;
	int64_t dns;

	if (succeeded(prev))
		return 0;
	if (sec < prev_sec || (sec == prev_sec && nsec < prev_nsec))
		return 0;
	/* Seconds first: capture times can be anything, so no arithmetic
	 * that could overflow before the distance is known to be small. */
	dsec = (uint64_t)sec - (uint64_t)prev_sec;
	if (dsec > (uint64_t)window + 1)
		return 0;
	dns = (int64_t)dsec * 1000000000 + ((int64_t)nsec - (int64_t)prev_nsec);
	return dns <= (int64_t)window * 1000000000;
}

int
rdpneg_chain_asked_more(const struct rdpneg_evidence *ev)
{
	return (ev->have & RDPNEG_EV_REQ_NEG) &&
	    ev->requested != RDPNEG_PROTOCOL_RDP && !succeeded(ev);
}

int
rdpneg_chain_standard_rdp(const struct rdpneg_evidence *ev)
{
	if (ev->outcome == RDPNEG_OUTCOME_LEGACY)
		return 1;
	return ev->outcome == RDPNEG_OUTCOME_SELECTED &&
	    (ev->have & RDPNEG_EV_RSP_NEG) &&
	    ev->response_value == RDPNEG_PROTOCOL_RDP;
}
