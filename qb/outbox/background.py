"""One daemon thread per process that delivers due mail when a request asks it to."""

import logging
import os
import threading

from .sender import next_due_in, send_due

log = logging.getLogger(__name__)
_lock = threading.Lock()
EXTENSION = "qb.outbox.background"


class BackgroundSender:
    """Sleeps on an Event; each wake-up runs one pass in its own app context.

    Started lazily by the first request that queued mail, so a gunicorn master that preloads
    the app never owns it; a forked child notices the pid changed and starts its own.
    """

    def __init__(self, app):
        self.app = app
        self.event = threading.Event()
        self.requested = False
        self.stopping = False
        self.thread = None
        self.pid = None

    def wake(self):
        with _lock:
            if self.thread is None or not self.thread.is_alive() or self.pid != os.getpid():
                self.stopping = False
                self.pid = os.getpid()
                self.thread = threading.Thread(target=self.run, name="outbox-sender", daemon=True)
                self.thread.start()
            self.requested = True
        self.event.set()

    def run(self):
        # A pass someone asked for still runs when stop() comes in the meantime, so after
        # request_delivery() and stop() the mail has had its attempt.
        while True:
            self.event.wait(None if self.stopping else self.sleep_seconds())
            self.event.clear()
            with _lock:
                requested, self.requested = self.requested, False
            if requested or not self.stopping:
                self.run_pass()
            if self.stopping:
                return

    def run_pass(self):
        # Nothing may escape the thread: errors are logged by type (ids only), mail stays queued.
        try:
            with self.app.app_context():
                result = send_due(self.app.config)
            if result.handled:
                log.info(
                    "outbox: background pass sent %s, deferred %s, failed %s",
                    result.sent,
                    result.deferred,
                    result.failed,
                )
        except Exception as exc:  # noqa: BLE001
            log.error("outbox: background pass stopped by %s", type(exc).__name__)

    def sleep_seconds(self):
        """Until the next retry is due, at most the poll interval; None (until woken) if idle."""
        try:
            with self.app.app_context():
                due_in = next_due_in(self.app.config)
        except Exception as exc:  # noqa: BLE001
            log.error("outbox: background sender cannot read the queue: %s", type(exc).__name__)
            due_in = 0
        poll = float(self.app.config["OUTBOX_POLL_SECONDS"])
        return None if due_in is None else min(max(due_in, 0.5), poll)

    def stop(self, timeout=None):
        """Finish a requested pass, then end the thread."""
        self.stopping = True
        self.event.set()
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


def stop(app, timeout=None):
    """Stop the app's sender thread, if it has one (tests, orderly shutdown)."""
    sender = app.extensions.get(EXTENSION)
    if sender is not None:
        sender.stop(timeout)
