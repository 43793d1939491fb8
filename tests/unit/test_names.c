/*
 * test_names.c - Criterion tests for the name tables, rdpneg_tok_str,
 * rdpneg_bits_str / rdpneg_protocols_str and
 * rdpneg_protocol_was_requested.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "rdpneg/rdpneg.h"

static void
tok_is(const struct rdpneg_tok *table, uint32_t value, const char *want)
{
	const char *got = rdpneg_tok_str(table, value);

	cr_assert_not_null(got, "value 0x%x: NULL, want \"%s\"", value, want);
	cr_assert_str_eq(got, want, "value 0x%x", value);
}

static void
tok_null(const struct rdpneg_tok *table, uint32_t value)
{
	const char *got = rdpneg_tok_str(table, value);

	cr_assert_null(got, "value 0x%x: \"%s\", want NULL", value,
	    got != NULL ? got : "");
}

/* Terminated by { 0, NULL } within a sane bound, no duplicate values. */
static size_t
table_len(const struct rdpneg_tok *t)
{
	size_t i, j;

	for (i = 0; i < 64 && t[i].name != NULL; i++) {
		cr_assert_neq(t[i].name[0], '\0', "entry %zu empty", i);
		for (j = 0; j < i; j++)
			cr_assert_neq(t[i].value, t[j].value,
			    "value 0x%x twice", t[i].value);
	}
	cr_assert_lt(i, 64, "table not terminated");
	cr_assert_eq(t[i].value, 0, "terminator value 0x%x", t[i].value);
	return i;
}

/* protocols_str into a buffer of `size`, checking NUL and the return. */
static void
protos_is(uint32_t mask, size_t size, const char *want, size_t want_ret)
{
	char buf[96];
	size_t n;

	cr_assert_lt(size, sizeof buf);
	memset(buf, 'Z', sizeof buf);
	n = rdpneg_protocols_str(mask, buf, size);
	cr_assert_eq(n, want_ret, "mask 0x%x size %zu: returned %zu, want %zu",
	    mask, size, n, want_ret);
	if (size > 0) {
		cr_assert_str_eq(buf, want, "mask 0x%x size %zu", mask, size);
		cr_assert_eq(buf[size], 'Z', "mask 0x%x size %zu: wrote past",
		    mask, size);
	} else {
		cr_assert_eq(buf[0], 'Z', "size 0 wrote into buf");
	}
}

/* ==== tables */

Test(tables, all_terminated_no_duplicates)
{
	cr_assert_geq(table_len(rdpneg_tpdu_names), 5);
	cr_assert_geq(table_len(rdpneg_neg_type_names), 4);
	cr_assert_geq(table_len(rdpneg_protocol_names), 5);
	cr_assert_geq(table_len(rdpneg_request_flag_names), 3);
	cr_assert_geq(table_len(rdpneg_response_flag_names), 5);
	cr_assert_eq(table_len(rdpneg_failure_names), 6);
	cr_assert_geq(table_len(rdpneg_token_kind_names), 5);
	cr_assert_eq(table_len(rdpneg_outcome_names), RDPNEG_OUTCOME_COUNT);
	cr_assert_eq(table_len(rdpneg_end_names), RDPNEG_END_COUNT);
}

Test(tables, failure_names)
{
	tok_is(rdpneg_failure_names, 1, "SSL_REQUIRED_BY_SERVER");
	tok_is(rdpneg_failure_names, 2, "SSL_NOT_ALLOWED_BY_SERVER");
	tok_is(rdpneg_failure_names, 3, "SSL_CERT_NOT_ON_SERVER");
	tok_is(rdpneg_failure_names, 4, "INCONSISTENT_FLAGS");
	tok_is(rdpneg_failure_names, 5, "HYBRID_REQUIRED_BY_SERVER");
	tok_is(rdpneg_failure_names, 6,
	    "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER");
	tok_null(rdpneg_failure_names, 0);
	tok_null(rdpneg_failure_names, 7);
	tok_null(rdpneg_failure_names, 0x105);	/* not just the low byte */
	tok_null(rdpneg_failure_names, 0xffffffffu);
}

