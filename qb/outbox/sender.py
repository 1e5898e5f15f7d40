"""Delivery passes: claim due rows atomically, send them outside any transaction, record results."""

import logging
import random
import smtplib
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from ..clock import utcnow
from ..extensions import db
from .messages import compose
from .models import BULK, FAILED, PENDING, SENDING, SENT, OutboxMessage
from .pacing import Pace
from .signing import load_signer
from .transport import make_transport

log = logging.getLogger(__name__)
outbox = OutboxMessage.__table__


@dataclass
class PassResult:
    """What one pass did, by message count."""

    sent: int = 0
    deferred: int = 0
    failed: int = 0
    unreachable: str | None = None  # why the server could not be used (refused, TLS, login …)

    @property
    def handled(self):
        return self.sent + self.deferred + self.failed


def send_due(
    config, *, ignore_backoff=False, stop=None, connect_first=False, bulk=True, on_batch=None
) -> PassResult:
    """Deliver every message due now over one connection; call inside an app context.

    `ignore_backoff` also takes pending messages whose retry time has not come yet (the
    operator's "the server is back, send now"). `stop()` true ends the pass after the message
    in hand and gives the rest of the batch back. `connect_first` (the background sender)
    claims nothing unless something is due and the server answers, so an unreachable server
    costs no database write and counts no attempt; the worker and `send` do count it.
    Normal mail is claimed before bulk mail at every batch, so a message queued during a
    campaign waits for one batch at most; `bulk=False` (the web processes' thread) leaves
    bulk mail to the worker, whose pace (OUTBOX_BULK_PER_SECOND) then holds. `on_batch(result)`
    is called after each batch (a progress bar).
    """
    result = PassResult()
    if connect_first and next_due_in(config, bulk=bulk) != 0:
        return result
    transport = make_transport(config)
    signer = load_signer(config)
    pace = Pace(float(config["OUTBOX_BULK_PER_SECOND"]))
    # Each pass visits a row at most once, even if a failure makes it due again: one cursor
    # per class, so normal mail queued meanwhile (a higher id than any bulk row) is still seen.
    after = {False: 0, True: 0}
    try:
        if connect_first and not connect(transport, "due", result):
            return result
        while not (stop and stop()):
            rows = claim(config, after=after[False], ignore_backoff=ignore_backoff)
            is_bulk = not rows and bulk
            if is_bulk:
                rows = claim(config, after=after[True], ignore_backoff=ignore_backoff, bulk=True)
            if not rows:
                break
            after[is_bulk] = rows[-1]["id"]
            paced = pace if is_bulk else None
            delivered = deliver_batch(config, transport, rows, result, stop, paced, signer)
            if on_batch is not None:
                on_batch(result)
            if not delivered:
                break
    finally:
        transport.close()
    return result


def claim(config, *, after=0, ignore_backoff=False, bulk=False):
    """Mark up to a batch of due rows as ours in one statement and return them, oldest first.

    `bulk` chooses the class: normal mail, or a campaign's (then at most a second's worth at
    OUTBOX_BULK_PER_SECOND, so that the next claim, which looks for normal mail first, comes
    soon).

    One UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) … RETURNING: PostgreSQL skips
    rows another sender holds; SQLite takes its write lock for the statement as a whole, so
    there is no read-then-write upgrade to fail with "database is locked". Claims expire
    (`locked_until`), so rows of a sender that crashed mid-send are taken again.
    """
    now = utcnow()
    due = outbox.c.status == PENDING
    if not ignore_backoff:
        due = sa.and_(due, outbox.c.next_attempt_at <= now)
    due = sa.or_(due, sa.and_(outbox.c.status == SENDING, outbox.c.locked_until <= now))
    due = sa.and_(due, outbox.c.priority >= BULK if bulk else outbox.c.priority < BULK)
    due = sa.and_(due, outbox.c.blocked_at.is_(None))  # held: its person is blocked
    size = int(config["OUTBOX_BATCH_SIZE"])
    if bulk and (per_second := float(config["OUTBOX_BULK_PER_SECOND"])) > 0:
        size = max(1, min(size, int(per_second)))
    batch = (
        sa.select(outbox.c.id)
        .where(due, outbox.c.id > after)
        .order_by(outbox.c.priority, outbox.c.id)
        .limit(size)
        .with_for_update(skip_locked=True)
    )
    claim_rows = (
        sa.update(outbox)
        .where(outbox.c.id.in_(batch), due)
        .values(
            status=SENDING,
            attempts=outbox.c.attempts + 1,
            locked_until=now + timedelta(seconds=int(config["OUTBOX_CLAIM_SECONDS"])),
        )
        .returning(*outbox.c)
    )
    with db.engine.begin() as conn:
        rows = conn.execute(claim_rows).mappings().all()
    return sorted(rows, key=lambda row: row["id"])


