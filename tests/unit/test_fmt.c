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
