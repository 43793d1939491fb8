/*
 * html_page.c - the document around the HTML report.  The page holds no
 * script and loads nothing: its policy is default-src 'none', and the one
 * inline <style> is allowed by its SHA-256 (hashed here, at run time, so
 * that the policy follows any edit of the stylesheet).  Inline style=
 * attributes would need 'unsafe-inline': the report uses classes only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <nettle/base64.h>
#include <nettle/sha2.h>

#include "report/html_escape.h"
#include "report/html_page.h"

/* Okabe-Ito colours (told apart with colour-blindness), darker ones for
 * text; every mark also has its own shape. */
static const char style[] =
    "\n"
    "body{font:15px/1.45 system-ui,sans-serif;color:#1a1a1a;"
    "background:#fff;margin:1.5em auto;max-width:1180px;padding:0 1em}\n"
    "h1{font-size:1.6em}h2{border-bottom:1px solid #bbb;margin-top:2em}\n"
    "nav ul{list-style:none;padding:0}nav li{display:inline;"
    "margin-right:1em}\n"
    "a{color:#0a4f80}\n"
    "table{border-collapse:collapse;margin:.5em 0 1em;font-size:.9em}\n"
    "caption{text-align:left;font-weight:600;padding:.3em 0}\n"
    "th,td{border:1px solid #bbb;padding:.2em .45em;text-align:left;"
    "vertical-align:top}\n"
    "th{background:#eee}td.num{text-align:right}\n"
    "#servers td:first-child{white-space:nowrap}\n"
    "code,pre{font-family:ui-monospace,monospace;font-size:.9em;"
    "overflow-wrap:anywhere}\n"
    "pre{background:#f4f4f4;border:1px solid #ddd;padding:.5em;"
    "white-space:pre-wrap}\n"
    ".problem{border-top:1px solid #ddd;margin-top:1.5em}\n"
    ".blocked{color:#a33c00;font-weight:600}.insecure{color:#8a5a00;"
    "font-weight:600}\n"
    "svg#timeline{width:100%;height:auto;border:1px solid #ddd}\n"
    "svg text{font:11px system-ui,sans-serif;fill:#1a1a1a}\n"
    ".lane-label{text-anchor:end}.tick-label{text-anchor:middle}\n"
    ".axis-line,.tick{stroke:#ccc;stroke-width:1}\n"
    ".lane-line{stroke:#eee;stroke-width:1}\n"
    ".boundary{stroke:#444;stroke-width:1;stroke-dasharray:3 3}\n"
    ".gap{fill:#ddd;fill-opacity:.6}\n"
    ".chain{fill:none;stroke:#555;stroke-width:1.2}\n"
    ".k-blocked{fill:#D55E00}.k-insecure{fill:#E69F00}"
    ".k-ok{fill:#009E73}.k-noise{fill:#0072B2}\n"
    ".mark>*,.bucket>rect{stroke:#1a1a1a;stroke-width:.5}\n"
    ".tl-wrap{max-height:30em;overflow:auto}\n"
    "@media print{body{max-width:none;margin:0;font-size:10pt}"
    "nav{display:none}.tl-wrap{max-height:none;overflow:visible}"
    "a{color:inherit;text-decoration:none}"
    "h2,h3{break-after:avoid}tr,.mark{break-inside:avoid}"
    "pre{white-space:pre-wrap}}\n";

void
html_page_head(FILE *out, const char *title)
{
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];
	char b64[BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE) + 1];

	sha256_init(&ctx);
	sha256_update(&ctx, sizeof(style) - 1, (const uint8_t *)style);
	sha256_digest(&ctx, sizeof(digest), digest);
	base64_encode_raw((void *)b64, sizeof(digest), digest);
	b64[sizeof(b64) - 1] = '\0';
	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'sha256-%s'\">\n"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<title>", b64);
	html_ours(out, title);
	fputs("</title>\n<style>", out);
	fputs(style, out);
	fputs("</style>\n</head>\n<body>\n", out);
}

void
html_page_foot(FILE *out)
{
	fputs("</body>\n</html>\n", out);
}
