/*
 * test_record.c - the attempt record's table: what the JSONL and CSV
 * reports assume of it when they iterate it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <criterion/criterion.h>
#include <string.h>

#include "report/record.h"

/* The CSV positions are 0..n-1, each once, and the names unique. */
Test(record, columns_are_a_permutation)
{
	const struct record_field *seen[RECORD_FIELDS] = { NULL };
	size_t i, j, n = 0;

	for (i = 0; i < RECORD_FIELDS; i++) {
		if (record_fields[i].column == NULL)
			continue;
		n++;
		cr_assert_lt(record_fields[i].position, RECORD_FIELDS);
		cr_assert_null(seen[record_fields[i].position],
		    "column %u twice", record_fields[i].position);
		seen[record_fields[i].position] = &record_fields[i];
		for (j = 0; j < i; j++)
			if (record_fields[j].column != NULL)
				cr_assert_str_neq(record_fields[i].column,
				    record_fields[j].column);
	}
	for (i = 0; i < n; i++)
		cr_assert_not_null(seen[i], "no column at %zu", i);
}

/* Each group's fields are together, in group order (the diagnosis last,
 * as JSONL appends it), and a key is unique in its group. */
Test(record, groups_in_order_keys_unique)
{
	size_t i, j;

	cr_assert_eq(record_fields[0].group, RECORD_TOP);
	for (i = 1; i < RECORD_FIELDS; i++) {
		cr_assert_geq(record_fields[i].group,
		    record_fields[i - 1].group, "%s out of its group",
		    record_fields[i].key);
		if (!record_in_json(&record_fields[i]))
			continue;
		for (j = 0; j < i; j++)
			if (record_fields[j].group ==
			    record_fields[i].group &&
			    record_in_json(&record_fields[j]))
				cr_assert_str_neq(record_fields[i].key,
				    record_fields[j].key);
	}
	cr_assert_eq(record_fields[RECORD_FIELDS - 1].group,
	    RECORD_DIAGNOSIS);
}

/* A field is in JSON, in CSV or both; one in CSV only is the record's
 * own (the JSONL report skips it, wherever its group is). */
Test(record, every_field_somewhere)
{
	size_t i;

	for (i = 0; i < RECORD_FIELDS; i++) {
		cr_assert(record_in_json(&record_fields[i]) ||
		    record_fields[i].column != NULL, "field %zu is nowhere",
		    i);
		if (!record_in_json(&record_fields[i]))
			cr_assert_eq(record_fields[i].group, RECORD_TOP, "%s",
			    record_fields[i].column);
	}
}

/* time_utc follows ts: the same time, for spreadsheets. */
Test(record, time_utc_follows_ts)
{
	unsigned ts = RECORD_FIELDS, utc = RECORD_FIELDS;
	size_t i;

	for (i = 0; i < RECORD_FIELDS; i++) {
		if (record_fields[i].column == NULL)
			continue;
		if (strcmp(record_fields[i].column, "ts") == 0)
			ts = record_fields[i].position;
		if (strcmp(record_fields[i].column, "time_utc") == 0) {
			cr_assert_not(record_in_json(&record_fields[i]));
			utc = record_fields[i].position;
		}
	}
	cr_assert_lt(ts, RECORD_FIELDS);
	cr_assert_eq(utc, ts + 1);
}

/* A list has no CSV column: a cell holds one value. */
Test(record, lists_are_json_only)
{
	size_t i;

	for (i = 0; i < RECORD_FIELDS; i++)
		if (record_fields[i].type == RECORD_KB_LIST ||
		    record_fields[i].type == RECORD_STEPS)
			cr_assert_null(record_fields[i].column, "%s",
			    record_fields[i].key);
}
