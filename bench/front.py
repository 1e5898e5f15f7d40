"""The production front for the benchmarks: nginx with deploy/ rendered for 127.0.0.1, a
throwaway certificate authority, the site under gunicorn (or granian) behind it, and on
request PostgreSQL and Redis of their own. Built on tests/front.py, which the front test uses.

    with running_front(database="postgres", sites=2) as front:
        front.url, front.ca, front.env, front.sites ...
"""

import contextlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fixtures.postgres import _as_owner, _bindir, throwaway_cluster  # noqa: E402
from tests.fixtures.redis import _answers_ping  # noqa: E402
from tests.front import (  # noqa: E402
    Front,
    FrontError,
    Process,
    Site,
    environment,
    flask,
    site_settings,
    wait_for,
)
from tests.ports import free_port  # noqa: E402

__all__ = ["FrontError", "Process", "free_port", "running_front", "wait_for"]


class RedisServer:
    """redis-server on a fixed loopback port that can be stopped and started again."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.port = free_port()
        self.uri = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        command = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.folder),
        ]
        self.process = Process("redis", command, self.folder)
        wait_for(lambda: _answers_ping(self.port), "redis answering", process=self.process)
        return self

    def stop(self):
        if self.process is not None:
            self.process.stop()
            self.process = None


def restart_postgres(uri):
    """Restart the PostgreSQL server behind `uri` (fast shutdown: sessions are cut)."""
    import sqlalchemy as sa

    engine = sa.create_engine(uri, poolclass=sa.NullPool)
    with engine.connect() as conn:
        data = conn.exec_driver_sql("show data_directory").scalar()
    engine.dispose()
    log = str(Path(data).parent / "log")  # where the cluster's server writes its log
    command = [f"{_bindir()}/pg_ctl", "-D", data, "-l", log, "-m", "fast", "-w", "restart"]
    # The server must not inherit a pipe of ours: it would outlive the command.
    subprocess.run(
        _as_owner(command),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=60,
        cwd=data,
    )


def bench_settings(folder, url, database_uri, redis_uri, extra):
    """Production settings, with limits high enough that a benchmark's one client address
    is never refused, and no minimum fill time (the client posts at once)."""
    settings = site_settings(Path(folder), url)
    settings.update(
        CONTACT_MIN_FILL_SECONDS=0,
        NEWSLETTER_MIN_FILL_SECONDS=0,
        CONTACT_RATE_LIMIT="1000000 per hour",
        NEWSLETTER_RATE_LIMIT="1000000 per hour",
        CONSENT_RATE_LIMIT="1000000 per hour",
        ACK_LIMIT_PER_ADDRESS=0,
        PAGE_CACHE=True,
    )
    if database_uri:
        settings["SQLALCHEMY_DATABASE_URI"] = database_uri
    if redis_uri:
        settings["RATELIMIT_STORAGE_URI"] = redis_uri
        settings["RATELIMIT_SINGLE_PROCESS"] = False
    settings.update(extra or {})
    return settings


class RunningFront:
    """What a benchmark needs of the running set-up."""

    def __init__(self, folder, front, sites, env, database_uri, redis_uri):
        self.folder = Path(folder)
        self.front = front
        self.sites = sites
        self.env = env
        self.database_uri = database_uri
        self.redis_uri = redis_uri
        self.url = front.url
        self.ca = front.ca

    def add_site(self, port=None, command=None, name=None):
        port = port or free_port()
        site = Site(
            self.folder, port, self.env, name=name or f"site{len(self.sites)}", command=command
        )
        self.sites.append(site)
        return site.wait()


@contextlib.contextmanager
def running_front(
    *,
    database="sqlite",
    redis=False,
    sites=1,
    settings=None,
    gunicorn=None,
    http_port=None,
    https_port=None,
    server_command=None,
    nginx_workers=1,
):
    """Start everything; stop everything on leaving, whatever happens.

    `sites` site instances (as many hosts would run) on ports of their own, all behind the
    one nginx; `server_command(port)` replaces gunicorn's command line (granian)."""
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="qb-bench-")))
        os.chmod(folder, 0o755)
        database_uri = None
        if database == "postgres":
            database_uri = stack.enter_context(throwaway_cluster())
        redis_server = None
        if redis:
            redis_server = RedisServer(folder).start()
            stack.callback(redis_server.stop)
        redis_uri = redis_server.uri if redis_server else None
        ports = [free_port() for _ in range(sites)]
        front = Front(
            folder,
            http_port=http_port or free_port(),
            https_port=https_port or free_port(),
            upstream=" ".join(f"127.0.0.1:{p}" for p in ports),
            nginx_workers=nginx_workers,
        )
        env = environment(
            bench_settings(folder, front.url, database_uri, redis_uri, settings),
            gunicorn or {"WORKERS": 2, "THREADS": 4},
        )
        flask(env, "db", "upgrade")
        running = []
        stack.callback(lambda: [site.stop() for site in running])
        for n, port in enumerate(ports):
            command = server_command(port) if server_command else None
            running.append(Site(folder, port, env, name=f"site{n}", command=command))
        for site in running:
            site.wait()
        stack.callback(front.stop)
        front.start()
        result = RunningFront(folder, front, running, env, database_uri, redis_uri)
        result.redis = redis_server
        yield result
