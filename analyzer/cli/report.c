/*
 * report.c - the table of report formats.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "cli/report.h"

static const struct report_format *const formats[] = {
	&report_text,
	&report_jsonl,
};

const struct report_format *
report_find_format(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}
