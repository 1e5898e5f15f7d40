"""Several senders at once, on SQLite and PostgreSQL: every message is delivered exactly once."""

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from qb.outbox.sender import send_due

from .outbox_helpers import cli_env, queue, rows

FLASK = [str(Path(sys.executable).parent / "flask"), "--app", "qb", "outbox"]
# How long a child process may take to start and answer: a fail-safe for a busy machine,
# never waited out when things work.
WAIT_S = 60


def run_sender_threads(app, count):
    """`count` threads, released together, each running passes until one finds nothing."""
    results, errors = [], []
    start = threading.Barrier(count)

    def sender():
        try:
            with app.app_context():
                start.wait()
                while (result := send_due(app.config)).handled:
                    results.append(result)
        except Exception as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return sum(r.sent for r in results)


def assert_each_delivered_once(app, sink, count):
    received = sink.wait_for(count)
    assert len(sink.messages) == count
    message_ids = [m.message["Message-ID"] for m in received]
    assert len(set(message_ids)) == count
    stored = rows(app)
    assert set(message_ids) == {r["message_id"] for r in stored}
    assert {(r["status"], r["attempts"]) for r in stored} == {("sent", 1)}


def test_concurrent_senders_on_sqlite_send_each_message_once(make_app, smtp_server):
    app = make_app(**smtp_server.settings(), OUTBOX_BATCH_SIZE=5, tables=True)
    queue(app, 120)
    assert run_sender_threads(app, 4) == 120
    assert_each_delivered_once(app, smtp_server, 120)


@pytest.fixture
def postgres_app(make_app, postgres_uri, smtp_server):
    return make_app(
        **smtp_server.settings(), SQLALCHEMY_DATABASE_URI=postgres_uri, OUTBOX_BATCH_SIZE=5
    )


def test_concurrent_senders_on_postgresql_send_each_message_once(postgres_app, smtp_server):
    queue(postgres_app, 120)
    assert run_sender_threads(postgres_app, 4) == 120
    assert_each_delivered_once(postgres_app, smtp_server, 120)


def test_concurrent_send_processes_send_each_message_once(make_app, smtp_server, tmp_path):
    app = make_app(**smtp_server.settings(), tables=True)
    queue(app, 90)
    env = cli_env(tmp_path, smtp_server)
    senders = [
        subprocess.Popen([*FLASK, "send"], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=WAIT_S)[0] for p in senders]
    assert [p.returncode for p in senders] == [0, 0, 0]
    assert sum(int(o.split("sent ")[1].split(",")[0]) for o in outputs) == 90
    assert_each_delivered_once(app, smtp_server, 90)


class Worker:
    """`flask outbox worker` in a child process, its stdout and stderr read as lines come."""

    READY = "outbox worker running"  # printed once its signal handlers are installed

    def __init__(self, env):
        self.proc = subprocess.Popen(
            [*FLASK, "worker"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines = {"out": [], "err": []}
        self._changed = threading.Condition()
        self._readers = [
            threading.Thread(target=self._read, args=(stream, name), daemon=True)
            for stream, name in ((self.proc.stdout, "out"), (self.proc.stderr, "err"))
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream, name):
        for line in stream:
            with self._changed:
                self.lines[name].append(line)
                self._changed.notify_all()

    def text(self, name):
        with self._changed:
            return "".join(self.lines[name])

    def wait_for(self, text, name="out", count=1, timeout=WAIT_S):
        """Return once `text` has come on `name` `count` times; fail the test if the worker
        exits first, or after `timeout` (a fail-safe, not a time measurement)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while sum(text in line for line in self.lines[name]) < count:
                left = deadline - time.monotonic()
                if self.proc.poll() is not None or left <= 0:
                    pytest.fail(f"the worker never said {text!r} {count} times:\n{self.lines}")
                self._changed.wait(min(left, 0.5))

    def stop(self):
        """SIGTERM, then its exit status once it has exited."""
        self.proc.send_signal(signal.SIGTERM)
        status = self.proc.wait(timeout=WAIT_S)
        for reader in self._readers:
            reader.join(WAIT_S)
        self.proc.stdout.close()
        self.proc.stderr.close()
        return status


def test_the_worker_delivers_and_stops_cleanly_on_sigterm(make_app, smtp_server, tmp_path):
    app = make_app(**smtp_server.settings(), tables=True)
    queue(app, 3)
    worker = Worker(cli_env(tmp_path, smtp_server, OUTBOX_POLL_SECONDS=0.2))
    try:
        worker.wait_for(Worker.READY)
        smtp_server.wait_for(3, timeout=WAIT_S)
        queue(app, 2, start=4)  # picked up by a later pass, without any wake-up call
        smtp_server.wait_for(5, timeout=WAIT_S)
    finally:
        status = worker.stop()
    assert status == 0, worker.text("err")
    assert "outbox worker stopped" in worker.text("out")
    assert_each_delivered_once(app, smtp_server, 5)


def test_the_worker_outlives_an_unavailable_database(smtp_server, tmp_path):
    missing = tmp_path / "not-yet" / "qb.sqlite3"  # SQLite cannot open a file in no directory
    env = cli_env(
        tmp_path,
        smtp_server,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{missing}",
        OUTBOX_POLL_SECONDS=0.2,
    )
    worker = Worker(env)
    try:
        worker.wait_for(Worker.READY)
        # Several failed passes, and the worker still running (wait_for fails if it exits).
        worker.wait_for("database unavailable (OperationalError)", name="err", count=3)
        assert worker.proc.poll() is None
    finally:
        status = worker.stop()
    assert status == 0, worker.text("err")
    assert "outbox worker stopped" in worker.text("out")
