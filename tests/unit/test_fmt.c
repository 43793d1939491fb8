/*
 * test_fmt.c - escaping of untrusted bytes and field rendering.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <criterion/criterion.h>
#include <string.h>

#include "report/fmt.h"

#define BYTES(s) (const uint8_t *)(s), sizeof(s) - 1

Test(escape_text, printable_ascii_kept)
{
	char buf[64];

	cr_assert_eq(fmt_escape_text(BYTES("alice@CORP"), buf, sizeof(buf)),
	    10);
	cr_assert_str_eq(buf, "alice@CORP");
}

Test(escape_text, controls_quotes_and_high_bytes_escaped)
{
	char buf[128];
	size_t i;

	fmt_escape_text(BYTES("a\"b\\c\x1b[31md\te\xff\xc3\xa9\r\n"), buf,
	    sizeof(buf));
	cr_assert_str_eq(buf,
	    "a\\\"b\\\\c\\x1b[31md\\x09e\\xff\\xc3\\xa9\\x0d\\x0a");
	for (i = 0; buf[i] != '\0'; i++)
		cr_assert(buf[i] >= 0x20 && buf[i] < 0x7f);
}

Test(escape_text, nul_byte_escaped)
{
	char buf[16];

	fmt_escape_text((const uint8_t *)"a\0b", 3, buf, sizeof(buf));
	cr_assert_str_eq(buf, "a\\x00b");
}

Test(escape_text, small_buffer_whole_escapes_only)
{
	char buf[4];

	/* "\x1b" needs 4 bytes: it does not fit after "a" in 4 with NUL. */
	cr_assert_eq(fmt_escape_text(BYTES("a\x1b"), buf, sizeof(buf)), 5);
	cr_assert_str_eq(buf, "a");
}

