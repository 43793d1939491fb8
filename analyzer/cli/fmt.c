/*
 * fmt.c - field rendering and escaping shared by the report formats.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "cli/fmt.h"

void
fmt_endpoint(int family, const struct rdpneg_endpoint *ep, char *buf,
    size_t size)
{
	char addr[INET6_ADDRSTRLEN];

	if (inet_ntop(family == 6 ? AF_INET6 : AF_INET, ep->addr, addr,
	    sizeof(addr)) == NULL)
		snprintf(addr, sizeof(addr), "?");
	snprintf(buf, size, family == 6 ? "[%s]:%u" : "%s:%u", addr,
	    (unsigned)ep->port);
}

void
fmt_time(int64_t sec, uint32_t nsec, char *buf, size_t size)
{
	time_t t = (time_t)sec;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, size, "%lld.%09u", (long long)sec, nsec);
		return;
	}
	snprintf(buf, size, "%04lld-%02d-%02dT%02d:%02d:%02d.%09uZ",
	    (long long)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, nsec % 1000000000u);
}

void
fmt_hex(const uint8_t *bytes, size_t n, char *buf, size_t size)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	if (size == 0)
		return;
	for (i = 0; i < n && 2 * i + 2 < size; i++) {
		buf[2 * i] = digits[bytes[i] >> 4];
		buf[2 * i + 1] = digits[bytes[i] & 0x0f];
	}
	buf[2 * i] = '\0';
}

size_t
fmt_escape_text(const uint8_t *in, size_t len, char *buf, size_t size)
{
	char tmp[5];
	size_t i, used = 0, need = 0, n;

	if (size > 0)
		buf[0] = '\0';
	for (i = 0; i < len; i++) {
		if (in[i] == '\\' || in[i] == '"')
			n = (size_t)snprintf(tmp, sizeof(tmp), "\\%c", in[i]);
		else if (in[i] >= 0x20 && in[i] < 0x7f)
			n = (size_t)snprintf(tmp, sizeof(tmp), "%c", in[i]);
		else
			n = (size_t)snprintf(tmp, sizeof(tmp), "\\x%02x", in[i]);
		need += n;
		if (used + n < size) {
			memcpy(buf + used, tmp, n + 1);
			used += n;
		}
	}
	return need;
}

static const char replacement[] = "\xef\xbf\xbd";	/* U+FFFD */

