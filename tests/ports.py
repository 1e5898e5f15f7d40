"""Free loopback ports for the servers the tests start."""

import socket

HOST = "127.0.0.1"


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now.

    Also for "down now, up later": a server started on it later, or never.
    """
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]
