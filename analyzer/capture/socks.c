/*
 * socks.c - SOCKS handshakes in front of a proxied RDP connection.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "capture/socks.h"
#include "rdpneg/cursor.h"

#define SOCKS_CMD_CONNECT	0x01
#define SOCKS4_GRANTED		0x5a
#define SOCKS_MAX_STRING	255

static long
result(const struct cursor *c, int valid)
{
	if (c->st == RDPNEG_TRUNCATED)
		return 0;
	return c->st == RDPNEG_OK && valid ? (long)c->off : -1;
}

/* A SOCKS5 address: type, then IPv4, a length-prefixed name or IPv6; port. */
static int
socks5_address(struct cursor *c)
{
	switch (cur_u8(c)) {
	case 1:
		cur_skip(c, 4);
		break;
	case 3:
		cur_skip(c, cur_u8(c));
		break;
	case 4:
		cur_skip(c, 16);
		break;
	default:
		return c->st != RDPNEG_OK;
	}
	cur_skip(c, 2);
	return 1;
}

/* A NUL-terminated SOCKS4 string of at most SOCKS_MAX_STRING bytes. */
static int
socks4_string(struct cursor *c)
{
	int n;

	for (n = 0; n <= SOCKS_MAX_STRING; n++)
		if (cur_u8(c) == 0)
			return 1;
	return 0;
}

long
socks_client_prefix(const uint8_t *buf, size_t len)
{
	struct cursor c;
	uint8_t ver, ip[4];
	int valid = 1, i;

	cur_init(&c, buf, len, SIZE_MAX);
	ver = cur_u8(&c);
	if (c.st == RDPNEG_OK && ver == 4) {
		valid = cur_u8(&c) == SOCKS_CMD_CONNECT;
		cur_skip(&c, 2);
		for (i = 0; i < 4; i++)
			ip[i] = cur_u8(&c);
		valid = valid && socks4_string(&c);
		/* SOCKS4a: 0.0.0.x with x != 0 announces a host name. */
		if (ip[0] == 0 && ip[1] == 0 && ip[2] == 0 && ip[3] != 0)
			valid = valid && socks4_string(&c);
		return result(&c, valid);
	}
	if (c.st == RDPNEG_OK && ver != 5)
		return -1;
	cur_skip(&c, cur_u8(&c));		/* methods */
	if (cur_peek(&c) == 0x01) {		/* RFC 1929 username/password */
		cur_skip(&c, 1);
		cur_skip(&c, cur_u8(&c));
		cur_skip(&c, cur_u8(&c));
	}
	valid = cur_u8(&c) == 5 && cur_u8(&c) == SOCKS_CMD_CONNECT &&
	    cur_u8(&c) == 0;
	valid = valid && socks5_address(&c);
	return result(&c, valid);
}

long
socks_server_prefix(const uint8_t *buf, size_t len)
{
	struct cursor c;
	uint8_t ver, method;
	int valid;

	cur_init(&c, buf, len, SIZE_MAX);
	ver = cur_u8(&c);
	if (c.st == RDPNEG_OK && ver == 0) {
		valid = cur_u8(&c) == SOCKS4_GRANTED;
		cur_skip(&c, 6);
		return result(&c, valid);
	}
	if (c.st == RDPNEG_OK && ver != 5)
		return -1;
	method = cur_u8(&c);
	if (method == 0x02)			/* RFC 1929 status */
		valid = cur_u8(&c) == 1 && cur_u8(&c) == 0;
	else
		valid = method == 0x00;
	valid = valid && cur_u8(&c) == 5 && cur_u8(&c) == 0 && cur_u8(&c) == 0;
	valid = valid && socks5_address(&c);
	return result(&c, valid);
}
