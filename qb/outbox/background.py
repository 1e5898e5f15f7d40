"""One daemon thread per process that delivers due mail when a request asks it to."""

import atexit
import logging
import os
import threading
import time
import weakref

from .results import backoff_seconds
from .sender import next_due_in, send_due

log = logging.getLogger(__name__)
_lock = threading.Lock()
EXTENSION = "qb.outbox.background"
# How long an exiting process waits for the message in hand: a healthy server answers in
# milliseconds; rows held by a pass stuck longer are taken again when their claim expires.
EXIT_WAIT_SECONDS = 5


class BackgroundSender:
    """Sleeps on an Event; each wake-up runs one pass in its own app context.

    Started lazily by the first request that queued mail, so a gunicorn master that preloads
    the app never owns it; a forked child notices the pid changed and starts its own.
    It sends normal mail only: a campaign's bulk mail is the worker's, so that its pace holds.
    A pass connects before it claims anything. When the server cannot be reached, wake-ups
    only leave a note until a cool-down has passed (the retry backoff, at most the poll
    interval), then one pass takes everything due: while SMTP is down, enquiries do not fight
    the sender for SQLite's write lock, and the worker keeps the attempt count and backoff.
    """

    def __init__(self, app):
        self.app = app
        self.event = threading.Event()
        self.requested = False
        self.stopping = False
        self.hurry = False  # stop after the message in hand and give the rest of the batch back
        self.failures = 0  # passes in a row that could not reach the server
        self.quiet_until = 0.0  # time.monotonic() before which wake-ups only leave a note
        self.thread = None
        self.pid = None

    def wake(self):
        with _lock:
            if self.thread is None or not self.thread.is_alive() or self.pid != os.getpid():
                if self.pid is None:  # a forked child inherits this and checks its own pid
                    atexit.register(_at_exit, weakref.ref(self))
                if self.pid != os.getpid():  # first use, or a forked child: start afresh
                    self.failures, self.quiet_until = 0, 0.0
                self.stopping = self.hurry = False
                self.pid = os.getpid()
                self.thread = threading.Thread(target=self.run, name="outbox-sender", daemon=True)
                self.thread.start()
            self.requested = True
            if time.monotonic() < self.quiet_until:
                return  # the pass after the cool-down takes this mail too
        self.event.set()

    def run(self):
        # A pass someone asked for still runs when stop() comes in the meantime (unless the
        # server was unreachable moments ago or the process is exiting), so after
        # request_delivery() and stop() the mail has had its attempt.
        while True:
            self.event.wait(self.sleep_seconds())
            self.event.clear()
            with _lock:
                requested, self.requested = self.requested, False
                cooling = time.monotonic() < self.quiet_until
            if self.stopping:
                if requested and not cooling and not self.hurry:
                    self.run_pass()
                return
            if cooling:  # woken by a wake-up that raced the start of the cool-down
                with _lock:
                    self.requested = self.requested or requested
                continue
            self.run_pass()

    def run_pass(self):
        # Nothing may escape the thread: errors are logged by type (ids only), mail stays queued.
        try:
            with self.app.app_context():
                result = send_due(
                    self.app.config, stop=lambda: self.hurry, connect_first=True, bulk=False
                )
            self.cool_down(result)
            if result.handled:
                log.info(
                    "outbox: background pass sent %s, deferred %s, failed %s",
                    result.sent,
                    result.deferred,
                    result.failed,
                )
        except Exception as exc:  # noqa: BLE001
            log.error("outbox: background pass stopped by %s", type(exc).__name__)

    def cool_down(self, result):
        """After a pass that could not reach the server, let wake-ups wait for a while."""
        if result.unreachable is None:
            if result.handled:
                self.failures = 0
            return
        self.failures += 1
        config = self.app.config
        delay = min(backoff_seconds(config, self.failures), float(config["OUTBOX_POLL_SECONDS"]))
        with _lock:
            self.quiet_until = time.monotonic() + delay
        log.warning("outbox: background sender tries the mail server again in %.0f s", delay)

    def sleep_seconds(self):
        """The rest of a cool-down; else until the next retry is due, at most the poll
        interval; None (until woken) if idle or stopping."""
        if self.stopping:
            return None
        if (cooling := self.quiet_until - time.monotonic()) > 0:
            return cooling
        try:
            with self.app.app_context():
                due_in = next_due_in(self.app.config, bulk=False)
        except Exception as exc:  # noqa: BLE001
            log.error("outbox: background sender cannot read the queue: %s", type(exc).__name__)
            due_in = 0
        poll = float(self.app.config["OUTBOX_POLL_SECONDS"])
        return None if due_in is None else min(max(due_in, 0.5), poll)

    def stop(self, timeout=None, *, finish=True):
        """Finish a requested pass, then end the thread; timeout=0 asks without waiting.

        finish=False (the process exits): end the pass after the message in hand, give the
        rest of its batch back as due at once, and run no pass that was only asked for.
        """
        if not finish:
            self.hurry = True
        self.stopping = True
        self.event.set()
        if not finish:
            log.info("outbox: exiting; the background sender stops after the message in hand")
        if self.thread is not None and self.thread.ident != threading.get_ident():
            self.thread.join(timeout)


def wake(app):
    """Start this process's sender if needed and ask it for a pass; returns at once."""
    if not app.config["OUTBOX_BACKGROUND"]:
        return
    with _lock:
        sender = app.extensions.get(EXTENSION)
        if sender is None:
            sender = app.extensions[EXTENSION] = BackgroundSender(app)
    sender.wake()


def stop(app, timeout=None, *, finish=True):
    """Stop the app's sender thread, if it has one (tests, orderly shutdown)."""
    sender = app.extensions.get(EXTENSION)
    if sender is not None:
        sender.stop(timeout, finish=finish)


def _at_exit(ref):
    # gunicorn workers and `flask run` exit through the interpreter, which runs this before
    # it kills daemon threads: without it, rows of a pass in progress stay `sending` until
    # their claim expires (OUTBOX_CLAIM_SECONDS).
    sender = ref()
    if sender is not None and sender.pid == os.getpid() and sender.thread.is_alive():
        sender.stop(EXIT_WAIT_SECONDS, finish=False)