def connect(transport, waiting, result):
    """Open the connection; on failure note why in `result` and return False."""
    try:
        transport.open()
    except Exception as exc:  # noqa: BLE001 - refused, timeout, TLS, login: all wait and retry
        result.unreachable = classify(exc)[0]
        log.warning(
            "outbox: cannot use the mail server (%s); %s messages wait",
            result.unreachable,
            waiting,
        )
        return False
    return True


def deliver_batch(config, transport, rows, result, stop=None, pace=None, signer=None):
    """Send claimed rows in order; False when the connection failed or the pass should stop.

    `pace` (bulk mail) spaces the messages out; `signer` adds a DKIM signature to each.
    """
    if not connect(transport, len(rows), result):
        defer(config, rows, result.unreachable, result)
        return False
    for index, row in enumerate(rows):
        if (stop and stop()) or (pace is not None and not pace.wait(stop)):
            release(rows[index:])
            return False
        try:
            msg = compose(row, config["MAIL_DEFAULT_SENDER"], signer)
        except Exception as exc:  # noqa: BLE001 - one unbuildable message must not stop the rest
            record_failure(config, row, type(exc).__name__, permanent=True, result=result)
            continue
        try:
            where = transport.send(msg, row)
        except Exception as exc:  # noqa: BLE001 - classified below, never lost
            label, permanent, connection_lost = classify(exc)
            if connection_lost:
                transport.broken()
                result.unreachable = label
                log.warning("outbox: lost the mail server at message %s (%s)", row["id"], label)
                defer(config, rows[index:], label, result)
                return False
            record_failure(config, row, label, permanent=permanent, result=result)
            continue
        record_sent(row, where)
        result.sent += 1
    return True


def defer(config, rows, label, result):
    """The connection failed: every row still held waits for a later pass (attempt counted)."""
    for row in rows:
        record_failure(config, row, label, permanent=False, result=result)


def release(rows):
    """Give claimed, untried rows back as due at once, their attempt uncounted (a shutdown)."""
    with db.engine.begin() as conn:
        conn.execute(
            sa.update(outbox)
            .where(
                outbox.c.id.in_([row["id"] for row in rows]),
                outbox.c.status == SENDING,
                outbox.c.locked_until == rows[0]["locked_until"],  # still our claim
            )
            .values(status=PENDING, attempts=outbox.c.attempts - 1, locked_until=None)
        )
    log.info("outbox: stopping; gave back %s claimed messages", len(rows))


def classify(exc):
    """(label without personal data, permanent?, connection lost?) for a sending error."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code = next(iter(exc.recipients.values()), (0, b""))[0]
        return f"SMTP {code} recipient refused", code >= 500, False
    if isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
        # 421: the server is closing the connection; anything else leaves it usable.
        return f"SMTP {code} {type(exc).__name__}", 500 <= code < 600, code == 421
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return "SMTPNotSupportedError", True, False  # e.g. SMTPUTF8 address, server without it
    if isinstance(exc, (smtplib.SMTPServerDisconnected, OSError)):
        return type(exc).__name__, False, True  # refused, timeout, TLS failure, disconnect
    return type(exc).__name__, True, False


def record_sent(row, where):
    """Keep the row as the record of the transfer; drop the content (data minimisation)."""
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Not waiting for the disk here is what lets one sender pass 50 messages/s. A crash
            # could lose the last few records, and those messages would go out again with the
            # same Message-ID: the at-least-once window the claim already accepts.
            conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
        conn.execute(
            sa.update(outbox)
            .where(outbox.c.id == row["id"])
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
    if where is None:
        log.info("outbox: sent message %s (%s)", row["id"], row["kind"])
    else:
        # A warning: in development that is the point, in production mail is not going out.
        log.warning(
            "outbox: no MAIL_SERVER set, wrote message %s (%s) to %s", row["id"], row["kind"], where
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


def next_due_in(config, *, bulk=True):
    """Seconds until the next pending message is due (0 if one is due), or None if none waits.

    `bulk=False` looks at normal mail only (the web processes' thread sends no bulk mail).
    """
    normal = outbox.c.priority < BULK if not bulk else sa.true()
    with db.engine.connect() as conn:
        soonest = conn.execute(
            sa.select(sa.func.min(outbox.c.next_attempt_at)).where(
                outbox.c.status == PENDING, normal
            )
        ).scalar()
        claimed = conn.execute(
            sa.select(sa.func.min(outbox.c.locked_until)).where(outbox.c.status == SENDING, normal)
        ).scalar()
    times = [t for t in (soonest, claimed) if t is not None]
    if not times:
        return None
    return max((min(times) - utcnow()).total_seconds(), 0.0)
