/*
 * html_page.h - the HTML report's document head: its one stylesheet and
 * the Content-Security-Policy that allows that stylesheet only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_HTML_PAGE_H
#define RDPNEG_HTML_PAGE_H

#include <stdio.h>

/* From <!DOCTYPE html> to <body>, the title being ours. */
void html_page_head(FILE *out, const char *title);

/* </body></html> */
void html_page_foot(FILE *out);

#endif /* RDPNEG_HTML_PAGE_H */
