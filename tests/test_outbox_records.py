"""A message the mail server accepted is recorded as sent even while the database is away,
so its claim never expires into a second copy."""

import logging
import sqlite3
import threading

import sqlalchemy as sa

from qb.extensions import db

from .outbox_helpers import queue, rows, send
from .smtp import SmtpSink


class Signal(logging.Handler):
    """Sets an event when a record containing `text` is logged."""

    def __init__(self, text):
        super().__init__()
        self.text = text
        self.seen = threading.Event()

    def emit(self, record):
        if self.text in record.getMessage():
            self.seen.set()


def watch(text):
    handler = Signal(text)
    logging.getLogger("qb.outbox.results").addHandler(handler)
    return handler


class LockAfterAccepting(SmtpSink):
    """Accepts each message, then runs `on_accept` (the database goes away at that moment)."""

    def __init__(self, on_accept):
        super().__init__()
        self.on_accept = on_accept

    def _receive(self, envelope):
        super()._receive(envelope)
        self.on_accept()


def send_in_thread(app):
    outcome = {}
    thread = threading.Thread(target=lambda: outcome.update(output=send(app)))
    thread.start()
    return thread, outcome


def test_a_locked_database_delays_the_record_of_a_send_but_never_loses_it(make_app, tmp_path):
    db_file = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(db_file, isolation_level=None, check_same_thread=False)
    sink = LockAfterAccepting(lambda: holder.execute("BEGIN IMMEDIATE")).start()
    retrying = watch("sent but not yet recorded")
    try:
        app = make_app(
            **sink.settings(),
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_file}",
            SQLITE_BUSY_TIMEOUT_MS=50,
            tables=True,
        )
        [message_id] = queue(app)
        thread, outcome = send_in_thread(app)
        assert retrying.seen.wait(60), "the sender never met the locked database"
        assert [r["status"] for r in rows_while_locked(holder)] == ["sending"]
        holder.execute("ROLLBACK")  # the database is back
        thread.join(60)
    finally:
        logging.getLogger("qb.outbox.results").removeHandler(retrying)
        sink.stop()
        holder.close()
    assert "sent 1, deferred 0, failed 0" in outcome["output"]
    [row] = rows(app)
    assert (row["id"], row["status"], row["body_text"]) == (message_id, "sent", None)
    assert len(sink.messages) == 1


def rows_while_locked(holder):
    """Readers still see the last committed state while the write lock is held (WAL)."""
    cursor = holder.execute("SELECT status FROM outbox_message")
    return [{"status": status} for (status,) in cursor.fetchall()]


def test_postgres_connections_cut_after_the_send_are_replaced(make_app, postgres_uri):
    cut = {}

    def cut_connections():
        # What a restart does to the sender's pooled connections: the server ends them.
        engine = sa.create_engine(postgres_uri)
        with engine.begin() as conn:
            cut["count"] = conn.execute(
                sa.text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar()
        engine.dispose()

    sink = LockAfterAccepting(cut_connections).start()
    retrying = watch("sent but not yet recorded")
    try:
        app = make_app(**sink.settings(), SQLALCHEMY_DATABASE_URI=postgres_uri, tables=True)
        [message_id] = queue(app)
        with app.app_context():
            db.engine.dispose()  # the pass below opens the only connection the cut can end
        output = send(app)
    finally:
        logging.getLogger("qb.outbox.results").removeHandler(retrying)
        sink.stop()
    assert cut["count"] >= 1 and retrying.seen.is_set()
    assert "sent 1, deferred 0, failed 0" in output
    assert [(r["id"], r["status"]) for r in rows(app)] == [(message_id, "sent")]
    assert len(sink.messages) == 1
