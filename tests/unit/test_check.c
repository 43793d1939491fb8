/*
 * test_check.c - what an attempt read back from a shard may hold
 * (analysis/check.c): every attempt the analysis makes of the captures
 * passes, and each field the check guards, broken alone in a real
 * attempt, is the one it names.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _XOPEN_SOURCE 700	/* scandir, nftw */

#include <criterion/criterion.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "rdpneg/chain.h"

#ifndef CAPTURES_DIR
#error "CAPTURES_DIR: the captures folder (tests/CMakeLists.txt)"
#endif

/* The captures' folders; public/ holds third parties' (SOCKS, VLAN,
 * proprietary certificates). */
static const char *const dirs[] = {
	CAPTURES_DIR,
	CAPTURES_DIR "/peers",
	CAPTURES_DIR "/public",
};

static struct attempt_list all;

struct loading {
	const char	*path;		/* the capture being read */
	size_t		 files;
	size_t		 attempts;
};

/* Each attempt as the analysis hands it over passes. */
static void
passes(const struct attempt_item *it, void *arg)
{
	struct loading *ld = arg;
	const char *bad = attempt_item_check(it);

	cr_assert_null(bad, "%s, frame %llu: %s", ld->path,
	    (unsigned long long)it->a.first_frame, bad);
	ld->attempts++;
}

/* ... and is kept. */
static void
keep(const struct attempt_item *it, void *arg)
{
	passes(it, arg);
	cr_assert_eq(attempt_list_push(&all, it), 0);
}

static int
is_capture(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return (n > 5 && strcmp(d->d_name + n - 5, ".pcap") == 0) ||
	    (n > 7 && strcmp(d->d_name + n - 7, ".pcapng") == 0);
}

/* As the CLI would with --port 13389 (port-13389.pcap, xrdp's). */
static void
config(struct analysis_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	rdpneg_init_config(&cfg->capture);
	cfg->capture.ports[cfg->capture.nports++] = 13389;
	cfg->chain_window = RDPNEG_DEFAULT_CHAIN_WINDOW;
}

static void
load_dir(const char *dir, struct loading *ld)
{
	struct analysis_config cfg;
	struct capture_result r;
	struct dirent **names;
	char path[4096];
	FILE *fp;
	int i, n;

	config(&cfg);
	n = scandir(dir, &names, is_capture, alphasort);
	cr_assert_gt(n, 0, "no capture in %s", dir);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		free(names[i]);
		cr_assert_not_null(fp = fopen(path, "rb"), "%s", path);
		memset(&r, 0, sizeof(r));
		ld->path = path;
		analyze_stream(fp, &cfg, &r, keep, ld);	/* closes fp */
		ld->files++;
	}
	free(names);
}

#ifdef PUBLIC_CAPTURES_DIR
/* The shared public captures (tests/CMakeLists.txt, PUBLIC_CAPTURES),
 * when there: Windows servers, scanners, exploits.  Checked as read, not
 * kept. */
static struct loading public_ld;

static int
public_file(const char *path, const struct stat *st, int type,
    struct FTW *ftw)
{
	struct analysis_config cfg;
	struct capture_result r;
	FILE *fp;

	(void)st;
	(void)ftw;
	/* .pcap and .pcapng */
	if (type != FTW_F || strstr(path, ".pcap") == NULL ||
	    (fp = fopen(path, "rb")) == NULL)
		return 0;
	config(&cfg);
	memset(&r, 0, sizeof(r));
	public_ld.path = path;
	analyze_stream(fp, &cfg, &r, passes, &public_ld);
	public_ld.files++;
	return 0;
}
#endif

static void
load(void)
{
	struct loading ld = { NULL, 0, 0 };
	size_t i;

	memset(&all, 0, sizeof(all));
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		load_dir(dirs[i], &ld);
}

static void
unload(void)
{
	attempt_list_free(&all);
}

TestSuite(check, .init = load, .fini = unload);

/* ---- Every real attempt passes (checked as it is handed over). */

static size_t
count(int (*has)(const struct attempt_item *))
{
	size_t i, n = 0;

	for (i = 0; i < all.n; i++)
		n += has(&all.items[i]) != 0;
	return n;
}

static int
any(const struct attempt_item *it)
{
	(void)it;
	return 1;
}

static int
with_tls(const struct attempt_item *it)
{
	return it->a.ev.tls != NULL &&
	    (it->a.ev.tls->have & RDPNEG_TLS_HAVE_CLIENT_HELLO);
}

static int
with_records(const struct attempt_item *it)
{
	return it->a.ev.tls != NULL && it->a.ev.tls->napp > 0;
}

