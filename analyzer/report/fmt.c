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

#include "report/fmt.h"

/* Copy text[0..len) into buf as snprintf("%s") would: cut to fit, NUL. */
static void
copy_out(const char *text, size_t len, char *buf, size_t size)
{
	if (size == 0)
		return;
	if (len >= size)
		len = size - 1;
	memcpy(buf, text, len);
	buf[len] = '\0';
}

/* n in decimal at p, at least width digits (zero-padded); returns the end. */
static char *
put_decimal(char *p, unsigned long long n, int width)
{
	char digits[20];
	int i = 0;

	do {
		digits[i++] = (char)('0' + n % 10);
		n /= 10;
	} while (n != 0);
	while (i < width)
		digits[i++] = '0';
	while (i > 0)
		*p++ = digits[--i];
	return p;
}

void
fmt_endpoint(int family, const struct rdpneg_endpoint *ep, char *buf,
    size_t size)
{
	char text[FMT_ENDPOINT_MAX], *p = text;
	int i;

	/* "192.0.2.1:3389" or "[2001:db8::1]:3389" */
	if (family == 6) {
		*p++ = '[';
		if (inet_ntop(AF_INET6, ep->addr, p, INET6_ADDRSTRLEN) == NULL)
			strcpy(p, "?");
		p += strlen(p);
		*p++ = ']';
	} else
		/* inet_ntop's dotted quad, without its sprintf. */
		for (i = 0; i < 4; i++) {
			if (i > 0)
				*p++ = '.';
			p = put_decimal(p, ep->addr[i], 1);
		}
	*p++ = ':';
	p = put_decimal(p, ep->port, 1);
	copy_out(text, (size_t)(p - text), buf, size);
}

/*
 * "2024-05-01T10:00:00." for a second: gmtime_r and formatting once per
 * distinct second, since attempts come in time order and many share one.
 * Per thread, so fmt_time stays safe to call from any thread.
 */
struct time_cache {
	int	valid;
	int64_t	sec;
	size_t	len;
	char	text[FMT_TIME_MAX];
};

static _Thread_local struct time_cache time_cache;

/* The text of a second, or 0 when gmtime_r cannot represent it. */
static size_t
second_text(int64_t sec, char *text, size_t size)
{
	time_t t = (time_t)sec;
	struct tm tm;
	long long year;
	char *p = text;
	int n;

	if (gmtime_r(&t, &tm) == NULL)
		return 0;
	year = (long long)tm.tm_year + 1900;
	if (year < 0 || year > 9999) {	/* signed or wider than 4 */
		n = snprintf(text, size, "%04lld-%02d-%02dT%02d:%02d:%02d.",
		    year, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		    tm.tm_sec);
		return n > 0 && (size_t)n < size ? (size_t)n : 0;
	}
	p = put_decimal(p, (unsigned long long)year, 4);
	*p++ = '-';
	p = put_decimal(p, (unsigned)(tm.tm_mon + 1), 2);
	*p++ = '-';
	p = put_decimal(p, (unsigned)tm.tm_mday, 2);
	*p++ = 'T';
	p = put_decimal(p, (unsigned)tm.tm_hour, 2);
	*p++ = ':';
	p = put_decimal(p, (unsigned)tm.tm_min, 2);
	*p++ = ':';
	p = put_decimal(p, (unsigned)tm.tm_sec, 2);
	*p++ = '.';
	return (size_t)(p - text);
}

/* The cached text of a second, made when it is not that second's. */
static const struct time_cache *
second_cached(int64_t sec)
{
	struct time_cache *c = &time_cache;

	if (!c->valid || c->sec != sec) {
		c->len = second_text(sec, c->text, sizeof(c->text));
		c->sec = sec;
		c->valid = 1;
	}
	return c;
}

void
fmt_time(int64_t sec, uint32_t nsec, char *buf, size_t size)
{
	const struct time_cache *c = second_cached(sec);
	char text[FMT_TIME_MAX + 16], *p;

	if (c->len == 0) {	/* past what struct tm holds */
		snprintf(buf, size, "%lld.%09u", (long long)sec, nsec);
		return;
	}
	memcpy(text, c->text, c->len);
	p = put_decimal(text + c->len, nsec % 1000000000u, 9);
	*p++ = 'Z';
	copy_out(text, (size_t)(p - text), buf, size);
}

/* "2024-05-01T10:00:00.": the length of a second's text of 4 digits. */
#define SECOND_LEN	(sizeof("2024-05-01T10:00:00.") - 1)

/*
 * Whether a second's text has a year of 0001 to 9999, what spreadsheets
 * and Python's datetime read: 4 digits ("-001" is 4 characters too).
 */
