"""A throwaway redis-server on a free loopback port, with nothing saved to disk."""

import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager

START_TIMEOUT_S = 10


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers_ping(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def throwaway_redis():
    """Start redis-server on 127.0.0.1 and a free port; yield its URI; stop it afterwards."""
    binary = shutil.which("redis-server")
    if not binary:
        raise RuntimeError(
            "redis-server not found: install it (Debian: apt-get install redis-server)"
        )
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="qb-redis-") as workdir:
        command = [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            workdir,
        ]
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while not _answers_ping(port):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on port {port}")
                time.sleep(0.02)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            proc.terminate()
            proc.wait(timeout=10)