Test(tables, protocol_names)
{
	tok_is(rdpneg_protocol_names, RDPNEG_PROTOCOL_SSL, "SSL");
	tok_is(rdpneg_protocol_names, RDPNEG_PROTOCOL_HYBRID, "HYBRID");
	tok_is(rdpneg_protocol_names, RDPNEG_PROTOCOL_RDSTLS, "RDSTLS");
	tok_is(rdpneg_protocol_names, RDPNEG_PROTOCOL_HYBRID_EX, "HYBRID_EX");
	tok_is(rdpneg_protocol_names, RDPNEG_PROTOCOL_RDSAAD, "RDSAAD");
	tok_null(rdpneg_protocol_names, 0x03);
	tok_null(rdpneg_protocol_names, 0x20);
	tok_null(rdpneg_protocol_names, 0x40);
}

Test(tables, other_tables_cover_their_enums)
{
	static const uint32_t tpdus[] = { 0xe0, 0xd0, 0x80, 0xf0, 0x70 };
	static const uint32_t types[] = { 1, 2, 3, 6 };
	static const uint32_t rsp[] = { 0x01, 0x02, 0x04, 0x08, 0x10 };
	static const uint32_t req[] = { 0x01, 0x02, 0x08 };
	size_t i;

	for (i = 0; i < 5; i++)
		cr_assert_not_null(rdpneg_tok_str(rdpneg_tpdu_names,
		    tpdus[i]), "tpdu 0x%x", tpdus[i]);
	tok_null(rdpneg_tpdu_names, 0x50);
	tok_null(rdpneg_tpdu_names, 0xe1);
	for (i = 0; i < 4; i++)
		cr_assert_not_null(rdpneg_tok_str(rdpneg_neg_type_names,
		    types[i]), "type %u", types[i]);
	tok_null(rdpneg_neg_type_names, 4);
	tok_null(rdpneg_neg_type_names, 5);
	tok_null(rdpneg_neg_type_names, 7);
	for (i = 0; i < 5; i++)
		cr_assert_not_null(rdpneg_tok_str(rdpneg_response_flag_names,
		    rsp[i]), "rsp flag 0x%x", rsp[i]);
	tok_null(rdpneg_response_flag_names, 0x20);
	for (i = 0; i < 3; i++)
		cr_assert_not_null(rdpneg_tok_str(rdpneg_request_flag_names,
		    req[i]), "req flag 0x%x", req[i]);
	tok_null(rdpneg_request_flag_names, 0x04);
	for (i = RDPNEG_TOKEN_MSTSHASH; i <= RDPNEG_TOKEN_MTH; i++)
		cr_assert_not_null(rdpneg_tok_str(rdpneg_token_kind_names,
		    (uint32_t)i), "token kind %zu", i);
	tok_null(rdpneg_token_kind_names, RDPNEG_TOKEN_MTH + 1);
}

Test(tables, outcome_names)
{
	/* RDPNEG_OUTCOME_SELECTED is 0: a real entry, not the terminator. */
	tok_is(rdpneg_outcome_names, RDPNEG_OUTCOME_SELECTED, "selected");
	tok_is(rdpneg_outcome_names, RDPNEG_OUTCOME_FAILURE, "failure");
	tok_is(rdpneg_outcome_names, RDPNEG_OUTCOME_LEGACY, "legacy");
	tok_is(rdpneg_outcome_names, RDPNEG_OUTCOME_NO_RESPONSE,
	    "no_response");
	tok_is(rdpneg_outcome_names, RDPNEG_OUTCOME_REFUSED, "refused");
	tok_is(rdpneg_outcome_names, RDPNEG_OUTCOME_UNANSWERED, "unanswered");
	tok_is(rdpneg_outcome_names, RDPNEG_OUTCOME_NO_REQUEST, "no_request");
	tok_null(rdpneg_outcome_names, RDPNEG_OUTCOME_COUNT);
}

