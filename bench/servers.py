"""Starting and stopping the gunicorn servers the benchmarks measure, on 127.0.0.1 only."""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
GUNICORN_CONFIG = ROOT / "gunicorn.conf.py"

START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 15


class BenchError(Exception):
    """The benchmark could not run (as opposed to: it ran and a target was missed)."""


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_environment(port, workdir):
    """Environment of a production-like site on 127.0.0.1:port with a throwaway database."""
    env = dict(os.environ)
    env.update(
        QB_SECRET_KEY=secrets.token_hex(32),
        # Production refuses to start without the operator the consent texts name.
        QB_OPERATOR_NAME="Qauipsiz Bolashaq LLP",
        QB_OPERATOR_BIN='"123456789012"',
        QB_TRUSTED_HOSTS='["127.0.0.1"]',
        QB_SITE_URL=f"http://127.0.0.1:{port}",
        QB_SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(workdir) / 'bench.sqlite3'}",
        QB_SESSION_COOKIE_SECURE="false",
        QB_SESSION_COOKIE_NAME="qb_session",
        # Page views use no limit; the enquiry benchmark turns limits off. Two workers
        # counting in memory would be refused at start, so say that none are counted.
        QB_RATELIMIT_ENABLED="false",
        # A development checkout's instance/config.py turns the page cache off; production
        # has it on, so measure with it on.
        QB_PAGE_CACHE="true",
    )
    return env


class Server:
    """One gunicorn (master and workers in their own process group) with the project config."""

    def __init__(self, name, app, port, env, cwd, workdir):
        self.name = name
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = Path(workdir) / f"{name}.log"
        env = dict(env, QB_GUNICORN_BIND=f"127.0.0.1:{port}")
        command = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG), app]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own process group: stop() reaches the workers too
            )

    def log_tail(self, lines=20):
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def wait_until_up(self, path="/", timeout=START_TIMEOUT_S):
        """Poll until the server answers 200, or raise BenchError with its log."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(
                    f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(self.url + path, timeout=2) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.2)
        raise BenchError(f"{self.name} did not answer within {timeout} s:\n{self.log_tail()}")

    def stop(self):
        """Stop the whole process group: TERM, then KILL if it lingers."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=STOP_TIMEOUT_S)
        # Workers that outlived their master would still be in the group.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def start_site(workdir, port=None):
    """The site (wsgi:app) under gunicorn with the production config."""
    port = port or free_port()
    return Server("site", "wsgi:app", port, site_environment(port, workdir), ROOT, workdir)


def granian_command(port, app="wsgi:app", workers=2, threads=4):
    """granian serving a WSGI app like gunicorn.conf.py serves it: two worker processes,
    loopback only, no access log, threads for the blocking WSGI calls."""
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        "--no-access-log",
        app,
    ]


class GranianServer(Server):
    """The site under granian (WSGI) instead of gunicorn; the same environment."""

    def __init__(self, name, app, port, env, cwd, workdir):
        self.name = name
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = Path(workdir) / f"{name}.log"
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                granian_command(port, app),
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )


def start_granian(workdir, port=None):
    """The site (wsgi:app) under granian with two workers."""
    port = port or free_port()
    env = site_environment(port, workdir)
    env["QB_SQLALCHEMY_DATABASE_URI"] = env["QB_SQLALCHEMY_DATABASE_URI"].replace(
        "bench.sqlite3", "bench-granian.sqlite3"
    )
    return GranianServer("granian", "wsgi:app", port, env, ROOT, workdir)


def start_minimal(workdir, port=None):
    """bench/minimal_app.py under the same gunicorn config."""
    port = port or free_port()
    return Server("minimal", "minimal_app:app", port, dict(os.environ), BENCH, workdir)


def stop_all(servers):
    for server in servers:
        try:
            server.stop()
        except Exception as exc:  # keep stopping the others
            print(f"warning: could not stop {server.name}: {exc}", file=sys.stderr)


def raise_on_sigterm():
    """Turn SIGTERM into SystemExit so that `finally` blocks stop the servers."""

    def handler(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


@contextlib.contextmanager
def running_servers(prefix, *starts):
    """The servers of `starts` (start_site, start_minimal) in one temporary folder named
    `prefix`..., all started before any is waited for, as a list once each answers "/".
    Every server started is stopped on leaving, whatever happens."""
    servers = []
    with tempfile.TemporaryDirectory(prefix=prefix) as workdir:
        try:
            for start in starts:
                servers.append(start(workdir))
            for server in servers:
                server.wait_until_up()
            yield servers
        finally:
            stop_all(servers)


def run_main(main, failure):
    """Exit with main()'s status, or print `failure: why` and exit 1 if it could not run."""
    try:
        sys.exit(main())
    except (BenchError, OSError) as exc:
        print(f"{failure}: {exc}", file=sys.stderr)
        sys.exit(1)
