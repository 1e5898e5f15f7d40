"""A throwaway PostgreSQL cluster for the tests, unless QB_TEST_POSTGRES_URI names one."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _bindir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found and shutil.which("initdb"):
        found = [shutil.which("initdb")]
    if not found:
        raise RuntimeError(
            "PostgreSQL server not found: install it (Debian: apt-get install postgresql)"
        )
    return os.path.dirname(found[-1])


def _as_owner(cmd):
    # initdb and postgres refuse to run as root; Debian's package brings a postgres user.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@contextmanager
def throwaway_cluster():
    """Start a private cluster on a free loopback port; yield its URI; remove it afterwards."""
    bindir = _bindir()
    base = tempfile.mkdtemp(prefix="qb-pg-")
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    data, log, port = f"{base}/data", f"{base}/log", _free_port()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": base}
    subprocess.run(
        _as_owner(
            [
                f"{bindir}/initdb",
                "-D",
                data,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        ),
        check=True,
        **quiet,
    )
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        _as_owner([f"{bindir}/pg_ctl", "-D", data, "-l", log, "-w", "-o", options, "start"]),
        check=True,
        **quiet,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_owner([f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"]), **quiet
        )
        shutil.rmtree(base, ignore_errors=True)