Test(tables, end_names)
{
	tok_is(rdpneg_end_names, RDPNEG_END_OPEN, "open");
	tok_is(rdpneg_end_names, RDPNEG_END_FIN_SERVER, "fin_server");
	tok_is(rdpneg_end_names, RDPNEG_END_FIN_CLIENT, "fin_client");
	tok_is(rdpneg_end_names, RDPNEG_END_RST_SERVER, "rst_server");
	tok_is(rdpneg_end_names, RDPNEG_END_RST_CLIENT, "rst_client");
	tok_null(rdpneg_end_names, RDPNEG_END_COUNT);
}

/* ==== protocols_str / bits_str */

Test(bits, protocols_full)
{
	protos_is(0x0b, 64, "SSL|HYBRID|HYBRID_EX", 20);
	protos_is(0x00, 64, "RDP", 3);
	protos_is(0x13, 64, "SSL|HYBRID|RDSAAD", 17);
	protos_is(0x40, 64, "0x40", 4);
	protos_is(0x41, 64, "SSL|0x40", 8);
	protos_is(0x01, 64, "SSL", 3);
	protos_is(0x02, 64, "HYBRID", 6);
	protos_is(0x04, 64, "RDSTLS", 6);
	protos_is(0x08, 64, "HYBRID_EX", 9);
	protos_is(0x10, 64, "RDSAAD", 6);
	protos_is(0x1f, 64, "SSL|HYBRID|RDSTLS|HYBRID_EX|RDSAAD", 34);
}

Test(bits, protocols_unknown_bits_one_hex_number)
{
	char buf[64];
	size_t n;

	n = rdpneg_protocols_str(0xc0, buf, sizeof buf);
	cr_assert_eq(n, 4);
	cr_assert(strcmp(buf, "0xc0") == 0 || strcmp(buf, "0xC0") == 0,
	    "\"%s\"", buf);

	n = rdpneg_protocols_str(0xffffffffu, buf, sizeof buf);
	cr_assert_eq(n, strlen("SSL|HYBRID|RDSTLS|HYBRID_EX|RDSAAD|0xffffffe0"));
	cr_assert(strcmp(buf, "SSL|HYBRID|RDSTLS|HYBRID_EX|RDSAAD|0xffffffe0")
	    == 0 || strcmp(buf, "SSL|HYBRID|RDSTLS|HYBRID_EX|RDSAAD|0xFFFFFFE0")
	    == 0, "\"%s\"", buf);

	n = rdpneg_protocols_str(0x80000002u, buf, sizeof buf);
	cr_assert_eq(n, strlen("HYBRID|0x80000000"));
	cr_assert_str_eq(buf, "HYBRID|0x80000000");
}

Test(bits, protocols_small_buffer_whole_names)
{
	/* "SSL|HYBRID|HYBRID_EX" is 20 characters. */
	protos_is(0x0b, 21, "SSL|HYBRID|HYBRID_EX", 20);
	protos_is(0x0b, 20, "SSL|HYBRID", 20);
	protos_is(0x0b, 12, "SSL|HYBRID", 20);
	protos_is(0x0b, 11, "SSL|HYBRID", 20);
	protos_is(0x0b, 10, "SSL", 20);
	protos_is(0x0b, 6, "SSL", 20);
	protos_is(0x0b, 5, "SSL", 20);
	protos_is(0x0b, 4, "SSL", 20);
	protos_is(0x0b, 3, "", 20);
	protos_is(0x0b, 1, "", 20);
	protos_is(0x0b, 0, "", 20);

	protos_is(0x00, 4, "RDP", 3);
	protos_is(0x00, 3, "", 3);
	protos_is(0x40, 5, "0x40", 4);
	protos_is(0x40, 4, "", 4);
	protos_is(0x41, 9, "SSL|0x40", 8);
	protos_is(0x41, 8, "SSL", 8);
	protos_is(0x41, 4, "SSL", 8);
}

