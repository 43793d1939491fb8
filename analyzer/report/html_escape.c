/*
 * html_escape.c - escaping for the HTML report.  The same five
 * references serve element text and attribute values (always written
 * between double quotes), so a caller cannot pick the wrong one.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "report/fmt.h"
#include "report/html_escape.h"

static void
escape(FILE *out, const char *s, size_t len)
{
	static const char special[] = "&<>\"'";
	const char *end = s + len;
	size_t n;

	while (s < end) {
		n = strcspn(s, special);	/* stops at the NUL too */
		if (n > (size_t)(end - s))
			n = (size_t)(end - s);
		fwrite(s, 1, n, out);
		s += n;
		if (s >= end)
			break;
		switch (*s) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:	/* a NUL inside: fmt_clean writes none */
			fputs("\\x00", out);
			break;
		}
		s++;
	}
}

void
html_ours(FILE *out, const char *s)
{
	escape(out, s, strlen(s));
}

void
html_untrusted(FILE *out, const uint8_t *p, size_t len)
{
	char small[512], *buf = small;
	size_t size = sizeof(small), n;

	/* At most 4 bytes out per byte in (\xNN), as fmt_clean's callers
	 * size it; a text too long for memory is cut rather than lost. */
	if (len < (SIZE_MAX - 1) / 4 && 4 * len + 1 > sizeof(small) &&
	    (buf = malloc(4 * len + 1)) != NULL)
		size = 4 * len + 1;
	else
		buf = small;
	n = fmt_clean(p, len, buf, size);
	escape(out, buf, n);
	if (buf != small)
		free(buf);
}

void
html_untrusted_str(FILE *out, const char *s)
{
	html_untrusted(out, (const uint8_t *)s, strlen(s));
}
