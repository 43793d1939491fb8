/*
 * after.h - one direction of a connection after its CR or CC: its bytes
 * reassembled from the first one on (in whatever order the segments
 * come), its first byte handed to the model (rdpneg_evidence_next), then,
 * within a fixed budget, fed to the shared TLS decoder (tls.h) while the
 * TLS that follows the negotiation has more to show, or to the Standard
 * RDP Security decoder (mcs.h) while its connect exchange has, and the
 * server's certificate read (x509.h).  README, "After the negotiation".
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_AFTER_H
#define RDPNEG_AFTER_H

#include <stddef.h>
#include <stdint.h>

#include "capture/stream.h"
#include "rdpneg/evidence.h"
#include "rdpneg/x509.h"

enum after_state {
	AFTER_IDLE = 0,		/* the CR or CC not decoded yet */
	AFTER_FIRST,		/* waiting for the first byte after it */
	AFTER_TLS,		/* feeding the TLS decoder */
	AFTER_MCS,		/* feeding the Standard-security decoder */
	AFTER_DONE		/* not TLS, decided or past the budget:
				   buffers freed */
};

struct after {
	struct stream	 s;	/* at most RDPNEG_TLS_STREAM_BUDGET bytes */
	uint8_t		*hs;	/* the decoder's handshake buffer */
	uint8_t		 state;	/* enum after_state */
};

/* What a connection's directions share; the caller owns (free()) what
 * they point at. */
struct after_conn {
	struct rdpneg_evidence	*ev;
	struct rdpneg_tls	**tls;	/* the session, allocated when the
					   first direction starts TLS;
					   ev->tls points at it */
	struct rdpneg_mcs	**mcs;	/* the Standard-security exchange,
					   allocated as tls; ev->mcs */
	struct rdpneg_cert	**cert;	/* the server's, once read (TLS's
					   or Standard security's X.509) */
	struct rdpneg_cert_cache *certs; /* the consumer's, read through */
};

/* Collect a direction whose first byte after its CR or CC has sequence
 * number seq. */
void after_start(struct after *a, uint32_t seq);

/*
 * Add a segment (as stream_add) that frame brought at capture time sec.
 * Once the first byte is there, hand it to the model and go on only when
 * TLS follows (rdpneg_evidence_starts_tls) or Standard RDP Security's
 * MCS (rdpneg_evidence_starts_mcs); then walk what became contiguous.
 * Returns 0, or -1 when memory ran out.
 */
int after_add(struct after *a, const struct after_conn *c, int from_client,
    uint32_t seq, const uint8_t *data, size_t caplen, size_t len,
    uint64_t frame, int64_t sec);

/* Has what follows the negotiation shown all that is read from it (a
 * decided TLS session or Standard-security exchange), so that the
 * consumer stops feeding both directions? */
int after_conn_decided(const struct after_conn *c);

/* Stop feeding a direction and release its buffers. */
void after_done(struct after *a);

#endif /* RDPNEG_AFTER_H */
