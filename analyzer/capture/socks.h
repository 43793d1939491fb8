/*
 * socks.h - step over a SOCKS4/4a/5 handshake (RFC 1928, RFC 1929 and
 * the SOCKS4 protocol note) that precedes RDP on a proxied connection.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_SOCKS_H
#define RDPNEG_SOCKS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Length of the handshake at the start of a client stream (greeting,
 * optional username/password, CONNECT) or a server stream (method choice,
 * optional auth status, successful reply): > 0 its length, 0 when more
 * bytes are needed to tell, -1 when the bytes are not such a handshake.
 */
long socks_client_prefix(const uint8_t *buf, size_t len);
long socks_server_prefix(const uint8_t *buf, size_t len);

#endif /* RDPNEG_SOCKS_H */
