/*
 * html_problem.h - one problem (a finding) of the HTML report: what the
 * Markdown report's section says, as HTML, with its fix steps numbered
 * across the report and each written in full once.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_HTML_PROBLEM_H
#define RDPNEG_HTML_PROBLEM_H

#include <stdio.h>

#include "report/findings.h"

#define HTML_SECTIONS	40	/* findings with a section */

/* The fix steps written so far: step k is F(k + 1). */
struct html_step {
	const struct rdpneg_step	*step;
	char				*text;	/* its prose, expanded */
};

struct html_steps {
	struct html_step	*v;
	size_t			 n;
	size_t			 cap;
};

/* <section class="problem" id="problem-NUMBER"> for finding f. */
void html_problem(FILE *out, struct html_steps *steps,
    const struct finding *f, size_t number);

void html_steps_free(struct html_steps *steps);

#endif /* RDPNEG_HTML_PROBLEM_H */
