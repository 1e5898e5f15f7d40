"""Recording what became of each claimed message: sent (the transfer record) or retried later.

A message the mail server accepted must be recorded as sent, or its claim expires and it goes
out a second time. So recording a send outlasts a database that is briefly away (a restart, a
failover, a lock held too long): it tries again, with growing pauses, until the claim it holds
would expire, and only then gives up (the message may then be sent twice, with the same
Message-ID). Recording a failure needs no such care: a row left claimed is simply tried again.
"""

import logging
import random
import time
from datetime import timedelta

import sqlalchemy as sa

from ..clock import utcnow
from ..extensions import db
from .models import FAILED, PENDING, SENT, OutboxMessage

log = logging.getLogger(__name__)
outbox = OutboxMessage.__table__
FIRST_PAUSE = 0.05  # seconds before the first new attempt to record a send; doubles…
LONGEST_PAUSE = 2.0  # …up to this


def record_sent(row, where):
    """Keep the row as the record of the transfer; drop the content (data minimisation)."""
    pause = FIRST_PAUSE
    while True:
        try:
            mark_sent(row["id"])
            break
        except sa.exc.DBAPIError as exc:
            # The claim's end: after it another sender may take the row and send it again.
            if (
                row.get("locked_until") is None
                or utcnow() + timedelta(seconds=pause) >= row["locked_until"]
            ):
                raise
            log.warning(
                "outbox: message %s sent but not yet recorded (%s); trying again",
                row["id"],
                type(exc.orig).__name__ if exc.orig is not None else type(exc).__name__,
            )
            db.engine.dispose()  # connections to a restarted server are dead; open new ones
            time.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)
    if where is None:
        log.info("outbox: sent message %s (%s)", row["id"], row["kind"])
    else:
        # A warning: in development that is the point, in production mail is not going out.
        log.warning(
            "outbox: no MAIL_SERVER set, wrote message %s (%s) to %s", row["id"], row["kind"], where
        )


def mark_sent(message_id):
    """One short transaction: status sent, time, bodies and further headers erased."""
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Not waiting for the disk here is what lets one sender pass 50 messages/s. A crash
            # of the database server could lose the last few records, and those messages would
            # go out again with the same Message-ID (a clean restart writes them first).
            conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
        conn.execute(
            sa.update(outbox)
            .where(outbox.c.id == message_id)
            .values(
                status=SENT,
                sent_at=utcnow(),
                locked_until=None,
                last_error=None,
                body_text=None,
                body_html=None,
                headers=None,
                reply_to=None,
                reply_to_name=None,
            )
        )


def record_failure(config, row, label, *, permanent, result):
    """Retry later with exponential backoff and jitter, or give up and keep it as failed."""
    attempts = row["attempts"]
    give_up = permanent or attempts >= int(config["OUTBOX_MAX_ATTEMPTS"])
    values = {"locked_until": None, "last_error": label[:100]}
    if give_up:
        values["status"] = FAILED
        result.failed += 1
        log.warning(
            "outbox: message %s (%s) failed after %s attempts: %s",
            row["id"],
            row["kind"],
            attempts,
            label,
        )
    else:
        delay = backoff_seconds(config, attempts)
        values.update(status=PENDING, next_attempt_at=utcnow() + timedelta(seconds=delay))
        result.deferred += 1
        log.info(
            "outbox: message %s (%s) deferred after attempt %s: %s; retry in %.0f s",
            row["id"],
            row["kind"],
            attempts,
            label,
            delay,
        )
    with db.engine.begin() as conn:
        conn.execute(sa.update(outbox).where(outbox.c.id == row["id"]).values(**values))


def backoff_seconds(config, attempts):
    """base·2^(attempts-1), capped, times a random factor in [0.5, 1] so senders spread out."""
    base = float(config["OUTBOX_RETRY_BASE_SECONDS"])
    cap = float(config["OUTBOX_RETRY_MAX_SECONDS"])
    return min(cap, base * 2 ** max(attempts - 1, 0)) * random.uniform(0.5, 1.0)
