"""The background sender: a cool-down while the server is unreachable, a clean stop at exit."""

import subprocess
import sys
import threading
import time

import pytest

from qb.outbox import background
from qb.outbox.services import request_delivery

from .outbox_helpers import cli_env, queue, rows, send
from .ports import free_port
from .smtp import SmtpSink, mail_settings

COOLING = "background sender tries the mail server again"
# A process that queues mail, asks for delivery, and exits when told to (a gunicorn worker's end).
EXITING_PROCESS = """
import logging, sys
from qb import create_app
from qb.outbox.services import request_delivery
logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")
app = create_app()
with app.app_context():
    request_delivery()
sys.stdin.readline()
"""


def wait_until(happened, what, timeout=60):
    """Fail the test unless `happened()` becomes true within `timeout` (a fail-safe, not a time
    measurement)."""
    deadline = time.monotonic() + timeout
    while not happened():
        if time.monotonic() > deadline:
            pytest.fail(f"never happened: {what}")
        time.sleep(0.01)


def said(caplog, text):
    return lambda: any(text in record.getMessage() for record in caplog.records)


def wake(app, ids):
    """Queue and commit one message per id, asking for delivery after each, as the form does."""
    for n in ids:
        queue(app, 1, start=n)
        with app.app_context():
            request_delivery()


def test_wake_ups_wait_out_the_cool_down_and_write_nothing(make_app, hanging_smtp_server, caplog):
    app = make_app(
        **hanging_smtp_server.settings(timeout=1),
        OUTBOX_BACKGROUND=True,
        OUTBOX_RETRY_BASE_SECONDS=3600,  # a cool-down longer than the test
        OUTBOX_POLL_SECONDS=3600,
        tables=True,
    )
    wake(app, [1])
    wait_until(said(caplog, COOLING), "the first pass gave up and started a cool-down")
    wake(app, range(2, 22))
    background.stop(app, timeout=10)

    assert len(hanging_smtp_server.connections) == 1  # 21 wake-ups, one attempt
    # Nothing claimed, nothing counted: the worker keeps the attempts and the backoff.
    left = {(r["status"], r["attempts"], r["locked_until"], r["last_error"]) for r in rows(app)}
    assert len(rows(app)) == 21 and left == {("pending", 0, None, None)}


def test_after_the_cool_down_everything_due_arrives_once(make_app, caplog):
    port = free_port()  # down now, up later
    app = make_app(
        **mail_settings("127.0.0.1", port),
        OUTBOX_BACKGROUND=True,
        OUTBOX_RETRY_BASE_SECONDS=1,
        OUTBOX_POLL_SECONDS=1,
        tables=True,
    )
    wake(app, [1, 2])
    wait_until(said(caplog, COOLING), "the first pass found the server down")
    with SmtpSink(port) as sink:
        queue(app, 3, start=3)  # no wake-up: the pass after the cool-down takes these too
        received = sink.wait_for(5)
        background.stop(app, timeout=10)
        assert "sent 0, deferred 0, failed 0" in send(app, "--now")
    assert len(sink.messages) == 5
    assert {m.message["Message-ID"] for m in received} == {r["message_id"] for r in rows(app)}
    assert {(r["status"], r["attempts"]) for r in rows(app)} == {("sent", 1)}


class StopOnFirstMessage(SmtpSink):
    """A sink that, as the first message arrives, tells the app's sender its process exits."""

    app = None

    def _receive(self, envelope):
        super()._receive(envelope)
        if len(self.messages) == 1:
            background.stop(self.app, timeout=0, finish=False)  # ask, don't wait


def test_stopping_at_exit_gives_the_rest_of_the_batch_back(make_app):
    with StopOnFirstMessage() as sink:
        app = sink.app = make_app(**sink.settings(), OUTBOX_BACKGROUND=True, tables=True)
        queue(app, 5)
        with app.app_context():
            request_delivery()
        sink.wait_for(1)
        background.stop(app, timeout=10)
        assert len(sink.messages) == 1
        left = [(r["status"], r["attempts"], r["locked_until"]) for r in rows(app)]
        assert left == [("sent", 1, None)] + [("pending", 0, None)] * 4  # due again at once
        assert "sent 4, deferred 0, failed 0" in send(app)
        received = sink.wait_for(5)
    assert len({m.message["Message-ID"] for m in received}) == 5


class HoldFirstMessage(SmtpSink):
    """A sink that holds its answer to the first message until `release` is set."""

    def __init__(self):
        super().__init__()
        self.first_in = threading.Event()
        self.release = threading.Event()

    def _receive(self, envelope):
        super()._receive(envelope)
        if len(self.messages) == 1:
            self.first_in.set()
            self.release.wait(60)  # set by the test as soon as the child has said its part


def test_a_process_exiting_mid_pass_leaves_nothing_claimed(make_app, tmp_path):
    with HoldFirstMessage() as sink:
        app = make_app(**sink.settings(), tables=True)
        queue(app, 5)
        child = subprocess.Popen(
            [sys.executable, "-c", EXITING_PROCESS],
            env=cli_env(tmp_path, sink, OUTBOX_BACKGROUND=True, OUTBOX_BATCH_SIZE=50),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60  # a fail-safe for a busy machine
            while not sink.first_in.wait(0.1):
                if child.poll() is not None:
                    pytest.fail(f"the child exited before sending:\n{child.stderr.read()}")
                if time.monotonic() > deadline:
                    pytest.fail("the child's sender never sent")
            child.stdin.write("exit\n")
            child.stdin.flush()  # the child returns; its exit hook asks the sender to stop
            for line in child.stdout:
                if "stops after the message in hand" in line:
                    break
        finally:
            sink.release.set()
            out, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
        assert "gave back 4 claimed messages" in out
        assert [r["status"] for r in rows(app)] == ["sent"] + ["pending"] * 4
        assert "sent 4, deferred 0, failed 0" in send(app)
        received = sink.wait_for(5)
    assert len({m.message["Message-ID"] for m in received}) == 5