Test(bits, protocols_every_size)
{
	/* Whatever the size: NUL-terminated, a whole-name prefix, no
	 * half-written name, same return. */
	static const uint32_t masks[] = { 0x0b, 0x13, 0x1f, 0x41, 0xff };
	size_t i, size;

	for (i = 0; i < sizeof masks / sizeof masks[0]; i++) {
		char full[96], buf[96];
		size_t n = rdpneg_protocols_str(masks[i], full, sizeof full);

		cr_assert_eq(n, strlen(full));
		cr_assert_eq(rdpneg_protocols_str(masks[i], NULL, 0), n,
		    "mask 0x%x: NULL/0", masks[i]);
		for (size = 1; size <= n + 1; size++) {
			size_t len;

			memset(buf, 'Z', sizeof buf);
			cr_assert_eq(rdpneg_protocols_str(masks[i], buf, size),
			    n, "mask 0x%x size %zu", masks[i], size);
			len = strlen(buf);
			cr_assert_lt(len, size);
			cr_assert_eq(strncmp(buf, full, len), 0,
			    "\"%s\" is not a prefix of \"%s\"", buf, full);
			/* ends at a name boundary and not with '|' */
			cr_assert(len == 0 || full[len] == '|' || full[len] == '\0',
			    "mask 0x%x size %zu: \"%s\" cuts a name", masks[i],
			    size, buf);
			cr_assert(len == 0 || buf[len - 1] != '|',
			    "mask 0x%x size %zu: \"%s\" ends in '|'",
			    masks[i], size, buf);
		}
	}
}

Test(bits, protocols_null_zero)
{
	cr_assert_eq(rdpneg_protocols_str(0x0b, NULL, 0), 20);
	cr_assert_eq(rdpneg_protocols_str(0x00, NULL, 0), 3);
	cr_assert_eq(rdpneg_protocols_str(0x41, NULL, 0), 8);
}

Test(bits, bits_str_generic)
{
	char buf[64];
	size_t n;

	n = rdpneg_bits_str(rdpneg_protocol_names, 0, "ZERO", buf,
	    sizeof buf);
	cr_assert_str_eq(buf, "ZERO");
	cr_assert_eq(n, 4);

	n = rdpneg_bits_str(rdpneg_protocol_names, 0x0b, "ZERO", buf,
	    sizeof buf);
	cr_assert_str_eq(buf, "SSL|HYBRID|HYBRID_EX");
	cr_assert_eq(n, 20);

	n = rdpneg_bits_str(rdpneg_response_flag_names, 0x20, "none", buf,
	    sizeof buf);
	cr_assert_str_eq(buf, "0x20");
	cr_assert_eq(n, 4);
}

/* ==== protocol_was_requested */

Test(requested, cases)
{
	cr_assert_eq(rdpneg_protocol_was_requested(0, 0), 1);
	cr_assert_eq(rdpneg_protocol_was_requested(1, 0), 0);
	cr_assert_eq(rdpneg_protocol_was_requested(3, 2), 1);
	cr_assert_eq(rdpneg_protocol_was_requested(3, 8), 0);
	cr_assert_eq(rdpneg_protocol_was_requested(0x0b, 8), 1);
	cr_assert_eq(rdpneg_protocol_was_requested(0x0b, 1), 1);
	cr_assert_eq(rdpneg_protocol_was_requested(0x0b, 0), 0);
	cr_assert_eq(rdpneg_protocol_was_requested(0x0b, 4), 0);
	cr_assert_eq(rdpneg_protocol_was_requested(0, 1), 0);
	cr_assert_eq(rdpneg_protocol_was_requested(0, 2), 0);
	cr_assert_eq(rdpneg_protocol_was_requested(0x13, 0x10), 1);
	cr_assert_eq(rdpneg_protocol_was_requested(0x03, 0x10), 0);
	cr_assert_eq(rdpneg_protocol_was_requested(0x04, 0x04), 1);
	/* rdpneg.h: "otherwise one requested bit" - a multi-bit answer is not
	 * a selection, even when every bit was requested. */
	cr_assert_eq(rdpneg_protocol_was_requested(0x0b, 0x03), 0);
}
