/*
 * config.c - what the capture layer is told: the RDP server ports, the
 * connection table's size and the idle timeout (capture.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "capture/capture.h"

void
rdpneg_init_config(struct rdpneg_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ports[0] = RDPNEG_DEFAULT_PORT;
	cfg->nports = 1;
	cfg->max_connections = RDPNEG_DEFAULT_MAX_CONNECTIONS;
	cfg->idle_timeout = RDPNEG_DEFAULT_IDLE_TIMEOUT;
}

int
rdpneg_config_has_port(const struct rdpneg_config *cfg, uint16_t port)
{
	size_t i;

	for (i = 0; i < cfg->nports; i++)
		if (cfg->ports[i] == port)
			return 1;
	return 0;
}
