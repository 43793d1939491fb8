"""A pseudo-terminal for standard error, as a user's terminal would be
(rdpneg draws its progress line only there)."""

import os
import pty
import select


def open_terminal():
    """A new pseudo-terminal: (master, slave) descriptors."""
    return pty.openpty()


def read_terminal(master, timeout):
    """Everything written to the terminal until its last writer closes it
    (or nothing comes for timeout seconds); closes master."""
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], timeout)
        if not ready:
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:         # EIO once the slave side is closed
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    return seen
