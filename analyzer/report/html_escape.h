/*
 * html_escape.h - writing text into the HTML report: every string goes
 * through one of these, so that nothing from a capture or the command
 * line can open an element, close an attribute or start a script.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_HTML_ESCAPE_H
#define RDPNEG_HTML_ESCAPE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Our own text (diagnoses, fixes, numbers), for element text or a quoted
 * attribute value: & < > " ' as character references.
 */
void html_ours(FILE *out, const char *s);

/*
 * Untrusted bytes (a cookie, a file name, a certificate's subject):
 * cleaned first with fmt_clean (ill-formed UTF-8 as U+FFFD, controls and
 * bidirectional overrides as visible \xNN or \uNNNN), then escaped as
 * html_ours does; safe in element text and in a quoted attribute.
 */
void html_untrusted(FILE *out, const uint8_t *p, size_t len);

/* The same for a NUL-ended string. */
void html_untrusted_str(FILE *out, const char *s);

#endif /* RDPNEG_HTML_ESCAPE_H */