static int
with_mcs(const struct attempt_item *it)
{
	return it->a.ev.mcs != NULL &&
	    (it->a.ev.mcs->client.have & RDPNEG_CS_CORE) &&
	    it->a.ev.mcs->client.nchannels > 0;
}

static int
with_cert(const struct attempt_item *it)
{
	return it->a.cert != NULL &&
	    !(it->a.cert->flags & RDPNEG_CERT_UNPARSABLE) &&
	    it->a.cert->subject[0] != '\0' && it->a.cert->serial[0] != '\0';
}

static int
with_user(const struct attempt_item *it)
{
	return it->a.token != NULL &&
	    it->a.ev.token_kind == RDPNEG_TOKEN_MSTSHASH &&
	    it->a.ev.token_value_off > 0;
}

static int
with_confirm(const struct attempt_item *it)
{
	return it->a.response_pdu_len > 0;
}

static int
with_chain(const struct attempt_item *it)
{
	return it->a.ev.chain_length > 1;
}

static int
with_server(const struct attempt_item *it)
{
	return it->server != NULL;
}

Test(check, every_real_attempt_passes)
{
	/* What the captures hold, so that each check met real values. */
	cr_assert_gt(all.n, 100, "%zu attempts", all.n);
	cr_assert_gt(count(with_tls), 0);
	cr_assert_gt(count(with_records), 0);
	cr_assert_gt(count(with_mcs), 0);
	cr_assert_gt(count(with_cert), 0);
	cr_assert_gt(count(with_user), 0);
	cr_assert_gt(count(with_confirm), 0);
	cr_assert_gt(count(with_chain), 0);
	cr_assert_gt(count(with_server), 0);
}

Test(check, every_public_attempt_passes)
{
#ifdef PUBLIC_CAPTURES_DIR
	cr_assert_eq(nftw(PUBLIC_CAPTURES_DIR, public_file, 16, FTW_PHYS), 0);
	cr_assert_gt(public_ld.files, 0);
	cr_assert_gt(public_ld.attempts, 0);
	cr_log_info("%zu public captures, %zu attempts", public_ld.files,
	    public_ld.attempts);
#else
	cr_skip_test("no public captures");
#endif
}

/* ---- One field broken in a real attempt. */

/* A real attempt with writable copies of its parts. */
struct broken {
	struct attempt_item	it;
	struct rdpneg_tls	tls;
	struct rdpneg_mcs	mcs;
	struct rdpneg_cert	cert;
	struct rdpneg_diagnosis	diag;
	struct rdpneg_server_fingerprint server;
};

/* The first attempt that has(it), as b: it passes before it is broken. */
static void
take(struct broken *b, int (*has)(const struct attempt_item *))
{
	const struct attempt_item *it = NULL;
	size_t i;

	for (i = 0; i < all.n && it == NULL; i++)
		if (has(&all.items[i]))
			it = &all.items[i];
	cr_assert_not_null(it, "no real attempt has that part");
	memset(b, 0, sizeof(*b));
	b->it = *it;
	if (it->a.ev.tls != NULL) {
		b->tls = *it->a.ev.tls;
		b->it.a.ev.tls = &b->tls;
	}
	if (it->a.ev.mcs != NULL) {
		b->mcs = *it->a.ev.mcs;
		b->it.a.ev.mcs = &b->mcs;
	}
	if (it->a.cert != NULL) {
		b->cert = *it->a.cert;
		b->it.a.cert = &b->cert;
	}
	cr_assert_null(attempt_item_check(&b->it));
}

static void
names(const struct broken *b, const char *field)
{
	const char *bad = attempt_item_check(&b->it);

	cr_assert_not_null(bad, "%s broken, not found", field);
	cr_assert_str_eq(bad, field);
}

/* The attempt. */

Test(check, a_family)
{
	struct broken b;

	take(&b, any);
	b.it.a.family = 0x7fffffff;	/* summary_server_cmp subtracts */
	names(&b, "a.family");
}

Test(check, a_token_len)
{
	struct broken b;

	take(&b, with_user);
	b.it.a.token_len = RDPNEG_TOKEN_MAX + 1;
	names(&b, "a.token_len");
}

Test(check, a_token_len_without_token)
{
	struct broken b;

	/* attempt_item_copy sizes and steps over token_len bytes. */
	take(&b, any);
	b.it.a.token = NULL;
	b.it.a.token_len = (size_t)-64;
	names(&b, "a.token_len");
}

Test(check, a_ev_token_value_off)
{
	struct broken b;

	take(&b, with_user);
	b.it.a.ev.token_value_off = (uint16_t)(b.it.a.token_len + 1);
	names(&b, "a.ev.token_value_off");
}

