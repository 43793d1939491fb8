/*
 * test_errinfo.c - Criterion tests for the Set Error Info reasons
 * (errinfo.c, MS-RDPBCGR 2.2.5.1.1): the table itself (sorted strictly
 * by code, names unique and spelt ERRINFO_..., each meaning one sentence
 * ending with a full stop) and rdpneg_find_errinfo() on codes the
 * specification lists and on codes it does not.
 *
 * The table is static: this file includes errinfo.c to see it, and so
 * also tests the lookup compiled from the same source.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <criterion/criterion.h>

#include "rdpneg/errinfo.c"

#define NERRINFO (sizeof errinfo / sizeof errinfo[0])

Test(errinfo, sorted_strictly)
{
	size_t i;

	cr_assert_gt(NERRINFO, 100, "only %zu reasons", NERRINFO);
	for (i = 1; i < NERRINFO; i++)
		cr_assert_lt(errinfo[i - 1].code, errinfo[i].code,
		    "entry %zu (0x%x) not after entry %zu (0x%x)", i,
		    errinfo[i].code, i - 1, errinfo[i - 1].code);
}

Test(errinfo, names_unique_and_prefixed)
{
	size_t i, j;

	for (i = 0; i < NERRINFO; i++) {
		const char *name = errinfo[i].name;

		cr_assert_not_null(name, "entry %zu", i);
		cr_assert_eq(strncmp(name, "ERRINFO_", 8), 0,
		    "0x%x: \"%s\"", errinfo[i].code, name);
		cr_assert_gt(strlen(name), 8, "0x%x: bare prefix",
		    errinfo[i].code);
		cr_assert_eq(strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"),
		    strlen(name), "0x%x: \"%s\"", errinfo[i].code, name);
		for (j = 0; j < i; j++)
			cr_assert_str_neq(name, errinfo[j].name,
			    "0x%x and 0x%x", errinfo[j].code,
			    errinfo[i].code);
	}
}

Test(errinfo, meanings_are_sentences)
{
	size_t i;

	for (i = 0; i < NERRINFO; i++) {
		const char *m = errinfo[i].meaning;
		size_t n;

		cr_assert_not_null(m, "0x%x", errinfo[i].code);
		n = strlen(m);
		cr_assert_gt(n, 10, "0x%x: \"%s\"", errinfo[i].code, m);
		cr_assert(m[0] >= 'A' && m[0] <= 'Z', "0x%x: \"%s\"",
		    errinfo[i].code, m);
		cr_assert_eq(m[n - 1], '.', "0x%x: \"%s\"", errinfo[i].code, m);
		cr_assert_null(strstr(m, "  "), "0x%x: \"%s\"",
		    errinfo[i].code, m);
	}
}

/* Every entry is found by its code, as itself. */
Test(errinfo, every_entry_found)
{
	size_t i;

	for (i = 0; i < NERRINFO; i++)
		cr_assert_eq(rdpneg_find_errinfo(errinfo[i].code), &errinfo[i],
		    "0x%x", errinfo[i].code);
}

static void
known(uint32_t code, const char *name)
{
	const struct rdpneg_errinfo *e = rdpneg_find_errinfo(code);

	cr_assert_not_null(e, "0x%x: NULL, want %s", code, name);
	cr_assert_eq(e->code, code);
	cr_assert_str_eq(e->name, name, "0x%x", code);
}

/* Codes and names as MS-RDPBCGR 2.2.5.1.1 lists them, one or more of each
 * group, the first and last of the table among them. */
Test(errinfo, known_codes)
{
	known(0x00000000, "ERRINFO_NONE");
	known(0x00000001, "ERRINFO_RPC_INITIATED_DISCONNECT");
	known(0x00000005, "ERRINFO_DISCONNECTED_BY_OTHERCONNECTION");
	known(0x0000000b, "ERRINFO_RPC_INITIATED_DISCONNECT_BYUSER");
	known(0x0000000c, "ERRINFO_LOGOFF_BY_USER");
	known(0x0000001a, "ERRINFO_SERVER_REBOOT");
	known(0x00000100, "ERRINFO_LICENSE_INTERNAL");
	known(0x00000101, "ERRINFO_LICENSE_NO_LICENSE_SERVER");
	known(0x0000010a, "ERRINFO_LICENSE_NO_REMOTE_CONNECTIONS");
	known(0x00000400, "ERRINFO_CB_DESTINATION_NOT_FOUND");
	known(0x00000412, "ERRINFO_CB_SESSION_ONLINE_VM_SESSMON_FAILED");
	known(0x000010c9, "ERRINFO_UNKNOWNPDUTYPE2");
	known(0x000010ea, "ERRINFO_BADCAPABILITIES");
	known(0x00001126, "ERRINFO_SECURITYDATATOOSHORT23");
	known(0x0000112c, "ERRINFO_BAD_FRAME_ACK_DATA");
	known(0x00001136, "ERRINFO_INVALIDMONITORCOUNT");
	known(0x00001191, "ERRINFO_UPDATESESSIONKEYFAILED");
	known(0x00001194, "ERRINFO_ENCPKGMISMATCH");
	known(0x00001195, "ERRINFO_DECRYPTFAILED2");
}

/* The specification's gaps, around the groups, beyond the last code, and
 * FreeRDP's local 0x1196 and 0xffffffff. */
Test(errinfo, unknown_codes)
{
	static const uint32_t unknown[] = {
		0x00000008, 0x0000000d, 0x0000000e, 0x00000013, 0x00000016,
		0x0000001b, 0x000000ff, 0x0000010b, 0x000003ff, 0x00000401,
		0x00000403, 0x0000040a, 0x00000413, 0x000010c8, 0x000010cc,
		0x000010d6, 0x000010e4, 0x000010f9, 0x00001110, 0x00001127,
		0x00001137, 0x00001190, 0x00001196, 0x00010001, 0x7fffffff,
		0xffffffff,
	};
	size_t i;

	for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
		cr_assert_null(rdpneg_find_errinfo(unknown[i]), "0x%x",
		    unknown[i]);
}