static int
year_1_to_9999(const struct time_cache *c)
{
	return c->len == SECOND_LEN && c->text[0] != '-' &&
	    memcmp(c->text, "0000", 4) != 0;
}

void
fmt_time_sheet(int64_t sec, uint32_t nsec, char *buf, size_t size)
{
	const struct time_cache *c = second_cached(sec);
	char text[FMT_TIME_SHEET_MAX], *p;

	if (!year_1_to_9999(c)) {
		copy_out("", 0, buf, size);
		return;
	}
	memcpy(text, c->text, SECOND_LEN);
	text[10] = ' ';			/* for the 'T' */
	p = put_decimal(text + SECOND_LEN, nsec % 1000000000u / 1000, 6);
	copy_out(text, (size_t)(p - text), buf, size);
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
	static const char hex[] = "0123456789abcdef";
	char tmp[4];
	size_t i, used = 0, need = 0, n;
	uint8_t c;

	for (i = 0; i < len; i++) {
		c = in[i];
		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
			need++;
			if (used + 1 < size)
				buf[used++] = (char)c;
			continue;
		}
		if (c == '\\' || c == '"') {
			tmp[0] = '\\';
			tmp[1] = (char)c;
			n = 2;
		} else {
			tmp[0] = '\\';
			tmp[1] = 'x';
			tmp[2] = hex[c >> 4];
			tmp[3] = hex[c & 0x0f];
			n = 4;
		}
		need += n;
		/* An escape that does not fit is left out whole (a shorter
		 * character after it may still fit). */
		if (used + n < size) {
			memcpy(buf + used, tmp, n);
			used += n;
		}
	}
	if (size > 0)
		buf[used] = '\0';
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

void
fmt_requested(const struct rdpneg_attempt *a, char *buf, size_t size)
{
	char names[96];

	if (a->ev.have & RDPNEG_EV_REQ_NEG) {
		rdpneg_protocols_str(a->ev.requested, names, sizeof(names));
		snprintf(buf, size, "%s (0x%x)", names, a->ev.requested);
	} else if (a->ev.have & RDPNEG_EV_REQUEST)
		snprintf(buf, size, "no RDP_NEG_REQ (Standard RDP Security)");
	else
		snprintf(buf, size, "no Connection Request");
}

void
fmt_answer(const struct rdpneg_attempt *a, char *buf, size_t size)
{
	char name[48];

	if (a->ev.have & RDPNEG_EV_RSP_NEG) {
		if (a->ev.response_type == RDPNEG_TYPE_FAILURE) {
			fmt_failure(a->ev.response_value, name, sizeof(name));
			snprintf(buf, size, "RDP_NEG_FAILURE %s (%u)", name,
			    a->ev.response_value);
		} else {
			fmt_selected(a->ev.response_value, name, sizeof(name));
			snprintf(buf, size, "RDP_NEG_RSP selected %s%s", name,
			    rdpneg_not_requested(&a->ev) ?
			    " (not requested)" : "");
		}
		return;
	}
	switch (a->ev.outcome) {
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
	if (a->token == NULL || a->ev.token_kind != RDPNEG_TOKEN_MSTSHASH) {
		if (size > 0)
			buf[0] = '\0';
		return;
	}
	fmt_escape_text(a->token + a->ev.token_value_off,
	    a->token_len - a->ev.token_value_off, buf, size);
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

void
fmt_distinct(FILE *out, const struct keyset *s, const char *noun)
{
	char digits[24];
	size_t n = keyset_count(s), i, len;
	int estimated = keyset_estimated(s);

	if (!estimated) {
		fprintf(out, "%zu", n);
	} else {
		len = (size_t)snprintf(digits, sizeof(digits), "%zu", n);
		fputs("about ", out);
		for (i = 0; i < len; i++) {
			if (i > 0 && (len - i) % 3 == 0)
				fputc(',', out);
			fputc(digits[i], out);
		}
	}
	if (noun != NULL)
		fprintf(out, " %s%s", noun, n == 1 ? "" : "s");
	if (estimated)
		fputs(" (estimated)", out);
}

void
fmt_from_whom(FILE *out, const struct keyset *clients,
    const struct keyset *users)
{
	fputs(", from ", out);
	fmt_distinct(out, clients, "client");
	if (keyset_count(users) != 0) {
		fputs(" and ", out);
		fmt_distinct(out, users, "user");
	}
}

void
fmt_span(FILE *out, const struct span *s)
{
	char first[FMT_TIME_MAX], last[FMT_TIME_MAX];

	if (!s->set)
		return;
	fmt_time(s->first_sec, s->first_nsec, first, sizeof(first));
	fmt_time(s->last_sec, s->last_nsec, last, sizeof(last));
	fputs(first, out);
	if (strcmp(first, last) != 0) {
		fputs(" to ", out);
		fputs(last, out);
	}
}