Test(utf8, valid_sequences_kept)
{
	char buf[32];

	fmt_utf8_sanitize(BYTES("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), buf,
	    sizeof(buf));
	cr_assert_str_eq(buf, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
}

Test(utf8, invalid_bytes_replaced)
{
	char buf[64];

	/* stray continuation, overlong "/", surrogate, cut sequence */
	fmt_utf8_sanitize(BYTES("a\x80" "b\xc0\xaf" "c\xed\xa0\x80" "d\xe2\x82"),
	    buf, sizeof(buf));
	cr_assert_str_eq(buf, "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd"
	    "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    "d\xef\xbf\xbd\xef\xbf\xbd");
}

Test(utf8, never_splits_a_character)
{
	char buf[4];

	cr_assert_eq(fmt_utf8_sanitize(BYTES("a\xe2\x82\xac"), buf,
	    sizeof(buf)), 1);
	cr_assert_str_eq(buf, "a");
}

Test(fields, endpoints)
{
	struct rdpneg_endpoint ep = { { 192, 0, 2, 1 }, 3389 };
	struct rdpneg_endpoint ep6 = { { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
	    50123 };
	char buf[FMT_ENDPOINT_MAX];

	fmt_endpoint(4, &ep, buf, sizeof(buf));
	cr_assert_str_eq(buf, "192.0.2.1:3389");
	fmt_endpoint(6, &ep6, buf, sizeof(buf));
	cr_assert_str_eq(buf, "[2001:db8::1]:50123");
}

Test(fields, time_keeps_nanoseconds)
{
	char buf[FMT_TIME_MAX];

	fmt_time(1714557600, 123456789, buf, sizeof(buf));
	cr_assert_str_eq(buf, "2024-05-01T10:00:00.123456789Z");
}

/* The year that overflows int when 1900 is added, less one second
 * (tests/regress/fmt-time-year-overflow.pcapng): gmtime_r's last. */
#define LAST_TM_SECOND	67768036191676799LL

Test(fields, time_sheet_cuts_to_microseconds)
{
	char buf[FMT_TIME_SHEET_MAX];

	fmt_time_sheet(1714557600, 123456789, buf, sizeof(buf));
	cr_assert_str_eq(buf, "2024-05-01 10:00:00.123456");
	fmt_time_sheet(1714557600, 999999999, buf, sizeof(buf));
	cr_assert_str_eq(buf, "2024-05-01 10:00:00.999999");
	fmt_time_sheet(0, 0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "1970-01-01 00:00:00.000000");
	/* Nanoseconds past a second are cut as fmt_time cuts them. */
	fmt_time_sheet(1714557600, 1000000005, buf, sizeof(buf));
	cr_assert_str_eq(buf, "2024-05-01 10:00:00.000000");
}

/* Years 0001 to 9999 only: what spreadsheets and datetime read. */
Test(fields, time_sheet_years_1_to_9999)
{
	char buf[FMT_TIME_SHEET_MAX];

	fmt_time_sheet(253402300799, 5000, buf, sizeof(buf));
	cr_assert_str_eq(buf, "9999-12-31 23:59:59.000005");
	fmt_time_sheet(-62135596800, 0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "0001-01-01 00:00:00.000000");
	fmt_time_sheet(253402300800, 0, buf, sizeof(buf));	/* 10000 */
	cr_assert_str_eq(buf, "");
	fmt_time_sheet(-62135596801, 0, buf, sizeof(buf));	/* 0000 */
	cr_assert_str_eq(buf, "");
	fmt_time_sheet(-62167219201, 0, buf, sizeof(buf));	/* -001 */
	cr_assert_str_eq(buf, "");
	fmt_time_sheet(LAST_TM_SECOND, 0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "");
	fmt_time_sheet(LAST_TM_SECOND + 1, 0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "");
	fmt_time_sheet(INT64_MAX, 999999999, buf, sizeof(buf));
	cr_assert_str_eq(buf, "");
	fmt_time_sheet(INT64_MIN, 0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "");
}

/* What fmt_time writes of the times fmt_time_sheet leaves empty. */
Test(fields, time_keeps_years_past_9999)
{
	char buf[FMT_TIME_MAX];

	fmt_time(LAST_TM_SECOND, 0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "2147485547-12-31T23:59:59.000000000Z");
	fmt_time(LAST_TM_SECOND + 1, 7, buf, sizeof(buf));
	cr_assert_str_eq(buf, "67768036191676800.000000007");
	fmt_time(-62167219201, 0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "-001-12-31T23:59:59.000000000Z");
}

/* Cut to fit and NUL-terminated; nothing written into no room. */
Test(fields, time_sheet_bounded)
{
	char buf[FMT_TIME_SHEET_MAX];

	memset(buf, 'x', sizeof(buf));
	fmt_time_sheet(1714557600, 123456789, buf, 11);
	cr_assert_str_eq(buf, "2024-05-01");
	fmt_time_sheet(1714557600, 123456789, buf, 1);
	cr_assert_str_eq(buf, "");
	buf[0] = 'x';
	fmt_time_sheet(1714557600, 123456789, buf, 0);
	cr_assert_eq(buf[0], 'x');
	fmt_time_sheet(1714557600, 123456789, buf, FMT_TIME_SHEET_MAX - 1);
	cr_assert_str_eq(buf, "2024-05-01 10:00:00.12345");
}

/* The two share a cache of the last second: either after the other, and
 * after another second, gives the same text. */
Test(fields, time_sheet_and_time_share_a_second)
{
	char iso[FMT_TIME_MAX], sheet[FMT_TIME_SHEET_MAX];

	fmt_time_sheet(1714557600, 1000, sheet, sizeof(sheet));
	fmt_time(1714557600, 1000, iso, sizeof(iso));
	cr_assert_str_eq(iso, "2024-05-01T10:00:00.000001000Z");
	cr_assert_str_eq(sheet, "2024-05-01 10:00:00.000001");
	fmt_time(LAST_TM_SECOND + 1, 0, iso, sizeof(iso));
	fmt_time_sheet(1714557601, 0, sheet, sizeof(sheet));
	cr_assert_str_eq(sheet, "2024-05-01 10:00:01.000000");
	fmt_time(1714557601, 0, iso, sizeof(iso));
	cr_assert_str_eq(iso, "2024-05-01T10:00:01.000000000Z");
}

Test(fields, failure_and_selected_names)
{
	char buf[32];

	fmt_failure(5, buf, sizeof(buf));
	cr_assert_str_eq(buf, "HYBRID_REQUIRED_BY_SERVER");
	fmt_failure(0x99, buf, sizeof(buf));
	cr_assert_str_eq(buf, "0x00000099");
	fmt_selected(0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "RDP");
	fmt_selected(8, buf, sizeof(buf));
	cr_assert_str_eq(buf, "HYBRID_EX");
	fmt_selected(3, buf, sizeof(buf));
	cr_assert_str_eq(buf, "0x3");
}

Test(fields, protocol_not_requested_rules)
{
	struct rdpneg_attempt a;

	memset(&a, 0, sizeof(a));
	a.ev.outcome = RDPNEG_OUTCOME_SELECTED;
	a.ev.have = RDPNEG_EV_REQUEST | RDPNEG_EV_REQ_NEG |
	    RDPNEG_EV_CONFIRM | RDPNEG_EV_RSP_NEG;
	a.ev.response_type = RDPNEG_TYPE_RSP;
	a.ev.requested = 0x3;
	a.ev.response_value = 2;
	cr_assert_not(rdpneg_not_requested(&a.ev));
	a.ev.response_value = 0;	/* Standard RDP to a TLS/CredSSP client */
	cr_assert(rdpneg_not_requested(&a.ev));
	a.ev.have &= ~RDPNEG_EV_REQ_NEG;	/* legacy client asked for RDP */
	cr_assert_not(rdpneg_not_requested(&a.ev));
	a.ev.have &= ~RDPNEG_EV_REQUEST;	/* request unknown: no verdict */
	a.ev.response_value = 1;
	cr_assert_not(rdpneg_not_requested(&a.ev));
}

Test(clean, controls_bidi_and_invalid_bytes)
{
	char buf[128];

	fmt_clean(BYTES("a\x1b[31m\xc3\xa9\xc2\x9b\xe2\x80\xae\xff\x7f"),
	    buf, sizeof(buf));
	cr_assert_str_eq(buf,
	    "a\\x1b[31m\xc3\xa9\\x9b\\u202e\xef\xbf\xbd\\x7f");
}

Test(csv, quoted_doubled_and_formula_guarded)
{
	char buf[128];

	fmt_csv_field(BYTES("alice"), buf, sizeof(buf));
	cr_assert_str_eq(buf, "\"alice\"");
	fmt_csv_field(BYTES("a\"b,c\r\nd"), buf, sizeof(buf));
	cr_assert_str_eq(buf, "\"a\"\"b,c\\x0d\\x0ad\"");
	fmt_csv_field(BYTES("=HYPERLINK(\"http://x\")"), buf, sizeof(buf));
	cr_assert_str_eq(buf, "\"'=HYPERLINK(\"\"http://x\"\")\"");
	fmt_csv_field(BYTES("+1"), buf, sizeof(buf));
	cr_assert_str_eq(buf, "\"'+1\"");
	fmt_csv_field(BYTES("-1"), buf, sizeof(buf));
	cr_assert_str_eq(buf, "\"'-1\"");
	fmt_csv_field(BYTES("@SUM(A1)"), buf, sizeof(buf));
	cr_assert_str_eq(buf, "\"'@SUM(A1)\"");
	fmt_csv_field(BYTES(""), buf, sizeof(buf));
	cr_assert_str_eq(buf, "\"\"");
}

Test(markdown, code_span_contains_everything)
{
	char buf[128];

	fmt_md_code(BYTES("alice"), 1, buf, sizeof(buf));
	cr_assert_str_eq(buf, "`alice`");
	/* a table cell: | escaped; links and HTML stay literal */
	fmt_md_code(BYTES("a|b [x](http://e) <b>"), 1, buf, sizeof(buf));
	cr_assert_str_eq(buf, "`a\\|b [x](http://e) <b>`");
	fmt_md_code(BYTES("a|b"), 0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "`a|b`");
	/* backticks inside: a longer delimiter, padded at the edges */
	fmt_md_code(BYTES("a``b"), 0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "```a``b```");
	fmt_md_code(BYTES("`x"), 0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "`` `x ``");
	/* line breaks cannot end the cell or the line */
	fmt_md_code(BYTES("a\nb"), 1, buf, sizeof(buf));
	cr_assert_str_eq(buf, "`a\\x0ab`");
}

Test(shell, quoting)
{
	char buf[64];

	fmt_shell_quote("a b.pcap", buf, sizeof(buf));
	cr_assert_str_eq(buf, "'a b.pcap'");
	fmt_shell_quote("it's.pcap", buf, sizeof(buf));
	cr_assert_str_eq(buf, "'it'\\''s.pcap'");
	fmt_shell_quote("a\nb'c", buf, sizeof(buf));
	cr_assert_str_eq(buf, "$'a\\x0ab\\x27c'");
}