/* Length of the well-formed UTF-8 sequence at in[0..len), or 0. */
static size_t
utf8_sequence(const uint8_t *in, size_t len)
{
	uint8_t b = in[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (b < 0x80)
		return 1;
	if (b >= 0xc2 && b <= 0xdf)
		n = 2;
	else if (b >= 0xe0 && b <= 0xef)
		n = 3;
	else if (b >= 0xf0 && b <= 0xf4)
		n = 4;
	else
		return 0;
	/* Overlong forms, surrogates and values past U+10FFFF. */
	if (b == 0xe0)
		lo = 0xa0;
	else if (b == 0xed)
		hi = 0x9f;
	else if (b == 0xf0)
		lo = 0x90;
	else if (b == 0xf4)
		hi = 0x8f;
	if (n > len || in[1] < lo || in[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((in[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

size_t
fmt_utf8_sanitize(const uint8_t *in, size_t len, char *buf, size_t size)
{
	size_t i = 0, used = 0, n;
	const char *src;

	if (size == 0)
		return 0;
	while (i < len) {
		n = utf8_sequence(in + i, len - i);
		src = n ? (const char *)in + i : replacement;
		if (used + (n ? n : 3) >= size)
			break;
		memcpy(buf + used, src, n ? n : 3);
		used += n ? n : 3;
		i += n ? n : 1;
	}
	buf[used] = '\0';
	return used;
}

/* Code point of a well-formed sequence of n bytes. */
static uint32_t
utf8_decode(const uint8_t *s, size_t n)
{
	static const uint8_t lead_mask[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	uint32_t cp = s[0] & lead_mask[n];
	size_t i;

	for (i = 1; i < n; i++)
		cp = cp << 6 | (s[i] & 0x3fu);
	return cp;
}

/* Characters a report must not pass through raw. */
static int
must_escape(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

size_t
fmt_clean(const uint8_t *in, size_t len, char *buf, size_t size)
{
	char esc[12];
	const char *src;
	size_t i = 0, used = 0, n, w;
	uint32_t cp;

	if (size == 0)
		return 0;
	while (i < len) {
		n = utf8_sequence(in + i, len - i);
		if (n == 0) {
			src = replacement;
			w = 3;
			n = 1;
		} else if (must_escape(cp = utf8_decode(in + i, n))) {
			w = (size_t)snprintf(esc, sizeof(esc), cp < 0x100 ?
			    "\\x%02x" : "\\u%04x", cp);
			src = esc;
		} else {
			src = (const char *)in + i;
			w = n;
		}
		if (used + w >= size)
			break;
		memcpy(buf + used, src, w);
		used += w;
		i += n;
	}
	buf[used] = '\0';
	return used;
}

/* fmt_clean into a new buffer large enough for any input (free it). */
static char *
clean_copy(const uint8_t *in, size_t len)
{
	char *clean = malloc(4 * len + 1);	/* \xNN: 4 bytes per byte */

	if (clean != NULL)
		fmt_clean(in, len, clean, 4 * len + 1);
	return clean;
}

void
fmt_csv_field(const uint8_t *in, size_t len, char *buf, size_t size)
{
	char *clean = clean_copy(in, len);
	size_t i, used = 0;

	if (clean == NULL || size < 4) {	/* "'" */
		if (size > 0)
			buf[0] = '\0';
		free(clean);
		return;
	}
	buf[used++] = '"';
	if (strchr("=+-@", clean[0]) != NULL && clean[0] != '\0')
		buf[used++] = '\'';
	for (i = 0; clean[i] != '\0' && used + 3 < size; i++) {
		if (clean[i] == '"')
			buf[used++] = '"';
		buf[used++] = clean[i];
	}
	buf[used++] = '"';
	buf[used] = '\0';
	free(clean);
}

void
fmt_md_code(const uint8_t *in, size_t len, int in_table, char *buf,
    size_t size)
{
	char *clean = clean_copy(in, len);
	size_t i, run = 0, longest = 0, used = 0, k;
	int pad;

	if (clean == NULL) {
		if (size > 0)
			buf[0] = '\0';
		return;
	}
	for (i = 0; clean[i] != '\0'; i++) {
		run = clean[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	/* CommonMark 6.1: a longer backtick string delimits; pad with spaces
	 * when the content starts or ends with a backtick (or is empty). */
	pad = clean[0] == '`' || clean[0] == '\0' ||
	    (i > 0 && clean[i - 1] == '`');
	if (size < 2 * (longest + 2) + 2) {
		if (size > 0)
			buf[0] = '\0';
		free(clean);
		return;
	}
	for (k = 0; k <= longest; k++)
		buf[used++] = '`';
	if (pad)
		buf[used++] = ' ';
	for (i = 0; clean[i] != '\0' && used + longest + 4 < size; i++) {
		if (clean[i] == '|' && in_table)
			buf[used++] = '\\';
		buf[used++] = clean[i];
	}
	if (pad)
		buf[used++] = ' ';
	for (k = 0; k <= longest; k++)
		buf[used++] = '`';
	buf[used] = '\0';
	free(clean);
}

void
fmt_shell_quote(const char *s, char *buf, size_t size)
{
	const unsigned char *p;
	size_t used = 0;
	int ansi = 0;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		ansi |= *p < 0x20 || *p == 0x7f;
	if (size < 4) {
		if (size > 0)
			buf[0] = '\0';
		return;
	}
	/* '...' for printable names; bash's $'...' with \xNN otherwise. */
	if (ansi)
		buf[used++] = '$';
	buf[used++] = '\'';
	for (p = (const unsigned char *)s; *p != '\0' && used + 6 < size;
	    p++) {
		if (ansi && (*p < 0x20 || *p == 0x7f || *p == '\\' ||
		    *p == '\''))
			used += (size_t)snprintf(buf + used, size - used,
			    "\\x%02x", *p);
		else if (*p == '\'') {	/* close, escaped quote, reopen */
			memcpy(buf + used, "'\\''", 4);
			used += 4;
		} else
			buf[used++] = (char)*p;
	}
	buf[used++] = '\'';
	buf[used] = '\0';
}

int
fmt_protocol_not_requested(const struct rdpneg_attempt *a)
{
	/* A request without RDP_NEG_REQ asks for Standard RDP Security. */
	uint32_t requested = (a->have & RDPNEG_ATTEMPT_REQ_NEG) ?
	    a->requested : RDPNEG_PROTOCOL_RDP;

	return (a->have & RDPNEG_ATTEMPT_REQUEST) &&
	    (a->have & RDPNEG_ATTEMPT_RSP_NEG) &&
	    a->response_type == RDPNEG_TYPE_RSP &&
	    !rdpneg_protocol_was_requested(requested, a->response_value);
}

void
fmt_requested(const struct rdpneg_attempt *a, char *buf, size_t size)
{
	char names[96];

	if (a->have & RDPNEG_ATTEMPT_REQ_NEG) {
		rdpneg_protocols_str(a->requested, names, sizeof(names));
		snprintf(buf, size, "%s (0x%x)", names, a->requested);
	} else if (a->have & RDPNEG_ATTEMPT_REQUEST)
		snprintf(buf, size, "no RDP_NEG_REQ (Standard RDP Security)");
	else
		snprintf(buf, size, "no Connection Request");
}

void
fmt_answer(const struct rdpneg_attempt *a, char *buf, size_t size)
{
	char name[48];

	if (a->have & RDPNEG_ATTEMPT_RSP_NEG) {
		if (a->response_type == RDPNEG_TYPE_FAILURE) {
			fmt_failure(a->response_value, name, sizeof(name));
			snprintf(buf, size, "RDP_NEG_FAILURE %s (%u)", name,
			    a->response_value);
		} else {
			fmt_selected(a->response_value, name, sizeof(name));
			snprintf(buf, size, "RDP_NEG_RSP selected %s%s", name,
			    fmt_protocol_not_requested(a) ?
			    " (not requested)" : "");
		}
		return;
	}
	switch (a->outcome) {
	case RDPNEG_OUTCOME_LEGACY:
		snprintf(buf, size, "Connection Confirm without negotiation "
		    "data");
		break;
	case RDPNEG_OUTCOME_REFUSED:
		snprintf(buf, size, "RST to the SYN");
		break;
	case RDPNEG_OUTCOME_UNANSWERED:
		snprintf(buf, size, "no answer to the SYN");
		break;
	default:
		snprintf(buf, size, "no Connection Confirm");
		break;
	}
}

void
fmt_user(const struct rdpneg_attempt *a, char *buf, size_t size)
{
	if (a->token == NULL || a->token_kind != RDPNEG_TOKEN_MSTSHASH) {
		if (size > 0)
			buf[0] = '\0';
		return;
	}
	fmt_escape_text(a->token + a->token_value_off,
	    a->token_len - a->token_value_off, buf, size);
}

void
fmt_failure(uint32_t code, char *buf, size_t size)
{
	const char *name = rdpneg_tok_str(rdpneg_failure_names, code);

	if (name != NULL)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "0x%08x", code);
}

void
fmt_selected(uint32_t protocol, char *buf, size_t size)
{
	const char *name = protocol == RDPNEG_PROTOCOL_RDP ? "RDP" :
	    rdpneg_tok_str(rdpneg_protocol_names, protocol);

	if (name != NULL)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "0x%x", protocol);
}
