/*
 * fmt.h - rendering attempt fields as text, shared by every report format,
 * and escaping of untrusted bytes for each output.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_FMT_H
#define RDPNEG_FMT_H

#include <stddef.h>
#include <stdint.h>

#include <stdio.h>

#include "capture/capture.h"
#include "report/keyset.h"
#include "report/span.h"

/* A span's times, "FIRST to LAST" (FIRST alone when they are the same
 * text), as fmt_time writes them; nothing for a span not set. */
void fmt_span(FILE *out, const struct span *s);

/*
 * A set's distinct keys and noun, "1 client", "3 clients", or, counted by
 * the sketch, "about 1,234,567 clients (estimated)", so that no format
 * passes an estimate for a count; noun NULL for a table cell: "3", "about
 * 1,234,567 (estimated)".
 */
void fmt_distinct(FILE *out, const struct keyset *s, const char *noun);

/* ", from 3 clients and 2 users" (no users: no "and"), as a problem's
 * attempts line says it in the Markdown and HTML reports. */
void fmt_from_whom(FILE *out, const struct keyset *clients,
    const struct keyset *users);

/* "192.0.2.1:3389" / "[2001:db8::1]:3389" fits in this. */
#define FMT_ENDPOINT_MAX	64
/* "2024-05-01T10:00:00.123456789Z" */
#define FMT_TIME_MAX		40
/* "2024-05-01 10:00:00.123456" */
#define FMT_TIME_SHEET_MAX	27

void fmt_endpoint(int family, const struct rdpneg_endpoint *ep, char *buf,
    size_t size);
void fmt_time(int64_t sec, uint32_t nsec, char *buf, size_t size);
/*
 * The same time as spreadsheets parse it, "YYYY-MM-DD HH:MM:SS.ffffff" in
 * UTC, cut to the microsecond; "" when its year is not 0001 to 9999.
 */
void fmt_time_sheet(int64_t sec, uint32_t nsec, char *buf, size_t size);
void fmt_hex(const uint8_t *bytes, size_t n, char *buf, size_t size);

/*
 * Terminal-safe text: printable ASCII as is, backslash and double quote
 * backslash-escaped, every other byte as \xNN.  Returns the length needed
 * (snprintf semantics); output is always NUL-terminated when size > 0.
 */
size_t fmt_escape_text(const uint8_t *in, size_t len, char *buf,
    size_t size);

/*
 * Valid UTF-8 for JSON: well-formed sequences kept, every byte of an
 * ill-formed one replaced by U+FFFD.  Returns the bytes written, not
 * counting the NUL; stops early rather than split a character.
 */
size_t fmt_utf8_sanitize(const uint8_t *in, size_t len, char *buf,
    size_t size);

/*
 * Readable UTF-8 for reports that keep non-ASCII text (CSV, Markdown):
 * well-formed characters kept, ill-formed bytes as U+FFFD, and characters
 * that could steer a terminal or hide text (C0 and C1 controls, DEL,
 * bidirectional overrides) written as \xNN or \uNNNN.  Returns the length
 * written; stops early rather than split a character or an escape.
 */
size_t fmt_clean(const uint8_t *in, size_t len, char *buf, size_t size);

/*
 * A CSV field (RFC 4180), always quoted, cleaned with fmt_clean, and
 * prefixed with ' when it would start with = + - @ (spreadsheet formula
 * injection).
 */
void fmt_csv_field(const uint8_t *in, size_t len, char *buf, size_t size);

/*
 * A Markdown code span holding untrusted text: cleaned with fmt_clean,
 * delimited by more backticks than it contains, and in_table with | escaped
 * (GFM tables split cells before code spans are parsed), so nothing in it
 * becomes a link, HTML, emphasis or a table cell boundary.
 */
void fmt_md_code(const uint8_t *in, size_t len, int in_table, char *buf,
    size_t size);

/* A path quoted for a POSIX shell command line ('...'). */
void fmt_shell_quote(const char *s, char *buf, size_t size);

/* "SSL|HYBRID (0x3)", "no RDP_NEG_REQ" or "no Connection Request". */
void fmt_requested(const struct rdpneg_attempt *a, char *buf, size_t size);

/* The server's answer in words, e.g. "RDP_NEG_FAILURE HYBRID_REQUIRED..." */
void fmt_answer(const struct rdpneg_attempt *a, char *buf, size_t size);

/* The user name of a mstshash cookie, escaped as text; "" when none. */
void fmt_user(const struct rdpneg_attempt *a, char *buf, size_t size);

/* The failure name, or "0x%08x" for unknown codes. */
void fmt_failure(uint32_t code, char *buf, size_t size);

/* The selectedProtocol name, or "0x%x" for unknown values. */
void fmt_selected(uint32_t protocol, char *buf, size_t size);

#endif /* RDPNEG_FMT_H */