Test(check, a_response_pdu_len)
{
	struct broken b;

	take(&b, with_confirm);
	b.it.a.response_pdu_len = RDPNEG_PDU_KEEP + 1;
	names(&b, "a.response_pdu_len");
}

/* Its evidence. */

Test(check, a_ev_outcome)
{
	struct broken b;

	take(&b, any);
	b.it.a.ev.outcome = RDPNEG_OUTCOME_COUNT;
	names(&b, "a.ev.outcome");
}

Test(check, a_ev_end)
{
	struct broken b;

	take(&b, any);
	b.it.a.ev.end = (enum rdpneg_end)40;	/* RDPNEG_BIT(end): a shift */
	names(&b, "a.ev.end");
}

Test(check, a_ev_token_kind)
{
	struct broken b;

	take(&b, with_user);
	b.it.a.ev.token_kind = (enum rdpneg_token_kind)(RDPNEG_TOKEN_MTH + 1);
	names(&b, "a.ev.token_kind");
}

Test(check, a_ev_chain_length)
{
	struct broken b;

	take(&b, any);
	b.it.a.ev.chain_length = 0;
	names(&b, "a.ev.chain_length");
}

Test(check, a_ev_chain_position_past_its_chain)
{
	struct broken b;

	take(&b, with_chain);
	b.it.a.ev.chain_position = b.it.a.ev.chain_length + 1;
	names(&b, "a.ev.chain_position");
}

Test(check, a_ev_chain_position_zero)
{
	struct broken b;

	take(&b, with_chain);
	b.it.a.ev.chain_position = 0;
	names(&b, "a.ev.chain_position");
}

/* Its TLS. */

Test(check, tls_client_hello_nversions)
{
	struct broken b;

	take(&b, with_tls);
	b.tls.client_hello.nversions = RDPNEG_TLS_VERSIONS_MAX + 1;
	names(&b, "tls.client_hello.nversions");
}

Test(check, tls_client_hello_sni_len)
{
	struct broken b;

	take(&b, with_tls);
	b.tls.client_hello.sni_len = RDPNEG_TLS_SNI_MAX + 1;
	names(&b, "tls.client_hello.sni_len");
}

Test(check, tls_dir_0_status)
{
	struct broken b;

	take(&b, with_tls);
	b.tls.dir[0].status = RDPNEG_STATUS_COUNT;
	names(&b, "tls.dir[0].status");
}

Test(check, tls_dir_1_status)
{
	struct broken b;

	take(&b, with_tls);
	b.tls.dir[1].status = 0xff;
	names(&b, "tls.dir[1].status");
}

Test(check, tls_napp)
{
	struct broken b;

	take(&b, with_records);
	b.tls.napp = RDPNEG_TLS_RECORDS_MAX + 1;
	names(&b, "tls.napp");
}

/* Its Standard-security exchange. */

Test(check, mcs_stage)
{
	struct broken b;

	take(&b, with_mcs);
	b.mcs.stage = RDPNEG_STAGE_COUNT;
	names(&b, "mcs.stage");
}

Test(check, mcs_client_name)
{
	struct broken b;

	take(&b, with_mcs);
	memset(b.mcs.client.name, 'A', sizeof(b.mcs.client.name));
	names(&b, "mcs.client.name");
}

Test(check, mcs_client_dig_product_id)
{
	struct broken b;

	take(&b, with_mcs);
	memset(b.mcs.client.dig_product_id, 'A',
	    sizeof(b.mcs.client.dig_product_id));
	names(&b, "mcs.client.dig_product_id");
}

Test(check, mcs_client_nchannels)
{
	struct broken b;

	take(&b, with_mcs);
	b.mcs.client.nchannels = RDPNEG_CHANNELS_MAX + 1;
	names(&b, "mcs.client.nchannels");
}

Test(check, mcs_client_channels)
{
	struct broken b;
	size_t last;

	take(&b, with_mcs);
	last = b.mcs.client.nchannels - 1u;
	memset(b.mcs.client.channels[last], 'A',
	    sizeof(b.mcs.client.channels[last]));
	names(&b, "mcs.client.channels");
}

Test(check, mcs_server_cert_leaf)
{
	static const uint8_t elsewhere[1];
	struct broken b;

	take(&b, with_mcs);
	b.mcs.server.cert_leaf.ptr = elsewhere;
	names(&b, "mcs.server.cert_leaf");
}

Test(check, mcs_dir_0_status)
{
	struct broken b;

	take(&b, with_mcs);
	b.mcs.dir[0].status = RDPNEG_STATUS_COUNT;
	names(&b, "mcs.dir[0].status");
}

Test(check, mcs_dir_1_status)
{
	struct broken b;

	take(&b, with_mcs);
	b.mcs.dir[1].status = 0xff;
	names(&b, "mcs.dir[1].status");
}

