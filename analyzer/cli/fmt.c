/*
 * fmt.c - field rendering and escaping shared by the report formats.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <stdio.h>
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
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09uZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, nsec % 1000000000u);
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
	static const char replacement[] = "\xef\xbf\xbd";	/* U+FFFD */
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

int
fmt_attempt_failed(const struct rdpneg_attempt *a)
{
	return a->outcome != RDPNEG_OUTCOME_SELECTED ||
	    fmt_protocol_not_requested(a);
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
