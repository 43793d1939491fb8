/*
 * summary.h - the per-server aggregate of every attempt of a run.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_SUMMARY_H
#define RDPNEG_SUMMARY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "analysis/analysis.h"
#include "report/hindex.h"
#include "report/keyset.h"
#include "report/span.h"

#define SUMMARY_UNKNOWN_FAILURE	7	/* by_failure index of codes > 6 */
/* Certificate problems counted: by_cert_problem[k] counts the attempts
 * whose certificate has flag 1u << k (x509.h), whatever their class. */
#define SUMMARY_CERT_PROBLEMS	7

struct server_stat {
	int			 family;
	struct rdpneg_endpoint	 server;
	uint64_t		 attempts;
	uint64_t		 by_class[RDPNEG_CLASS_COUNT];
	uint64_t		 by_outcome[RDPNEG_OUTCOME_COUNT];
	uint64_t		 by_diagnosis[RDPNEG_RULES_MAX];
	uint64_t		 by_failure[SUMMARY_UNKNOWN_FAILURE + 1];
	uint64_t		 by_cert_problem[SUMMARY_CERT_PROBLEMS];
	struct keyset		 clients;	/* addresses: 4 bytes for IPv4,
						   16 for IPv6 */
	struct span			 seen;
};

struct summary {
	struct server_stat	*servers;
	size_t			 n;
	size_t			 cap;
	struct hindex		 index;		/* of servers by address */
};

void summary_add(struct summary *s, const struct attempt_item *it);

/* Servers in the reports' order: address family (IPv4 first), address,
 * port; 0 for the same server. */
int summary_server_cmp(int family_a, const struct rdpneg_endpoint *a,
    int family_b, const struct rdpneg_endpoint *b);

/* FNV-1a of a server's family, address and port, continuing from h. */
uint32_t summary_server_hash(uint32_t h, int family,
    const struct rdpneg_endpoint *ep);

/* The servers sorted by address family, address and port. */
void summary_sort(struct summary *s);

void summary_free(struct summary *s);

/*
 * "<before>name n, name n" for the non-zero counts[first..n), names(k)
 * naming count k; nothing when all are zero.  Returns whether it wrote.
 */
int summary_write_counts(FILE *out, const char *before,
    const uint64_t *counts, size_t first, size_t n,
    const char *(*names)(size_t));

/* The names of the counts by_outcome[k], by_failure[k] (SSL_REQUIRED...,
 * "unknown" for SUMMARY_UNKNOWN_FAILURE) and by_diagnosis[k] (its id). */
const char *summary_outcome_name(size_t k);
const char *summary_failure_name(size_t k);
const char *summary_diagnosis_name(size_t k);
/* ... and by_cert_problem[k] (rdpneg_cert_flag_names: "self-signed"...). */
const char *summary_cert_problem_name(size_t k);

#endif /* RDPNEG_SUMMARY_H */