/* Its certificate. */

#define CERT_TEXT(test, member)						\
Test(check, test)							\
{									\
	struct broken b;						\
									\
	take(&b, with_cert);						\
	memset(b.cert.member, 'A', sizeof(b.cert.member));		\
	names(&b, "cert." #member);					\
}
CERT_TEXT(cert_subject, subject)
CERT_TEXT(cert_issuer, issuer)
CERT_TEXT(cert_names, names)
CERT_TEXT(cert_serial, serial)
CERT_TEXT(cert_key_type, key_type)
CERT_TEXT(cert_signature, signature)
#undef CERT_TEXT

Test(check, cert_serial_not_hex)
{
	struct broken b;

	take(&b, with_cert);
	b.cert.serial[0] = '"';
	names(&b, "cert.serial");
}

/* Its chain and diagnosis. */

Test(check, diag_null)
{
	struct broken b;

	take(&b, any);
	b.it.diag = NULL;
	names(&b, "diag");
}

Test(check, diag_not_a_rule)
{
	struct broken b;

	take(&b, any);
	b.diag = *b.it.diag;
	b.it.diag = &b.diag;
	names(&b, "diag");
}

Test(check, final_diag_null)
{
	struct broken b;

	take(&b, any);
	b.it.final_diag = NULL;
	names(&b, "final_diag");
}

Test(check, final_diag_not_a_rule)
{
	struct broken b;

	take(&b, any);
	b.diag = *b.it.final_diag;
	b.it.final_diag = &b.diag;
	names(&b, "final_diag");
}

Test(check, server_not_a_fingerprint)
{
	struct broken b;

	take(&b, with_server);
	b.server = *b.it.server;
	b.it.server = &b.server;
	names(&b, "server");
}

Test(check, class_none)
{
	struct broken b;

	take(&b, any);
	b.it.class = RDPNEG_CLASS_NONE;	/* no name to print */
	names(&b, "class");
}

Test(check, class_past_count)
{
	struct broken b;

	take(&b, any);
	b.it.class = RDPNEG_CLASS_COUNT;
	names(&b, "class");
}

Test(check, final_outcome)
{
	struct broken b;

	take(&b, any);
	b.it.final_outcome = RDPNEG_OUTCOME_COUNT;
	names(&b, "final_outcome");
}

/* The first broken field is named, in the order of the check. */
Test(check, first_field_named)
{
	struct broken b;

	take(&b, with_cert);
	b.it.class = RDPNEG_CLASS_COUNT;
	memset(b.cert.subject, 'A', sizeof(b.cert.subject));
	b.it.a.response_pdu_len = RDPNEG_PDU_KEEP + 1;
	names(&b, "a.response_pdu_len");
}

/* ---- What the analysis leaves free is not turned away. */

Test(check, free_values_pass)
{
	struct broken b;

	take(&b, with_tls);
	/* Every suite offered is counted; the kept ones are read. */
	b.tls.client_hello.nsuites = UINT16_MAX;
	/* Capture times are the file's, unchecked. */
	b.it.a.ts_sec = INT64_MIN;
	b.it.a.ts_nsec = UINT32_MAX;
	/* Named with a fallback, or printed as numbers. */
	b.tls.dir[1].nalerts = UINT8_MAX;
	b.tls.dir[1].alert.level = 0xff;
	b.tls.dir[1].alert.description = 0xff;
	b.tls.server_hello.suite = 0xfefe;
	b.tls.napp_total = UINT32_MAX;
	b.it.a.ev.response_value = UINT32_MAX;
	b.it.a.ev.cc_src_ref = UINT16_MAX;
	/* A tracker out of memory keeps the offset without the line. */
	b.it.a.token = NULL;
	b.it.a.token_len = 0;
	b.it.a.ev.token_value_off = 17;
	b.it.server = NULL;
	cr_assert_null(attempt_item_check(&b.it));
}

Test(check, free_mcs_and_cert_values_pass)
{
	struct broken b;

	take(&b, with_mcs);
	b.mcs.client.channel_count = UINT32_MAX;	/* as declared */
	b.mcs.server.cert_type = 0xff;
	b.mcs.server.encryption_level = UINT32_MAX;
	b.mcs.disconnect_reason = 0xff;
	b.mcs.license_error = UINT32_MAX;
	cr_assert_null(attempt_item_check(&b.it));

	take(&b, with_cert);
	b.cert.not_before = INT64_MIN;
	b.cert.not_after = INT64_MAX;
	b.cert.flags = ~0u;
	b.cert.chain_length = ~0u;
	cr_assert_null(attempt_item_check(&b.it));
}
